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

  @Test
  void heapMergesChooseExactlyAsLlama2csRescanningLoop() {
    // llama2.c's encode() rescans all adjacent pairs after every merge (quadratic); encode() uses a heap. The
    // reference below is that loop, on the pieces encode() starts from; they must agree on every text, including
    // runs of equal-score pairs where only the leftmost-first rule decides.
    java.util.Random random = new java.util.Random(7);
    String alphabet = "aaabbbeeelo  nst.,Lily";
    for (int trial = 0; trial < 300; trial++) {
      StringBuilder text = new StringBuilder();
      int length = 1 + random.nextInt(trial < 250 ? 40 : 600);
      for (int i = 0; i < length; i++) {
        text.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      int[] actual = tok.encode(text.toString(), false, false);
      assertArrayEquals(rescanningMerge(text.toString()), actual, "encode of \"" + text + "\"");
    }
  }

  /** llama2.c's merge loop over single-character pieces (ASCII texts only: every character is a piece of tok512). */
  private static int[] rescanningMerge(String text) {
    java.util.List<Integer> tokens = new java.util.ArrayList<>();
    java.util.Map<String, Integer> ids = new java.util.HashMap<>();
    for (int i = 511; i >= 0; i--) {
      ids.put(new String(tok.rawPiece(i), StandardCharsets.ISO_8859_1), i);
    }
    tokens.add(ids.get(" "));
    for (char c : text.toCharArray()) {
      tokens.add(ids.get(String.valueOf(c)));
    }
    while (true) {
      float best = Float.NEGATIVE_INFINITY;
      int bestId = -1;
      int bestIdx = -1;
      for (int k = 0; k < tokens.size() - 1; k++) {
        String pair = new String(tok.rawPiece(tokens.get(k)), StandardCharsets.ISO_8859_1)
            + new String(tok.rawPiece(tokens.get(k + 1)), StandardCharsets.ISO_8859_1);
        Integer merged = ids.get(pair);
        if (merged != null && tok.score(merged) > best) {
          best = tok.score(merged);
          bestId = merged;
          bestIdx = k;
        }
      }
      if (bestIdx < 0) {
        break;
      }
      tokens.set(bestIdx, bestId);
      tokens.remove(bestIdx + 1);
    }
    return tokens.stream().mapToInt(Integer::intValue).toArray();
  }
}
