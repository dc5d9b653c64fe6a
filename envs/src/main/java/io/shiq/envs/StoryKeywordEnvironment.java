package io.shiq.envs;

import io.shiq.policy.tokenizer.Tokenizer;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Single-turn: the policy continues a story prompt; the reward is how many times the target words occur in its
 * continuation (case-insensitive, whole words). With stories260K and the word "happy" this is the demo's task.
 */
public final class StoryKeywordEnvironment extends StoryEnvironment {
  private final Pattern words;

  public StoryKeywordEnvironment(Tokenizer tokenizer, List<String> prompts, List<String> targetWords) {
    super(tokenizer, prompts);
    if (prompts.isEmpty() || targetWords.isEmpty()) {
      throw new IllegalArgumentException("story-keyword needs at least one prompt and one target word");
    }
    this.words = Pattern.compile("\\b(" + String.join("|", targetWords.stream().map(w -> Pattern.quote(
        w.toLowerCase(Locale.ROOT))).toList()) + ")\\b");
  }

  /** Story openings of TinyStories style and the word "happy". */
  public static StoryKeywordEnvironment defaults(Tokenizer tokenizer) {
    return new StoryKeywordEnvironment(tokenizer, List.of("", "Once upon a time", "One day", "Lily and Tom"),
        List.of("happy"));
  }

  @Override
  public String id() {
    return "story-keyword";
  }

  @Override
  double reward(String continuation) {
    return count(continuation);
  }

  int count(String text) {
    Matcher m = words.matcher(text.toLowerCase(Locale.ROOT));
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
