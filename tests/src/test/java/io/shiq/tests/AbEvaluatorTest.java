package io.shiq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.ab.evaluate.EpisodeMeasures;
import io.shiq.ab.evaluate.EvaluatorService;
import io.shiq.ab.experiment.Assignment;
import io.shiq.app.ab.AbLog;
import io.shiq.avro.DecisionKind;
import io.shiq.avro.EvalResult;
import io.shiq.avro.Experiment;
import io.shiq.avro.ExperimentArm;
import io.shiq.avro.ExperimentDecision;
import io.shiq.avro.ExperimentStatus;
import io.shiq.avro.Guardrail;
import io.shiq.avro.GuardrailDirection;
import io.shiq.avro.PolicyVersion;
import io.shiq.avro.Role;
import io.shiq.avro.Trajectory;
import io.shiq.avro.TrajectoryOrigin;
import io.shiq.avro.Turn;
import io.shiq.avro.WeightTransport;
import io.shiq.schemas.kafka.KafkaClients;
import io.shiq.schemas.topic.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The A/B evaluator (Kafka Streams, exactly-once) on the embedded broker: a clear winner is declared with results
 * per arm on eval.results; a restarted evaluator continues with the same statistics and writes no second decision;
 * a guardrail breach rolls the treatment back (the control's announcement under the treatment's line, the
 * experiment ROLLED_BACK and pinned); a 40/60 split declared 50/50 is flagged as a sample ratio mismatch.
 */
@ExtendWith(KafkaExtension.class)
class AbEvaluatorTest {
  @TempDir
  Path state;

  private static Experiment experiment(String id, String control, String controlLine, Long controlVersion,
                                       String treatment, String treatmentLine, List<Guardrail> guardrails) {
    return Experiment.newBuilder().setExperimentId(id).setDescription("test")
        .setArms(List.of(
            ExperimentArm.newBuilder().setName(control).setLine(controlLine).setVersion(controlVersion).setWeight(1)
                .build(),
            ExperimentArm.newBuilder().setName(treatment).setLine(treatmentLine).setVersion(null).setWeight(1)
                .build()))
        .setControlArm(control).setPrimaryMetric("mean_reward").setGuardrails(guardrails)
        .setMinimumDetectableEffect(0.5).setAlpha(0.05).setPower(0.8).setCupedCovariate(null).setEnvId(null)
        .setWindowMs(500).setMinEpisodesPerArm(40).setMaxEpisodesPerArm(null).setStartAt(Instant.now())
        .setStopAt(null).setStatus(ExperimentStatus.RUNNING).setStatusReason(null).setUpdatedAt(Instant.now())
        .build();
  }

  private static Trajectory episode(Experiment e, String arm, long version, double reward, Map<String, String> extra) {
    String id = UUID.randomUUID().toString();
    Map<String, String> metadata = new HashMap<>(extra);
    metadata.put(EpisodeMeasures.EXPERIMENT, e.getExperimentId());
    Turn prompt = Turn.newBuilder().setRole(Role.USER).setTokenIds(List.of(1, 2)).setActionMask(List.of(false, false))
        .build();
    Turn answer = Turn.newBuilder().setRole(Role.ASSISTANT).setTokenIds(List.of(3, 4, 5))
        .setActionMask(List.of(true, true, true)).setBehaviourLogProbs(List.of(-1f, -1f, -1f)).setReward(reward)
        .setPolicyVersion(version).build();
    return Trajectory.newBuilder().setTrajectoryId(id).setEpisodeId(id).setSessionId("s-" + id).setActorId("test")
        .setOrigin(TrajectoryOrigin.ACTOR).setEnvId("test").setTaskId(null).setArm(arm).setPolicyVersion(version)
        .setTokenizerId("test").setCreatedAt(Instant.now()).setTurns(List.of(prompt, answer)).setReward(null)
        .setDone(true).setMetadata(metadata).build();
  }

