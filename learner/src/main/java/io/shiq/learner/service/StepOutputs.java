package io.shiq.learner.service;

import io.shiq.avro.PriorityUpdate;
import io.shiq.schemas.kafka.KafkaClients;
import io.shiq.schemas.topic.Topics;
import java.time.Duration;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Releases an {@link Outbox} to Kafka in one transaction: each step's priority updates to {@code replay.priorities}
 * and its metrics record to {@code learner.metrics}. The transactional id is derived from the learner id, so opening
 * fences an older instance with the same id and aborts what it left open.
 */
final class StepOutputs implements AutoCloseable {
  private final KafkaProducer<String, SpecificRecord> producer;
  private final Topics topics;
  private final String learnerId;

  StepOutputs(KafkaClients kafka, Topics topics, String learnerId) {
    this.producer = kafka.avroProducer(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "shiq-learner-" + learnerId));
    this.topics = topics;
    this.learnerId = learnerId;
    producer.initTransactions();
  }

  /** Sends every entry of {@code outbox} in one transaction and empties it. */
  void release(Outbox outbox) {
    if (outbox.isEmpty()) {
      return;
    }
    producer.beginTransaction();
    for (Outbox.Entry e : outbox.entries()) {
      for (PriorityUpdate p : e.priorities()) {
        producer.send(new ProducerRecord<>(topics.replayPriorities(), p.getTrajectoryId(), p));
      }
      producer.send(new ProducerRecord<>(topics.learnerMetrics(), learnerId, e.metrics()));
    }
    producer.commitTransaction();
    outbox.clear();
  }

  void close(Duration timeout) {
    producer.close(timeout);
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }
}
