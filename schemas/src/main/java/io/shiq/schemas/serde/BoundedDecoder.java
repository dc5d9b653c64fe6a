package io.shiq.schemas.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * A binary decoder over one record's bytes that checks every length and count it reads against the bytes left before
 * anything is allocated. Avro checks them only against JVM-wide limits (2 GB by default) and allocates first: a
 * 59-byte record whose string length reads 805,306,368 made it allocate 805 MB. Every item of a string, bytes, an
 * array or a map takes at least one byte in our schemas, so a count above the bytes left is corrupt data.
 */
final class BoundedDecoder extends Decoder {
  private final BinaryDecoder in;

  BoundedDecoder(BinaryDecoder in) {
    this.in = in;
  }

  /** {@code n} (a length or a count), or an IOException when fewer bytes than that are left. */
  private int bounded(long n, String what) throws IOException {
    int left = in.inputStream().available();
    if (n < 0 || n > left) {
      throw new IOException(what + " " + n + " exceeds the " + left + " bytes left in the record");
    }
    return (int) n;
  }

  @Override
  public void readNull() throws IOException {
    in.readNull();
  }

  @Override
  public boolean readBoolean() throws IOException {
    return in.readBoolean();
  }

  @Override
  public int readInt() throws IOException {
    return in.readInt();
  }

  @Override
  public long readLong() throws IOException {
    return in.readLong();
  }

  @Override
  public float readFloat() throws IOException {
    return in.readFloat();
  }

  @Override
  public double readDouble() throws IOException {
    return in.readDouble();
  }

  @Override
  public Utf8 readString(Utf8 old) throws IOException {
    int length = bounded(in.readLong(), "string length");
    Utf8 out = old != null ? old : new Utf8();
    out.setByteLength(length);
    in.readFixed(out.getBytes(), 0, length);
    return out;
  }

  @Override
  public String readString() throws IOException {
    return readString(null).toString();
  }

  @Override
  public void skipString() throws IOException {
    in.skipFixed(bounded(in.readLong(), "string length"));
  }

  @Override
  public ByteBuffer readBytes(ByteBuffer old) throws IOException {
    int length = bounded(in.readLong(), "bytes length");
    ByteBuffer out = old != null && old.capacity() >= length ? old.clear() : ByteBuffer.allocate(length);
    in.readFixed(out.array(), out.arrayOffset(), length);
    return out.limit(length);
  }

  @Override
  public void skipBytes() throws IOException {
    in.skipFixed(bounded(in.readLong(), "bytes length"));
  }

  @Override
  public void readFixed(byte[] bytes, int start, int length) throws IOException {
    in.readFixed(bytes, start, length);
  }

  @Override
  public void skipFixed(int length) throws IOException {
    in.skipFixed(length);
  }

  @Override
  public int readEnum() throws IOException {
    return in.readEnum();
  }

  @Override
  public long readArrayStart() throws IOException {
    return bounded(in.readArrayStart(), "array block of");
  }

  @Override
  public long arrayNext() throws IOException {
    return bounded(in.arrayNext(), "array block of");
  }

  @Override
  public long skipArray() throws IOException {
    return in.skipArray();
  }

  @Override
  public long readMapStart() throws IOException {
    return bounded(in.readMapStart(), "map block of");
  }

  @Override
  public long mapNext() throws IOException {
    return bounded(in.mapNext(), "map block of");
  }

  @Override
  public long skipMap() throws IOException {
    return in.skipMap();
  }

  @Override
  public int readIndex() throws IOException {
    return in.readIndex();
  }
}
