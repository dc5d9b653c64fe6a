package io.shiq.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.policy.tokenizer.Llama2cTokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TokenizerTest {
  private static Llama2cTokenizer tok;

  @BeforeAll
  static void load() {
    Path dir = TestData.require("stories260k");
    tok = Llama2cTokenizer.load(dir.resolve("tok512.bin"), 512);
  }

  @Test
  void roundTripsVariedText() {
    for (String text : List.of("Once upon a time, there was a little girl named Lily.", "Hello\nworld\t!",
        "naïve café, 東京 and emoji 🚀 too", "x", "   leading spaces", "123 + 456 = 579",
        "\u0000 control \u0007 bytes")) {
      int[] ids = tok.encode(text, true, true);
      assertEquals(Llama2cTokenizer.BOS, ids[0]);
      assertEquals(Llama2cTokenizer.EOS, ids[ids.length - 1]);
      assertEquals(text, tok.decode(ids), "round trip of " + text);
    }
  }

  @Test
  void llama2cGenerationStopsAtEosAndAtTheNextStorysBos() {
    assertEquals(java.util.Set.of(Llama2cTokenizer.EOS, Llama2cTokenizer.BOS), tok.stopTokens());
  }

  @Test
  void knownIds() {
    // The dummy prefix, then characters merged by score. Byte fallback: id = byte + 3.
    int space = tok.encode(" ", false, false)[0];
    assertArrayEquals(new int[] {Llama2cTokenizer.BOS}, tok.encode("", true, false));
    assertEquals(410, space);
    assertArrayEquals(new int[] {space, space}, tok.encode(" ", false, false));
    // é is one piece of the vocabulary; 東 is not: it falls back to its UTF-8 bytes E6 9D B1.
    assertArrayEquals(new int[] {space, 485}, tok.encode("\u00e9", false, false));
    assertEquals("\u00e9", new String(tok.piece(space, 485), StandardCharsets.UTF_8));
    assertArrayEquals(new int[] {space, 0xE6 + 3, 0x9D + 3, 0xB1 + 3}, tok.encode("\u6771", false, false));
    int[] rocket = tok.encode("🚀", false, false); // F0 9F 9A 80
    assertArrayEquals(new int[] {space, 0xF0 + 3, 0x9F + 3, 0x9A + 3, 0x80 + 3}, rocket);
    // Merges: "Once upon a time" must use multi-character pieces, and each id's piece spells the text.
    int[] once = tok.encode("Once upon a time", false, false);
    assertTrue(once.length < "Once upon a time".length() / 2, "merges should shorten the sequence: " + once.length);
    StringBuilder spelled = new StringBuilder();
    for (int id : once) {
      spelled.append(new String(tok.piece(-1, id), StandardCharsets.UTF_8));
    }
    assertEquals(" Once upon a time", spelled.toString());
  }

  @Test
  void decodeFollowsLlama2cRules() {
    int[] ids = tok.encode("Hi", true, false);
    // The leading space of the first piece after BOS is dropped, not elsewhere.
    int first = ids[1];
    assertEquals(' ', (char) tok.piece(-1, first)[0]);
    assertEquals('H', (char) tok.piece(Llama2cTokenizer.BOS, first)[0]);
    assertEquals("Hi", tok.decode(ids));
    // <0xNN> pieces are raw bytes; llama2.c's printer drops the non-printable ones.
    assertArrayEquals(new byte[] {(byte) 0xC3}, tok.piece(5, 0xC3 + 3));
    assertArrayEquals(new byte[0], tok.printedPiece(5, 0xC3 + 3));
    assertArrayEquals(new byte[] {'\n'}, tok.printedPiece(5, '\n' + 3));
  }
}
