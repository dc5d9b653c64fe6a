package io.shiq.actor.env;

import io.shiq.policy.tokenizer.Tokenizer;
import java.util.List;

/** The built-in environments by name. */
public final class Environments {
  public static final List<String> NAMES = List.of("story-keyword", "story-sentiment", "synthetic");

  private Environments() {}

  public static Environment create(String name, Tokenizer tokenizer) {
    return switch (name) {
      case "story-keyword" -> StoryKeywordEnvironment.defaults(tokenizer);
      case "story-sentiment" -> StorySentimentEnvironment.defaults(tokenizer);
      case "synthetic" -> SyntheticEnvironment.defaults();
      default -> throw new IllegalArgumentException("--env '" + name + "' unknown; built in: " + NAMES
          + " (BFCL tool environments are not built yet)");
    };
  }
}
