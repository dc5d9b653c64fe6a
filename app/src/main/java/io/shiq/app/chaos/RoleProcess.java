package io.shiq.app.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One shiq role ({@code shiq replay}, {@code shiq learner}, {@code shiq actor}, ...) as a child JVM on this JVM's own
 * class path, its output appended to {@code <log dir>/<name>.log} across restarts (each start marked by a line).
 * {@link #kill()} is SIGKILL ({@link Process#destroyForcibly()} on Linux), {@link #stop} is SIGTERM, the role's own
 * clean stop.
 */
public final class RoleProcess {
  /** The main class of the shiq command line (by name: no dependency on the launcher's class). */
  static final String MAIN = "io.shiq.app.ShiqCommand";

  private final String name;
  private final List<String> args;
  private final List<String> jvmOptions;
  private final Path log;
  private Process process;
  private int starts;
  private boolean killed;

  /**
   * @param name       log name and role label (e.g. {@code actor-1})
   * @param args       the shiq arguments ({@code learner --env synthetic ...})
   * @param jvmOptions e.g. {@code -Xmx512m}
   */
  public RoleProcess(String name, List<String> args, List<String> jvmOptions, Path logDir) {
    this.name = name;
    this.args = List.copyOf(args);
    this.jvmOptions = List.copyOf(jvmOptions);
    this.log = logDir.resolve(name + ".log");
  }

  public String name() {
    return name;
  }

  public Path log() {
    return log;
  }

  public int starts() {
    return starts;
  }

  /** Starts (again). */
  public synchronized void start() throws IOException {
    if (alive()) {
      throw new IllegalStateException(name + " is already running (pid " + process.pid() + ")");
    }
    Files.createDirectories(log.getParent());
    Files.writeString(log, "=== shiq chaos: start #" + (starts + 1) + " of " + name + " at " + Instant.now() + "\n",
        StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(MAIN);
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    // Options come from the arguments only: a SHIQ_* variable meant for this process would set the child's options.
    pb.environment().keySet().removeIf(k -> k.startsWith("SHIQ_") && !k.equals("SHIQ_LOG_LEVEL")
        && !k.equals("SHIQ_DEBUG"));
    process = pb.start();
    starts++;
    killed = false;
  }

  public synchronized boolean alive() {
    return process != null && process.isAlive();
  }

  /** True once it has ended without {@link #kill()} or {@link #stop} asking it to. */
  public synchronized boolean exitedByItself() {
    return process != null && !process.isAlive() && !killed;
  }

  public synchronized long pid() {
    return process == null ? -1 : process.pid();
  }

  public synchronized int exitValue() {
    return process.exitValue();
  }

  /** SIGKILL, and waits for the process to be gone. */
  public synchronized void kill() throws InterruptedException {
    killed = true;
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** SIGTERM, waits up to {@code timeout}, then SIGKILL; true when it stopped by itself in time. */
  public synchronized boolean stop(Duration timeout) throws InterruptedException {
    killed = true;
    if (process == null || !process.isAlive()) {
      return true;
    }
    process.destroy();
    if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return true;
    }
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
    return false;
  }

  /** Waits up to {@code timeout} for the process to end by itself; its exit code, or null if still running. */
  public Integer await(Duration timeout) throws InterruptedException {
    Process p;
    synchronized (this) {
      p = process;
    }
    if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return p.exitValue();
    }
    return null;
  }

  /** The whole log (every start). */
  public String logText() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }
}
