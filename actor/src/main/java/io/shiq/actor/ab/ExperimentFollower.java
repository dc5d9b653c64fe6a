package io.shiq.actor.ab;

import io.shiq.avro.Experiment;
import io.shiq.schemas.kafka.KafkaClients;
import io.shiq.schemas.serde.AvroDeserializer;
import io.shiq.schemas.topic.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The latest record of one experiment, tailed from the compacted {@code experiments} topic. */
public final class ExperimentFollower implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ExperimentFollower.class);
  private final String experimentId;
  private final KafkaConsumer<String, byte[]> consumer;
  private final AvroDeserializer<Experiment> reader;
  private Experiment current;

  public ExperimentFollower(KafkaClients kafka, Topics topics, String experimentId) {
    this.experimentId = experimentId;
    this.reader = kafka.deserializer(Experiment.class);
    this.consumer = kafka.rawConsumer(Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "50"));
    List<TopicPartition> parts = new ArrayList<>();
    for (PartitionInfo p : consumer.partitionsFor(topics.experiments())) {
      parts.add(new TopicPartition(p.topic(), p.partition()));
    }
    consumer.assign(parts);
    consumer.seekToBeginning(parts);
  }

  /** Reads what arrived (until caught up or {@code timeout}) and returns the experiment's latest record. */
  public Optional<Experiment> refresh(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    do {
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(50))) {
        if (!experimentId.equals(r.key())) {
          continue;
        }
        if (r.value() == null) {
          current = null;
          continue;
        }
        try {
          current = reader.deserialize(r.topic(), r.value());
        } catch (RuntimeException e) {
          LOG.warn("skipping {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
        }
      }
      if (io.shiq.actor.weights.VersionCatalog.caughtUp(consumer)) {
        break;
      }
    } while (System.nanoTime() < deadline);
    return Optional.ofNullable(current);
  }

  @Override
  public void close() {
    consumer.close();
  }
}
