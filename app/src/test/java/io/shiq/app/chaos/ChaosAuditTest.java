package io.shiq.app.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.avro.LearnerMetrics;
import io.shiq.avro.PolicyVersion;
import io.shiq.avro.ReplayBatch;
import io.shiq.avro.ReplayItem;
import io.shiq.avro.ReplayOrigin;
import io.shiq.avro.WeightTransport;
import io.shiq.embedded.EmbeddedStack;
import io.shiq.schemas.kafka.KafkaClients;
import io.shiq.schemas.serde.DeadLetterHeaders;
import io.shiq.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit finds each kind of fault it exists for, in topics written by hand on a real broker. */
class ChaosAuditTest {

  @Test
  void findsLostTrajectoriesBatchesTrainedTwiceSkippedSequencesStrayDeadLettersAndStaleActors(@TempDir Path dir)
      throws Exception {
    try (EmbeddedStack stack = EmbeddedStack.start(EmbeddedStack.Options.ephemeral())) {
      KafkaClients kafka = stack.clients();
      Topics topics = stack.topics();
      String changelog = "aud-replay-entries-changelog";
      try (Admin admin = kafka.admin()) {
        admin.createTopics(List.of(new NewTopic(changelog, 1, (short) 1))).all().get();
      }
      // Acknowledged: t1 (in the table), t2 (sampled, then removed), t3 (inserted, then removed unsampled), t4 (never
      // reached the table).
      Path acks = dir.resolve("a.acks");
      Files.writeString(acks, "t1\tx\t0\t1\nt2\tx\t0\t2\nt3\tx\t0\t3\nt4\tx\t0\t4\nt5\tx\t0");
      try (KafkaProducer<byte[], byte[]> raw = kafka.producer(new ByteArraySerializer(), new ByteArraySerializer(),
          Map.of()); KafkaProducer<String, SpecificRecord> avro = kafka.avroProducer(Map.of())) {
        for (String[] kv : new String[][] {{"t1", "x"}, {"t2", "x"}, {"t2", null}, {"t3", "x"}, {"t3", null}}) {
          raw.send(new ProducerRecord<>(changelog, bytes(kv[0]), kv[1] == null ? null : bytes(kv[1])));
        }
        // Batches 1, 3 and 4 of one replay partition (2 never came); the learner trains 1 twice, 3 once, and reports
        // skipping 4.
        for (long seq : new long[] {1, 3, 4}) {
          avro.send(new ProducerRecord<>(topics.replayBatches(), "b" + seq, batch(seq, seq == 1 ? "t2" : "t1")));
        }
        long step = 0;
        for (long seq : new long[] {1, 1, 3}) {
          avro.send(new ProducerRecord<>(topics.learnerMetrics(), "m", metrics(++step, "replay-aud-p0-" + seq)));
        }
        // Injected at offsets 10 and 11; the DLQ holds 10 (right reason) and a stray 12.
        raw.send(deadLetter(topics, 10, "invalid trajectory x: episode reward is NaN (reward)"));
        raw.send(deadLetter(topics, 12, "undecodable: something else"));
        avro.send(new ProducerRecord<>(topics.policyVersions(), "main", version(1, "aa")));
        avro.send(new ProducerRecord<>(topics.policyVersions(), "main", version(2, "bb")));
      }
      List<ChaosAudit.Injected> injected = List.of(
          new ChaosAudit.Injected(BadRecords.Kind.NAN_REWARD, "k10", topics.trajectories(), 0, 10),
          new ChaosAudit.Injected(BadRecords.Kind.NO_ACTION_TOKEN, "k11", topics.trajectories(), 0, 11));
      String learnerLog = "WARN learner x: skipping the batch at topic " + topics.replayBatches()
          + " partition 0 offset 2: no usable trajectory\n";
      ChaosAudit.Result r = ChaosAudit.run(kafka, topics, "aud", List.of(acks), injected, learnerLog,
          List.of(new ChaosAudit.ActorCheck("a1", 2, "bb", ""), new ChaosAudit.ActorCheck("a2", 1, "aa", "")), "main");

      assertEquals(4, r.acked(), "the cut last line is no acknowledgement");
      assertEquals(2, r.lost(), r.problems().toString());
      assertEquals(1, r.trainedTwice(), r.problems().toString());
      assertEquals(1, r.skipped(), "sequence 2: " + r.problems());
      assertEquals(1, r.reportedSkips());
      assertEquals(2, r.dlqExpected());
      assertEquals(2, r.dlqFound());
      assertEquals(1, r.dlqMatched());
      assertEquals(2, r.lastVersion());
      assertFalse(r.actorsOnLastVersion());
      assertFalse(r.passed());
      String problems = String.join("\n", r.problems());
      for (String expected : List.of("lost: t3", "lost: t4", "trained twice: batch replay-aud-p0-1",
          "sequence numbers [2]", "dead letter not injected", "NO_ACTION_TOKEN", "a2 ends on v1")) {
        assertTrue(problems.contains(expected), expected + " in\n" + problems);
      }
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static ReplayBatch batch(long seq, String trajectory) {
    ReplayItem item = ReplayItem.newBuilder().setTrajectory(BadRecords.trajectory(trajectory))
        .setOrigin(ReplayOrigin.FRESH).setSourceTopic("x").setSourcePartition(0).setSourceOffset(seq)
        .setTimesSampled(1).setInsertedAt(Instant.EPOCH).build();
    return ReplayBatch.newBuilder().setBatchId("replay-aud-p0-" + seq).setSequence(seq).setLearnerId(null)
        .setCreatedAt(Instant.EPOCH).setItems(new ArrayList<>(List.of(item))).setPolicyVersionAtSampling(0)
        .setTableSize(1).setSampler("uniform").build();
  }

  private static LearnerMetrics metrics(long step, String batchId) {
    return LearnerMetrics.newBuilder().setLearnerId("l").setArm("main").setStep(step).setPolicyVersion(0)
        .setCreatedAt(Instant.EPOCH).setObjective("shiq").setBatchId(batchId).setLoss(0).setMeanReward(0)
        .setKlToRef(0).setMeanAbsResidual(0).setGradNorm(0).setLearningRate(0).setTokensPerSecond(0)
        .setTrajectories(1).setActionTokens(1).build();
  }

  private static PolicyVersion version(long v, String sha) {
    return PolicyVersion.newBuilder().setArm("main").setVersion(v).setLearnerStep(v).setFormat("safetensors")
        .setModelConfigJson("{}").setSizeBytes(1).setSha256(sha).setTransport(WeightTransport.KAFKA_CHUNKS)
        .setChunkCount(1).setObjective("shiq").setCreatedAt(Instant.EPOCH).build();
  }

  private static ProducerRecord<byte[], byte[]> deadLetter(Topics topics, long offset, String reason) {
    ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topics.deadLetters(), bytes("k"), bytes("v"));
    r.headers().add(DeadLetterHeaders.TOPIC, bytes(topics.trajectories()))
        .add(DeadLetterHeaders.PARTITION, bytes("0")).add(DeadLetterHeaders.OFFSET, bytes(Long.toString(offset)))
        .add(DeadLetterHeaders.REASON, bytes(reason));
    return r;
  }
}
