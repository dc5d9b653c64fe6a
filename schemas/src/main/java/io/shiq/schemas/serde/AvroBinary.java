package io.shiq.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Avro binary encoding into a byte array, written once for every serializer: the bare body (state stores, stored
 * trajectory bodies) or the body after the Confluent header (topics other programs read, see {@link WireFormat}).
 * Callers turn the {@link IOException} into an error naming their record and topic.
 */
public final class AvroBinary {
  private AvroBinary() {}

  /** Writes one value's fields, in schema order. */
  @FunctionalInterface
  public interface Body {
    void writeTo(Encoder encoder) throws IOException;
  }

  /** {@code value} in bare Avro binary; {@code sizeHint} is the expected size in bytes. */
  public static <T> byte[] encode(DatumWriter<T> writer, T value, int sizeHint) throws IOException {
    return encode(sizeHint, e -> writer.write(value, e));
  }

  /** What {@code body} writes, in bare Avro binary. */
  public static byte[] encode(int sizeHint, Body body) throws IOException {
    return write(new ByteArrayOutputStream(sizeHint), body);
  }

  /** What {@code body} writes, after the Confluent header naming {@code schemaId}. */
  public static byte[] encodeFramed(int schemaId, int sizeHint, Body body) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(sizeHint);
    ByteBuffer header = ByteBuffer.allocate(WireFormat.HEADER_SIZE);
    WireFormat.writeHeader(header, schemaId);
    out.write(header.array());
    return write(out, body);
  }

  private static byte[] write(ByteArrayOutputStream out, Body body) throws IOException {
    // Direct, not buffered: the stream is memory already, and nothing is left behind in an encoder's buffer.
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    body.writeTo(encoder);
    encoder.flush();
    return out.toByteArray();
  }
}
