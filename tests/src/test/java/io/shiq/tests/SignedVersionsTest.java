package io.shiq.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.shiq.actor.weights.VersionCatalog;
import io.shiq.actor.weights.VersionCheck;
import io.shiq.actor.weights.WeightSubscriber;
import io.shiq.app.metrics.ActorMeters;
import io.shiq.avro.PolicyVersion;
import io.shiq.avro.WeightChunk;
import io.shiq.avro.WeightTransport;
import io.shiq.learner.publish.WeightPublisher;
import io.shiq.policy.io.WeightsPayload;
import io.shiq.policy.model.LlamaConfig;
import io.shiq.policy.model.LlamaWeights;
import io.shiq.schemas.signing.PolicySigner;
import io.shiq.schemas.signing.PolicyVerifier;
import io.shiq.schemas.signing.SigningKeys;
import io.shiq.schemas.topic.Topics;
import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Signed policy versions on a real broker: the learner's publisher signs, an actor's subscriber given the public key
 * loads the signed version, and refuses what a test writes to the topics as an attacker would (unsigned, a signature
 * copied from another version, a signed record with its sha256 changed, a record signed by another key, a signed
 * record whose chunks are other weights): it keeps its weights, reports each refusal once with the record and the
 * reason, and the actor's metric counts them by reason.
 */
@ExtendWith(KafkaExtension.class)
class SignedVersionsTest {
  private static final LlamaConfig CONFIG = new LlamaConfig(64, 172, 2, 8, 4, 512, 256, 10000, 1e-5, false, true,
      LlamaConfig.RopeLayout.PAIRS);
  private static final int CHUNK = 64 * 1024;
  private static final KeyPair LEARNER = SigningKeys.generate();
  private static final KeyPair STRANGER = SigningKeys.generate();

  @Test
  void anActorLoadsOnlySignedVersionsAndCountsWhatItRefuses(TestKafka kafka) throws Exception {
    Topics topics = kafka.newTopics();
    PolicySigner signer = new PolicySigner(LEARNER.getPrivate());
    PolicyVerifier trusted = new PolicyVerifier(List.of(LEARNER.getPublic()));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ActorMeters meters = new ActorMeters(registry, "signed-actor");
    List<VersionCheck.Rejection> refused = new CopyOnWriteArrayList<>();
    VersionCheck check = VersionCheck.signedBy(trusted).addListener(meters::onRejected).addListener(refused::add);
    try (KafkaProducer<String, SpecificRecord> producer = kafka.clients().avroProducer(Map.of());
         Admin admin = kafka.admin();
         LlamaWeights good = LlamaWeights.random(CONFIG, 1, Device.cpu());
         LlamaWeights evil = LlamaWeights.random(CONFIG, 66, Device.cpu());
         LlamaWeights next = LlamaWeights.random(CONFIG, 9, Device.cpu());
         WeightSubscriber sub = new WeightSubscriber(kafka.clients(), topics, "main", 0, Device.cpu(), check)) {
      WeightPublisher publisher = new WeightPublisher(producer, admin, topics, CHUNK, 5, signer);
      PolicyVersion v1 = publisher.publish("main", 1, 10, good, "shiq", null);
      assertEquals(signer.keyId(), v1.getSigningKeyId());
      WeightSubscriber.Loaded loaded = sub.poll(Duration.ofSeconds(20)).orElseThrow();
      assertEquals(1, loaded.announcement().getVersion());
      assertTrue(trusted.verify(loaded.announcement()).ok(), "the announcement read back verifies");
      assertWeightsEqual(good, loaded.weights());
      loaded.weights().close();

      byte[] bad = WeightsPayload.encode(evil);
      Map<Long, String> expected = new HashMap<>();
      Map<Long, Long> offsets = new HashMap<>();
      // (a) unsigned
      offsets.put(2L, send(producer, topics, bad, announcement(2, bad)));
      expected.put(2L, "unsigned");
      // (b) v1's valid signature copied onto another version with other weights
      offsets.put(3L, send(producer, topics, bad, PolicyVersion.newBuilder(announcement(3, bad))
          .setSigningKeyId(v1.getSigningKeyId()).setSignature(v1.getSignature()).build()));
      expected.put(3L, "bad-signature");
      // (b') the learner's signed v1 record with its version, size and sha256 changed to the other weights
      offsets.put(4L, send(producer, topics, bad, PolicyVersion.newBuilder(v1).setVersion(4)
          .setSizeBytes(bad.length).setSha256(WeightsPayload.sha256(bad)).build()));
      expected.put(4L, "bad-signature");
      // (c) well signed, by a key the actor does not trust
      offsets.put(5L, send(producer, topics, bad, new PolicySigner(STRANGER.getPrivate()).sign(announcement(5, bad))));
      expected.put(5L, "unknown-key");
      // (d) signed by the learner's key for the good weights, but the chunks on the topic are the other weights
      offsets.put(6L, send(producer, topics, bad, signer.sign(announcement(6, WeightsPayload.encode(good)))));
      expected.put(6L, "sha256-mismatch");

      assertTrue(sub.poll(Duration.ofSeconds(15)).isEmpty(), "nothing loaded; rejections: " + refused);
      assertEquals(1, sub.assembler().current(), "the signed v1 stays in use");
      Map<Long, String> reasons = new HashMap<>();
      for (VersionCheck.Rejection r : refused) {
        assertEquals(null, reasons.put(r.version(), r.reason()), "one report per version: " + refused);
        assertEquals("main", r.arm());
        assertEquals(topics.policyVersions() + "-0@" + offsets.get(r.version()), r.where(), r.toString());
      }
      assertEquals(expected, reasons, refused.toString());
      assertEquals(1.0, rejected(registry, "unsigned"));
      assertEquals(2.0, rejected(registry, "bad-signature"));
      assertEquals(1.0, rejected(registry, "unknown-key"));
      assertEquals(1.0, rejected(registry, "sha256-mismatch"));
      assertEquals(0.0, rejected(registry, VersionCheck.INCOMPLETE));

      // Nothing is reported twice, and the learner's next signed version is still taken.
      assertTrue(sub.poll(Duration.ofSeconds(3)).isEmpty());
      assertEquals(5, refused.size(), refused.toString());
      publisher.publish("main", 9, 90, next, "shiq", 1L);
      loaded = sub.poll(Duration.ofSeconds(20)).orElseThrow();
      assertEquals(9, loaded.announcement().getVersion());
      assertWeightsEqual(next, loaded.weights());
      loaded.weights().close();

      // The catalog of experiment actors keeps only verified announcements, and refuses v6's weights once.
      List<VersionCheck.Rejection> byCatalog = new CopyOnWriteArrayList<>();
      try (VersionCatalog catalog = new VersionCatalog(kafka.clients(), topics, Device.cpu(),
          VersionCheck.signedBy(trusted).addListener(byCatalog::add))) {
        catalog.refresh(Duration.ofSeconds(10));
        assertEquals(9, catalog.latest("main").orElseThrow().getVersion());
        for (long v = 2; v <= 5; v++) {
          assertTrue(catalog.get("main", v).isEmpty(), "v" + v + " is not in the catalog");
        }
        PolicyVersion v6 = catalog.get("main", 6).orElseThrow(); // signed: admitted, but its bytes are not
        assertThrows(IllegalStateException.class, () -> catalog.load(v6));
        assertThrows(IllegalStateException.class, () -> catalog.load(v6));
        catalog.load(catalog.latest("main").get()).close();
      }
      Map<Long, String> catalogReasons = new HashMap<>();
      byCatalog.forEach(r -> assertEquals(null, catalogReasons.put(r.version(), r.reason()), byCatalog.toString()));
      assertEquals(expected, catalogReasons);
    }
  }

