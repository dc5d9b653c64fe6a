package io.shiq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.avro.LearnerMetrics;
import io.shiq.avro.PolicyVersion;
import io.shiq.avro.ReplayBatch;
import io.shiq.avro.Trajectory;
import io.shiq.schemas.topic.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same loop as the demo, wired as separate processes through the topics of a real broker: {@code shiq replay},
 * {@code shiq learner} and {@code shiq actor}, each its own JVM, as a user runs them against any Kafka.
 */
@ExtendWith(KafkaExtension.class)
class SeparateProcessesTest {

  @Test
  void replayLearnerAndActorProcessesCloseTheLoop(TestKafka kafka, @TempDir Path dir) throws Exception {
    Topics topics = kafka.newTopics();
    String prefix = topics.prefix();
    List<String> common = List.of("--bootstrap-servers", kafka.bootstrapServers(), "--schema-registry-url",
        kafka.registryUrl());
    List<Process> running = new ArrayList<>();
    try {
      Process replay = start(dir, "replay", common, "--set", "topic.prefix=" + prefix, "--set",
          "application.id=sep-replay-" + System.nanoTime(), "--set", "state.dir=" + dir.resolve("streams"),
          "--set", "replay.fresh.fraction=0.75");
      running.add(replay);
      List<String> learnerArgs = new ArrayList<>(common);
      learnerArgs.addAll(List.of("--topic-prefix", prefix, "--env", "synthetic", "--max-steps", "12",
          "--checkpoint-dir", dir.resolve("ckpt").toString(), "--log-every", "4", "--device", "cpu"));
      Process learner = start(dir, "learner", learnerArgs);
      running.add(learner);
      Process actor = start(dir, "actor", common, "--topic-prefix", prefix, "--env", "synthetic",
          "--episodes-per-batch", "32", "--actor-id", "sep-actor", "--device", "cpu");
      running.add(actor);

      // Kill the learner outright (SIGKILL, wherever it is in a step) once it has reported a few steps; restart it.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
      while (LearnerExactlyOnceTest.readAll(kafka, topics.learnerMetrics(), LearnerMetrics.class).size() < 4) {
        assertTrue(System.nanoTime() < deadline && learner.isAlive(), "learner reports steps: " + log(dir, "learner"));
        Thread.sleep(200);
      }
      learner.destroyForcibly().waitFor();
      learner = start(dir, "learner-restarted", learnerArgs);
      running.add(learner);

      assertTrue(learner.waitFor(240, TimeUnit.SECONDS), "learner reached its 12 steps; its log:\n"
          + log(dir, "learner-restarted"));
      assertEquals(0, learner.exitValue(), log(dir, "learner-restarted"));
      // Let the actor pick up the last versions, then stop it and the replay buffer as Ctrl-C would.
      waitForNewerVersion(kafka, topics, 120, () -> log(dir, "actor"));
      for (Process p : List.of(actor, replay)) {
        p.destroy();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "clean stop on SIGTERM");
      }
    } finally {
      running.forEach(Process::destroyForcibly);
    }
    System.out.println("restarted learner:\n" + log(dir, "learner-restarted") + "\nactor:\n" + log(dir, "actor"));
    List<LearnerMetrics> steps = LearnerExactlyOnceTest.readAll(kafka, topics.learnerMetrics(), LearnerMetrics.class);
    assertEquals(LongStream.rangeClosed(1, 12).boxed().toList(), steps.stream().map(LearnerMetrics::getStep).toList(),
        "steps 1..12 once each across the kill: " + log(dir, "learner-restarted"));
    List<String> batches = LearnerExactlyOnceTest.readAll(kafka, topics.replayBatches(), ReplayBatch.class).stream()
        .map(b -> b.getBatchId().toString()).limit(12).toList();
    assertEquals(batches, steps.stream().map(m -> m.getBatchId().toString()).toList(),
        "the first 12 batches of the topic, in order, each trained once");
    List<PolicyVersion> versions = LearnerExactlyOnceTest.readAll(kafka, topics.policyVersions(),
        PolicyVersion.class);
    assertEquals(6, versions.size(), "a version every 2 steps (the synthetic default)");
    assertTrue(log(dir, "actor").contains("policy v"), log(dir, "actor"));
  }

  /** Waits until the actor has produced a trajectory with a version the learner published. */
  private static void waitForNewerVersion(TestKafka kafka, Topics topics, int seconds,
                                          java.util.function.Supplier<String> actorLog) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      List<Trajectory> all = LearnerExactlyOnceTest.readAll(kafka, topics.trajectories(), Trajectory.class);
      if (all.stream().anyMatch(t -> t.getPolicyVersion() > 0)) {
        return;
      }
      Thread.sleep(1000);
    }
    throw new AssertionError("no trajectory from a published version within " + seconds + " s; actor log:\n"
        + actorLog.get());
  }

  private static Process start(Path dir, String command, List<String> common, String... args) throws Exception {
    List<String> all = new ArrayList<>(common);
    all.addAll(List.of(args));
    return start(dir, command, all);
  }

  /** {@code command} may carry a suffix after a dash (its log name): "learner-restarted" runs "learner". */
  private static Process start(Path dir, String command, List<String> args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-Xmx768m");
    cmd.add("-Dai.djl.pytorch.num_threads=1");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.shiq.app.ShiqCommand");
    cmd.add(command.replaceFirst("-.*", ""));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve(command + ".log").toFile());
    return pb.start();
  }

  private static String log(Path dir, String command) {
    try {
      return Files.readString(dir.resolve(command + ".log"));
    } catch (Exception e) {
      return "(no log: " + e + ")";
    }
  }

}
