package io.shiq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.ab.evaluate.EpisodeMeasures;
import io.shiq.ab.evaluate.EvaluatorService;
import io.shiq.ab.experiment.Assignment;
import io.shiq.actor.weights.VersionCatalog;
import io.shiq.actor.weights.VersionCheck;
import io.shiq.app.ab.AbLog;
import io.shiq.avro.DecisionKind;
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
import io.shiq.schemas.signing.PolicySigner;
import io.shiq.schemas.signing.PolicyVerifier;
import io.shiq.schemas.signing.SigningKeys;
import io.shiq.schemas.topic.Topics;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The A/B evaluator's rollbacks with signing on: the re-announcement is signed with the evaluator's key (so actors
 * trusting it load it), and its source is the control's verified announcement, never an unsigned record someone wrote
 * for the same line and version afterwards: the evaluator's signature cannot be borrowed to launder forged weights.
 */
@ExtendWith(KafkaExtension.class)
class SignedRollbackTest {
  private static final KeyPair LEARNER = SigningKeys.generate();
  private static final KeyPair EVALUATOR = SigningKeys.generate();

  @TempDir
  Path state;

  @Test
  void aRollbackIsSignedByTheEvaluatorAndCopiesOnlyAVerifiedSource(TestKafka kafka) throws Exception {
    Topics topics = kafka.newTopics();
    KafkaClients clients = kafka.clients();
    PolicySigner learner = new PolicySigner(LEARNER.getPrivate());
    PolicySigner evaluatorKey = new PolicySigner(EVALUATOR.getPrivate());
    PolicyVerifier learnerOnly = new PolicyVerifier(List.of(LEARNER.getPublic()));
    PolicyVersion baseline = learner.sign(announcement("baseline", 1, "11".repeat(32)));
    AbLog.send(clients, topics.policyVersions(), "baseline", baseline);
    AbLog.send(clients, topics.policyVersions(), "main", learner.sign(announcement("main", 3, "22".repeat(32))));
    // Written later for the same line and version: what the evaluator's store would otherwise keep for baseline v1.
    PolicyVersion forged = announcement("baseline", 1, "66".repeat(32));
    AbLog.send(clients, topics.policyVersions(), "baseline", forged);

    Experiment e = Experiment.newBuilder().setExperimentId("signed-" + UUID.randomUUID().toString().substring(0, 6))
        .setDescription("test").setArms(List.of(
            ExperimentArm.newBuilder().setName("baseline").setLine("baseline").setVersion(1L).setWeight(1).build(),
            ExperimentArm.newBuilder().setName("candidate").setLine("main").setVersion(null).setWeight(1).build()))
        .setControlArm("baseline").setPrimaryMetric("mean_reward").setGuardrails(List.of(Guardrail.newBuilder()
            .setMetric("kl_to_control").setDirection(GuardrailDirection.AT_MOST).setLimit(0.05).build()))
        .setMinimumDetectableEffect(0.5).setAlpha(0.05).setPower(0.8).setWindowMs(500).setMinEpisodesPerArm(40)
        .setStartAt(Instant.now()).setStatus(ExperimentStatus.RUNNING).setUpdatedAt(Instant.now()).build();
    AbLog.send(clients, topics.experiments(), e.getExperimentId(), e);
    Random rng = new Random(3);
    try (KafkaProducer<String, SpecificRecord> producer = clients.avroProducer(Map.of());
         AbLog log = new AbLog(clients, topics);
         EvaluatorService ignored = EvaluatorService.start(clients, topics, new EvaluatorService.Settings(
             "ab-signed", false, Duration.ofMillis(200), state.resolve("ab-signed").toString(), Map.of(),
             evaluatorKey, learnerOnly))) {
      for (int i = 0; i < 300; i++) {
        String arm = Assignment.armFor(e, "s" + i).getName();
        Map<String, String> kl = arm.equals("candidate")
            ? Map.of(EpisodeMeasures.KL_TO_CONTROL, Double.toString(0.2 + 0.02 * rng.nextGaussian())) : Map.of();
        Trajectory t = episode(e, arm, arm.equals("candidate") ? 3 : 1, rng.nextGaussian(), kl);
        producer.send(new ProducerRecord<>(topics.trajectories(), t.getEpisodeId(), t)).get();
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (log.catchUp(Duration.ofSeconds(5)).decisions(e.getExperimentId()).isEmpty()) {
        assertTrue(System.nanoTime() < deadline, "timed out waiting for a decision");
        Thread.sleep(200);
      }
      ExperimentDecision d = log.decisions(e.getExperimentId()).get(0);
      assertEquals(DecisionKind.ROLLBACK, d.getKind(), d.getReason());
      assertEquals(4L, d.getRollbackVersion());
    }
    // Actors trusting the learner's and the evaluator's keys find the rollback, signed by the evaluator.
    PolicyVerifier both = new PolicyVerifier(List.of(LEARNER.getPublic(), EVALUATOR.getPublic()));
    try (VersionCatalog catalog = new VersionCatalog(clients, topics, ai.djl.Device.cpu(),
        VersionCheck.signedBy(both))) {
      PolicyVersion rolled = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (rolled == null && System.nanoTime() < deadline) {
        catalog.refresh(Duration.ofSeconds(2));
        rolled = catalog.get("main", 4).orElse(null);
      }
      assertTrue(rolled != null, "the rollback's announcement verifies");
      assertEquals(evaluatorKey.keyId(), rolled.getSigningKeyId());
      assertTrue(both.verify(rolled).ok());
      assertEquals(baseline.getSha256(), rolled.getSha256(), "the verified baseline's weights, not the forged ones");
      assertNotEquals(forged.getSha256(), rolled.getSha256());
      assertEquals("baseline", rolled.getSourceArm());
      assertEquals(1L, rolled.getSourceVersion());
      assertEquals(baseline.getUri(), rolled.getUri());
    }
  }

  private static PolicyVersion announcement(String line, long version, String sha) {
    return PolicyVersion.newBuilder().setArm(line).setVersion(version).setLearnerStep(version * 10)
        .setFormat("safetensors").setModelConfigJson("{}").setSizeBytes(1234).setSha256(sha)
        .setTransport(WeightTransport.URI).setChunkCount(null).setUri("file:///weights/" + line + "/v" + version
            + "/" + sha.substring(0, 2))
        .setObjective("shiq").setParentVersion(null).setCreatedAt(Instant.now()).build();
  }

  private static Trajectory episode(Experiment e, String arm, long version, double reward, Map<String, String> extra) {
    String id = UUID.randomUUID().toString();
    Map<String, String> metadata = new java.util.HashMap<>(extra);
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
}
