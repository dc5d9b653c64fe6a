package io.shiq.app.ab;

import io.shiq.ab.evaluate.EvaluatorService;
import io.shiq.app.cli.Shutdown;
import io.shiq.schemas.kafka.KafkaClients;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code shiq ab evaluate}: the evaluator service (Kafka Streams, exactly-once). */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Run the A/B evaluator (Kafka Streams, exactly-once): reads trajectories served for declared "
        + "experiments, keeps per-arm statistics in a changelogged store, evaluates every experiment continuously "
        + "(mSPRT always-valid p-values and confidence sequences, fixed-horizon test for reference, sample-ratio "
        + "mismatch, CUPED, guardrails) and writes results to eval.results, decisions to experiments.decisions and "
        + "rollbacks to policy.versions (signed with --signing-key; with --policy-public-key, a rollback copies only "
        + "a verified version). A restarted evaluator continues with the same state.")
public final class AbEvaluateCommand implements Callable<Integer> {
  @Mixin
  AbConnection connection;

  @Option(names = "--application-id", description = "Kafka Streams application id (default: ${DEFAULT-VALUE}).")
  String applicationId = EvaluatorService.DEFAULT_APPLICATION_ID;

  @Option(names = "--include-history", description = "Also evaluate trajectories on trajectories.history.")
  boolean includeHistory;

  @Option(names = "--evaluate-every", paramLabel = "DURATION", description = "How often every experiment is "
      + "evaluated, ISO-8601 or seconds (default: ${DEFAULT-VALUE}).")
  String every = "2";

  @Option(names = "--state-dir", paramLabel = "DIR", description = "Kafka Streams state directory (default: Kafka's).")
  String stateDir;

  @Mixin
  io.shiq.app.cli.SigningOptions signing;

  @Mixin
  io.shiq.app.cli.VerificationOptions verification;

  @Mixin
  io.shiq.app.cli.MetricsOptions metricsOptions;

  @Override
  public Integer call() throws InterruptedException {
    io.shiq.schemas.signing.PolicySigner signer = signing.signer(); // bad key files fail before anything else
    io.shiq.schemas.signing.PolicyVerifier trusted = verification.verifier();
    if (signer != null && trusted == null) {
      System.err.println("shiq ab evaluate: rollbacks are signed with key " + signer.keyId() + " but their sources "
          + "are not verified; give --policy-public-key (the learners' keys) so that a forged announcement is never "
          + "re-announced under this key");
    }
    KafkaClients kafka = connection.clients();
    EvaluatorService service = EvaluatorService.start(kafka, connection.topics(), new EvaluatorService.Settings(
        applicationId, includeHistory, duration(every), stateDir, Map.of(), signer, trusted));
    io.shiq.app.metrics.MetricsEndpoint metrics = metricsOptions.start(System.out::println);
    io.shiq.app.metrics.DependencyWatch watch = new io.shiq.app.metrics.DependencyWatch(kafka.settings(),
        metrics.registry(), Duration.ofSeconds(10), m -> System.err.println("shiq ab evaluate: " + m));
    io.micrometer.core.instrument.Gauge.builder("shiq.evaluator.running", () -> service.running() ? 1 : 0)
        .description("1 while the evaluator's Kafka Streams application runs or rebalances")
        .register(metrics.registry());
    CountDownLatch stopped = new CountDownLatch(1);
    Shutdown.onSignal("shiq-ab-evaluate-shutdown", () -> {
      watch.close();
      service.close();
      metrics.close();
      stopped.countDown();
    });
    System.out.printf("A/B evaluator '%s': %s -> %s, %s; Ctrl-C to stop%n", applicationId,
        connection.topics().trajectories(), connection.topics().evalResults(),
        connection.topics().experimentDecisions());
    while (!stopped.await(10, TimeUnit.SECONDS)) {
      if (service.streams().state() == KafkaStreams.State.ERROR) {
        System.err.println("shiq ab evaluate: Kafka Streams failed; see the log above");
        return 1;
      }
      System.out.printf("evaluator state %s%n", service.streams().state());
    }
    return 0;
  }

  static Duration duration(String s) {
    try {
      return s.startsWith("P") || s.startsWith("p") ? Duration.parse(s)
          : Duration.ofMillis(Math.round(Double.parseDouble(s) * 1000));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a duration: '" + s + "' (seconds, e.g. 2, or ISO-8601, e.g. PT2S)");
    }
  }
}
