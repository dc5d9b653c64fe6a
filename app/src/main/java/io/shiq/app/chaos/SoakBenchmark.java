package io.shiq.app.chaos;

import io.shiq.actor.loop.AckLog;
import io.shiq.schemas.kafka.KafkaClients;
import io.shiq.schemas.storage.Directories;
import io.shiq.schemas.topic.Topics;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shiq bench soak}: the online loop as separate processes (the same stack as {@code shiq chaos}, without
 * faults) at a fixed trajectory rate for a long time, watching for what only time shows: heap that grows after full
 * collections (a leak), consumer lag that creeps up (a stage slower than the load), errors in the logs. Heap is
 * measured after a full GC ({@code jcmd PID GC.run}, then {@code jstat -gc}) once warmed up and at the end.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
    description = "Run replay, learner and actors as processes against an embedded broker at a fixed trajectory rate "
        + "for --minutes; report heap after a full GC of every process at the start (after warm-up) and the end, the "
        + "replay buffer's consumer lag over the run (max, final) and ERROR lines in the logs. Ends with one JSON "
        + "line.")
public final class SoakBenchmark implements Callable<Integer> {
  @Option(names = "--minutes", description = "Length of the measured run (default: ${DEFAULT-VALUE}).")
  double minutes = 10;

  @Option(names = "--rate", paramLabel = "PER_S", description = "Trajectories per second in all, split evenly over "
      + "the actors (default: ${DEFAULT-VALUE}).")
  double rate = 20;

  @Option(names = "--actors", description = "Actor processes (default: ${DEFAULT-VALUE}).")
  int actors = 2;

  @Option(names = "--env", description = "Environment (default: ${DEFAULT-VALUE}).")
  String env = "synthetic";

  @Option(names = "--warm-up", paramLabel = "SECONDS", description = "Time after the first learner step before the "
      + "start measurement (default: ${DEFAULT-VALUE}).")
  int warmUp = 60;

  @Option(names = "--work-dir", paramLabel = "DIR", description = "Broker data, logs, checkpoints (default: a "
      + "temporary directory, removed at the end unless --keep).")
  Path workDir;

  @Option(names = "--replay-capacity", paramLabel = "N", description = "Replay table capacity per partition (3 "
      + "partitions); keep it small enough to fill during the warm-up, so the run measures a table in steady state "
      + "(default: ${DEFAULT-VALUE}).")
  int replayCapacity = 300;

  @Option(names = "--keep", description = "Keep the work directory.")
  boolean keep;

  private final long t0 = System.nanoTime();

