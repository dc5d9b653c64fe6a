package io.shiq.app.chaos;

import io.shiq.app.cli.Shutdown;
import io.shiq.avro.LearnerMetrics;
import io.shiq.avro.ReplayBatch;
import io.shiq.avro.Trajectory;
import io.shiq.schemas.kafka.KafkaClients;
import io.shiq.schemas.serde.AvroDeserializer;
import io.shiq.schemas.storage.Directories;
import io.shiq.schemas.topic.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shiq chaos}: the online loop as separate processes against one broker, with faults on a random schedule
 * (SIGKILL of the learner, the replay buffer and actors; restarts of the broker) and bad records in the trajectories
 * topic; then production stops, the stack drains, and {@link ChaosAudit} checks from the topics, checkpoints' reports
 * and the actors' acknowledgement logs that nothing was lost, trained twice or skipped, and that the dead-letter topic
 * holds exactly the injected records. The broker and registry run inside this process, so that restarting the broker
 * is a real shutdown and start on the same ports and log directory.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
    description = "Run replay, learner and actors as separate processes against an embedded broker, SIGKILL and "
        + "restart them and restart the broker on a random schedule, inject bad records, then stop producing, drain, "
        + "and audit from the topics: no acknowledged trajectory lost, no batch trained twice or skipped, every "
        + "actor on the last complete verified version, the dead-letter topic holding exactly the injected records. "
        + "Ends with one JSON line; exits 0 only when the audit passes.")
public final class ChaosCommand implements Callable<Integer> {
  @Option(names = "--minutes", description = "Length of the fault phase, in minutes (fractions allowed; default: "
      + "${DEFAULT-VALUE}). Start-up, drain and audit come on top.")
  double minutes = 3;

  @Option(names = "--seed", description = "Seeds the fault schedule, the bad records and the actors: one seed, one "
      + "schedule (default: ${DEFAULT-VALUE}).")
  long seed = 1;

  @Option(names = "--actors", description = "Actor processes (default: ${DEFAULT-VALUE}).")
  int actors = 2;

  @Option(names = "--env", description = "Environment of the actors and the learner; synthetic needs no model data "
      + "(default: ${DEFAULT-VALUE}).")
  String env = "synthetic";

  @Option(names = "--kill-interval", paramLabel = "MIN..MAX", description = "Seconds between two faults, drawn "
      + "uniformly from this range (default: ${DEFAULT-VALUE}).")
  String killInterval = "15..30";

  @Option(names = "--work-dir", paramLabel = "DIR", description = "Broker data, process logs, checkpoints, replay "
      + "state and acknowledgement logs; must be empty or absent (default: a temporary directory).")
  Path workDir;

  @Option(names = "--keep", description = "Keep the work directory after a passing run (a failing run always keeps "
      + "it).")
  boolean keep;

  @Option(names = "--drain-timeout", paramLabel = "SECONDS", description = "How long the replay buffer and the "
      + "learner may take to work through what is left once production stops (default: ${DEFAULT-VALUE}).")
  int drainTimeout = 300;

  private final long t0 = System.nanoTime();
  private final Map<String, Integer> kills = new LinkedHashMap<>();
  private final Map<String, Integer> crashes = new LinkedHashMap<>();
  private int brokerRestarts;

