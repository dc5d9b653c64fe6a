package io.shiq.policy.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.policy.Fuzz;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Safetensors files arrive from Hugging Face downloads and, as weights, over Kafka: random and mutated bytes give a
 * {@link ModelFormatException} naming the file, or tensors; never another exception or an allocation the file's
 * size does not justify.
 */
class SafetensorsFuzzTest {
  private static final byte[] VALID = valid();
  /** The valid header's JSON, mutated on its own and framed again so that the tensor checks are reached. */
  private static final String HEADER = header(VALID);
  private static final byte[] DATA = Arrays.copyOfRange(VALID, 8 + HEADER.getBytes(StandardCharsets.UTF_8).length,
      VALID.length);

  private static byte[] valid() {
    Map<String, float[]> tensors = new LinkedHashMap<>();
    tensors.put("a", new float[] {1, 2, 3, 4, 5, 6});
    tensors.put("b.weight", new float[] {-1, 0.5f});
    Map<String, long[]> shapes = Map.of("a", new long[] {2, 3}, "b.weight", new long[] {2});
    try {
      return Safetensors.toBytes(tensors, shapes, Safetensors.DType.F32, Map.of("format", "pt"));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String header(byte[] file) {
    int n = (int) ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong();
    return new String(file, 8, n, StandardCharsets.UTF_8);
  }

  static byte[] frame(String header, byte[] data) {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h)
        .put(data).array();
  }

  static Fuzz.Outcome read(byte[] bytes) {
    return Fuzz.decode(bytes.length, () -> Safetensors.read(bytes, "fuzz.safetensors"), ModelFormatException.class)
        .naming("fuzz.safetensors");
  }

  @Provide
  Arbitrary<byte[]> randomFiles() {
    return Fuzz.randomBytes();
  }

  @Provide
  Arbitrary<byte[]> mutatedFiles() {
    return Fuzz.mutationsOf(VALID);
  }

  @Provide
  Arbitrary<String> mutatedHeaders() {
    return Fuzz.mutationsOf(HEADER, "\"", "{", "}", "[", "]", ",", ":", "-1", "0", "null", "true", "1e999",
        "4611686018427387904", "9223372036854775807", "99999999999999999999", "\"F16\"", "\"BF16\"", "\"F64\"",
        "\"I8\"", "\"shape\":", "\"dtype\":", "\"data_offsets\":", "[0,0]", "[3037000500,3037000500]", "{\"a\":1}",
        "\"__metadata__\":");
  }

  @Provide
  Arbitrary<String> restructuredHeaders() {
    return Fuzz.jsonMutationsOf(HEADER, "-1", "0", "1", "null", "true", "\"F16\"", "\"BF16\"", "\"F64\"", "\"I8\"",
        "[]", "{}", "[-1]", "[0, 0]", "[-2, -3]", "[3037000500, 3037000500]", "[4611686018427387904, 2]",
        "[9223372036854775807]", "[0, 9223372036854775807]", "[24, 8]", "{\"a\": 1}", "[[2], 3]", "\"2\"", "1e999",
        "99999999999999999999999");
  }

  @Property
  void restructuredHeadersReadOrFailByName(@ForAll("restructuredHeaders") String header) {
    read(frame(header, DATA));
  }

  @Property
  void randomBytesAreRejectedByName(@ForAll("randomFiles") byte[] bytes) {
    read(bytes);
  }

  @Property
  void mutatedFilesReadOrFailByName(@ForAll("mutatedFiles") byte[] bytes) {
    read(bytes);
  }

  @Property
  void mutatedHeadersReadOrFailByName(@ForAll("mutatedHeaders") String header) {
    read(frame(header, DATA));
  }

  @Example
  void theValidFileReads() {
    assertEquals(2, ((Map<?, ?>) read(VALID).value()).size());
  }

  /** Found by restructuredHeaders: a shape that is not a list was a NullPointerException. */
  @Example
  void aShapeThatIsNotAListIsNamed() {
    String message = read(frame(HEADER.replace("\"shape\":[2]", "\"shape\":{\"x\":[2]}"), DATA)).error().getMessage();
    assertTrue(message.contains("fuzz.safetensors") && message.contains("tensor b.weight: shape {"), message);
  }

  /** A shape whose element count overflows was an uncaught ArithmeticException; a negative size was accepted. */
  @Example
  void overflowingAndNegativeShapesAreNamed() {
    String message = read(frame(HEADER.replace("\"shape\":[2]", "\"shape\":[4611686018427387904,2]"), DATA))
        .error().getMessage();
    assertTrue(message.contains("overflows"), message);
    message = read(frame(HEADER.replace("\"shape\":[2]", "\"shape\":[-1,-2]"), DATA)).error().getMessage();
    assertTrue(message.contains("not a size >= 0"), message);
  }
}
