package io.shiq.schemas.serde;

import io.shiq.schemas.registry.RegistryUnreachableException;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes raw consumer records and sends the ones that cannot be decoded (or fail validation) to the dead-letter
 * topic, with the original key, value and headers and the error in {@link DeadLetterHeaders}. The send is
 * acknowledged before {@link #decode} returns, so a consumer that commits after processing never loses a record:
 * it is either decoded or safely in the dead-letter topic.
 *
 * <p>A registry that cannot be reached is not the record's fault: that error is rethrown, and the caller should
 * stop without committing, so the record is read again later.
 */
public final class DeadLetterRouter {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterRouter.class);

  private static final long SEND_TIMEOUT_S = 30;

  private final Producer<byte[], byte[]> producer;
  private final String deadLetterTopic;
  private long routed;

  public DeadLetterRouter(Producer<byte[], byte[]> producer, String deadLetterTopic) {
    this.producer = producer;
    this.deadLetterTopic = deadLetterTopic;
  }

  /** The decoded value, or empty after the record was routed to the dead-letter topic. */
  public <T> Optional<T> decode(ConsumerRecord<byte[], byte[]> record, Deserializer<T> deserializer) {
    try {
      return Optional.ofNullable(deserializer.deserialize(record.topic(), record.headers(), record.value()));
    } catch (RegistryUnreachableException e) {
      throw e;
    } catch (KafkaException | IllegalArgumentException e) {
      route(record, "undecodable", e);
      return Optional.empty();
    }
  }

  /** Sends {@code record} to the dead-letter topic and waits for the broker's acknowledgement. */
  public void route(ConsumerRecord<byte[], byte[]> record, String reason, Throwable error) {
    Headers headers = DeadLetterHeaders.of(record.headers(), record.topic(), record.partition(), record.offset(),
        record.timestamp(), reason, error);
    try {
      producer.send(new ProducerRecord<>(deadLetterTopic, null, record.key(), record.value(), headers))
          .get(SEND_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted sending " + where(record) + " to dead-letter topic " + deadLetterTopic, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new KafkaException("could not send " + where(record) + " to dead-letter topic " + deadLetterTopic
          + ": " + e.getMessage(), e);
    }
    routed++;
    LOG.warn("{} sent to dead-letter topic {} ({}): {}", where(record), deadLetterTopic, reason,
        error == null ? "" : error.getMessage());
  }

  /** How many records this router has sent to the dead-letter topic. */
  public long routedCount() {
    return routed;
  }

  /** "topic T partition P offset O", the way every error names a record. */
  public static String where(ConsumerRecord<?, ?> record) {
    return "topic " + record.topic() + " partition " + record.partition() + " offset " + record.offset();
  }
}
