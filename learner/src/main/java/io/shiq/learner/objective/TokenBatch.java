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
  /** [B] importance weight of each trajectory ({@link TrainingSequence#weight}). */
  final float[] weights;
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
    this.weights = new float[batch];
    for (int b = 0; b < batch; b++) {
      weights[b] = (float) sequences.get(b).weight();
    }
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

  /** The same reference values with other sequences of the same lengths (test helper). */
  static TokenBatch rebuild(TokenBatch b, List<TrainingSequence> sequences) {
    return of(sequences, b.rows(b.laRef), b.rows(b.lseRef), b.refLogProbs);
  }

  /** Adds {@code shift(row, position)} to both reference values (a per-state constant on the reference logits). */
  static TokenBatch shiftReference(TokenBatch b, java.util.function.BiFunction<Integer, Integer, Float> shift) {
    List<float[]> la = b.rows(b.laRef);
    List<float[]> lse = b.rows(b.lseRef);
    for (int row = 0; row < b.batch; row++) {
      for (int t = 0; t < la.get(row).length; t++) {
        float c = shift.apply(row, t);
        la.get(row)[t] += c;
        lse.get(row)[t] += c;
      }
    }
    return of(b.sequences, la, lse, b.refLogProbs);
  }

  /**
   * Inserts {@code count} non-action tokens (id 0, no reward) before token {@code tokenIndex} of every sequence; the
   * states after them equal the state before them, so their reference values repeat (test helper).
   */
  static TokenBatch insertNonActions(TokenBatch b, int tokenIndex, int count) {
    List<TrainingSequence> seqs = new java.util.ArrayList<>();
    List<float[]> las = new java.util.ArrayList<>();
    List<float[]> lses = new java.util.ArrayList<>();
    List<float[]> oldLa = b.rows(b.laRef);
    List<float[]> oldLse = b.rows(b.lseRef);
    for (int row = 0; row < b.batch; row++) {
      TrainingSequence s = b.sequences.get(row);
      int n = s.length();
      int at = Math.min(tokenIndex, n);
      int[] tokens = new int[n + count];
      boolean[] mask = new boolean[n + count];
      float[] rewards = new float[n + count];
      float[] la = new float[n + count];
      float[] lse = new float[n + count];
      for (int i = 0; i < n + count; i++) {
        int src = i < at ? i : (i < at + count ? -1 : i - count);
        if (src >= 0) {
          tokens[i] = s.tokens()[src];
          mask[i] = s.actionMask()[src];
          rewards[i] = s.rewards()[src];
        }
        // Position i is the state after token i.
        int state = i < at ? i : (i < at + count ? at - 1 : i - count);
        lse[i] = oldLse.get(row)[state];
        boolean emitsInserted = i >= at - 1 && i < at - 1 + count;
        la[i] = emitsInserted ? 0f : oldLa.get(row)[i < at - 1 ? i : i - count];
      }
      seqs.add(new TrainingSequence(s.id(), tokens, mask, rewards, s.truncated(), 0, s.weight()));
      las.add(la);
      lses.add(lse);
    }
    return of(seqs, las, lses, null);
  }

  private List<float[]> rows(float[] flat) {
    List<float[]> out = new java.util.ArrayList<>();
    for (int row = 0; row < batch; row++) {
      out.add(java.util.Arrays.copyOfRange(flat, row * width, row * width + sequences.get(row).length()));
    }
    return out;
  }

  /** Per row, the position whose state is the prompt (where a value head V_phi(x) reads the model). */
  public long[] promptPositions() {
    long[] out = new long[batch];
    for (int b = 0; b < batch; b++) {
      out[b] = promptPosition(b);
    }
    return out;
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

  /**
   * {@link TrainingSequence#lossPositions()} of every row as flat indices {@code row * width + position}, ascending.
   * At every other position the objectives multiply la and lse by 0, so their values there do not matter: the
   * output head is applied here only.
   */
  public long[] lossPositions() {
    long[] out = new long[batch * width];
    int n = 0;
    for (int b = 0; b < batch; b++) {
      for (int t : sequences.get(b).lossPositions()) {
        out[n++] = (long) b * width + t;
      }
    }
    return java.util.Arrays.copyOf(out, n);
  }

  /** The action token at each flat position index ({@code row * width + position}). */
  public long[] actionsAt(long[] flatPositions) {
    long[] out = new long[flatPositions.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = actions[(int) flatPositions[i]];
    }
    return out;
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

  float weight(int b) {
    return weights[b];
  }

  boolean truncated(int b) {
    return sequences.get(b).truncated();
  }
}
