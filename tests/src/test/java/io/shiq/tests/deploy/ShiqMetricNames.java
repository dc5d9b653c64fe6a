package io.shiq.tests.deploy;

import io.micrometer.core.instrument.MeterRegistry;
import io.shiq.app.metrics.ActorMeters;
import io.shiq.app.metrics.MetricsEndpoint;
import io.shiq.app.metrics.ReplayMeters;
import java.lang.reflect.Constructor;
import java.util.Set;
import java.util.TreeSet;

/**
 * The metric names shiq's services export on {@code /metrics}, exactly as Prometheus sees them: the meters of the
 * learner ({@code LearnerMeters}), the replay buffer ({@link ReplayMeters}) and the actors ({@link ActorMeters}) are
 * registered, by shiq's own code, on the registry of {@link MetricsEndpoint} (the one every service serves), and the
 * names are read back from its scrape text (so Micrometer's Prometheus naming, {@code _total} of counters included,
 * is the real one).
 */
public final class ShiqMetricNames {
  private ShiqMetricNames() {}

  /** Every sample name of the scrape (shiq's meters and the JVM's). */
  public static Set<String> exported() {
    try (MetricsEndpoint endpoint = MetricsEndpoint.disabled()) {
      MeterRegistry registry = endpoint.registry();
      new ActorMeters(registry, "actor-1");
      ReplayMeters.bind(registry, null); // the functions read the service only when scraped: NaN without one
      Class<?> learnerMeters = Class.forName("io.shiq.learner.service.LearnerMeters");
      Constructor<?> constructor = learnerMeters.getDeclaredConstructor(MeterRegistry.class, String.class);
      constructor.setAccessible(true);
      constructor.newInstance(registry, "learner");
      return names(endpoint.scrape());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot register the learner's meters (LearnerMeters(MeterRegistry, String)): "
          + e, e);
    }
  }

  /** The sample names of a Prometheus text exposition. */
  static Set<String> names(String scrape) {
    Set<String> out = new TreeSet<>();
    for (String line : scrape.lines().toList()) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int end = 0;
      while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
        end++;
      }
      out.add(line.substring(0, end));
    }
    return out;
  }
}
