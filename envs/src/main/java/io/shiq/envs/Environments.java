package io.shiq.envs;

import io.shiq.bfcl.data.BfclData;
import io.shiq.bfcl.data.BfclTask;
import io.shiq.envs.bfcl.BfclEnvironment;
import io.shiq.policy.chat.ChatTemplates;
import io.shiq.policy.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/** The built-in environments by name. */
public final class Environments {
  public static final List<String> NAMES = List.of("story-keyword", "story-sentiment", "synthetic", "bfcl");

  /** BFCL's MAXIMUM_STEP_LIMIT: steps within one turn before the entry is force-quit. */
  public static final int BFCL_STEP_LIMIT = 20;

  private Environments() {}

  /** What commands need to know of {@code name} before they start it (see {@link EnvironmentDefaults}). */
  public static EnvironmentDefaults defaults(String name) {
    return switch (name) {
      case "story-keyword", "story-sentiment" -> EnvironmentDefaults.NONE;
      // A small policy trained from scratch on a 64-leaf tree wants a larger step and a weaker KL pull than a
      // pretrained language model, and frequent versions (each step moves it far).
      case "synthetic" -> new EnvironmentDefaults(OptionalDouble.of(1e-3), OptionalDouble.of(SyntheticEnvironment
          .DEFAULT_BETA), OptionalInt.of(2), OptionalInt.of(SyntheticEnvironment.defaults().mdp().depth()), true);
      case "bfcl" -> EnvironmentDefaults.NONE;
      default -> throw unknown(name);
    };
  }

  /**
   * Policy turns (generation calls) an episode may take where the user gave no --max-turns: a BFCL record has up to
   * six user turns of up to {@link #BFCL_STEP_LIMIT} + 1 steps each; the others are single-turn.
   */
  public static int defaultPolicyTurns(String name) {
    return name.equals("bfcl") ? 64 : 1;
  }

  /** A single-turn environment (every one but bfcl). */
  public static Environment create(String name, Tokenizer tokenizer) {
    if (name.equals("bfcl")) {
      throw new IllegalArgumentException("--env bfcl needs BFCL's data: give --data DIR");
    }
    return create(name, tokenizer, null, List.of(), Clock.systemDefaultZone());
  }

  /**
   * @param bfclData   BFCL's data directory (BFCL's layout), or a shiq data directory holding it as bfcl/; only
   *                   read by bfcl
   * @param categories BFCL categories to draw records from (all when empty)
   * @param clock      the clock BFCL's backends read
   */
  public static Environment create(String name, Tokenizer tokenizer, Path bfclData, List<String> categories,
                                   Clock clock) {
    return switch (name) {
      case "story-keyword" -> StoryKeywordEnvironment.defaults(tokenizer);
      case "story-sentiment" -> StorySentimentEnvironment.defaults(tokenizer);
      case "synthetic" -> SyntheticEnvironment.defaults();
      case "bfcl" -> bfcl(tokenizer, bfclData, categories, clock);
      default -> throw unknown(name);
    };
  }

  private static BfclEnvironment bfcl(Tokenizer tokenizer, Path data, List<String> categories, Clock clock) {
    if (data == null) {
      throw new IllegalArgumentException("--env bfcl needs BFCL's data: give --data DIR (BFCL's data directory, or "
          + "a shiq data directory with bfcl/ in it)");
    }
    Path dir = Files.isDirectory(data.resolve("bfcl")) ? data.resolve("bfcl") : data;
    try {
      List<BfclTask> tasks = BfclData.loadTasks(dir, categories);
      return new BfclEnvironment(tasks, ChatTemplates.of(tokenizer), tokenizer, clock, BFCL_STEP_LIMIT);
    } catch (IOException e) {
      throw new UncheckedIOException("--data " + data + ": " + e.getMessage(), e);
    }
  }

  private static IllegalArgumentException unknown(String name) {
    return new IllegalArgumentException("--env '" + name + "' unknown; built in: " + NAMES);
  }

}
