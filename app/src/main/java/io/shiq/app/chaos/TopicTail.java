package io.shiq.app.chaos;

import io.shiq.schemas.kafka.KafkaClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Every committed record of a topic, from its start, as raw bytes: read_committed, so records of aborted transactions
 * (a replay buffer or learner killed mid-transaction) are never counted. {@link #catchUp} reads up to the end offsets
 * of the moment; records accumulate across calls.
 */
final class TopicTail implements AutoCloseable {
  private final String topic;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final List<TopicPartition> partitions = new ArrayList<>();
  private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();

  TopicTail(KafkaClients kafka, String topic) {
    this.topic = topic;
    this.consumer = kafka.consumer(new ByteArrayDeserializer(), new ByteArrayDeserializer(), Map.of(
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(16 * 1024 * 1024),
        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "50"));
    for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(60))) {
      partitions.add(new TopicPartition(topic, p.partition()));
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /**
   * Reads until every partition's position reaches its end offset as of this call (the last stable offset: an open
   * transaction holds it back) or {@code timeout} passes; false on time-out.
   */
  boolean catchUp(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
    while (true) {
      boolean done = true;
      for (TopicPartition tp : partitions) {
        done &= consumer.position(tp, timeout) >= end.get(tp);
      }
      if (done) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      consumer.poll(Duration.ofMillis(100)).forEach(records::add);
    }
  }

  /** Records read so far, in partition order within each partition. */
  List<ConsumerRecord<byte[], byte[]>> records() {
    return records;
  }

  String topic() {
    return topic;
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