  @Test
  void withoutAKeyTheSubscriberLoadsWhatItIsGivenAsBefore(TestKafka kafka) throws Exception {
    // The contrast that makes the test above meaningful: the same unsigned record is loaded when nothing is checked.
    Topics topics = kafka.newTopics();
    try (KafkaProducer<String, SpecificRecord> producer = kafka.clients().avroProducer(Map.of());
         LlamaWeights w = LlamaWeights.random(CONFIG, 4, Device.cpu());
         WeightSubscriber sub = new WeightSubscriber(kafka.clients(), topics, "main", 0, Device.cpu())) {
      byte[] payload = WeightsPayload.encode(w);
      send(producer, topics, payload, announcement(2, payload));
      WeightSubscriber.Loaded loaded = sub.poll(Duration.ofSeconds(20)).orElseThrow();
      assertEquals(2, loaded.announcement().getVersion());
      loaded.weights().close();
      assertTrue(!sub.check().verifies());
    }
  }

  private static double rejected(SimpleMeterRegistry registry, String reason) {
    return registry.get("shiq.actor.versions.rejected").tag("actor", "signed-actor").tag("reason", reason).counter()
        .count();
  }

  /** An unsigned announcement of {@code payload} as version {@code version} of main. */
  private static PolicyVersion announcement(long version, byte[] payload) {
    return PolicyVersion.newBuilder().setArm("main").setVersion(version).setLearnerStep(version * 10)
        .setFormat("safetensors").setModelConfigJson(WeightsPayload.configJson(CONFIG)).setSizeBytes(payload.length)
        .setSha256(WeightsPayload.sha256(payload)).setTransport(WeightTransport.KAFKA_CHUNKS)
        .setChunkCount((payload.length + CHUNK - 1) / CHUNK).setObjective("shiq").setCreatedAt(Instant.now()).build();
  }

  /** Sends {@code chunks} (consistent chunk digests) as the announcement's version, then the announcement. */
  private static long send(KafkaProducer<String, SpecificRecord> producer, Topics topics, byte[] chunks,
                           PolicyVersion announcement) throws Exception {
    int count = (chunks.length + CHUNK - 1) / CHUNK;
    long version = announcement.getVersion();
    for (int i = 0; i < count; i++) {
      byte[] data = Arrays.copyOfRange(chunks, i * CHUNK, Math.min(chunks.length, (i + 1) * CHUNK));
      producer.send(new ProducerRecord<>(topics.policyWeights(), "main/" + version + "/" + i,
          WeightChunk.newBuilder().setArm("main").setVersion(version).setIndex(i).setCount(count)
              .setOffsetBytes((long) i * CHUNK).setData(ByteBuffer.wrap(data)).setSha256(WeightsPayload.sha256(data))
              .build())).get();
    }
    return producer.send(new ProducerRecord<>(topics.policyVersions(), "main", announcement)).get().offset();
  }

  private static void assertWeightsEqual(LlamaWeights expected, LlamaWeights actual) {
    var a = expected.toHost();
    var b = actual.toHost();
    assertEquals(a.keySet(), b.keySet());
    a.forEach((k, v) -> assertArrayEquals(v, b.get(k), k));
  }
}
