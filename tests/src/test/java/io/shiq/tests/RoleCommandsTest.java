package io.shiq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.avro.LearnerMetrics;
import io.shiq.avro.Trajectory;
import io.shiq.schemas.topic.TopicSpec;
import io.shiq.schemas.topic.Topics;
import io.shiq.tests.deploy.DeployFiles;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command lines of deploy/roles.yaml, exactly as compose and Kubernetes run them (the image's entrypoint is
 * {@code java -jar shiq.jar}, so a role is {@code ShiqCommand <args>}), each its own process configured only by SHIQ_*
 * environment variables, against the embedded broker: the topics job creates the catalog and exits, and replay,
 * learner, actor and evaluator run the loop together and serve their metrics.
 */
@ExtendWith(KafkaExtension.class)
class RoleCommandsTest {

  @Test
  void everyRoleRunsFromItsEnvironmentAlone(TestKafka kafka, @TempDir Path dir) throws Exception {
    Map<String, List<String>> roles = DeployFiles.roleArgs();
    assertEquals(Set.of("topics", "replay", "learner", "actor", "evaluator"), roles.keySet());
    String prefix = "roles" + System.nanoTime() + ".";
    Topics topics = new Topics(prefix);
    Map<String, String> common = Map.of("SHIQ_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
        "SHIQ_SCHEMA_REGISTRY_URL", kafka.registryUrl());

    Process job = start(dir, "topics", roles.get("topics"), env(common, "SHIQ_TOPIC_PREFIX", prefix));
    assertTrue(job.waitFor(120, TimeUnit.SECONDS), log(dir, "topics"));
    assertEquals(0, job.exitValue(), log(dir, "topics"));
    try (var admin = kafka.admin()) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      for (TopicSpec spec : Topics.ALL) {
        assertTrue(existing.contains(topics.name(spec)), topics.name(spec) + " created by the topics job");
      }
    }

    Path replayOptions = dir.resolve("replay.properties");
    Files.writeString(replayOptions, String.join("\n", "application.id=roles-replay-" + System.nanoTime(),
        "state.dir=" + dir.resolve("streams"), "topic.prefix=" + prefix, "replay.fresh.fraction=0.75", ""));
    List<Process> running = new ArrayList<>();
    try {
      Process replay = start(dir, "replay", roles.get("replay"), env(common, "SHIQ_CONFIG",
          replayOptions.toString(), "SHIQ_METRICS_PORT", "0"));
      running.add(replay);
      Process learner = start(dir, "learner", roles.get("learner"), env(common, "SHIQ_TOPIC_PREFIX", prefix,
          "SHIQ_DEVICE", "cpu", "SHIQ_ENV", "synthetic", "SHIQ_CHECKPOINT_DIR", dir.resolve("ckpt").toString(),
          "SHIQ_MAX_STEPS", "6", "SHIQ_METRICS_PORT", "0"));
      running.add(learner);
      Process actor = start(dir, "actor", roles.get("actor"), env(common, "SHIQ_TOPIC_PREFIX", prefix,
          "SHIQ_DEVICE", "cpu", "SHIQ_ENV", "synthetic", "SHIQ_EPISODES_PER_BATCH", "32", "SHIQ_ACTOR_ID",
          "role-actor", "SHIQ_METRICS_PORT", "0"));
      running.add(actor);
      Process evaluator = start(dir, "evaluator", roles.get("evaluator"), env(common, "SHIQ_TOPIC_PREFIX", prefix,
          "SHIQ_STATE_DIR", dir.resolve("ab").toString(), "SHIQ_METRICS_PORT", "0"));
      running.add(evaluator);

      assertTrue(learner.waitFor(240, TimeUnit.SECONDS), "the learner reached SHIQ_MAX_STEPS=6; its log:\n"
          + log(dir, "learner"));
      assertEquals(0, learner.exitValue(), log(dir, "learner"));
      assertEquals(6, LearnerExactlyOnceTest.readAll(kafka, topics.learnerMetrics(),
          LearnerMetrics.class).size());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (LearnerExactlyOnceTest.readAll(kafka, topics.trajectories(), Trajectory.class).stream()
          .noneMatch(t -> t.getPolicyVersion() > 0 && t.getActorId().equals("role-actor"))) {
        assertTrue(System.nanoTime() < deadline, "the actor serves a published version; its log:\n"
            + log(dir, "actor"));
        Thread.sleep(1000);
      }
      for (String role : List.of("replay", "actor", "evaluator")) {
        String url = metricsUrl(dir, role);
        HttpResponse<String> scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, scrape.statusCode(), role + " " + url);
        assertTrue(scrape.body().contains("jvm_memory_used_bytes"), role + ": " + scrape.body().lines().limit(5)
            .toList());
      }
      assertTrue(log(dir, "evaluator").contains("A/B evaluator"), log(dir, "evaluator"));
      for (Process p : List.of(actor, replay, evaluator)) {
        p.destroy();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "clean stop on SIGTERM");
      }
    } finally {
      running.forEach(Process::destroyForcibly);
    }
  }

  private static Map<String, String> env(Map<String, String> common, String... pairs) {
    return RoleProcesses.env(common, pairs);
  }

  private static String metricsUrl(Path dir, String role) throws InterruptedException {
    return RoleProcesses.metricsUrl(dir, role);
  }

  private static Process start(Path dir, String role, List<String> args, Map<String, String> env) throws Exception {
    return RoleProcesses.start(dir, role, args, env);
  }

  private static String log(Path dir, String role) {
    return RoleProcesses.log(dir, role);
  }
}
