package io.shiq.actor.pace;

import io.shiq.avro.LearnerMetrics;
import io.shiq.schemas.kafka.KafkaClients;
import io.shiq.schemas.serde.AvroDeserializer;
import io.shiq.schemas.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Back-pressure for actors run as separate processes: follows {@code learner.metrics} (from its end) and reports how
 * many replay batches wait for the learners of an arm, so an actor can pause instead of piling up batches that grow
 * staler while they wait. A learner whose last report is older than {@code freshFor} does not count (a stopped
 * learner must not stop the actors; the buffer is there to keep their data). It asks to pause while more than
 * {@code maxLag} batches wait.
 */
public final class LearnerLagMonitor implements BackPressure, AutoCloseable {
  private final KafkaConsumer<String, byte[]> consumer;
  private final AvroDeserializer<LearnerMetrics> metrics;
  private final String topic;
  private final String arm;
  private final Duration freshFor;
  private final long maxLag;
  private long lastLag;
  private final Map<String, LearnerMetrics> latest = new HashMap<>();

  public LearnerLagMonitor(KafkaClients kafka, Topics topics, String arm, Duration freshFor, long maxLag) {
    if (maxLag < 0) {
      throw new IllegalArgumentException("maxLag must be >= 0, got " + maxLag);
    }
    this.consumer = kafka.rawConsumer(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "50"));
    this.metrics = kafka.deserializer(LearnerMetrics.class);
    this.topic = topics.learnerMetrics();
    this.arm = arm;
    this.freshFor = freshFor;
    this.maxLag = maxLag;
    List<TopicPartition> parts = new ArrayList<>();
    for (PartitionInfo info : consumer.partitionsFor(topic)) {
      parts.add(new TopicPartition(topic, info.partition()));
    }
    consumer.assign(parts);
    // The last record of each partition is enough to know where the learners stand now.
    consumer.endOffsets(parts).forEach((tp, end) -> consumer.seek(tp, Math.max(0, end - 1)));
  }

  /** Batches waiting for the most behind live learner of the arm (0 when none reported recently). */
  public long lag() {
    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(20))) {
      if (r.value() == null) {
        continue;
      }
      try {
        LearnerMetrics m = metrics.deserialize(topic, r.value());
        if (arm.equals(m.getArm().toString())) {
          latest.put(m.getLearnerId().toString(), m);
        }
      } catch (RuntimeException e) {
        // An undecodable metrics record says nothing about lag; the learner's next one will.
      }
    }
    Instant cutoff = Instant.now().minus(freshFor);
    long lag = 0;
    for (LearnerMetrics m : latest.values()) {
      Double l = m.getExtra().get("consumer.lag");
      if (l != null && m.getCreatedAt().isAfter(cutoff)) {
        lag = Math.max(lag, l.longValue());
      }
    }
    return lag;
  }

  /** Pauses while more than {@code maxLag} batches wait for the learner. */
  @Override
  public boolean shouldPause() {
    lastLag = lag();
    return lastLag > maxLag;
  }

  /** The lag read by the last {@link #shouldPause()} (for messages about a pause). */
  public long lastLag() {
    return lastLag;
  }

  public long maxLag() {
    return maxLag;
  }

  @Override
  public void close() {
    consumer.close();
  }
}
