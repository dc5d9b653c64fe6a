package io.shiq.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.avro.Trajectory;
import io.shiq.schemas.SampleRecords;
import io.shiq.schemas.serde.AvroDeserializer;
import io.shiq.schemas.serde.AvroSerializer;
import io.shiq.schemas.serde.DeadLetterHeaders;
import io.shiq.schemas.serde.DeadLetterRouter;
import io.shiq.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Undecodable records go to the dead-letter topic with their original bytes and the error; the rest decode. */
@ExtendWith(KafkaExtension.class)
class DeadLetterRoutingTest {

  @Test
  void undecodableRecordsAreRoutedWithBytesAndErrorAndGoodOnesDecode(TestKafka kafka) throws Exception {
    Topics topics = kafka.newTopics();
    String topic = topics.trajectories();
    AvroSerializer<Trajectory> serializer = new AvroSerializer<>(kafka.registryClient());
    serializer.configure(Map.of("schema.registry.url", kafka.registryUrl()), false);
    byte[] good1 = serializer.serialize(topic, SampleRecords.trajectory(1, 4, 8, 512));
    byte[] good2 = serializer.serialize(topic, SampleRecords.trajectory(2, 4, 8, 512));
    byte[] wrongMagic = good1.clone();
    wrongMagic[0] = 9;
    byte[] truncated = Arrays.copyOf(good2, good2.length - 10);
    List<byte[]> values = List.of(good1, wrongMagic, truncated, good2);

    var props = kafka.producerProps();
    try (var producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < values.size(); i++) {
        // One partition so offsets are 0..3 in order.
        producer.send(new ProducerRecord<>(topic, 0, ("ep-" + i).getBytes(StandardCharsets.UTF_8), values.get(i)))
            .get();
      }
    }

    List<Trajectory> decoded = new ArrayList<>();
    DeadLetterRouter router;
    try (var dlqProducer = new KafkaProducer<>(kafka.producerProps(), new ByteArraySerializer(),
        new ByteArraySerializer());
         var consumer = new KafkaConsumer<>(kafka.consumerProps("dlq-" + UUID.randomUUID()),
             new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      router = new DeadLetterRouter(dlqProducer, topics.deadLetters());
      AvroDeserializer<Trajectory> deserializer = new AvroDeserializer<>(kafka.registryClient(), Trajectory.class);
      consumer.subscribe(List.of(topic));
      int seen = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (seen < values.size() && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          seen++;
          router.decode(r, deserializer).ifPresent(decoded::add);
        }
        consumer.commitSync();
      }
    }
    assertEquals(List.of(SampleRecords.trajectory(1, 4, 8, 512), SampleRecords.trajectory(2, 4, 8, 512)), decoded);
    assertEquals(2, router.routedCount());

    List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
    try (var consumer = new KafkaConsumer<>(kafka.consumerProps("dlq-read-" + UUID.randomUUID()),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topics.deadLetters()));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (dead.size() < 2 && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(dead::add);
      }
    }
    assertEquals(2, dead.size());
    assertArrayEquals(wrongMagic, dead.get(0).value(), "original bytes kept");
    assertArrayEquals("ep-1".getBytes(StandardCharsets.UTF_8), dead.get(0).key(), "original key kept");
    assertEquals(topic, header(dead.get(0), DeadLetterHeaders.TOPIC));
    assertEquals("0", header(dead.get(0), DeadLetterHeaders.PARTITION));
    assertEquals("1", header(dead.get(0), DeadLetterHeaders.OFFSET));
    assertTrue(header(dead.get(0), DeadLetterHeaders.ERROR_MESSAGE).contains("magic byte"));
    assertArrayEquals(truncated, dead.get(1).value());
    assertEquals("2", header(dead.get(1), DeadLetterHeaders.OFFSET));
    assertTrue(header(dead.get(1), DeadLetterHeaders.ERROR_MESSAGE).contains("truncated"),
        header(dead.get(1), DeadLetterHeaders.ERROR_MESSAGE));
    assertEquals("org.apache.kafka.common.errors.SerializationException",
        header(dead.get(1), DeadLetterHeaders.ERROR_CLASS));
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String key) {
    var h = r.headers().lastHeader(key);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