  @Override
  public Integer call() throws Exception {
    if (minutes <= 0 || actors < 1) {
      throw new IllegalArgumentException("--minutes must be > 0 and --actors >= 1");
    }
    double[] interval = parseInterval(killInterval);
    double seconds = minutes * 60;
    FaultSchedule schedule = FaultSchedule.plan(seed, seconds, interval[0], interval[1], actors);
    Path work = workDir(workDir);
    progress("work directory " + work.toAbsolutePath());
    progress("fault schedule (seed " + seed + ", " + schedule.faults().size() + " faults in " + fmt(seconds)
        + " s):");
    schedule.faults().forEach(f -> System.err.println("          " + f.describe()));
    if (!schedule.coversEveryKind()) {
      progress("note: the run is too short for one fault of each kind; lengthen --minutes or shorten --kill-interval");
    }
    kills.put("learner", 0);
    kills.put("replay", 0);
    kills.put("actor", 0);

    Topics topics = Topics.withDefaultPrefix();
    LocalKafka kafka = LocalKafka.start(work.resolve("broker"), topics);
    progress("broker at " + kafka.bootstrapServers() + ", registry at " + kafka.registryUrl());
    StackProcesses stack = new StackProcesses(kafka, work, env, actors, seed, List.of());
    Thread hook = Shutdown.onSignal("shiq-chaos-shutdown", () -> {
      stack.killAll();
      kafka.close();
    });
    boolean passed = false;
    try {
      KafkaClients clients = kafka.clients();
      stack.startAll();
      progress("started replay, learner and " + actors + " actor(s); waiting for the first learner step");
      warmUp(clients, topics, stack);

      List<ChaosAudit.Injected> injected = faultPhase(schedule, seconds, kafka, clients, topics, stack);

      drain(clients, topics, stack, kafka);
      List<ChaosAudit.ActorCheck> checks = checkActors(kafka, work, stack);
      progress("auditing");
      ChaosAudit.Result result = ChaosAudit.run(clients, topics, StackProcesses.REPLAY_APP, stack.ackLogs, injected,
          stack.learner.logText(), checks, StackProcesses.ARM);
      summary(result, work);
      passed = result.passed();
      System.out.println(json(result));
    } finally {
      stack.killAll();
      kafka.close();
      Shutdown.remove(hook);
    }
    if (passed && !keep) {
      Directories.deleteRecursively(work);
    } else {
      System.err.println("chaos: work directory kept: " + work.toAbsolutePath());
    }
    return passed ? 0 : 1;
  }

  // ---- phases -----------------------------------------------------------------------------------------------

