package io.shiq.envs;

import io.shiq.avro.Role;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * Where episodes happen. An episode opens with observations (system / user turns), then alternates: the policy takes
 * a turn, the environment answers with its next observations (a user message, tool results as TOOL turns: never
 * actions), an optional reward for that turn, and whether the episode is over. Single-turn environments end after
 * the first policy turn; multi-turn tool environments (BFCL) keep going.
 */
public interface Environment {
  String id();

  /** A new episode; {@code seed} makes its task reproducible. */
  Episode start(long seed);

  /**
   * The expected reward of the optimum of the KL-regularised objective max E[R] - beta KL(pi || pi_ref), where the
   * environment can compute it (a small, fully known MDP); empty otherwise (the default).
   *
   * @param referenceLogProbs ln pi_ref(.|context) over the vocabulary, for a context of token ids (the opening, then
   *                          actions)
   */
  /**
   * Where a policy turn ends when the environment decides it (a chat template's end-of-turn token); empty: the
   * tokenizer's stop tokens.
   */
  default Optional<Set<Integer>> stopTokens() {
    return Optional.empty();
  }

  default OptionalDouble regularisedOptimumReward(Function<int[], double[]> referenceLogProbs, double beta) {
    return OptionalDouble.empty();
  }

  /** Non-action tokens shown to the policy: role, token ids, and the text they decode to. */
  record Observation(Role role, int[] tokens, String text) {}

  /** What the environment answers to one policy turn. */
  record Step(List<Observation> next, Double reward, boolean done) {}

  interface Episode {
    String taskId();

    List<Observation> opening();

    /** The policy's turn (its token ids and their text); returns what follows. */
    Step act(int[] tokens, String text);

    /** What the environment records about the episode in its trajectory's metadata (a verdict, counts); read once
     * the episode ends or is cut. */
    default Map<String, String> metadata() {
      return Map.of();
    }
  }
}
