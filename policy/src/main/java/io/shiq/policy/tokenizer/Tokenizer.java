package io.shiq.policy.tokenizer;

import java.util.List;
import java.util.Set;

/** Text to token ids and back, for one model's vocabulary. */
public interface Tokenizer {
  /** Token ids of {@code text}, with BOS in front / EOS at the end when asked and when the vocabulary has them. */
  int[] encode(String text, boolean bos, boolean eos);

  /** Text of {@code ids}; special tokens are left out. */
  String decode(int[] ids);

  int vocabSize();

  /** Beginning-of-sequence id, or -1 when the vocabulary has none. */
  int bosId();

  /** End-of-sequence ids (a chat model may have several, e.g. end-of-turn and end-of-text). */
  List<Integer> eosIds();

  /** Where generation stops: the end-of-sequence ids (and whatever else a model family starts the next text with). */
  default Set<Integer> stopTokens() {
    return Set.copyOf(eosIds());
  }

  /** Identifies the vocabulary in trajectories ({@code Trajectory.tokenizerId}). */
  String id();
}
