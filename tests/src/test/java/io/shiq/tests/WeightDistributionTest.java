package io.shiq.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.shiq.actor.weights.WeightSubscriber;
import io.shiq.avro.PolicyVersion;
import io.shiq.avro.WeightChunk;
import io.shiq.avro.WeightTransport;
import io.shiq.learner.publish.WeightPublisher;
import io.shiq.policy.io.WeightsPayload;
import io.shiq.policy.model.LlamaConfig;
import io.shiq.policy.model.LlamaWeights;
import io.shiq.schemas.serde.AvroSerializer;
import io.shiq.schemas.topic.Topics;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Weight distribution over a real broker: chunked publication, verified reassembly, rejection, restart, retention. */
@ExtendWith(KafkaExtension.class)
class WeightDistributionTest {
  private static final LlamaConfig CONFIG = new LlamaConfig(64, 172, 2, 8, 4, 512, 256, 10000, 1e-5, false, true,
      LlamaConfig.RopeLayout.PAIRS);
  private static final int CHUNK = 64 * 1024; // small chunks so that a small model spans several

  private static KafkaProducer<String, SpecificRecord> producer(TestKafka kafka) {
    AvroSerializer<SpecificRecord> s = new AvroSerializer<>(kafka.registryClient());
    s.configure(Map.of("schema.registry.url", kafka.registryUrl()), false);
    return new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), s);
  }

  private static WeightSubscriber subscriber(TestKafka kafka, Topics topics, String arm, long current) {
    return new WeightSubscriber(kafka.clients(), topics, arm, current, Device.cpu());
  }

  @Test
  void aSubscriberThatFellBehindThePrunedChunksStillGetsTheNewestVersion(TestKafka kafka) throws Exception {
    Topics topics = kafka.newTopics();
    try (KafkaProducer<String, SpecificRecord> producer = producer(kafka); Admin admin = kafka.admin();
         WeightSubscriber sub = subscriber(kafka, topics, "main", 0);
         LlamaWeights w = LlamaWeights.random(CONFIG, 5, Device.cpu())) {
      WeightPublisher publisher = new WeightPublisher(producer, admin, topics, CHUNK, 1);
      publisher.publish("main", 1, 1, w, "shiq", null);
      Optional<WeightSubscriber.Loaded> first = sub.poll(Duration.ofSeconds(20));
      assertEquals(1, first.orElseThrow().announcement().getVersion());
      first.get().weights().close();
      // While the actor does not read (paused, slow), the publisher prunes everything its position points at.
      for (long v = 2; v <= 4; v++) {
        publisher.publish("main", v, v, w, "shiq", v - 1);
      }
      Optional<WeightSubscriber.Loaded> newest = sub.poll(Duration.ofSeconds(20));
      assertEquals(4, newest.orElseThrow().announcement().getVersion(), "rejected: " + sub.assembler().rejected());
      newest.get().weights().close();
    }
  }

  @Test
  void versionsArriveVerifiedAndBadOnesAreRejected(TestKafka kafka) throws Exception {
    Topics topics = kafka.newTopics();
    try (KafkaProducer<String, SpecificRecord> producer = producer(kafka); Admin admin = kafka.admin();
         LlamaWeights v1 = LlamaWeights.random(CONFIG, 1, Device.cpu());
         LlamaWeights v2 = LlamaWeights.random(CONFIG, 2, Device.cpu());
         LlamaWeights other = LlamaWeights.random(CONFIG, 3, Device.cpu())) {
      WeightPublisher publisher = new WeightPublisher(producer, admin, topics, CHUNK, 2);
      long v1Start;
      PolicyVersion a1 = publisher.publish("main", 1, 100, v1, "shiq", null);
      v1Start = 0;
      assertTrue(a1.getChunkCount() > 3, "several chunks: " + a1.getChunkCount());
      try (WeightSubscriber sub = subscriber(kafka, topics, "main", -1)) {
        Optional<WeightSubscriber.Loaded> got = sub.poll(Duration.ofSeconds(20));
        assertEquals(1, got.orElseThrow().announcement().getVersion());
        assertWeightsEqual(v1, got.get().weights());
        got.get().weights().close();

        publisher.publish("main", 2, 200, v2, "shiq", 1L);
        publisher.publish("other-arm", 10, 1000, other, "shiq", null); // another arm: ignored
        got = sub.poll(Duration.ofSeconds(20));
        assertEquals(2, got.orElseThrow().announcement().getVersion());
        assertWeightsEqual(v2, got.get().weights());
        got.get().weights().close();

        // v3 with a corrupted chunk, v4 with a missing chunk: both rejected, v2 stays.
        byte[] payload = WeightsPayload.encode(v1);
        sendVersion(producer, topics, "main", 3, payload, 1, -1);
        sendVersion(producer, topics, "main", 4, payload, -1, 1);
        assertTrue(sub.poll(Duration.ofSeconds(20)).isEmpty());
        assertEquals(2, sub.assembler().current());
        assertTrue(sub.assembler().rejected().containsAll(List.of(3L, 4L)), sub.assembler().rejected().toString());

        // An older version announced again (complete and valid) never replaces the newer one; the publisher itself
        // refuses to go back.
        sendVersion(producer, topics, "main", 1, payload, -1, -1);
        assertTrue(sub.poll(Duration.ofSeconds(10)).isEmpty());
        assertEquals(2, sub.assembler().current());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> publisher.publish("main", 2, 300, v1, "shiq", null));
      }
      // A restarted actor reads both topics from the start and loads the latest complete version.
      try (WeightSubscriber restarted = subscriber(kafka, topics, "main", -1)) {
        WeightSubscriber.Loaded loaded = restarted.poll(Duration.ofSeconds(20)).orElseThrow();
        assertEquals(2, loaded.announcement().getVersion());
        loaded.weights().close();
      }
      // Retention: 2 versions per arm are kept; a third version of main cuts v1's chunks.
      try (LlamaWeights v5 = LlamaWeights.random(CONFIG, 5, Device.cpu())) {
        publisher.publish("main", 5, 500, v5, "shiq", 2L);
      }
      long start = admin.listOffsets(Map.of(new TopicPartition(topics.policyWeights(), 0),
              org.apache.kafka.clients.admin.OffsetSpec.earliest())).all().get()
          .get(new TopicPartition(topics.policyWeights(), 0)).offset();
      assertTrue(start >= v1Start + a1.getChunkCount(), "chunks of v1 deleted, log starts at " + start);
    }
  }

  @Test
  void versionsTooBigForKafkaTravelAsAVerifiedFileUri(TestKafka kafka, @org.junit.jupiter.api.io.TempDir
      java.nio.file.Path shared) throws Exception {
    Topics topics = kafka.newTopics();
    try (KafkaProducer<String, SpecificRecord> producer = producer(kafka); Admin admin = kafka.admin();
         LlamaWeights v20 = LlamaWeights.random(CONFIG, 20, Device.cpu());
         LlamaWeights v21 = LlamaWeights.random(CONFIG, 21, Device.cpu());
         WeightSubscriber sub = subscriber(kafka, topics, "main", -1)) {
      WeightPublisher publisher = new WeightPublisher(producer, admin, topics, CHUNK, 2);
      PolicyVersion a = publisher.publishUri("main", 20, 2000, v20, "shiq", null, shared);
      assertEquals(WeightTransport.URI, a.getTransport());
      WeightSubscriber.Loaded got = sub.poll(Duration.ofSeconds(20)).orElseThrow();
      assertEquals(20, got.announcement().getVersion());
      assertWeightsEqual(v20, got.weights());
      got.weights().close();
      // A file altered after the announcement is rejected; v20 stays in use.
      PolicyVersion b = publisher.publishUri("main", 21, 2100, v21, "shiq", 20L, shared);
      java.nio.file.Path file = java.nio.file.Path.of(java.net.URI.create(b.getUri()));
      byte[] bytes = java.nio.file.Files.readAllBytes(file);
      bytes[bytes.length - 1] ^= 0x01;
      java.nio.file.Files.write(file, bytes);
      assertTrue(sub.poll(Duration.ofSeconds(10)).isEmpty());
      assertEquals(20, sub.assembler().current());
      assertTrue(sub.assembler().rejected().contains(21L));
    }
  }

  /** Sends chunks and an announcement by hand: chunk {@code corrupt} gets a flipped byte, {@code missing} is left out. */
  private static void sendVersion(KafkaProducer<String, SpecificRecord> producer, Topics topics, String arm,
                                  long version, byte[] payload, int corrupt, int missing) throws Exception {
    int count = (payload.length + CHUNK - 1) / CHUNK;
    for (int i = 0; i < count; i++) {
      if (i == missing) {
        continue;
      }
      byte[] data = Arrays.copyOfRange(payload, i * CHUNK, Math.min(payload.length, (i + 1) * CHUNK));
      String sha = WeightsPayload.sha256(data);
      if (i == corrupt) {
        data[7] ^= 0x5A;
      }
      producer.send(new ProducerRecord<>(topics.policyWeights(), arm + "/" + version + "/" + i,
          WeightChunk.newBuilder().setArm(arm).setVersion(version).setIndex(i).setCount(count)
              .setOffsetBytes((long) i * CHUNK).setData(ByteBuffer.wrap(data)).setSha256(sha).build())).get();
    }
    producer.send(new ProducerRecord<>(topics.policyVersions(), arm, PolicyVersion.newBuilder().setArm(arm)
        .setVersion(version).setLearnerStep(version * 100).setFormat("safetensors")
        .setModelConfigJson(WeightsPayload.configJson(CONFIG)).setSizeBytes(payload.length)
        .setSha256(WeightsPayload.sha256(payload)).setTransport(WeightTransport.KAFKA_CHUNKS).setChunkCount(count)
        .setObjective("shiq").setCreatedAt(Instant.now()).build())).get();
  }

  private static void assertWeightsEqual(LlamaWeights expected, LlamaWeights actual) {
    var a = expected.toHost();
    var b = actual.toHost();
    assertEquals(a.keySet(), b.keySet());
    a.forEach((k, v) -> assertArrayEquals(v, b.get(k), k));
  }
}
