package io.shiq.app.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.shiq.replay.ReplayService;

/** The replay buffer's Kafka Streams metrics as Micrometer meters ({@code shiq_replay_inserts_total}, ...). */
public final class ReplayMeters {
  private ReplayMeters() {}

  public static void bind(MeterRegistry registry, ReplayService service) {
    for (String op : new String[] {"inserts", "samples", "evictions", "dead-letters", "reward-timeouts"}) {
      FunctionCounter.builder("shiq.replay." + op.replace('-', '.'), service, s -> s.metric(op + "-total"))
          .description(op.replace('-', ' ') + " in all").register(registry);
    }
    Gauge.builder("shiq.replay.table.size", service, s -> s.metric("table-size"))
        .description("trajectories in the replay table").register(registry);
    Gauge.builder("shiq.replay.samples.per.insert", service, s -> s.metric("samples-per-insert"))
        .description("realised sampled items per inserted item").register(registry);
  }
}
