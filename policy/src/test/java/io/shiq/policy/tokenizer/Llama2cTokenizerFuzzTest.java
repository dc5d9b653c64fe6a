package io.shiq.policy.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shiq.policy.Fuzz;
import io.shiq.policy.io.ModelFormatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * llama2.c tokenizer files (tokenizer.bin, tok512.bin) are downloaded: random and mutated ones (token lengths of
 * 2^31 above all) load, and then encode and decode, or fail with a {@link ModelFormatException} naming the file.
 */
class Llama2cTokenizerFuzzTest {
  private static final List<String> PIECES = pieces();
  private static final byte[] VALID = file(PIECES);

  /** What a SentencePiece export holds: unk, BOS, EOS, the 256 byte tokens, then merges. */
  private static List<String> pieces() {
    List<String> out = new ArrayList<>(List.of("<unk>", "\n<s>\n", "\n</s>\n"));
    for (int b = 0; b < 256; b++) {
      out.add(String.format("<0x%02X>", b));
    }
    out.addAll(List.of(" ", "a", "b", "ab", " a", " ab", "é"));
    return out;
  }

  private static byte[] file(List<String> pieces) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
    out.writeBytes(b.putInt(0, 8).array());
    for (int i = 0; i < pieces.size(); i++) {
      byte[] p = pieces.get(i).getBytes(StandardCharsets.UTF_8);
      out.writeBytes(b.putFloat(0, i < 259 ? 0f : -i).array());
      out.writeBytes(b.putInt(0, p.length).array());
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** Loads {@code bytes} as a tokenizer of the valid file's vocabulary, then encodes and decodes a text with it. */
  static Fuzz.Outcome load(byte[] bytes) throws IOException {
    Path file = Files.createTempFile("shiq-fuzz", ".bin");
    try {
      Files.write(file, bytes);
      return Fuzz.decode(bytes.length, () -> {
        Llama2cTokenizer t = Llama2cTokenizer.load(file, PIECES.size());
        return t.decode(t.encode("ab a\u00e9b\u4e2d!", true, true));
      }, ModelFormatException.class).naming(file);
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

  @Property
  void randomBytesAreRejectedByName(@ForAll("randomFiles") byte[] bytes) throws IOException {
    load(bytes);
  }

  @Property
  void mutatedFilesLoadOrFailByName(@ForAll("mutatedFiles") byte[] bytes) throws IOException {
    load(bytes);
  }

  @Example
  void theValidFileRoundTrips() throws IOException {
    assertEquals("ab a\u00e9b\u4e2d!", load(VALID).value());
  }
}
