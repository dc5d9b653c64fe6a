package io.shiq.learner.objective;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * A batch of trajectories in position form, the layout the objectives compute on. Position t of a sequence is the
 * state after its tokens 0..t; the model's logits at t score token t+1, so {@code actions[b,t] = tokens[t+1]},
 * {@code mask[b,t]} says whether token t+1 is an action and {@code rewards[b,t]} is the reward after it. The last
 * position of each sequence has no action: it is the state after the final token (the bootstrap state of a
 * truncated episode). Shorter sequences are right-padded with mask 0.
 *
 * <p>The reference model's two numbers per position, {@code laRef = l_ref(s_t, a_t)} and {@code lseRef =
 * logsumexp l_ref(s_t, .)}, come from {@link io.shiq.learner.reference.ReferenceCache}.
 */
public final class TokenBatch {
  final List<TrainingSequence> sequences;
  final int batch;
  final int width;
  final long[] actions;
  final float[] mask;
  final float[] rewards;
  final float[] laRef;
  final float[] lseRef;
  final long[] inputIds;
  /** For naive only: ln pi_ref(.|s_t) over the whole vocabulary, [B, T, V]; null otherwise. */
  final NDArray refLogProbs;

  private TokenBatch(List<TrainingSequence> sequences, int width, long[] inputIds, long[] actions, float[] mask,
                     float[] rewards, float[] laRef, float[] lseRef, NDArray refLogProbs) {
    this.sequences = sequences;
    this.batch = sequences.size();
    this.width = width;
    this.inputIds = inputIds;
    this.actions = actions;
    this.mask = mask;
    this.rewards = rewards;
    this.laRef = laRef;
    this.lseRef = lseRef;
    this.refLogProbs = refLogProbs;
  }

  /**
   * @param laRefs      per sequence, n entries: l_ref(s_t, tokens[t+1]) for t < n-1 (the last entry is ignored)
   * @param lseRefs     per sequence, n entries: logsumexp of the reference logits at every position
   * @param refLogProbs [B, T, V] reference log-probabilities, only for the naive objective (else null)
   */
  public static TokenBatch of(List<TrainingSequence> sequences, List<float[]> laRefs, List<float[]> lseRefs,
                              NDArray refLogProbs) {
    if (sequences.isEmpty()) {
      throw new IllegalArgumentException("empty batch");
    }
    int width = sequences.stream().mapToInt(TrainingSequence::length).max().orElseThrow();
    int b = sequences.size();
    long[] ids = new long[b * width];
    long[] actions = new long[b * width];
    float[] mask = new float[b * width];
    float[] rewards = new float[b * width];
    float[] la = new float[b * width];
    float[] lse = new float[b * width];
    for (int i = 0; i < b; i++) {
      TrainingSequence s = sequences.get(i);
      int n = s.length();
      if (laRefs.get(i).length < n - 1 || lseRefs.get(i).length < n) {
        throw new IllegalArgumentException("trajectory " + s.id() + ": reference values cover "
            + lseRefs.get(i).length + " positions, the sequence has " + n);
      }
      for (int t = 0; t < n; t++) {
        int at = i * width + t;
        ids[at] = s.tokens()[t];
        lse[at] = lseRefs.get(i)[t];
        if (t < n - 1) {
          actions[at] = s.tokens()[t + 1];
          mask[at] = s.actionMask()[t + 1] ? 1f : 0f;
          rewards[at] = s.rewards()[t + 1];
          la[at] = laRefs.get(i)[t];
        }
      }
    }
    return new TokenBatch(List.copyOf(sequences), width, ids, actions, mask, rewards, la, lse, refLogProbs);
  }

  public int batchSize() {
    return batch;
  }

  /** T: positions per row (the longest sequence). */
  public int width() {
    return width;
  }

  public List<TrainingSequence> sequences() {
    return sequences;
  }

  /** Model input ids [B, T] (right-padded with 0). */
  public NDArray inputIds(NDManager m) {
    return m.create(inputIds, new Shape(batch, width));
  }

  NDArray actions(NDManager m) {
    return m.create(actions, new Shape(batch, width));
  }

  NDArray mask(NDManager m) {
    return m.create(mask, new Shape(batch, width));
  }

  NDArray rewards(NDManager m) {
    return m.create(rewards, new Shape(batch, width));
  }

  NDArray laRef(NDManager m) {
    return m.create(laRef, new Shape(batch, width));
  }

  NDArray lseRef(NDManager m) {
    return m.create(lseRef, new Shape(batch, width));
  }

  boolean isAction(int b, int t) {
    return mask[b * width + t] > 0;
  }

  /** Position of the last action of row b. */
  int lastAction(int b) {
    for (int t = width - 1; t >= 0; t--) {
      if (isAction(b, t)) {
        return t;
      }
    }
    throw new IllegalStateException("trajectory " + sequences.get(b).id() + " has no action");
  }

  /** Position whose state is the prompt (the state that emits the first action). */
  int promptPosition(int b) {
    for (int t = 0; t < width; t++) {
      if (isAction(b, t)) {
        return t;
      }
    }
    throw new IllegalStateException("trajectory " + sequences.get(b).id() + " has no action");
  }

  int actionCount(int b) {
    int n = 0;
    for (int t = 0; t < width; t++) {
      n += isAction(b, t) ? 1 : 0;
    }
    return n;
  }

  boolean truncated(int b) {
    return sequences.get(b).truncated();
  }
}
