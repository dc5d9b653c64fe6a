package io.shiq.replay.topology;

import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Value;
import org.apache.kafka.streams.StreamsMetrics;

/**
 * The replay buffer's metrics, registered with Kafka Streams' metrics (so JMX and any Streams metrics reporter see
 * them) under scope {@code shiq-replay}, one entity per partition: insert and sample rates and totals, evictions,
 * dead letters, stale trajectories by how many versions behind (0, 1, 2-3, 4-7, 8+), reward time-outs, and gauges of
 * table size, fresh share of the table and realised samples per insert.
 */
final class ReplayMetrics {
  private static final String SCOPE = "shiq-replay";
  private static final String GROUP = "stream-shiq-replay-metrics";
  private static final String[] STALENESS = {"0", "1", "2-3", "4-7", "8+"};

  private final Sensor inserts;
  private final Sensor samples;
  private final Sensor evictions;
  private final Sensor deadLetters;
  private final Sensor rewardTimeouts;
  private final Sensor[] staleness = new Sensor[STALENESS.length];
  private final Sensor tableSize;
  private final Sensor freshShare;
  private final Sensor ratio;

  ReplayMetrics(StreamsMetrics metrics, String task) {
    inserts = rate(metrics, task, "inserts");
    samples = rate(metrics, task, "samples");
    evictions = rate(metrics, task, "evictions");
    deadLetters = rate(metrics, task, "dead-letters");
    rewardTimeouts = rate(metrics, task, "reward-timeouts");
    for (int i = 0; i < STALENESS.length; i++) {
      staleness[i] = rate(metrics, task, "versions-behind-" + STALENESS[i]);
    }
    tableSize = gauge(metrics, task, "table-size", "trajectories in the table");
    freshShare = gauge(metrics, task, "fresh-share", "share of the table not yet sampled");
    ratio = gauge(metrics, task, "samples-per-insert", "realised sampled items per inserted item");
  }

  /** {@code <op>-rate} (per second) and {@code <op>-total} of the amounts recorded (not of the record calls). */
  private static Sensor rate(StreamsMetrics m, String task, String op) {
    Sensor s = m.addSensor(SCOPE + "." + task + "." + op, Sensor.RecordingLevel.INFO);
    Map<String, String> tags = Map.of("task-id", task);
    s.add(new MetricName(op + "-rate", GROUP, op + " per second", tags),
        new org.apache.kafka.common.metrics.stats.Rate(java.util.concurrent.TimeUnit.SECONDS,
            new org.apache.kafka.common.metrics.stats.WindowedSum()));
    s.add(new MetricName(op + "-total", GROUP, op + " in all", tags),
        new org.apache.kafka.common.metrics.stats.CumulativeSum());
    return s;
  }

  private static Sensor gauge(StreamsMetrics m, String task, String name, String doc) {
    Sensor s = m.addSensor(SCOPE + "." + task + "." + name, Sensor.RecordingLevel.INFO);
    s.add(new MetricName(name, GROUP, doc, Map.of("task-id", task)), new Value());
    return s;
  }

  /** Counter names of the staleness histogram buckets. */
  static String stalenessCounter(long behind) {
    int bucket = behind <= 0 ? 0 : behind == 1 ? 1 : behind <= 3 ? 2 : behind <= 7 ? 3 : 4;
    return "behind-" + STALENESS[bucket];
  }

  /**
   * Records what happened since the last call, from the processor's counters (the rate stats average the recorded
   * amounts over their window, so one record of the delta per second gives the same rates and totals as one record
   * per event, without a synchronised metrics call on every record).
   */
  void report(java.util.function.ToLongFunction<String> delta) {
    record(inserts, delta.applyAsLong("inserts"));
    record(samples, delta.applyAsLong("samples"));
    record(evictions, delta.applyAsLong("evictions"));
    record(deadLetters, delta.applyAsLong("dead-letters"));
    record(rewardTimeouts, delta.applyAsLong("reward-timeouts"));
    for (int i = 0; i < STALENESS.length; i++) {
      record(staleness[i], delta.applyAsLong("behind-" + STALENESS[i]));
    }
  }

  private static void record(Sensor s, long amount) {
    if (amount > 0) {
      s.record(amount);
    }
  }

  void table(long size, long freshEntries, long insertsTotal, long samplesTotal) {
    tableSize.record(size);
    freshShare.record(size == 0 ? 0 : (double) freshEntries / size);
    ratio.record(insertsTotal == 0 ? 0 : (double) samplesTotal / insertsTotal);
  }
}