  /** Until the learner has trained once: the loop turns before anything is broken. */
  private void warmUp(KafkaClients clients, Topics topics, StackProcesses stack) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    try (TopicTail metrics = new TopicTail(clients, topics.learnerMetrics())) {
      while (true) {
        metrics.catchUp(Duration.ofSeconds(10));
        if (!metrics.records().isEmpty()) {
          progress("the loop turns (learner step 1 reported)");
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("no learner step within 5 minutes of the start; logs in "
              + stack.learner.log().getParent());
        }
        supervise(stack, new HashMap<>());
        Thread.sleep(500);
      }
    }
  }

  /** Runs the schedule; returns the bad records the broker acknowledged. */
  private List<ChaosAudit.Injected> faultPhase(FaultSchedule schedule, double seconds, LocalKafka kafka,
                                               KafkaClients clients, Topics topics, StackProcesses stack)
      throws Exception {
    ConcurrentLinkedQueue<ChaosAudit.Injected> injected = new ConcurrentLinkedQueue<>();
    List<String> failedInjections = new ArrayList<>();
    Map<RoleProcess, Long> restartAt = new HashMap<>();
    long brokerBackAt = -1;
    int nextFault = 0;
    int nextInjection = 0;
    long start = System.nanoTime();
    BadRecords bad = new BadRecords(clients.<Trajectory>serializer(), topics.trajectories(), seed);
    progress("fault phase: " + fmt(seconds) + " s");
    try (KafkaProducer<String, byte[]> producer = injector(clients)) {
      while (true) {
        long now = System.nanoTime();
        double t = (now - start) / 1e9;
        if (brokerBackAt >= 0 && now >= brokerBackAt) {
          Duration took = kafka.startBroker();
          brokerBackAt = -1;
          progress("broker up again (start took " + took.toMillis() + " ms)");
        }
        for (var e : new ArrayList<>(restartAt.entrySet())) {
          if (now >= e.getValue()) {
            e.getKey().start();
            restartAt.remove(e.getKey());
            progress("started " + e.getKey().name() + " again (pid " + e.getKey().pid() + ")");
          }
        }
        supervise(stack, restartAt);
        if (t >= seconds) {
          break;
        }
        if (nextFault < schedule.faults().size() && schedule.faults().get(nextFault).atSeconds() <= t) {
          FaultSchedule.Fault f = schedule.faults().get(nextFault++);
          long back = now + (long) (f.downSeconds() * 1e9);
          if (f.kind() == FaultSchedule.Kind.RESTART_BROKER) {
            if (brokerBackAt < 0) {
              progress("restart broker: shutting it down (back in " + fmt(f.downSeconds()) + " s)");
              long s0 = System.nanoTime();
              kafka.stopBroker();
              brokerRestarts++;
              progress("broker down (shutdown took " + (System.nanoTime() - s0) / 1_000_000 + " ms)");
              brokerBackAt = System.nanoTime() + (long) (f.downSeconds() * 1e9);
            }
          } else {
            RoleProcess victim = switch (f.kind()) {
              case KILL_LEARNER -> stack.learner;
              case KILL_REPLAY -> stack.replay;
              default -> stack.actors.get(f.actor() - 1);
            };
            if (victim.alive()) {
              long pid = victim.pid();
              victim.kill();
              kills.merge(f.kind() == FaultSchedule.Kind.KILL_ACTOR ? "actor" : victim.name(), 1, Integer::sum);
              restartAt.put(victim, back);
              progress("kill -9 " + victim.name() + " (pid " + pid + "); restart in " + fmt(f.downSeconds()) + " s");
            } else {
              progress("skip kill of " + victim.name() + ": not running");
            }
          }
        }
        if (nextInjection < schedule.injections().size() && kafka.brokerUp()
            && schedule.injections().get(nextInjection).atSeconds() <= t) {
          BadRecords.Kind kind = schedule.injections().get(nextInjection).kind();
          String key = BadRecords.key(kind, nextInjection++);
          byte[] value = bad.value(kind, key);
          producer.send(new ProducerRecord<>(topics.trajectories(), key, value), (md, error) -> {
            if (error == null) {
              injected.add(new ChaosAudit.Injected(kind, key, md.topic(), md.partition(), md.offset()));
              progress("injected " + kind + " (" + value.length + " bytes) at " + md.topic() + " partition "
                  + md.partition() + " offset " + md.offset());
            } else {
              synchronized (failedInjections) {
                failedInjections.add(kind + ": " + error);
              }
              progress("injection of " + kind + " failed (not counted): " + error);
            }
          });
        }
        Thread.sleep(100);
      }
      // The phase is over: whatever is down comes back now.
      if (brokerBackAt >= 0) {
        kafka.startBroker();
        progress("broker up again");
      }
      for (RoleProcess p : restartAt.keySet()) {
        p.start();
        progress("started " + p.name() + " again (pid " + p.pid() + ")");
      }
      // Injections the schedule did not reach (a long broker outage) go out now, so every kind is checked.
      while (nextInjection < schedule.injections().size()) {
        BadRecords.Kind kind = schedule.injections().get(nextInjection).kind();
        String key = BadRecords.key(kind, nextInjection++);
        var md = producer.send(new ProducerRecord<>(topics.trajectories(), key, bad.value(kind, key))).get();
        injected.add(new ChaosAudit.Injected(kind, key, md.topic(), md.partition(), md.offset()));
        progress("injected " + kind + " at " + md.topic() + " partition " + md.partition() + " offset " + md.offset());
      }
      producer.flush();
    }
    progress("fault phase over: kills " + kills + ", broker restarts " + brokerRestarts + ", bad records "
        + injected.size() + (crashes.isEmpty() ? "" : ", exits without a kill " + crashes));
    return new ArrayList<>(injected);
  }

  /**
   * Stops the actors (SIGTERM: each finishes its batch and flushes), then waits until the replay buffer has read
   * every trajectory, emits no more batches, and the learner has trained or reported every batch.
   */
  private void drain(KafkaClients clients, Topics topics, StackProcesses stack, LocalKafka kafka) throws Exception {
    progress("stopping the actors (SIGTERM)");
    for (RoleProcess a : stack.actors) {
      if (!a.stop(Duration.ofSeconds(90))) {
        progress(a.name() + " did not stop within 90 s of SIGTERM; killed");
      }
    }
    progress("draining: replay buffer and learner work through what is left");
    AvroDeserializer<ReplayBatch> batches = clients.deserializer(ReplayBatch.class);
    AvroDeserializer<LearnerMetrics> metrics = clients.deserializer(LearnerMetrics.class);
    Set<String> trained = new HashSet<>();
    Map<Long, String> batchAt = new HashMap<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(drainTimeout).toNanos();
    int lastBatchCount = -1;
    long stableSince = System.nanoTime();
    long lastReport = 0;
    Pattern skip = Pattern.compile("skipping the batch at topic \\S+ partition \\d+ offset (\\d+)");
    try (TopicTail batchTail = new TopicTail(clients, topics.replayBatches());
         TopicTail metricTail = new TopicTail(clients, topics.learnerMetrics());
         Admin admin = clients.admin()) {
      int readBatches = 0;
      int readMetrics = 0;
      while (true) {
        supervise(stack, new HashMap<>());
        batchTail.catchUp(Duration.ofSeconds(10));
        metricTail.catchUp(Duration.ofSeconds(10));
        List<ConsumerRecord<byte[], byte[]>> b = batchTail.records();
        for (; readBatches < b.size(); readBatches++) {
          batchAt.put(b.get(readBatches).offset(), batches.deserialize(b.get(readBatches).topic(),
              b.get(readBatches).value()).getBatchId().toString());
        }
        List<ConsumerRecord<byte[], byte[]>> m = metricTail.records();
        for (; readMetrics < m.size(); readMetrics++) {
          CharSequence id = metrics.deserialize(m.get(readMetrics).topic(), m.get(readMetrics).value()).getBatchId();
          if (id != null) {
            trained.add(id.toString());
          }
        }
        Set<Long> reportedSkips = new HashSet<>();
        Matcher sm = skip.matcher(stack.learner.logText());
        while (sm.find()) {
          reportedSkips.add(Long.parseLong(sm.group(1)));
        }
        long untrained = batchAt.entrySet().stream().filter(e -> !trained.contains(e.getValue())
            && !reportedSkips.contains(e.getKey())).count();
        long lag = replayLag(admin, topics);
        if (b.size() != lastBatchCount) {
          lastBatchCount = b.size();
          stableSince = System.nanoTime();
        }
        double stable = (System.nanoTime() - stableSince) / 1e9;
        if (lag == 0 && untrained == 0 && stable >= 5) {
          progress("drained: " + b.size() + " batches, all trained or reported; replay buffer has read everything");
          break;
        }
        if (System.nanoTime() > deadline) {
          progress("drain timed out after " + drainTimeout + " s: replay lag " + lag + " trajectories, "
              + untrained + " batches not trained; auditing what there is");
          break;
        }
        if (System.nanoTime() - lastReport > 10_000_000_000L) {
          lastReport = System.nanoTime();
          progress("draining: replay lag " + lag + ", " + b.size() + " batches, " + untrained + " not yet trained");
        }
        Thread.sleep(1000);
      }
    }
    progress("stopping learner and replay buffer (SIGTERM)");
    for (RoleProcess p : List.of(stack.learner, stack.replay)) {
      if (!p.stop(Duration.ofSeconds(120))) {
        progress(p.name() + " did not stop within 120 s of SIGTERM; killed");
      }
    }
  }

  /** Each actor, started again with --check-weights: the version it would serve, verified. */
  private List<ChaosAudit.ActorCheck> checkActors(LocalKafka kafka, Path work, StackProcesses stack)
      throws Exception {
    progress("checking the weights each actor ends on");
    List<RoleProcess> checks = new ArrayList<>();
    for (int i = 1; i <= stack.actors.size(); i++) {
      RoleProcess c = stack.weightCheck(kafka, work, env, i);
      c.start();
      checks.add(c);
    }
    Pattern line = Pattern.compile("actor (\\S+): arm \\S+ v(\\d+) complete and verified, sha256 (\\w+)");
    List<ChaosAudit.ActorCheck> out = new ArrayList<>();
    for (RoleProcess c : checks) {
      Integer rc = c.await(Duration.ofSeconds(180));
      if (rc == null) {
        c.kill();
      }
      String text = c.logText();
      Matcher m = line.matcher(text);
      out.add(m.find() ? new ChaosAudit.ActorCheck(m.group(1), Long.parseLong(m.group(2)), m.group(3), text)
          : new ChaosAudit.ActorCheck(c.name(), -1, "", text));
    }
    return out;
  }

  // ---- supervision ------------------------------------------------------------------------------------------

  /** A role that ended without being killed is a finding: counted, reported, and started again. */
  private void supervise(StackProcesses stack, Map<RoleProcess, Long> restartAt) throws IOException {
    for (RoleProcess p : stack.all()) {
      if (restartAt.containsKey(p) || !p.exitedByItself()) {
        continue;
      }
      String role = p.name().startsWith("actor") ? "actor" : p.name();
      int n = crashes.merge(role, 1, Integer::sum);
      progress(p.name() + " exited by itself (exit code " + p.exitValue() + "); starting it again; see " + p.log());
      if (n > 20) {
        throw new IllegalStateException(p.name() + " keeps exiting by itself; see " + p.log());
      }
      p.start();
    }
  }

  /** Trajectories (fresh and history) the replay buffer has not yet committed as read. */
  static long replayLag(Admin admin, Topics topics) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(StackProcesses.REPLAY_APP)
        .partitionsToOffsetAndMetadata().get();
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    for (String topic : List.of(topics.trajectories(), topics.trajectoriesHistory())) {
      admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
          .forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
    }
    long lag = 0;
    for (var e : admin.listOffsets(request).all().get().entrySet()) {
      OffsetAndMetadata c = committed.get(e.getKey());
      lag += Math.max(0, e.getValue().offset() - (c == null ? 0 : c.offset()));
    }
    return lag;
  }

  /** A producer that can send a 100 MB value: compressed, so the broker's limit applies to the small batch. */
  private static KafkaProducer<String, byte[]> injector(KafkaClients clients) {
    return clients.producer(new StringSerializer(), new ByteArraySerializer(), Map.of(
        ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd",
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(256 * 1024 * 1024),
        ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(512L * 1024 * 1024),
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000"));
  }

  // ---- output -----------------------------------------------------------------------------------------------

  private void summary(ChaosAudit.Result r, Path work) {
    System.out.println();
    System.out.println("shiq chaos: " + (r.passed() ? "PASSED" : "FAILED") + " after " + fmt(elapsed()) + " s");
    System.out.printf(Locale.ROOT, "  faults          kills %s, broker restarts %d%s%n", kills, brokerRestarts,
        crashes.isEmpty() ? "" : ", exits without a kill " + crashes);
    System.out.printf(Locale.ROOT, "  trajectories    %d acknowledged to actors, %d lost (table holds %d, %d distinct "
        + "sampled)%n", r.acked(), r.lost(), r.tableSize(), r.sampledIds());
    System.out.printf(Locale.ROOT, "  batches         %d committed, %d learner steps, %d trained twice, %d skipped "
        + "(%d skips reported by the learner)%n", r.batches(), r.steps(), r.trainedTwice(), r.skipped(),
        r.reportedSkips());
    System.out.printf(Locale.ROOT, "  dead letters    %d injected, %d in the topic, %d with the expected reason%n",
        r.dlqExpected(), r.dlqFound(), r.dlqMatched());
    System.out.printf(Locale.ROOT, "  versions        last announced v%d; every actor ends on it, verified: %s%n",
        r.lastVersion(), r.actorsOnLastVersion() ? "yes" : "NO");
    for (String p : r.problems()) {
      System.out.println("  problem: " + p);
    }
    System.out.println("  logs            " + work.resolve("logs").toAbsolutePath());
  }

  private String json(ChaosAudit.Result r) {
    StringBuilder k = new StringBuilder("{");
    kills.forEach((role, n) -> k.append(k.length() > 1 ? "," : "").append('"').append(role).append("\":").append(n));
    k.append('}');
    return "{\"chaos\":\"done\",\"minutes\":" + number(minutes) + ",\"kills\":" + k + ",\"broker_restarts\":"
        + brokerRestarts + ",\"trajectories_acked\":" + r.acked() + ",\"lost\":" + r.lost() + ",\"trained_twice\":"
        + r.trainedTwice() + ",\"skipped\":" + r.skipped() + ",\"dlq_expected\":" + r.dlqExpected()
        + ",\"dlq_found\":" + r.dlqFound() + "}";
  }

  private double elapsed() {
    return (System.nanoTime() - t0) / 1e9;
  }

  private void progress(String message) {
    System.err.printf(Locale.ROOT, "[chaos %7.1fs] %s%n", elapsed(), message);
  }

  private static String fmt(double seconds) {
    return String.format(Locale.ROOT, "%.1f", seconds);
  }

  private static String number(double x) {
    return x == Math.rint(x) ? Long.toString((long) x) : Double.toString(x);
  }

  static double[] parseInterval(String text) {
    String[] parts = text.split("\\.\\.");
    try {
      if (parts.length == 2) {
        return new double[] {Double.parseDouble(parts[0].trim()), Double.parseDouble(parts[1].trim())};
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new IllegalArgumentException("--kill-interval must be MIN..MAX in seconds (e.g. 15..30), got '" + text
        + "'");
  }

  private static Path workDir(Path given) throws IOException {
    if (given == null) {
      return Files.createTempDirectory("shiq-chaos-");
    }
    if (Files.isDirectory(given)) {
      try (Stream<Path> s = Files.list(given)) {
        if (s.findAny().isPresent()) {
          throw new IllegalArgumentException("--work-dir " + given + " is not empty: a chaos run audits everything "
              + "in its topics, so it starts from nothing");
        }
      }
    }
    Files.createDirectories(given);
    return given;
  }
}
