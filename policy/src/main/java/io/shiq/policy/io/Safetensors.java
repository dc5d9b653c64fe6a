package io.shiq.policy.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The safetensors format: an 8-byte little-endian header length N, N bytes of JSON ({@code name -> {dtype, shape,
 * data_offsets}} plus optional {@code __metadata__}), then the raw little-endian tensor data. Reads F32, F16 and
 * BF16 (and F64), always widening to float32 in Java: DJL's PyTorch natives abort the JVM on BF16 tensors.
 */
public final class Safetensors {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_HEADER = 100L * 1024 * 1024;

  private Safetensors() {}

  /** Element types this reader and writer know. */
  public enum DType {
    F32(4), F16(2), BF16(2), F64(8);

    final int bytes;

    DType(int bytes) {
      this.bytes = bytes;
    }
  }

  /** One tensor, widened to float32. */
  public record Tensor(DType storedAs, long[] shape, float[] data) {}

  /** Reads every tensor of {@code file}. */
  public static Map<String, Tensor> read(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < 8) {
        throw new ModelFormatException(file + ": " + size + " bytes is too short for a safetensors file");
      }
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      ch.read(lenBuf, 0);
      long headerLen = lenBuf.flip().getLong();
      if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
        throw new ModelFormatException(file + ": header length " + headerLen + " does not fit a file of " + size
            + " bytes (truncated or not safetensors)");
      }
      ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
      ch.read(headerBuf, 8);
      JsonNode header;
      try {
        header = JSON.readTree(new String(headerBuf.array(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new ModelFormatException(file + ": header is not valid JSON: " + e.getMessage());
      }
      if (!header.isObject()) {
        throw new ModelFormatException(file + ": header is JSON " + header.getNodeType()
            + ", not an object of tensors");
      }
      long dataStart = 8 + headerLen;
      long dataLen = size - dataStart;
      ByteBuffer data = ch.map(FileChannel.MapMode.READ_ONLY, dataStart, dataLen).order(ByteOrder.LITTLE_ENDIAN);
      Map<String, Tensor> out = new LinkedHashMap<>();
      Iterator<Map.Entry<String, JsonNode>> fields = header.fields();
      while (fields.hasNext()) {
        var e = fields.next();
        if (e.getKey().equals("__metadata__")) {
          continue;
        }
        out.put(e.getKey(), tensor(file, e.getKey(), e.getValue(), data, dataLen));
      }
      return out;
    } catch (NoSuchFileException e) {
      throw new ModelFormatException("safetensors file not found: " + file);
    } catch (IOException e) {
      throw new ModelFormatException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  private static Tensor tensor(Path file, String name, JsonNode info, ByteBuffer data, long dataLen) {
    String where = file + ": tensor " + name;
    DType dtype;
    try {
      dtype = DType.valueOf(info.path("dtype").asText());
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(where + ": unsupported dtype " + info.path("dtype").asText()
          + " (supported: F32, F16, BF16, F64)");
    }
    JsonNode shapeNode = info.path("shape");
    if (!shapeNode.isArray()) {
      throw new ModelFormatException(where + ": shape " + shapeNode + " is not a list of sizes");
    }
    long[] shape = new long[shapeNode.size()];
    for (int i = 0; i < shape.length; i++) {
      JsonNode size = shapeNode.get(i);
      if (!size.isIntegralNumber() || !size.canConvertToLong() || size.asLong() < 0) {
        throw new ModelFormatException(where + ": shape " + shapeNode + " holds " + size + ", not a size >= 0");
      }
      shape[i] = size.asLong();
    }
    long begin = info.path("data_offsets").path(0).asLong(-1);
    long end = info.path("data_offsets").path(1).asLong(-1);
    if (begin < 0 || end < begin || end > dataLen) {
      throw new ModelFormatException(where + ": data offsets [" + begin + ", " + end + "] outside the data section of "
          + dataLen + " bytes (truncated file?)");
    }
    long count;
    long bytes;
    try {
      count = Arrays.stream(shape).reduce(1, Math::multiplyExact);
      bytes = Math.multiplyExact(count, dtype.bytes);
    } catch (ArithmeticException e) {
      throw new ModelFormatException(where + ": shape " + Arrays.toString(shape) + " of " + dtype
          + " overflows a 64-bit byte count");
    }
    if (end - begin != bytes) {
      throw new ModelFormatException(where + ": shape " + Arrays.toString(shape) + " of " + dtype + " needs "
          + bytes + " bytes, offsets give " + (end - begin));
    }
    if (count > Integer.MAX_VALUE - 8) {
      throw new ModelFormatException(where + ": " + count + " elements do not fit one Java array");
    }
    float[] out = new float[Math.toIntExact(count)];
    int at = (int) begin;
    for (int i = 0; i < out.length; i++, at += dtype.bytes) {
      out[i] = switch (dtype) {
        case F32 -> data.getFloat(at);
        case F64 -> (float) data.getDouble(at);
        case BF16 -> Float.intBitsToFloat((data.getShort(at) & 0xFFFF) << 16);
        case F16 -> halfToFloat(data.getShort(at));
      };
    }
    return new Tensor(dtype, shape, out);
  }

  /**
   * Writes tensors in {@code dtype} (temp file + rename, so a crash never leaves half a file).
   *
   * @param shapes shape of each tensor, same keys and order as {@code tensors}
   */
  public static void write(Path file, Map<String, float[]> tensors, Map<String, long[]> shapes, DType dtype,
                           Map<String, String> metadata) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      write(out, tensors, shapes, dtype, metadata);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The safetensors bytes of {@code tensors}, in memory (weights sent over Kafka). */
  public static byte[] toBytes(Map<String, float[]> tensors, Map<String, long[]> shapes, DType dtype,
                               Map<String, String> metadata) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    write(out, tensors, shapes, dtype, metadata);
    return out.toByteArray();
  }

  /** Reads every tensor of safetensors {@code bytes} ({@code name} is used in errors). */
  public static Map<String, Tensor> read(byte[] bytes, String name) throws IOException {
    Path tmp = Files.createTempFile("shiq-weights", ".safetensors");
    try {
      Files.write(tmp, bytes);
      Map<String, Tensor> out = read(tmp);
      return out;
    } catch (ModelFormatException e) {
      throw new ModelFormatException(name + ": " + e.getMessage(), e);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void write(OutputStream target, Map<String, float[]> tensors, Map<String, long[]> shapes,
                            DType dtype, Map<String, String> metadata) throws IOException {
    ObjectNode header = JSON.createObjectNode();
    if (metadata != null && !metadata.isEmpty()) {
      ObjectNode meta = header.putObject("__metadata__");
      metadata.forEach(meta::put);
    }
    long offset = 0;
    for (var e : tensors.entrySet()) {
      long[] shape = shapes.get(e.getKey());
      if (shape == null || Arrays.stream(shape).reduce(1, Math::multiplyExact) != e.getValue().length) {
        throw new IllegalArgumentException("tensor " + e.getKey() + ": shape " + Arrays.toString(shape)
            + " does not match " + e.getValue().length + " elements");
      }
      ObjectNode t = header.putObject(e.getKey());
      t.put("dtype", dtype.name());
      ArrayNode s = t.putArray("shape");
      for (long dim : shape) {
        s.add(dim);
      }
      long bytes = (long) e.getValue().length * dtype.bytes;
      t.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
    }
    byte[] headerBytes = JSON.writeValueAsBytes(header);
    int pad = (8 - headerBytes.length % 8) % 8; // keep data 8-byte aligned, as the reference writer does
    byte[] padded = Arrays.copyOf(headerBytes, headerBytes.length + pad);
    Arrays.fill(padded, headerBytes.length, padded.length, (byte) ' ');
    {
      OutputStream out = target;
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded.length);
      out.write(len.array());
      out.write(padded);
      for (float[] values : tensors.values()) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * dtype.bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
          switch (dtype) {
            case F32 -> buf.putFloat(v);
            case F64 -> buf.putDouble(v);
            case BF16 -> buf.putShort(floatToBfloat16(v));
            case F16 -> buf.putShort(floatToHalf(v));
          }
        }
        out.write(buf.array());
      }
    }
  }

  /** IEEE 754 half to float (Java 17 has no Float.float16ToFloat). */
  static float halfToFloat(short h) {
    int bits = h & 0xFFFF;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1F;
    int mant = bits & 0x3FF;
    if (exp == 0) {
      if (mant == 0) {
        return Float.intBitsToFloat(sign);
      }
      float value = mant / 1024f * (float) Math.pow(2, -14); // subnormal
      return sign != 0 ? -value : value;
    }
    if (exp == 0x1F) {
      return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
    }
    return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
  }

  /** Float to IEEE 754 half, round to nearest even, with overflow to infinity and subnormals. */
  static short floatToHalf(float f) {
    int bits = Float.floatToIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exp = ((bits >>> 23) & 0xFF) - 127 + 15;
    int mant = bits & 0x7FFFFF;
    if (((bits >>> 23) & 0xFF) == 0xFF) {
      return (short) (sign | 0x7C00 | (mant != 0 ? 0x200 : 0));
    }
    if (exp >= 0x1F) {
      return (short) (sign | 0x7C00);
    }
    if (exp <= 0) {
      if (exp < -10) {
        return (short) sign;
      }
      mant |= 0x800000;
      int shift = 14 - exp;
      int half = mant >>> shift;
      int rest = mant & ((1 << shift) - 1);
      int halfway = 1 << (shift - 1);
      if (rest > halfway || (rest == halfway && (half & 1) == 1)) {
        half++;
      }
      return (short) (sign | half);
    }
    int half = (exp << 10) | (mant >>> 13);
    int rest = mant & 0x1FFF;
    if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) {
      half++; // may carry into the exponent, which is still right (and reaches infinity at the top)
    }
    return (short) (sign | half);
  }

  static short floatToBfloat16(float f) {
    int bits = Float.floatToIntBits(f);
    if (Float.isNaN(f)) {
      return (short) ((bits >>> 16) | 0x40);
    }
    int rounding = 0x7FFF + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }
}
