package io.shiq.learner.service;

import io.shiq.schemas.kafka.KafkaClients;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads training batches one at a time from every partition of the batch topic, at the positions a checkpoint
 * recorded (no consumer-group commits: the positions live in the learner's checkpoints).
 */
final class BatchReader implements AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final ArrayDeque<ConsumerRecord<byte[], byte[]>> pending = new ArrayDeque<>();
  private final List<TopicPartition> partitions = new ArrayList<>();

  BatchReader(KafkaClients kafka) {
    this.consumer = kafka.consumer(new ByteArrayDeserializer(), new ByteArrayDeserializer(), Map.of(
        // The replay buffer writes batches in transactions (exactly-once Kafka Streams): never train on aborted ones.
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "8",
        // A checkpointed position below the log start means retention deleted batches before they were trained: go
        // on from the oldest batch still there (the consumer logs the reset), never from the end.
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(16 * 1024 * 1024),
        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100"));
  }

  /**
   * Assigns every partition of {@code topic} and seeks each to its checkpointed position (keys as {@link #key});
   * partitions without one start at the beginning, or at the end when {@code fromLatest}.
   */
  void assign(String topic, Map<String, String> positions, boolean fromLatest) {
    for (PartitionInfo info : consumer.partitionsFor(topic)) {
      partitions.add(new TopicPartition(info.topic(), info.partition()));
    }
    consumer.assign(partitions);
    List<TopicPartition> unpositioned = new ArrayList<>();
    for (TopicPartition tp : partitions) {
      String at = positions.get(key(tp));
      if (at != null) {
        consumer.seek(tp, Long.parseLong(at));
      } else {
        unpositioned.add(tp);
      }
    }
    if (unpositioned.isEmpty()) {
      return; // (an empty list would mean "all assigned partitions" to seekToBeginning / seekToEnd)
    }
    if (fromLatest) {
      consumer.seekToEnd(unpositioned);
    } else {
      consumer.seekToBeginning(unpositioned);
    }
  }

  /** The next batch record, waiting up to {@code timeout}; null if none came. */
  ConsumerRecord<byte[], byte[]> next(Duration timeout) {
    if (pending.isEmpty()) {
      consumer.poll(timeout).forEach(pending::add);
    }
    return pending.pollFirst();
  }

  /** Batches waiting behind the last one returned. */
  long lag() {
    long lag = pending.size();
    for (TopicPartition tp : partitions) {
      OptionalLong l = consumer.currentLag(tp);
      lag += l.orElse(0);
    }
    return lag;
  }

  /** The checkpoint key of a partition's position. */
  static String key(TopicPartition tp) {
    return tp.topic() + "-" + tp.partition();
  }

  @Override
  public void close() {
    consumer.close();
  }
}
