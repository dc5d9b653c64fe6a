package io.shiq.schemas.serde;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The headers of a dead letter: the original record's headers, then where it came from and why it was rejected in
 * {@code shiq.dlq.*} headers. Built here once, so a dead letter reads the same whether a plain consumer
 * ({@link DeadLetterRouter}) or a Streams processor (the replay buffer) sent it.
 */
public final class DeadLetterHeaders {
  public static final String TOPIC = "shiq.dlq.topic";
  public static final String PARTITION = "shiq.dlq.partition";
  public static final String OFFSET = "shiq.dlq.offset";
  public static final String TIMESTAMP = "shiq.dlq.timestamp";
  public static final String REASON = "shiq.dlq.reason";
  public static final String ERROR_CLASS = "shiq.dlq.error.class";
  public static final String ERROR_MESSAGE = "shiq.dlq.error.message";
  /** Set when the dead letter keeps only the start of a too-large value: the original value's size in bytes. */
  public static final String VALUE_BYTES = "shiq.dlq.value.bytes";

  private DeadLetterHeaders() {}

  /**
   * The original headers with the {@code shiq.dlq.*} ones set; {@code error} may be null (a record that decoded but
   * failed validation), which leaves the error headers empty.
   */
  public static Headers of(Iterable<Header> original, String topic, int partition, long offset, long timestamp,
                           String reason, Throwable error) {
    Headers headers = new RecordHeaders();
    for (Header h : original) {
      headers.add(h);
    }
    put(headers, TOPIC, topic);
    put(headers, PARTITION, Integer.toString(partition));
    put(headers, OFFSET, Long.toString(offset));
    put(headers, TIMESTAMP, Long.toString(timestamp));
    put(headers, REASON, reason);
    put(headers, ERROR_CLASS, error == null ? "" : error.getClass().getName());
    put(headers, ERROR_MESSAGE, error == null ? "" : String.valueOf(error.getMessage()));
    return headers;
  }

  // Replaces, not adds: a record sent back from the dead-letter topic and rejected again names only its latest source.
  private static void put(Headers headers, String key, String value) {
    headers.remove(key);
    headers.add(key, value.getBytes(StandardCharsets.UTF_8));
  }
}
