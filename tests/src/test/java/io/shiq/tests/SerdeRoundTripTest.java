package io.shiq.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.avro.PriorityUpdate;
import io.shiq.schemas.ShiqRecords;
import io.shiq.schemas.registry.SchemaRegistryClient;
import io.shiq.schemas.serde.AvroDeserializer;
import io.shiq.schemas.serde.AvroSerializer;
import io.shiq.schemas.serde.WireFormat;
import io.shiq.schemas.topic.TopicSpec;
import io.shiq.schemas.topic.Topics;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every record type through the serde, the registry over HTTP and a real broker, configured the Kafka way. */
@ExtendWith(KafkaExtension.class)
class SerdeRoundTripTest {

  @Test
  void everyRecordTypeRoundTripsThroughBrokerAndRegistry(TestKafka kafka) throws Exception {
    Topics topics = kafka.newTopics();
    Map<String, SpecificRecord> sent = new HashMap<>();
    // Configured by class name and properties only, as a user swapping serdes by configuration would.
    var producerProps = kafka.producerProps();
    producerProps.put("key.serializer", StringSerializer.class.getName());
    producerProps.put("value.serializer", AvroSerializer.class.getName());
    try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(producerProps)) {
      for (SpecificRecord record : Samples.all()) {
        String topic = topics.name(specFor(record));
        producer.send(new ProducerRecord<>(topic, "k", record)).get();
        sent.put(topic, record);
      }
    }
    var consumerProps = kafka.consumerProps("roundtrip-" + UUID.randomUUID());
    consumerProps.put("key.deserializer", StringDeserializer.class.getName());
    consumerProps.put("value.deserializer", AvroDeserializer.class.getName());
    Map<String, Object> received = new HashMap<>();
    try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(consumerProps)) {
      consumer.subscribe(new ArrayList<>(sent.keySet()));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (received.size() < sent.size() && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, Object> r : consumer.poll(Duration.ofMillis(200))) {
          received.put(r.topic(), r.value());
        }
      }
    }
    assertEquals(sent.keySet(), received.keySet());
    for (var e : sent.entrySet()) {
      assertEquals(e.getValue(), received.get(e.getKey()), "record on " + e.getKey());
      assertEquals(e.getValue().getClass(), received.get(e.getKey()).getClass(), "specific class on " + e.getKey());
    }
    // Each value subject now holds exactly the compiled schema.
    SchemaRegistryClient client = kafka.registryClient();
    for (var e : sent.entrySet()) {
      String subject = WireFormat.subject(e.getKey(), false);
      assertEquals(e.getValue().getSchema(), client.schemaOfVersion(subject, "latest"), subject);
    }
  }

  /** Known answer: the exact bytes of a small record in the Confluent wire format. */
  @Test
  void wireFormatBytesAreExactlyConfluents(TestKafka kafka) {
    Topics topics = kafka.newTopics();
    SchemaRegistryClient client = kafka.registryClient();
    AvroSerializer<PriorityUpdate> serializer = new AvroSerializer<>(client);
    serializer.configure(Map.of("schema.registry.url", kafka.registryUrl()), false);
    byte[] bytes = serializer.serialize(topics.replayPriorities(), Samples.priorityUpdate());
    int id = client.lookupId(topics.replayPriorities() + "-value", PriorityUpdate.getClassSchema());
    byte[] header = ByteBuffer.allocate(5).put((byte) 0).putInt(id).array();
    byte[] body = {
        0x04, 't', '1',                                   // string "t1": zig-zag length 2, then UTF-8
        0, 0, 0, 0, 0, 0, (byte) 0xE0, 0x3F,              // double 0.5, little-endian IEEE 754
        0x06,                                             // long 3: zig-zag 6
        (byte) 0xD0, 0x0F,                                // timestamp-millis 1000: zig-zag 2000 as a varint
    };
    assertArrayEquals(header, Arrays.copyOfRange(bytes, 0, 5), "magic byte 0 + big-endian schema id " + id);
    assertArrayEquals(body, Arrays.copyOfRange(bytes, 5, bytes.length), "Avro binary body");
    AvroDeserializer<PriorityUpdate> d = new AvroDeserializer<>(client, PriorityUpdate.class);
    assertEquals(Samples.priorityUpdate(), d.deserialize(topics.replayPriorities(), bytes));
  }

  @Test
  void sameSchemaOnTwoTopicsSharesOneIdAndRegistrationIsIdempotent(TestKafka kafka) {
    Topics topics = kafka.newTopics();
    SchemaRegistryClient a = kafka.registryClient();
    SchemaRegistryClient b = kafka.registryClient(); // no shared cache: the registry itself must agree
    int id1 = a.register(topics.trajectories() + "-value", Samples.toolSession().getSchema());
    int id2 = b.register(topics.trajectoriesHistory() + "-value", Samples.toolSession().getSchema());
    int id3 = b.register(topics.trajectories() + "-value", Samples.toolSession().getSchema());
    assertEquals(id1, id2);
    assertEquals(id1, id3);
    assertEquals(List.of(1), b.versions(topics.trajectories() + "-value"));
    assertNotNull(b.schemaById(id1));
    assertTrue(b.subjects().contains(topics.trajectoriesHistory() + "-value"));
  }

  private static TopicSpec specFor(SpecificRecord record) {
    for (TopicSpec spec : Topics.ALL) {
      if (spec.valueType() == record.getClass()) {
        return spec;
      }
    }
    throw new IllegalArgumentException("no topic carries " + record.getClass());
  }

  @Test
  void everyValueTypeHasATopic() {
    for (Class<? extends SpecificRecord> type : ShiqRecords.VALUE_TYPES) {
      assertTrue(Topics.ALL.stream().anyMatch(s -> s.valueType() == type), type.getSimpleName());
    }
  }
}
