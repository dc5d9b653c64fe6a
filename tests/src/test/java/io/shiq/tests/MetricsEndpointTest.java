package io.shiq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.shiq.app.metrics.ActorMeters;
import io.shiq.app.metrics.MetricsEndpoint;
import io.shiq.learner.objective.ObjectiveConfig;
import io.shiq.learner.service.LearnerService;
import io.shiq.learner.service.LearnerSettings;
import io.shiq.learner.train.OptimizerConfig;
import io.shiq.learner.train.TrainerConfig;
import io.shiq.policy.model.LlamaConfig;
import io.shiq.policy.model.LlamaWeights;
import io.shiq.schemas.topic.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The Prometheus endpoint serves the learner's and actors' meters over HTTP. */
@ExtendWith(KafkaExtension.class)
class MetricsEndpointTest {

  @Test
  void learnerAndActorMetersAreScrapedOverHttp(TestKafka kafka, @TempDir Path dir) throws Exception {
    Topics topics = kafka.newTopics();
    LearnerExactlyOnceTest.produceBatches(kafka, topics, 3);
    LearnerSettings settings = new LearnerSettings(kafka.kafkaSettings(), topics, "m1",
        "main", dir, 2, 1, 0, false);
    TrainerConfig config = new TrainerConfig(ObjectiveConfig.of("shiq", 0.1, 1.0), OptimizerConfig.adamW(1e-3), 4, 1,
        100);
    try (MetricsEndpoint endpoint = MetricsEndpoint.start(0);
         LearnerService learner = LearnerService.open(settings, config,
             () -> LlamaWeights.random(LlamaConfig.tiny(5), 1, Device.cpu()), Device.cpu(), endpoint.registry())) {
      for (int i = 0; i < 3; i++) {
        assertTrue(learner.runOnce(Duration.ofSeconds(30)));
      }
      ActorMeters actor = new ActorMeters(endpoint.registry(), "a1");
      actor.onBatch(List.of(io.shiq.tests.Samples.toolSession()), 4);
      String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(endpoint.url())).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(body.contains("shiq_learner_steps_total{learner=\"m1\"} 3.0"), body);
      for (String name : List.of("shiq_learner_tokens_per_second", "shiq_learner_loss", "shiq_learner_reward_mean",
          "shiq_learner_kl_reference", "shiq_learner_policy_version_lag", "shiq_learner_consumer_lag",
          "shiq_learner_wait_seconds_total", "shiq_actor_reward_mean", "jvm_memory_used_bytes")) {
        assertTrue(body.contains(name), name + " missing from\n" + body);
      }
      assertTrue(body.contains("shiq_learner_policy_version{learner=\"m1\"} 1.0"), "v1 after step 2:\n" + body);
      assertTrue(body.contains("shiq_actor_policy_version{actor=\"a1\"} 4.0"), body);
    }
  }

  @Test
  void pairwiseObjectivesAreRefusedOnline(TestKafka kafka, @TempDir Path dir) {
    Topics topics = kafka.newTopics();
    LearnerSettings settings = new LearnerSettings(kafka.kafkaSettings(), topics, "m2",
        "main", dir, 2, 1, 0, false);
    TrainerConfig config = new TrainerConfig(ObjectiveConfig.of("dpo", 0.1, 1.0), OptimizerConfig.adamW(1e-3), 4, 1,
        100);
    var e = assertThrows(IllegalArgumentException.class, () -> LearnerService.open(settings, config,
        () -> LlamaWeights.random(LlamaConfig.tiny(5), 1, Device.cpu()), Device.cpu(), null));
    assertTrue(e.getMessage().contains("pairs"), e.getMessage());
    assertEquals(true, e.getMessage().contains("dpo"));
  }
}
