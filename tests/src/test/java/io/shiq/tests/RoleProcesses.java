package io.shiq.tests;

import io.shiq.tests.deploy.DeployFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a role of deploy/roles.yaml as the image does ({@code java ... io.shiq.app.ShiqCommand <args>}), in its own
 * process configured only by the SHIQ_* variables given, its output in {@code <dir>/<role>.log}.
 */
public final class RoleProcesses {
  private RoleProcesses() {}

  public static Process start(Path dir, String role, List<String> args, Map<String, String> env,
                              String... jvmOptions) throws Exception {
    DeployFiles.assertReadByShiq("role " + role, args, env);
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-Xmx768m");
    cmd.add("-Dai.djl.pytorch.num_threads=1");
    cmd.addAll(List.of(jvmOptions));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.shiq.app.ShiqCommand");
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve(role + ".log").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("SHIQ_")); // only what the test sets
    pb.environment().putAll(env);
    return pb.start();
  }

  /** {@code common} plus the pairs {@code NAME, VALUE, ...}. */
  public static Map<String, String> env(Map<String, String> common, String... pairs) {
    Map<String, String> out = new HashMap<>(common);
    for (int i = 0; i < pairs.length; i += 2) {
      out.put(pairs[i], pairs[i + 1]);
    }
    return out;
  }

  /** The URL a process printed ("metrics: http://localhost:PORT/metrics"), waiting for it. */
  public static String metricsUrl(Path dir, String role) throws InterruptedException {
    Pattern p = Pattern.compile("metrics: (http://\\S+/metrics)");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      Matcher m = p.matcher(log(dir, role));
      if (m.find()) {
        return m.group(1);
      }
      Thread.sleep(200);
    }
    throw new AssertionError(role + " printed no metrics URL:\n" + log(dir, role));
  }

  public static String log(Path dir, String role) {
    try {
      return Files.readString(dir.resolve(role + ".log"));
    } catch (Exception e) {
      return "(no log: " + e + ")";
    }
  }
}
