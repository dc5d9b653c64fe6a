package io.shiq.envs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.policy.tokenizer.Tokenizer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Story openings for tokenizers with and without BOS (llama2.c has one; Qwen and GPT-2 do not). */
class StoryEnvironmentTest {
  /**
   * A character-level tokenizer: ids 10.. for characters, optional BOS (-1: none) and end-of-text ids. A record, so
   * that its components are {@link Tokenizer#bosId()} and {@link Tokenizer#eosIds()}.
   */
  private record Chars(int bosId, List<Integer> eosIds) implements Tokenizer {
    @Override
    public int[] encode(String text, boolean addBos, boolean addEos) {
      int[] out = new int[text.length() + (addBos && bosId >= 0 ? 1 : 0)];
      int at = 0;
      if (addBos && bosId >= 0) {
        out[at++] = bosId;
      }
      for (char c : text.toCharArray()) {
        out[at++] = 10 + c;
      }
      return out;
    }

    @Override
    public String decode(int[] ids) {
      return "";
    }

    @Override
    public int vocabSize() {
      return 300;
    }

    @Override
    public String id() {
      return "chars";
    }
  }

  @Test
  void anEmptyOpeningStartsAfterBosOrAfterTheEndOfTextToken() {
    assertArrayEquals(new int[] {1}, StoryEnvironment.openingTokens(new Chars(1, List.of(2)), ""));
    assertArrayEquals(new int[] {7}, StoryEnvironment.openingTokens(new Chars(-1, List.of(7, 8)), ""),
        "no BOS: end-of-text");
    assertArrayEquals(new int[] {10 + 'a'}, StoryEnvironment.openingTokens(new Chars(-1, List.of(7)), "a"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> StoryEnvironment.openingTokens(new Chars(-1, List.of()), ""));
    assertTrue(e.getMessage().contains("chars"), e.getMessage());
    // Every episode of the default story environment has an opening, whatever the tokenizer.
    StoryKeywordEnvironment env = StoryKeywordEnvironment.defaults(new Chars(-1, List.of(7)));
    for (long seed = 0; seed < 4; seed++) {
      assertTrue(env.start(seed).opening().get(0).tokens().length > 0, "seed " + seed);
    }
  }

  @Test
  void theSeedPicksThePromptAndTheEnvironmentScoresTheContinuation() {
    StorySentimentEnvironment env = new StorySentimentEnvironment(new Chars(1, List.of(2)), List.of("a", "b"));
    Environment.Episode e = env.start(3);
    assertEquals("prompt-1", e.taskId());
    assertEquals("b", e.opening().get(0).text());
    Environment.Step s = e.act(new int[0], "a happy day");
    assertEquals(StorySentimentEnvironment.score("a happy day"), s.reward());
    assertTrue(s.done());
  }
}
