package io.shiq.app.chaos;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The online loop as separate processes against one broker: {@code shiq replay}, {@code shiq learner} and N
 * {@code shiq actor}s, with the arguments of deploy/roles.yaml's roles plus what a local run needs (where Kafka is,
 * local directories). Shared by {@code shiq chaos} and {@code shiq bench soak}.
 */
final class StackProcesses {
  /** The replay buffer's Kafka Streams application id (its consumer group and changelog topics' prefix). */
  static final String REPLAY_APP = "chaos-replay";
  static final String LEARNER_ID = "chaos-learner";
  static final String ARM = "main";

  final RoleProcess replay;
  final RoleProcess learner;
  final List<RoleProcess> actors = new ArrayList<>();
  final List<Path> ackLogs = new ArrayList<>();

  /**
   * @param actorArgs extra arguments of every actor (e.g. a rate limit)
   */
  StackProcesses(LocalKafka kafka, Path work, String env, int actorCount, long seed, List<String> actorArgs) {
    this(kafka, work, env, actorCount, seed, actorArgs, List.of());
  }

  /**
   * @param actorArgs  extra arguments of every actor (e.g. a rate limit)
   * @param replayArgs extra arguments of the replay buffer, after (and so over) the audit's settings
   */
  StackProcesses(LocalKafka kafka, Path work, String env, int actorCount, long seed, List<String> actorArgs,
                 List<String> replayArgs) {
    Path logs = work.resolve("logs");
    List<String> connect = List.of("--bootstrap-servers", kafka.bootstrapServers(), "--schema-registry-url",
        kafka.registryUrl());
    List<String> r = new ArrayList<>(List.of("replay"));
    r.addAll(connect);
    r.addAll(List.of("--set", "application.id=" + REPLAY_APP, "--set", "state.dir=" + work.resolve("replay-state"),
        // Static membership: a replay buffer killed and started again takes its partitions back at once instead
        // of waiting for its old member's session to time out.
        "--set", "group.instance.id=" + REPLAY_APP + "-1", "--set", "session.timeout.ms=10000",
        // Nothing may leave the table but by being sampled: the audit then knows where every trajectory must be.
        "--set", "replay.capacity=1000000", "--set", "replay.capacity.tokens=1000000000",
        "--set", "replay.staleness.action=history"));
    r.addAll(replayArgs);
    replay = new RoleProcess("replay", r, List.of("-Xmx640m", "-XX:+UseSerialGC"), logs);

    List<String> l = new ArrayList<>(List.of("learner"));
    l.addAll(connect);
    l.addAll(List.of("--env", env, "--learner-id", LEARNER_ID, "--arm", ARM, "--checkpoint-dir",
        work.resolve("checkpoints").toString(), "--device", "cpu", "--log-every", "1"));
    learner = new RoleProcess("learner", l, List.of("-Xmx768m", "-XX:+UseSerialGC",
        "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1"), logs);

    for (int i = 1; i <= actorCount; i++) {
      Path acks = work.resolve("acks").resolve("actor-" + i + ".acks");
      ackLogs.add(acks);
      List<String> a = new ArrayList<>(List.of("actor"));
      a.addAll(connect);
      a.addAll(List.of("--env", env, "--arm", ARM, "--actor-id", "chaos-actor-" + i, "--seed", Long.toString(seed),
          "--episodes-per-batch", "8", "--device", "cpu", "--ack-log", acks.toString()));
      a.addAll(actorArgs);
      actors.add(new RoleProcess("actor-" + i, a, List.of("-Xmx512m", "-XX:+UseSerialGC",
          "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1"), logs));
    }
  }

  /** Every role, replay buffer first. */
  List<RoleProcess> all() {
    List<RoleProcess> all = new ArrayList<>(List.of(replay, learner));
    all.addAll(actors);
    return all;
  }

  void startAll() throws IOException {
    for (RoleProcess p : all()) {
      p.start();
    }
  }

  /** SIGKILL to whatever still runs (Ctrl-C of the parent, failures). */
  void killAll() {
    for (RoleProcess p : all()) {
      try {
        p.kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** {@code shiq actor --check-weights} for actor {@code i} (1-based): what it would serve now. */
  RoleProcess weightCheck(LocalKafka kafka, Path work, String env, int i) {
    List<String> a = new ArrayList<>(List.of("actor", "--bootstrap-servers", kafka.bootstrapServers(),
        "--schema-registry-url", kafka.registryUrl(), "--env", env, "--arm", ARM, "--actor-id", "chaos-actor-" + i,
        "--device", "cpu", "--check-weights"));
    return new RoleProcess("actor-" + i + "-check", a, List.of("-Xmx512m", "-XX:+UseSerialGC"),
        work.resolve("logs"));
  }
}
