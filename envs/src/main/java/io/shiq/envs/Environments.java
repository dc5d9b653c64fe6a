package io.shiq.envs;

import io.shiq.policy.tokenizer.Tokenizer;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/** The built-in environments by name. */
public final class Environments {
  public static final List<String> NAMES = List.of("story-keyword", "story-sentiment", "synthetic");

  private Environments() {}

  /** What commands need to know of {@code name} before they start it (see {@link EnvironmentDefaults}). */
  public static EnvironmentDefaults defaults(String name) {
    return switch (name) {
      case "story-keyword", "story-sentiment" -> EnvironmentDefaults.NONE;
      // A small policy trained from scratch on a 64-leaf tree wants a larger step and a weaker KL pull than a
      // pretrained language model, and frequent versions (each step moves it far).
      case "synthetic" -> new EnvironmentDefaults(OptionalDouble.of(1e-3), OptionalDouble.of(SyntheticEnvironment
          .DEFAULT_BETA), OptionalInt.of(2), OptionalInt.of(SyntheticEnvironment.defaults().mdp().depth()), true);
      default -> throw unknown(name);
    };
  }

  public static Environment create(String name, Tokenizer tokenizer) {
    return switch (name) {
      case "story-keyword" -> StoryKeywordEnvironment.defaults(tokenizer);
      case "story-sentiment" -> StorySentimentEnvironment.defaults(tokenizer);
      case "synthetic" -> SyntheticEnvironment.defaults();
      default -> throw unknown(name);
    };
  }

  private static IllegalArgumentException unknown(String name) {
    return new IllegalArgumentException("--env '" + name + "' unknown; built in: " + NAMES
        + " (BFCL tool environments are not built yet)");
  }
}
