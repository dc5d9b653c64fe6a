package io.shiq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.shiq.ab.evaluate.EpisodeMeasures;
import io.shiq.ab.experiment.Assignment;
import io.shiq.actor.ab.ExperimentActorLoop;
import io.shiq.actor.ab.ExperimentFollower;
import io.shiq.actor.weights.VersionCatalog;
import io.shiq.actor.weights.WeightSubscriber;
import io.shiq.app.ab.AbLog;
import io.shiq.avro.Experiment;
import io.shiq.avro.ExperimentArm;
import io.shiq.avro.ExperimentStatus;
import io.shiq.avro.Guardrail;
import io.shiq.avro.GuardrailDirection;
import io.shiq.avro.PolicyVersion;
import io.shiq.avro.Trajectory;
import io.shiq.envs.StoryKeywordEnvironment;
import io.shiq.learner.publish.WeightPublisher;
import io.shiq.policy.PolicyModel;
import io.shiq.policy.TestData;
import io.shiq.policy.generate.SamplingParams;
import io.shiq.policy.io.WeightsPayload;
import io.shiq.policy.model.LlamaWeights;
import io.shiq.schemas.kafka.KafkaClients;
import io.shiq.schemas.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An actor serving both arms of an experiment on stories260K: sticky assignment by session, each arm's own weights
 * and version, the experiment's label, a KL-to-control measurement (0 for identical weights, positive otherwise);
 * after a rollback, both the experiment actor and a plain subscriber of the treatment's line serve the control's
 * bytes (re-announced from another arm's chunks).
 */
@ExtendWith(KafkaExtension.class)
class ExperimentActorTest {

  @Test
  void anActorServesEveryArmWithItsOwnWeightsAndFollowsARollback(TestKafka kafka) throws Exception {
    Topics topics = kafka.newTopics();
    KafkaClients clients = kafka.clients();
    try (PolicyModel model = PolicyModel.load(TestData.require("stories260k"), Device.cpu());
         KafkaProducer<String, SpecificRecord> producer = clients.avroProducer(Map.of());
         var admin = kafka.admin();
         LlamaWeights baseline = model.weights().copy();
         LlamaWeights changed = LlamaWeights.random(model.weights().config(), 42, Device.cpu())) {
      WeightPublisher publisher = new WeightPublisher(producer, admin, topics, 64 * 1024, 3);
      PolicyVersion base = publisher.publish("baseline", 1, 0, baseline, "frozen", null);
      publisher.publish("main", 5, 50, changed, "shiq", null);
      Experiment e = Experiment.newBuilder().setExperimentId("exp-actor").setArms(List.of(
              ExperimentArm.newBuilder().setName("control").setLine("baseline").setVersion(1L).build(),
              ExperimentArm.newBuilder().setName("candidate").setLine("main").setVersion(null).build()))
          .setControlArm("control").setGuardrails(List.of(Guardrail.newBuilder().setMetric("kl_to_control")
              .setDirection(GuardrailDirection.AT_MOST).setLimit(1.0).build()))
          .setMinimumDetectableEffect(0.1).setStartAt(Instant.now()).setUpdatedAt(Instant.now()).build();
      AbLog.send(clients, topics.experiments(), e.getExperimentId(), e);

      ExperimentActorLoop.Settings settings = new ExperimentActorLoop.Settings("ab-actor", "exp-actor", 12, 1,
          SamplingParams.sample(1.0, 12, Set.of(1, 2), 3), 9, 20);
      try (ExperimentActorLoop loop = new ExperimentActorLoop(model.weights().copy(), model.tokenizer(),
          StoryKeywordEnvironment.defaults(model.tokenizer()), settings, producer, topics,
          new ExperimentFollower(clients, topics, "exp-actor"), new VersionCatalog(clients, topics, Device.cpu()))) {
        Map<String, String> armOfSession = new HashMap<>();
        int control = 0;
        int candidate = 0;
        for (int b = 0; b < 3; b++) {
          for (Trajectory t : loop.runBatch()) {
            assertEquals("exp-actor", t.getMetadata().get(EpisodeMeasures.EXPERIMENT));
            assertEquals(Assignment.armFor(e, t.getSessionId()).getName(), t.getArm(), "assigned by session hash");
            String before = armOfSession.putIfAbsent(t.getSessionId(), t.getArm());
            assertTrue(before == null || before.equals(t.getArm()), "sticky: " + t.getSessionId());
            if (t.getArm().equals("control")) {
              control++;
              assertEquals(1, t.getPolicyVersion());
              assertEquals("baseline", t.getMetadata().get(EpisodeMeasures.LINE));
              assertNull(t.getMetadata().get(EpisodeMeasures.KL_TO_CONTROL));
            } else {
              candidate++;
              assertEquals(5, t.getPolicyVersion());
              double kl = Double.parseDouble(t.getMetadata().get(EpisodeMeasures.KL_TO_CONTROL));
              assertTrue(kl > 0.1, "random weights are far from stories260K: " + kl);
            }
          }
        }
        assertTrue(control > 0 && candidate > 0, control + " / " + candidate);
        assertTrue(armOfSession.size() < 36, "sessions come back");

        // The evaluator's rollback, written by hand: the control's bytes re-announced as main v6.
        PolicyVersion rollback = PolicyVersion.newBuilder(base).setArm("main").setVersion(6).setSourceArm("baseline")
            .setSourceVersion(1L).setReason("rollback by experiment exp-actor: test").setCreatedAt(Instant.now())
            .build();
        AbLog.send(clients, topics.policyVersions(), "main", rollback);
        Experiment rolled = Experiment.newBuilder(e).setArms(List.of(e.getArms().get(0),
                ExperimentArm.newBuilder(e.getArms().get(1)).setVersion(6L).build()))
            .setStatus(ExperimentStatus.ROLLED_BACK).setUpdatedAt(Instant.now()).build();
        AbLog.send(clients, topics.experiments(), e.getExperimentId(), rolled);
        boolean sawCandidate = false;
        for (int b = 0; b < 3 && !sawCandidate; b++) {
          for (Trajectory t : loop.runBatch()) {
            if (t.getArm().equals("candidate")) {
              sawCandidate = true;
              assertEquals(6, t.getPolicyVersion());
              assertEquals(0.0, Double.parseDouble(t.getMetadata().get(EpisodeMeasures.KL_TO_CONTROL)), 1e-6,
                  "the candidate now serves the control's weights");
            }
          }
        }
        assertTrue(sawCandidate);
      }
      // A plain actor of line main (no experiment) loads the rollback too, from baseline's chunks.
      try (WeightSubscriber sub = new WeightSubscriber(clients, topics, "main", 5, Device.cpu())) {
        Optional<WeightSubscriber.Loaded> loaded = sub.poll(Duration.ofSeconds(20));
        assertEquals(6, loaded.orElseThrow().announcement().getVersion(), "rejected: " + sub.assembler().rejected());
        assertEquals(base.getSha256(), WeightsPayload.sha256(WeightsPayload.encode(loaded.get().weights())));
        loaded.get().weights().close();
      }
      assertNotNull(base);
    }
  }
}
