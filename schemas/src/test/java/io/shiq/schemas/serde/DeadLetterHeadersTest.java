package io.shiq.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.StreamSupport;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class DeadLetterHeadersTest {

  @Test
  void keepsTheOriginalHeadersAndReplacesEarlierDeadLetterOnes() {
    Headers original = new RecordHeaders();
    original.add("trace", "t1".getBytes(StandardCharsets.UTF_8));
    original.add(DeadLetterHeaders.OFFSET, "99".getBytes(StandardCharsets.UTF_8)); // from an earlier rejection

    Headers h = DeadLetterHeaders.of(original, "shiq.trajectories", 2, 7, 1234L, "undecodable",
        new SerializationException("bad bytes"));

    assertEquals("t1", value(h, "trace"));
    assertEquals("shiq.trajectories", value(h, DeadLetterHeaders.TOPIC));
    assertEquals("2", value(h, DeadLetterHeaders.PARTITION));
    assertEquals(List.of("7"), values(h, DeadLetterHeaders.OFFSET));
    assertEquals("1234", value(h, DeadLetterHeaders.TIMESTAMP));
    assertEquals("undecodable", value(h, DeadLetterHeaders.REASON));
    assertEquals(SerializationException.class.getName(), value(h, DeadLetterHeaders.ERROR_CLASS));
    assertEquals("bad bytes", value(h, DeadLetterHeaders.ERROR_MESSAGE));
  }

  @Test
  void aRecordThatFailedValidationHasEmptyErrorHeaders() {
    Headers h = DeadLetterHeaders.of(new RecordHeaders(), "t", 0, 0, 0, "negative reward", null);
    assertEquals("", value(h, DeadLetterHeaders.ERROR_CLASS));
    assertEquals("", value(h, DeadLetterHeaders.ERROR_MESSAGE));
  }

  private static String value(Headers h, String key) {
    return new String(h.lastHeader(key).value(), StandardCharsets.UTF_8);
  }

  private static List<String> values(Headers h, String key) {
    return StreamSupport.stream(h.headers(key).spliterator(), false)
        .map(x -> new String(x.value(), StandardCharsets.UTF_8)).toList();
  }
}
