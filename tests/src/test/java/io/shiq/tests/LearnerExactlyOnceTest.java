package io.shiq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.shiq.avro.LearnerMetrics;
import io.shiq.avro.PolicyVersion;
import io.shiq.avro.PriorityUpdate;
import io.shiq.avro.ReplayBatch;
import io.shiq.avro.ReplayItem;
import io.shiq.avro.ReplayOrigin;
import io.shiq.avro.Role;
import io.shiq.avro.Trajectory;
import io.shiq.avro.TrajectoryOrigin;
import io.shiq.avro.Turn;
import io.shiq.learner.objective.ObjectiveConfig;
import io.shiq.learner.service.LearnerListener;
import io.shiq.learner.service.LearnerService;
import io.shiq.learner.service.LearnerSettings;
import io.shiq.learner.train.OptimizerConfig;
import io.shiq.learner.train.TrainerConfig;
import io.shiq.policy.model.LlamaConfig;
import io.shiq.policy.model.LlamaWeights;
import io.shiq.schemas.serde.AvroDeserializer;
import io.shiq.schemas.serde.AvroSerializer;
import io.shiq.schemas.topic.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The learner service over a real broker, crashed at every point of a step (after training in memory, after the
 * checkpoint, between steps, and on a publish step before publishing): the batches it reports having trained on are
 * exactly the batches of the topic, in order, with no gap and no repeat, and every version is announced once.
 */
@ExtendWith(KafkaExtension.class)
class LearnerExactlyOnceTest {
  private static final int K = 4;
  private static final LlamaConfig MODEL = LlamaConfig.tiny(K + 1);

