package io.shiq.envs;

import io.shiq.policy.tokenizer.Tokenizer;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Single-turn: the policy continues a story prompt; the reward is the share of sentiment-bearing words in its
 * continuation that are positive, from a small lexicon: positive / (positive + negative + 1), in [0, 1) (rewards are
 * never negative in shiq's topics).
 */
public final class StorySentimentEnvironment extends StoryEnvironment {
  static final Set<String> POSITIVE = Set.of("happy", "glad", "joy", "love", "loved", "fun", "smile", "smiled",
      "laugh", "laughed", "kind", "nice", "good", "great", "best", "friend", "friends", "beautiful", "excited",
      "proud", "brave", "safe", "warm", "thank", "thanked", "hug", "hugged", "together", "share", "shared");
  static final Set<String> NEGATIVE = Set.of("sad", "angry", "mad", "cry", "cried", "scared", "afraid", "hurt",
      "bad", "mean", "lost", "alone", "sorry", "upset", "broke", "broken", "fight", "fell", "sick", "dark", "cold",
      "worried", "tired", "hate", "lonely", "ugly", "shout", "shouted", "scary", "danger");

  public StorySentimentEnvironment(Tokenizer tokenizer, List<String> prompts) {
    super(tokenizer, prompts);
    if (prompts.isEmpty()) {
      throw new IllegalArgumentException("story-sentiment needs at least one prompt");
    }
  }

  public static StorySentimentEnvironment defaults(Tokenizer tokenizer) {
    return new StorySentimentEnvironment(tokenizer, List.of("", "Once upon a time", "One day", "Tim was"));
  }

  @Override
  public String id() {
    return "story-sentiment";
  }

  /** positive / (positive + negative + 1) over the lexicon words of {@code text}. */
  public static double score(String text) {
    int pos = 0;
    int neg = 0;
    for (String w : text.toLowerCase(Locale.ROOT).split("[^a-z']+")) {
      if (POSITIVE.contains(w)) {
        pos++;
      } else if (NEGATIVE.contains(w)) {
        neg++;
      }
    }
    return pos / (pos + neg + 1.0);
  }

  @Override
  double reward(String continuation) {
    return score(continuation);
  }
}
