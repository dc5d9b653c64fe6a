package io.shiq.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shiq.policy.tokenizer.HfTokenizer;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** DJL's HF tokenizers binding on a small hand-written tokenizer.json, offline. */
class HfTokenizerTest {
  @Test
  void encodesDecodesAndExposesChatSpecialTokens() throws URISyntaxException {
    Path dir = Path.of(HfTokenizerTest.class.getResource("/hf-tiny/tokenizer.json").toURI()).getParent();
    try (HfTokenizer tok = HfTokenizer.load(dir)) {
      assertArrayEquals(new int[] {1, 4, 6, 7, 8, 9, 10, 11, 2}, tok.encode("<|im_start|>user call the tool ls ( ) "
          + "<|im_end|>", false, false));
      assertArrayEquals(new int[] {0, 12}, tok.encode("unknownword done", false, false));
      assertEquals("call the tool", tok.decode(new int[] {1, 6, 7, 8, 2}));
      assertEquals(1, tok.specialTokens().get("<|im_start|>"));
      assertEquals(List.of(2, 3), tok.eosIds());
      assertEquals(-1, tok.bosId());
      assertEquals(14, tok.vocabSize());
      assertEquals("hf:tiny-chat", tok.id());
      assertArrayEquals(new int[] {12, 2}, tok.encode("done", true, true)); // no BOS in this vocabulary
    }
  }
}