  private EvaluatorService evaluator(TestKafka kafka, Topics topics, String app) {
    return EvaluatorService.start(kafka.clients(), topics, new EvaluatorService.Settings(app, false,
        Duration.ofMillis(200), state.resolve(app).toString(),
        // Kafka Streams does not leave its group on close: a restarted instance waits out the old member's session.
        Map.of("consumer.session.timeout.ms", "6000", "consumer.heartbeat.interval.ms", "1500")));
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(200);
    }
  }

  private static long episodesSeen(AbLog log, String id) {
    log.catchUp(Duration.ofSeconds(10));
    Map<String, Long> latest = new HashMap<>();
    for (EvalResult r : log.results(id)) {
      latest.put(r.getArm(), r.getEpisodes());
    }
    return latest.values().stream().mapToLong(Long::longValue).sum();
  }

  @Test
  void aClearWinnerIsDeclaredOnceAndARestartedEvaluatorContinuesItsStatistics(TestKafka kafka) throws Exception {
    Topics topics = kafka.newTopics();
    KafkaClients clients = kafka.clients();
    Experiment e = experiment("win-" + UUID.randomUUID().toString().substring(0, 6), "a", "a", null, "b", "b",
        List.of());
    AbLog.send(clients, topics.experiments(), e.getExperimentId(), e);
    Random rng = new Random(7);
    try (KafkaProducer<String, SpecificRecord> producer = clients.avroProducer(Map.of());
         AbLog log = new AbLog(clients, topics)) {
      EvaluatorService first = evaluator(kafka, topics, "ab-win");
      // 30 episodes: below the minimum per arm, no decision possible yet.
      for (int i = 0; i < 30; i++) {
        String arm = Assignment.armFor(e, "s" + i).getName();
        send(producer, topics, episode(e, arm, 0, rng.nextGaussian() + (arm.equals("b") ? 1.0 : 0.0), Map.of()));
      }
      await("30 episodes in the results", () -> episodesSeen(log, e.getExperimentId()) == 30);
      first.close();
      EvaluatorService second = evaluator(kafka, topics, "ab-win");
      try {
        for (int i = 30; i < 400; i++) {
          String arm = Assignment.armFor(e, "s" + i).getName();
          send(producer, topics, episode(e, arm, 0, rng.nextGaussian() + (arm.equals("b") ? 1.0 : 0.0), Map.of()));
        }
        await("a decision", () -> !log.catchUp(Duration.ofSeconds(5)).decisions(e.getExperimentId()).isEmpty());
        ExperimentDecision d = log.decisions(e.getExperimentId()).get(0);
        assertEquals(DecisionKind.WINNER, d.getKind(), d.getReason());
        assertEquals("b", d.getArm());
        assertTrue(d.getEffect() > 0.5 && d.getCsLow() > 0, d.toString());
        await("all 400 episodes counted", () -> episodesSeen(log, e.getExperimentId()) == 400);
        await("the experiment marked DECIDED", () -> log.catchUp(Duration.ofSeconds(5)).experiments()
            .get(e.getExperimentId()).getStatus() == ExperimentStatus.DECIDED);
      } finally {
        second.close();
      }
      // A third start with the same state writes no second decision.
      EvaluatorService third = evaluator(kafka, topics, "ab-win");
      Thread.sleep(3000);
      third.close();
      assertEquals(1, log.catchUp(Duration.ofSeconds(5)).decisions(e.getExperimentId()).size());
      EvalResult any = log.results(e.getExperimentId()).get(log.results(e.getExperimentId()).size() - 1);
      for (String key : List.of("cs_low", "cs_high", "srm_p", "share", "window_episodes")) {
        assertTrue(any.getMetrics().containsKey(key), key + " in " + any.getMetrics().keySet());
      }
    }
  }

  @Test
  void aGuardrailBreachRollsTheTreatmentBackToTheControlsWeights(TestKafka kafka) throws Exception {
    Topics topics = kafka.newTopics();
    KafkaClients clients = kafka.clients();
    PolicyVersion baseline = announcement("baseline", 1, "11".repeat(32));
    PolicyVersion main = announcement("main", 3, "22".repeat(32));
    AbLog.send(clients, topics.policyVersions(), "baseline", baseline);
    AbLog.send(clients, topics.policyVersions(), "main", main);
    Experiment e = experiment("kl-" + UUID.randomUUID().toString().substring(0, 6), "baseline", "baseline", 1L,
        "candidate", "main", List.of(Guardrail.newBuilder().setMetric("kl_to_control")
            .setDirection(GuardrailDirection.AT_MOST).setLimit(0.05).build()));
    AbLog.send(clients, topics.experiments(), e.getExperimentId(), e);
    Random rng = new Random(3);
    try (KafkaProducer<String, SpecificRecord> producer = clients.avroProducer(Map.of());
         AbLog log = new AbLog(clients, topics);
         EvaluatorService ignored = evaluator(kafka, topics, "ab-kl")) {
      for (int i = 0; i < 300; i++) {
        String arm = Assignment.armFor(e, "s" + i).getName();
        Map<String, String> kl = arm.equals("candidate")
            ? Map.of(EpisodeMeasures.KL_TO_CONTROL, Double.toString(0.2 + 0.02 * rng.nextGaussian())) : Map.of();
        send(producer, topics, episode(e, arm, arm.equals("candidate") ? 3 : 1, rng.nextGaussian(), kl));
      }
      await("a decision", () -> !log.catchUp(Duration.ofSeconds(5)).decisions(e.getExperimentId()).isEmpty());
      ExperimentDecision d = log.decisions(e.getExperimentId()).get(0);
      assertEquals(DecisionKind.ROLLBACK, d.getKind(), d.getReason());
      assertEquals("candidate", d.getArm());
      assertTrue(d.getReason().contains("kl_to_control"), d.getReason());
      assertEquals(4L, d.getRollbackVersion());
      await("the experiment rolled back", () -> log.catchUp(Duration.ofSeconds(5)).experiments()
          .get(e.getExperimentId()).getStatus() == ExperimentStatus.ROLLED_BACK);
      Experiment after = log.experiments().get(e.getExperimentId());
      assertEquals(4L, after.getArms().get(1).getVersion(), "the treatment arm is pinned to the rollback version");
      PolicyVersion rolled = latest(clients, topics, "main");
      assertEquals(4, rolled.getVersion());
      assertEquals("baseline", rolled.getSourceArm());
      assertEquals(1L, rolled.getSourceVersion());
      assertEquals(baseline.getSha256(), rolled.getSha256());
      assertEquals(baseline.getUri(), rolled.getUri());
      assertTrue(rolled.getReason().contains(e.getExperimentId()), rolled.getReason());
    }
  }

  @Test
  void aSampleRatioMismatchIsFlaggedBeforeAnyVerdict(TestKafka kafka) throws Exception {
    Topics topics = kafka.newTopics();
    KafkaClients clients = kafka.clients();
    Experiment e = experiment("srm-" + UUID.randomUUID().toString().substring(0, 6), "a", "a", null, "b", "b",
        List.of());
    AbLog.send(clients, topics.experiments(), e.getExperimentId(), e);
    Random rng = new Random(11);
    try (KafkaProducer<String, SpecificRecord> producer = clients.avroProducer(Map.of());
         AbLog log = new AbLog(clients, topics);
         EvaluatorService ignored = evaluator(kafka, topics, "ab-srm")) {
      List<Trajectory> batch = new ArrayList<>();
      for (int i = 0; i < 1500; i++) {
        // A broken assignment: 35% / 65% while the experiment declares 50/50; the rewards are identical.
        String arm = rng.nextDouble() < 0.35 ? "a" : "b";
        batch.add(episode(e, arm, 0, rng.nextGaussian(), Map.of()));
      }
      for (Trajectory t : batch) {
        producer.send(new ProducerRecord<>(topics.trajectories(), t.getEpisodeId(), t));
      }
      producer.flush();
      await("a decision", () -> !log.catchUp(Duration.ofSeconds(5)).decisions(e.getExperimentId()).isEmpty());
      ExperimentDecision d = log.decisions(e.getExperimentId()).get(0);
      assertEquals(DecisionKind.SAMPLE_RATIO_MISMATCH, d.getKind(), d.getReason());
      EvalResult last = log.results(e.getExperimentId()).get(log.results(e.getExperimentId()).size() - 1);
      assertEquals(1.0, last.getMetrics().get("srm"));
      assertFalse(log.decisions(e.getExperimentId()).stream().anyMatch(x -> x.getKind() == DecisionKind.WINNER));
    }
  }

  private static PolicyVersion announcement(String line, long version, String sha) {
    return PolicyVersion.newBuilder().setArm(line).setVersion(version).setLearnerStep(version * 10)
        .setFormat("safetensors").setModelConfigJson("{}").setSizeBytes(1234).setSha256(sha)
        .setTransport(WeightTransport.URI).setChunkCount(null).setUri("file:///weights/" + line + "/v" + version)
        .setObjective("shiq").setParentVersion(null).setCreatedAt(Instant.now()).build();
  }

  private static PolicyVersion latest(KafkaClients clients, Topics topics, String line) throws Exception {
    try (io.shiq.actor.weights.VersionCatalog catalog = new io.shiq.actor.weights.VersionCatalog(clients, topics,
        ai.djl.Device.cpu())) {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      PolicyVersion v = null;
      while (System.nanoTime() < deadline) {
        catalog.refresh(Duration.ofSeconds(2));
        v = catalog.latest(line).orElse(null);
        if (v != null && v.getVersion() > 3) {
          break;
        }
      }
      assertNotNull(v);
      return v;
    }
  }

  private static void send(KafkaProducer<String, SpecificRecord> producer, Topics topics, Trajectory t)
      throws Exception {
    producer.send(new ProducerRecord<>(topics.trajectories(), t.getEpisodeId(), t)).get();
  }
}
