package io.shiq.learner.service;

import io.shiq.avro.LearnerMetrics;
import io.shiq.avro.PolicyVersion;
import io.shiq.schemas.kafka.KafkaClients;
import io.shiq.schemas.serde.AvroDeserializer;
import io.shiq.schemas.topic.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/** What a starting learner needs to know of what was already written: its last reported step, the arm's version. */
final class KafkaTail {
  private static final int WINDOW = 2_000;

  private KafkaTail() {}

  /** The highest step this learner committed to the metrics topic (0 if none). */
  static long lastReportedStep(KafkaClients kafka, Topics topics, String learnerId) {
    AvroDeserializer<LearnerMetrics> metrics = kafka.deserializer(LearnerMetrics.class);
    long best = 0;
    try (KafkaConsumer<String, byte[]> c = consumer(kafka)) {
      for (TopicPartition tp : partitions(c, topics.learnerMetrics())) {
        long begin = c.beginningOffsets(List.of(tp)).get(tp);
        long end = c.endOffsets(List.of(tp)).get(tp);
        // Newest first, in growing windows, until a record of this learner turns up.
        for (long from = Math.max(begin, end - WINDOW), to = end; to > begin; to = from,
            from = Math.max(begin, from - WINDOW)) {
          long found = 0;
          for (ConsumerRecord<String, byte[]> r : read(c, tp, from, to)) {
            if (learnerId.equals(r.key()) && r.value() != null) {
              found = Math.max(found, metrics.deserialize(r.topic(), r.value()).getStep());
            }
          }
          if (found > 0) {
            best = Math.max(best, found);
            break;
          }
        }
      }
    }
    return best;
  }

  /** The newest announced version of {@code arm} on the (compacted) versions topic. */
  static Optional<PolicyVersion> latestVersion(KafkaClients kafka, Topics topics, String arm) {
    AvroDeserializer<PolicyVersion> versions = kafka.deserializer(PolicyVersion.class);
    PolicyVersion best = null;
    try (KafkaConsumer<String, byte[]> c = consumer(kafka)) {
      for (TopicPartition tp : partitions(c, topics.policyVersions())) {
        long begin = c.beginningOffsets(List.of(tp)).get(tp);
        long end = c.endOffsets(List.of(tp)).get(tp);
        for (ConsumerRecord<String, byte[]> r : read(c, tp, begin, end)) {
          if (arm.equals(r.key()) && r.value() != null) {
            PolicyVersion v = versions.deserialize(r.topic(), r.value());
            if (best == null || v.getVersion() > best.getVersion()) {
              best = v;
            }
          }
        }
      }
    }
    return Optional.ofNullable(best);
  }

  private static KafkaConsumer<String, byte[]> consumer(KafkaClients kafka) {
    return kafka.rawConsumer(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "50"));
  }

  private static List<TopicPartition> partitions(KafkaConsumer<?, ?> c, String topic) {
    List<TopicPartition> out = new ArrayList<>();
    for (PartitionInfo info : c.partitionsFor(topic)) {
      out.add(new TopicPartition(topic, info.partition()));
    }
    return out;
  }

  /** Records of {@code tp} in [from, to). */
  private static List<ConsumerRecord<String, byte[]>> read(KafkaConsumer<String, byte[]> c, TopicPartition tp,
                                                          long from, long to) {
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    if (from >= to) {
      return out;
    }
    c.assign(List.of(tp));
    c.seek(tp, from);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (c.position(tp) < to) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out reading " + tp + " offsets " + from + ".." + to);
      }
      for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200)).records(tp)) {
        if (r.offset() < to) {
          out.add(r);
        }
      }
    }
    return out;
  }
}
