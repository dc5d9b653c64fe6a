package io.shiq.app.cli;

import io.shiq.app.metrics.MetricsEndpoint;
import io.shiq.app.metrics.ReplayMeters;
import io.shiq.replay.ReplayConfig;
import io.shiq.replay.ReplayService;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code shiq replay}: the replay buffer as a Kafka Streams application. */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = "Run the replay buffer (Kafka Streams): fresh and historical trajectories in, training batches out, "
        + "with Reverb-style sampler, remover, rate limiter, mixer, reuse cap, staleness and late-reward handling. "
        + "Options come from --config, then --set; --list-options prints them all with defaults.")
public final class ReplayCommand implements Callable<Integer> {
  @Option(names = "--config", paramLabel = "FILE", description = "Options file: .properties, or .yaml/.yml (nested "
      + "keys join with dots).")
  Path configFile;

  @Mixin
  KafkaOptions kafkaOptions;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one option (repeatable), e.g. "
      + "--set replay.sampler=prioritized.")
  Map<String, String> overrides = Map.of();

  @Mixin
  MetricsOptions metricsOptions;

  @Option(names = "--list-options", description = "Print every replay option with its default and meaning, then exit.")
  boolean listOptions;

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (listOptions) {
      ReplayConfig.OPTIONS.forEach((k, d) -> System.out.printf("%-38s %-16s %s%n", k, d[0] == null ? "(required)"
          : d[0], d[1]));
      return 0;
    }
    Properties p = new Properties();
    if (configFile != null) {
      p.putAll(ReplayConfig.readFile(configFile));
    }
    kafkaOptions.applyTo(p);
    overrides.forEach(p::put);
    ReplayConfig config = ReplayConfig.from(p);
    // The options are valid; now Kafka and the registry, each within --connect-timeout.
    io.shiq.schemas.kafka.Dependencies.broker(config.kafka(), kafkaOptions.connectTimeout());
    io.shiq.schemas.kafka.Dependencies.registry(config.kafka(), kafkaOptions.connectTimeout());
    ReplayService service = ReplayService.start(config);
    MetricsEndpoint metrics = metricsOptions.start(System.out::println);
    ReplayMeters.bind(metrics.registry(), service);
    io.shiq.app.metrics.DependencyWatch watch = new io.shiq.app.metrics.DependencyWatch(config.kafka(),
        metrics.registry(), Duration.ofSeconds(10), m -> System.err.println("shiq replay: " + m));
    CountDownLatch stopped = new CountDownLatch(1);
    Shutdown.onSignal("shiq-replay-shutdown", () -> {
      watch.close();
      service.close(Duration.ofSeconds(30));
      metrics.close();
      stopped.countDown();
    });
    System.out.printf("replay buffer '%s' on %s: %s -> %s (sampler %s, remover %s, batch %d); Ctrl-C to stop%n",
        config.applicationId(), config.bootstrapServers(), config.topics().trajectories(),
        config.topics().replayBatches(), config.sampler().name(), config.remover().name(), config.batchSize());
    while (!stopped.await(10, TimeUnit.SECONDS)) {
      if (service.streams().state() == KafkaStreams.State.ERROR) {
        System.err.println("shiq replay: Kafka Streams failed; see the log above");
        return 1;
      }
      System.out.printf("inserts %.0f, samples %.0f, table %.0f, dead letters %.0f, state %s%n",
          service.metric("inserts-total"), service.metric("samples-total"), service.metric("table-size"),
          service.metric("dead-letters-total"), service.streams().state());
    }
    return 0;
  }
}
