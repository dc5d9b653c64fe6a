package io.shiq.envs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.envs.Environment;
import io.shiq.envs.StoryKeywordEnvironment;
import io.shiq.envs.StorySentimentEnvironment;
import io.shiq.policy.tokenizer.Tokenizer;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnvironmentsTest {
  /** A byte-level stand-in tokenizer: the environments only need encode/decode, not a model. */
  private static final Tokenizer BYTES = new Tokenizer() {
    @Override
    public int[] encode(String text, boolean bos, boolean eos) {
      byte[] b = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      int[] out = new int[b.length + (bos ? 1 : 0)];
      if (bos) {
        out[0] = 1;
      }
      for (int i = 0; i < b.length; i++) {
        out[i + (bos ? 1 : 0)] = (b[i] & 0xFF) + 3;
      }
      return out;
    }

    @Override
    public String decode(int[] ids) {
      StringBuilder sb = new StringBuilder();
      for (int id : ids) {
        if (id >= 3) {
          sb.append((char) (id - 3));
        }
      }
      return sb.toString();
    }

    @Override
    public int vocabSize() {
      return 259;
    }

    @Override
    public int bosId() {
      return 1;
    }

    @Override
    public List<Integer> eosIds() {
      return List.of(2);
    }

    @Override
    public String id() {
      return "bytes";
    }
  };

  @Test
  void keywordRewardCountsWholeWordsCaseInsensitively() {
    Environment env = new StoryKeywordEnvironment(BYTES, List.of("Once"), List.of("happy", "dog"));
    Environment.Episode e = env.start(3);
    assertEquals(1, e.opening().get(0).tokens()[0], "BOS first");
    Environment.Step s = e.act(new int[0], "The Happy dog was happy, unhappy dogs were not.");
    assertEquals(3.0, s.reward());
    assertTrue(s.done());
  }

  @Test
  void syntheticRewardIsTheEpisodeReturnOfTheTreeMdp() {
    io.shiq.envs.SyntheticEnvironment env = io.shiq.envs.SyntheticEnvironment.defaults();
    var mdp = env.mdp();
    Environment.Episode e = env.start(1);
    assertEquals(mdp.vocab(), e.opening().get(0).tokens()[0], "BOS is token K");
    assertEquals(mdp.episodeReturn(new int[] {1, 2, 3}), e.act(new int[] {1, 2, 3}, "").reward(), 1e-12);
    assertEquals(0.0, e.act(new int[] {1, 9, 3}, "").reward(), "a token outside the actions earns nothing");
    assertEquals(0.0, e.act(new int[] {1}, "").reward(), "too short");
    assertEquals("a1 a2", env.tokenizer().decode(new int[] {mdp.vocab(), 1, 2}));
  }

  @Test
  void sentimentRewardIsAShareOfPositiveWordsAndNeverNegative() {
    assertEquals(0.0, StorySentimentEnvironment.score("The cat sat."));
    assertEquals(2.0 / 4.0, StorySentimentEnvironment.score("She was happy and glad but a bit sad."), 1e-12);
    assertEquals(0.0, StorySentimentEnvironment.score("sad sad angry"));
    assertThrows(IllegalArgumentException.class, () -> io.shiq.envs.Environments.create("bfcl", BYTES));
  }
}
