package io.shiq.app.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.shiq.schemas.kafka.KafkaSettings;
import io.shiq.schemas.registry.RegistryConnection;
import io.shiq.schemas.registry.SchemaRegistryClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Watches Kafka and the schema registry while a service runs, and says so once when one goes away and once when it is
 * back, instead of the client libraries' line per retry. The service's own clients keep retrying by themselves
 * (Kafka's producers, consumers and Streams reconnect); this watch is what a person and a dashboard read:
 * {@code shiq_dependency_up{dependency="kafka"|"schema-registry"}} is 1 or 0, and
 * {@code shiq_dependency_down_seconds} how long it has been down.
 *
 * <p>Checks every {@code interval} while up; while down, with back-off from one second up to {@code interval}, so a
 * returning broker is noticed quickly.
 */
public final class DependencyWatch implements AutoCloseable {
  /** One dependency's state. */
  private static final class State {
    final String name;
    final String where;
    volatile boolean up = true;
    volatile Instant downSince;
    volatile Instant nextCheck = Instant.EPOCH;
    Duration backoff = Duration.ofSeconds(1);

    State(String name, String where) {
      this.name = name;
      this.where = where;
    }
  }

  private final List<State> states = new ArrayList<>();
  private final Admin admin;
  private final SchemaRegistryClient registry;
  private final Duration interval;
  private final Consumer<String> report;
  private final Thread thread;
  private volatile boolean closed;

  /**
   * @param report where state changes go (the service's console or log), one line per change
   */
  public DependencyWatch(KafkaSettings settings, MeterRegistry meters, Duration interval, Consumer<String> report) {
    this.interval = interval;
    this.report = report;
    Map<String, Object> c = new HashMap<>();
    settings.client().forEach((k, v) -> {
      if (!RegistryConnection.isRegistryKey(k)) {
        c.put(k, v);
      }
    });
    c.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    c.put(AdminClientConfig.CLIENT_ID_CONFIG, "shiq-dependency-watch");
    c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
    c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
    // Kafka's own reconnect back-off stays short, so a broker that is back is seen at the next check.
    c.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
    this.admin = Admin.create(c);
    this.registry = new SchemaRegistryClient(settings.registryUrl(), 1, Duration.ofMillis(1), Duration.ofSeconds(5),
        RegistryConnection.from(settings.client(), settings.registryUrl()));
    states.add(new State("kafka", "Kafka at " + settings.bootstrapServers()));
    states.add(new State("schema-registry", "schema registry " + RegistryConnection.redact(settings.registryUrl())));
    for (State s : states) {
      Gauge.builder("shiq.dependency.up", s, x -> x.up ? 1 : 0).tag("dependency", s.name)
          .description("1 while the dependency answers, 0 while it does not").register(meters);
      Gauge.builder("shiq.dependency.down.seconds", s, x -> x.up || x.downSince == null ? 0
              : Duration.between(x.downSince, Instant.now()).toMillis() / 1000.0).tag("dependency", s.name)
          .description("seconds since the dependency stopped answering (0 while up)").register(meters);
    }
    this.thread = new Thread(this::run, "shiq-dependency-watch");
    thread.setDaemon(true);
    thread.start();
  }

  /** True while every dependency answered its last check. */
  public boolean allUp() {
    return states.stream().allMatch(s -> s.up);
  }

  /** True while {@code dependency} ("kafka", "schema-registry") answered its last check. */
  public boolean up(String dependency) {
    return states.stream().filter(s -> s.name.equals(dependency)).findFirst().map(s -> s.up).orElseThrow();
  }

  private void run() {
    while (!closed) {
      Instant now = Instant.now();
      for (State s : states) {
        if (closed || now.isBefore(s.nextCheck)) {
          continue;
        }
        String failure = check(s);
        if (failure == null) {
          if (!s.up) {
            report.accept(s.where + " is back after " + seconds(s.downSince) + "; the service resumes");
          }
          s.up = true;
          s.downSince = null;
          s.backoff = Duration.ofSeconds(1);
          s.nextCheck = Instant.now().plus(interval);
        } else {
          if (s.up) {
            s.downSince = Instant.now();
            report.accept(s.where + " stopped answering (" + failure + "); the service waits and retries by itself "
                + "(shiq_dependency_up{dependency=\"" + s.name + "\"} is 0 until it is back)");
          }
          s.up = false;
          s.nextCheck = Instant.now().plus(s.backoff);
          s.backoff = s.backoff.multipliedBy(2).compareTo(interval) > 0 ? interval : s.backoff.multipliedBy(2);
        }
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Null when {@code s} answered, else why not. */
  private String check(State s) {
    try {
      if (s.name.equals("kafka")) {
        admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
      } else {
        registry.subjects();
      }
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    } catch (Exception e) {
      Throwable t = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
      return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
  }

  private static String seconds(Instant since) {
    return since == null ? "?" : Duration.between(since, Instant.now()).toSeconds() + " s";
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    admin.close(Duration.ofSeconds(2));
  }
}