  /** Thrown from a fault hook: the learner thread stops right there, as in a crash. */
  private static final class Crash extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Crash(String where) {
      super(where);
    }
  }

  @Test
  void everyBatchIsTrainedOnceAcrossCrashes(TestKafka kafka, @TempDir Path dir) throws Exception {
    Topics topics = kafka.newTopics();
    int batches = 14;
    List<String> ids = produceBatches(kafka, topics, batches);
    LearnerSettings settings = new LearnerSettings(kafka.kafkaSettings(), topics, "l1",
        "main", dir.resolve("ckpt"), 3, 1, batches, false);
    // (step, point) at which the learner "dies"; step 9 is a publish step: it dies before announcing v3.
    List<Object[]> crashes = List.of(new Object[] {2L, LearnerService.FaultPoint.AFTER_TRAIN},
        new Object[] {4L, LearnerService.FaultPoint.AFTER_CHECKPOINT},
        new Object[] {6L, LearnerService.FaultPoint.AFTER_STEP},
        new Object[] {9L, LearnerService.FaultPoint.AFTER_CHECKPOINT},
        new Object[] {11L, LearnerService.FaultPoint.AFTER_TRAIN});
    int restarts = runWithCrashes(settings, crashes);
    assertEquals(crashes.size(), restarts);

    List<LearnerMetrics> reported = readAll(kafka, topics.learnerMetrics(), LearnerMetrics.class);
    List<Long> steps = reported.stream().map(LearnerMetrics::getStep).toList();
    List<String> trained = reported.stream().map(m -> m.getBatchId().toString()).toList();
    List<Long> expectedSteps = new ArrayList<>();
    for (long s = 1; s <= batches; s++) {
      expectedSteps.add(s);
    }
    assertEquals(expectedSteps, steps, "reported steps: no gap, no repeat");
    assertEquals(ids, trained, "trained batch ids: the topic's batches, in order, once each");

    List<PolicyVersion> versions = readAll(kafka, topics.policyVersions(), PolicyVersion.class);
    assertEquals(List.of(1L, 2L, 3L, 4L), versions.stream().map(PolicyVersion::getVersion).toList());
    assertEquals(List.of(3L, 6L, 9L, 12L), versions.stream().map(PolicyVersion::getLearnerStep).toList());

    List<PriorityUpdate> priorities = readAll(kafka, topics.replayPriorities(), PriorityUpdate.class);
    assertEquals(batches * 4, priorities.size(), "one priority per trajectory per trained step");
    assertTrue(priorities.stream().allMatch(p -> Double.isFinite(p.getPriority()) && p.getPriority() >= 0));
  }

  @Test
  void withSparseCheckpointsACrashRetrainsFromTheCheckpointAndReportsOnce(TestKafka kafka, @TempDir Path dir)
      throws Exception {
    Topics topics = kafka.newTopics();
    int batches = 10;
    List<String> ids = produceBatches(kafka, topics, batches);
    LearnerSettings settings = new LearnerSettings(kafka.kafkaSettings(), topics, "l2",
        "main", dir.resolve("ckpt"), 5, 4, batches, false);
    runWithCrashes(settings, List.of(new Object[] {7L, LearnerService.FaultPoint.AFTER_STEP},
        new Object[] {8L, LearnerService.FaultPoint.AFTER_CHECKPOINT}));
    List<LearnerMetrics> reported = readAll(kafka, topics.learnerMetrics(), LearnerMetrics.class);
    assertEquals(ids, reported.stream().map(m -> m.getBatchId().toString()).toList());
    assertEquals(List.of(1L, 2L), readAll(kafka, topics.policyVersions(), PolicyVersion.class).stream()
        .map(PolicyVersion::getVersion).toList());
  }

  @Test
  void aSecondInstanceWithTheSameIdFencesTheFirst(TestKafka kafka, @TempDir Path dir) throws Exception {
    Topics topics = kafka.newTopics();
    produceBatches(kafka, topics, 4);
    LearnerSettings settings = new LearnerSettings(kafka.kafkaSettings(), topics, "l3",
        "main", dir.resolve("ckpt"), 100, 1, 0, false);
    LearnerService zombie = open(settings);
    assertTrue(zombie.runOnce(Duration.ofSeconds(30)));
    try (LearnerService live = open(settings)) {
      assertEquals(1, live.step());
      assertThrows(RuntimeException.class, () -> zombie.runOnce(Duration.ofSeconds(30)),
          "the old instance can no longer commit outputs");
      zombie.abandon();
      assertTrue(live.runOnce(Duration.ofSeconds(30)));
      assertEquals(2, live.step());
    }
  }

  /** Runs the learner to its max steps, crashing it at the given points; returns the number of restarts. */
  private static int runWithCrashes(LearnerSettings settings, List<Object[]> crashes) throws Exception {
    int restarts = 0;
    int next = 0;
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (true) {
      LearnerService learner = open(settings);
      Object[] crash = next < crashes.size() ? crashes.get(next) : null;
      if (crash != null) {
        learner.addListener(LearnerListener.faults(point -> {
          if (point == crash[1] && learner.trainer().step() == (long) crash[0]) {
            throw new Crash(point + " of step " + crash[0]);
          }
        }));
      }
      try {
        while (!learner.done()) {
          learner.runOnce(Duration.ofSeconds(1));
          if (System.nanoTime() > deadline) {
            learner.abandon();
            throw new AssertionError("learner stuck at step " + learner.step() + " (skipped batches: "
                + learner.skippedBatches() + ")");
          }
        }
        learner.close();
        return restarts;
      } catch (Crash c) {
        learner.abandon();
        restarts++;
        next++;
      }
    }
  }

  private static LearnerService open(LearnerSettings settings) throws Exception {
    TrainerConfig config = new TrainerConfig(ObjectiveConfig.of("shiq", 0.1, 1.0), OptimizerConfig.adamW(1e-3), 4, 7,
        1000);
    return LearnerService.open(settings, config, () -> LlamaWeights.random(MODEL, 11, Device.cpu()), Device.cpu(),
        null);
  }

  /** Batches of 4 synthetic trajectories each (BOS then 3 action tokens, reward on the last). */
  static List<String> produceBatches(TestKafka kafka, Topics topics, int n) {
    AvroSerializer<SpecificRecord> s = new AvroSerializer<>(kafka.registryClient());
    s.configure(Map.of("schema.registry.url", kafka.registryUrl()), false);
    SplittableRandom random = new SplittableRandom(3);
    List<String> ids = new ArrayList<>();
    Properties props = kafka.producerProps();
    // One request in flight: right after topic creation the first send can meet a partition whose leader the broker
    // does not know yet; with several in flight the idempotent producer's later sequence numbers then arrive first
    // and the broker answers OUT_OF_ORDER_SEQUENCE_NUMBER until the records expire (seen once on a clean clone).
    props.put(org.apache.kafka.clients.producer.ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
    try (KafkaProducer<String, SpecificRecord> p = new KafkaProducer<>(props, new StringSerializer(), s)) {
      for (int b = 0; b < n; b++) {
        List<ReplayItem> items = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          List<Integer> actions = List.of(random.nextInt(K), random.nextInt(K), random.nextInt(K));
          Trajectory t = Trajectory.newBuilder().setTrajectoryId("t" + b + "-" + i).setEpisodeId("t" + b + "-" + i)
              .setActorId("test").setOrigin(TrajectoryOrigin.SYNTHETIC).setEnvId("synthetic").setArm("main")
              .setPolicyVersion(0).setTokenizerId("synthetic:k4").setCreatedAt(Instant.now())
              .setTurns(List.of(
                  Turn.newBuilder().setRole(Role.USER).setTokenIds(List.of(K)).setActionMask(List.of(false)).build(),
                  Turn.newBuilder().setRole(Role.ASSISTANT).setTokenIds(actions)
                      .setActionMask(List.of(true, true, true)).setReward(actions.get(0) == 0 ? 1.0 : 0.0).build()))
              .setDone(true).build();
          items.add(ReplayItem.newBuilder().setTrajectory(t).setOrigin(ReplayOrigin.FRESH).setSourceTopic("x")
              .setSourcePartition(0).setSourceOffset(b * 4L + i).setTimesSampled(1).setInsertedAt(Instant.now())
              .build());
        }
        String id = "batch-" + b;
        ids.add(id);
        sent.add(p.send(new ProducerRecord<>(topics.replayBatches(), id, ReplayBatch.newBuilder().setBatchId(id)
            .setSequence(b).setCreatedAt(Instant.now()).setItems(items).setPolicyVersionAtSampling(0)
            .setTableSize(100).setSampler("uniform").build())));
      }
      p.flush();
      for (var f : sent) {
        try {
          f.get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new AssertionError("could not produce the test batches: " + e, e);
        }
      }
    }
    return ids;
  }

  /** Every committed record of a topic, in offset order (partition by partition). */
  static <T> List<T> readAll(TestKafka kafka, String topic, Class<T> type) {
    Properties props = kafka.consumerProps("read-" + topic + "-" + System.nanoTime());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    AvroDeserializer<T> d = new AvroDeserializer<>(kafka.registryClient(), type);
    List<T> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> parts = c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition()))
          .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          out.add(d.deserialize(topic, r.value()));
        }
      }
    }
    return out;
  }
}
