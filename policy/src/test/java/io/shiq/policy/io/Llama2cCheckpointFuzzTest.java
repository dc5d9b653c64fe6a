package io.shiq.policy.io;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.shiq.policy.Fuzz;
import io.shiq.policy.model.LlamaConfig;
import io.shiq.policy.model.LlamaWeights;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * llama2.c checkpoints (model.bin) are downloaded files: random and mutated ones (the seven header ints above all,
 * where a huge dimension must not become a huge allocation) load or fail with a {@link ModelFormatException} naming
 * the file.
 */
class Llama2cCheckpointFuzzTest {
  private static final int HEADER = 7 * 4;
  /** The smallest shape the format allows, with an untied classifier (negative vocab_size): about 2 KB. */
  private static final LlamaConfig CONFIG =
      new LlamaConfig(4, 8, 1, 2, 1, 11, 4, 10000, 1e-5, false, false, LlamaConfig.RopeLayout.PAIRS);
  private static final byte[] VALID = valid();

  private static byte[] valid() {
    try (LlamaWeights w = LlamaWeights.random(CONFIG, 3, Device.cpu())) {
      Path file = Files.createTempFile("shiq-fuzz", ".bin");
      try {
        Llama2cWriter.save(w, file);
        return Files.readAllBytes(file);
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Fuzz.Outcome load(byte[] bytes) throws IOException {
    Path file = Files.createTempFile("shiq-fuzz", ".bin");
    try {
      Files.write(file, bytes);
      Fuzz.Outcome outcome = Fuzz.decode(bytes.length, () -> Llama2cCheckpoint.load(file, Device.cpu()),
          ModelFormatException.class).naming(file);
      if (outcome.value() instanceof LlamaWeights w) {
        w.close();
      }
      return outcome;
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Provide
  Arbitrary<byte[]> randomFiles() {
    return Fuzz.randomBytes();
  }

  @Provide
  Arbitrary<byte[]> mutatedFiles() {
    return Fuzz.mutationsOf(VALID);
  }

  /** Edits of the header alone, the tensors after it kept: every dimension, huge ones included. */
  @Provide
  Arbitrary<byte[]> mutatedHeaders() {
    byte[] body = Arrays.copyOfRange(VALID, HEADER, VALID.length);
    return Fuzz.mutationsOf(Arrays.copyOf(VALID, HEADER)).map(h -> {
      byte[] out = Arrays.copyOf(h, h.length + body.length);
      System.arraycopy(body, 0, out, h.length, body.length);
      return out;
    });
  }

  /** The seven header ints drawn one by one: valid, small, or huge (2^30, 2^31 - 1, negative), the tensors kept. */
  @Provide
  Arbitrary<int[]> headers() {
    ByteBuffer valid = ByteBuffer.wrap(VALID).order(ByteOrder.LITTLE_ENDIAN);
    Arbitrary<Integer>[] fields = new Arbitrary[7];
    for (int i = 0; i < 7; i++) {
      fields[i] = Arbitraries.oneOf(Arbitraries.just(valid.getInt(4 * i)), Arbitraries.integers().between(-2, 70),
          Arbitraries.of(1 << 30, Integer.MAX_VALUE, Integer.MIN_VALUE, -Integer.MAX_VALUE, 1 << 16, 46_342, -11));
    }
    return Combinators.combine(Arrays.asList(fields)).as(l -> l.stream().mapToInt(Integer::intValue).toArray());
  }

  @Property
  void arbitraryHeadersLoadOrFailByName(@ForAll("headers") int[] header) throws IOException {
    load(withHeader(header));
  }

  @Property
  void randomBytesAreRejectedByName(@ForAll("randomFiles") byte[] bytes) throws IOException {
    load(bytes);
  }

  @Property
  void mutatedFilesLoadOrFailByName(@ForAll("mutatedFiles") byte[] bytes) throws IOException {
    load(bytes);
  }

  @Property
  void mutatedHeadersLoadOrFailByName(@ForAll("mutatedHeaders") byte[] bytes) throws IOException {
    load(bytes);
  }

  @Example
  void theValidFileLoads() throws IOException {
    assertTrue(load(VALID).value() instanceof LlamaWeights);
  }

  /**
   * A dimension and a vocabulary of about 2^31 ask for 2^62 floats, whose byte count overflows a long and passed the
   * size check; then an ArithmeticException. Now the file is named as too short.
   */
  @Example
  void dimensionsWhoseByteCountOverflowAreNamed() throws IOException {
    String message = load(withHeader(Integer.MAX_VALUE - 1, 8, 1, 1, 1, Integer.MAX_VALUE, 4)).error().getMessage();
    assertTrue(message.contains("truncated: tensor token_embedding"), message);
  }

  static byte[] withHeader(int... header) {
    byte[] out = VALID.clone();
    ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : header) {
      b.putInt(v);
    }
    return out;
  }
}
