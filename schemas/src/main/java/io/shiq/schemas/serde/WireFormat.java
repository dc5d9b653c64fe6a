package io.shiq.schemas.serde;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The Confluent wire format: magic byte 0, the schema id as a 4-byte big-endian int, then the Avro binary
 * encoding of the record (no container-file header).
 */
public final class WireFormat {
  public static final byte MAGIC_BYTE = 0;
  public static final int HEADER_SIZE = 5;

  private WireFormat() {}

  /** Subject of a topic's values or keys under the TopicNameStrategy. */
  public static String subject(String topic, boolean isKey) {
    return topic + (isKey ? "-key" : "-value");
  }

  /** Validates the header of {@code data} and returns the schema id it names. */
  public static int readSchemaId(String topic, byte[] data) {
    if (data.length < HEADER_SIZE) {
      throw new SerializationException("topic " + topic + ": record of " + data.length
          + " bytes is too short for the Confluent wire format (5-byte header: magic byte 0 + schema id)");
    }
    if (data[0] != MAGIC_BYTE) {
      throw new SerializationException(String.format(
          "topic %s: unknown magic byte 0x%02x (expected 0x00 of the Confluent wire format)", topic, data[0]));
    }
    return ByteBuffer.wrap(data, 1, 4).getInt();
  }

  /** Writes the 5-byte header into {@code out}. */
  public static void writeHeader(ByteBuffer out, int schemaId) {
    out.put(MAGIC_BYTE).putInt(schemaId);
  }
}
