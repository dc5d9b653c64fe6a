package io.shiq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.app.ShiqCommand;
import io.shiq.app.cli.ExitCodes;
import io.shiq.app.metrics.DependencyWatch;
import io.shiq.embedded.EmbeddedStack;
import io.shiq.schemas.kafka.KafkaSettings;
import io.shiq.schemas.topic.Topics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A service started against a broker or registry that is not there exits within its --connect-timeout with code 4
 * and a message naming the address and what to do; a bad local input is reported first, before any waiting on the
 * network, with code 3. While running, a dependency that goes away and comes back is reported once each way.
 */
class FailFastTest {
  private static final int LIMIT_S = 3;

  private record Run(int rc, double seconds, String out) {}

  private static Run shiq(String... args) {
    StringWriter err = new StringWriter();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream saved = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    long start = System.nanoTime();
    try {
      CommandLine cl = ShiqCommand.commandLine();
      cl.setErr(new PrintWriter(err, true));
      int rc = cl.execute(args);
      return new Run(rc, (System.nanoTime() - start) / 1e9, out.toString(StandardCharsets.UTF_8) + err);
    } finally {
      System.setOut(saved);
    }
  }

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort(); // free now, and nothing listens on it after the close
    }
  }

  @Test
  void everyServiceReportsAnUnreachableBrokerWithinItsLimit(@TempDir Path dir) throws Exception {
    String broker = "localhost:" + closedPort();
    String registry = "http://localhost:" + closedPort();
    List<List<String>> commands = List.of(
        List.of("learner", "--env", "synthetic", "--device", "cpu", "--checkpoint-dir", dir.resolve("ck").toString()),
        List.of("actor", "--env", "synthetic", "--device", "cpu"),
        List.of("replay", "--set", "state.dir=" + dir.resolve("streams")),
        List.of("ab", "evaluate", "--state-dir", dir.resolve("ab").toString()),
        List.of("topics", "create"));
    for (List<String> command : commands) {
      List<String> args = new ArrayList<>(command);
      Collections.addAll(args, "--bootstrap-servers", broker, "--schema-registry-url", registry,
          "--connect-timeout", Integer.toString(LIMIT_S));
      Run r = shiq(args.toArray(new String[0]));
      String what = String.join(" ", command);
      assertEquals(ExitCodes.UNREACHABLE, r.rc(), what + ":\n" + r.out());
      assertTrue(r.out().contains("bootstrap.servers=" + broker) && r.out().contains("did not answer within"),
          what + " names the address and what was tried:\n" + r.out());
      assertTrue(r.out().contains("./shiq kafka"), what + " says what to do:\n" + r.out());
      // The limit, plus what the command does before it (an actor builds its model and environment first).
      assertTrue(r.seconds() < LIMIT_S + 15, what + " took " + r.seconds() + " s");
    }
  }

  @Test
  void anUnreachableRegistryIsNamedToo() throws Exception {
    try (EmbeddedStack stack = EmbeddedStack.start(EmbeddedStack.Options.ephemeral())) {
      String registry = "http://localhost:" + closedPort();
      Run r = shiq("ab", "evaluate", "--bootstrap-servers", stack.bootstrapServers(), "--schema-registry-url",
          registry, "--connect-timeout", Integer.toString(LIMIT_S));
      assertEquals(ExitCodes.UNREACHABLE, r.rc(), r.out());
      assertTrue(r.out().contains("schema registry " + registry) && r.out().contains("--schema-registry-url"),
          r.out());
    }
  }

  @Test
  void badLocalInputIsReportedBeforeTheNetwork() throws Exception {
    // A 30 s limit against a closed port: the model error must come first, at once.
    Run r = shiq("learner", "--env", "story-keyword", "--model", "/no/such/model", "--bootstrap-servers",
        "localhost:" + closedPort(), "--connect-timeout", "30");
    assertEquals(ExitCodes.BAD_INPUT, r.rc(), r.out());
    assertTrue(r.out().contains("/no/such/model"), r.out());
    assertTrue(r.seconds() < 10, "took " + r.seconds() + " s: the network was tried first?");
    Run bad = shiq("actor", "--env", "story-keyword", "--model", "/no/such/model", "--bootstrap-servers",
        "localhost:" + closedPort(), "--connect-timeout", "30");
    assertEquals(ExitCodes.BAD_INPUT, bad.rc(), bad.out());
    assertTrue(bad.seconds() < 10, "took " + bad.seconds() + " s");
  }

  @Test
  void aBrokerThatGoesAwayIsReportedOnceEachWay(@TempDir Path dir) throws Exception {
    int kafkaPort = closedPort();
    int registryPort = closedPort();
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    KafkaSettings settings = KafkaSettings.of("localhost:" + kafkaPort, "http://localhost:" + registryPort);
    try (DependencyWatch watch = new DependencyWatch(settings, meters, Duration.ofSeconds(2), lines::add)) {
      await(() -> !watch.up("kafka") && !watch.up("schema-registry"), "both seen down");
      Thread.sleep(6000); // several retries: still one line each
      assertEquals(2, lines.size(), "one line per dependency going down, not one per retry: " + lines);
      assertTrue(meters.scrape().contains("shiq_dependency_up{dependency=\"kafka\"} 0"), meters.scrape());
      try (EmbeddedStack stack = EmbeddedStack.start(new EmbeddedStack.Options(dir, kafkaPort, 0, registryPort,
          Topics.withDefaultPrefix()))) {
        await(watch::allUp, "both seen back");
        assertEquals(4, lines.size(), String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("Kafka at localhost:" + kafkaPort + " is back")),
            String.join("\n", lines));
        assertTrue(meters.scrape().contains("shiq_dependency_up{dependency=\"kafka\"} 1"), meters.scrape());
      }
      assertFalse(lines.isEmpty());
    }
  }

  private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out: " + what);
      Thread.sleep(100);
    }
  }
}