  @Override
  public Integer call() throws Exception {
    if (minutes <= 0 || rate <= 0 || actors < 1) {
      throw new IllegalArgumentException("--minutes and --rate must be > 0, --actors >= 1");
    }
    Path work = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("shiq-soak-");
    Topics topics = Topics.withDefaultPrefix();
    LocalKafka kafka = LocalKafka.start(work.resolve("broker"), topics);
    // A table that fills during the warm-up and then evicts, as in production: flat memory is then what a leak-free
    // process shows (a table that only grows would grow its indexes with it).
    StackProcesses stack = new StackProcesses(kafka, work, env, actors, 1, List.of("--max-rate",
        Double.toString(rate / actors)), List.of("--set", "replay.capacity=" + replayCapacity));
    Thread hook = io.shiq.app.cli.Shutdown.onSignal("shiq-soak-shutdown", () -> {
      stack.killAll();
      kafka.close();
    });
    try {
      KafkaClients clients = kafka.clients();
      stack.startAll();
      progress("started replay, learner and " + actors + " actor(s) at " + rate + " trajectories/s in all");
      try (TopicTail metrics = new TopicTail(clients, topics.learnerMetrics())) {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (metrics.records().isEmpty()) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("no learner step within 5 minutes; logs in " + work.resolve("logs"));
          }
          metrics.catchUp(Duration.ofSeconds(10));
          Thread.sleep(500);
        }
      }
      progress("the loop turns; warming up for " + warmUp + " s");
      Thread.sleep(warmUp * 1000L);
      Map<String, Double> heapStart = heaps(stack);
      progress("heap after a full GC at the start (MB): " + heapStart);
      long acked0 = acked(stack);
      long start = System.nanoTime();
      long end = start + (long) (minutes * 60e9);
      long lagMax = 0;
      long lag = 0;
      int samples = 0;
      try (Admin admin = clients.admin()) {
        while (System.nanoTime() < end) {
          lag = ChaosCommand.replayLag(admin, topics);
          lagMax = Math.max(lagMax, lag);
          samples++;
          for (RoleProcess p : stack.all()) {
            if (!p.alive()) {
              throw new IllegalStateException(p.name() + " exited (code " + p.exitValue() + "); see " + p.log());
            }
          }
          if (samples % 12 == 0) {
            progress(String.format(Locale.ROOT, "%.1f min: replay lag %d (max %d)", (System.nanoTime() - start)
                / 60e9, lag, lagMax));
          }
          Thread.sleep(5000);
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      long produced = acked(stack) - acked0;
      Map<String, Double> heapEnd = heaps(stack);
      progress("heap after a full GC at the end (MB): " + heapEnd);
      Map<String, Long> errors = new LinkedHashMap<>();
      for (RoleProcess p : stack.all()) {
        errors.put(p.name(), p.logText().lines().filter(l -> l.contains(" ERROR ")).count());
      }
      long errorsAll = errors.values().stream().mapToLong(Long::longValue).sum();
      System.out.printf(Locale.ROOT, "%nsoak: %.1f min at %.1f trajectories/s asked, %.1f/s produced%n", seconds / 60,
          rate, produced / seconds);
      System.out.printf(Locale.ROOT, "  %-10s %10s %10s%n", "process", "heap start", "heap end");
      heapStart.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-10s %8.1f MB %8.1f MB%n", k, v,
          heapEnd.getOrDefault(k, Double.NaN)));
      System.out.printf(Locale.ROOT, "  replay lag: max %d, end %d (%d samples); ERROR lines %s%n", lagMax, lag,
          samples, errors);
      StringBuilder heap = new StringBuilder("{");
      heapStart.forEach((k, v) -> heap.append(heap.length() > 1 ? "," : "").append(String.format(Locale.ROOT,
          "\"%s\":{\"start\":%.1f,\"end\":%.1f}", k, v, heapEnd.getOrDefault(k, -1.0))));
      heap.append('}');
      System.out.println(String.format(Locale.ROOT, "{\"bench\":\"soak\",\"minutes\":%.2f,\"rate_per_s\":%s,"
          + "\"achieved_per_s\":%.2f,\"replay_capacity\":%d,\"heap_mb\":%s,\"lag_max\":%d,\"lag_end\":%d,"
          + "\"errors\":%d}", seconds / 60, rate, produced / seconds,
          io.shiq.schemas.topic.Topics.TRAJECTORIES.partitions() * replayCapacity, heap, lagMax, lag, errorsAll));
    } finally {
      for (RoleProcess p : stack.all()) {
        p.stop(Duration.ofSeconds(60));
      }
      kafka.close();
      io.shiq.app.cli.Shutdown.remove(hook);
    }
    if (!keep && workDir == null) {
      Directories.deleteRecursively(work);
    }
    return 0;
  }

  private static long acked(StackProcesses stack) throws IOException {
    long n = 0;
    for (Path p : stack.ackLogs) {
      n += AckLog.read(p).size();
    }
    return n;
  }

  /** Heap in use after a full GC, in MB, of every role and of this process (the broker and registry). */
  private static Map<String, Double> heaps(StackProcesses stack) throws Exception {
    Map<String, Double> out = new LinkedHashMap<>();
    System.gc();
    out.put("broker", round(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0));
    for (RoleProcess p : stack.all()) {
      out.put(p.name(), round(heapAfterGc(p.pid())));
    }
    return out;
  }

  private static double round(double mb) {
    return Math.round(mb * 10) / 10.0;
  }

  /** {@code jcmd PID GC.run}, then the used capacity of every generation from {@code jstat -gc PID}. */
  static double heapAfterGc(long pid) throws Exception {
    run(jdkTool("jcmd"), Long.toString(pid), "GC.run");
    String[] lines = run(jdkTool("jstat"), "-gc", Long.toString(pid)).strip().split("\n");
    String[] names = lines[0].trim().split("\\s+");
    String[] values = lines[lines.length - 1].trim().split("\\s+");
    double kb = 0;
    for (int i = 0; i < names.length; i++) {
      if (List.of("S0U", "S1U", "EU", "OU").contains(names[i])) {
        kb += Double.parseDouble(values[i]);
      }
    }
    return kb / 1024;
  }

  private static String jdkTool(String name) {
    Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
    Path tool = java.getParent() == null ? Path.of(name) : java.getParent().resolve(name);
    return Files.isExecutable(tool) ? tool.toString() : name;
  }

  private static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + new String(out, StandardCharsets.UTF_8));
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  private void progress(String message) {
    System.err.printf(Locale.ROOT, "[soak %7.1fs] %s%n", (System.nanoTime() - t0) / 1e9, message);
  }
}
