package io.shiq.learner.reference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;

import ai.djl.ndarray.types.Shape;
import io.shiq.learner.objective.TrainingSequence;
import io.shiq.policy.model.ChunkedHead;
import io.shiq.policy.model.Llama;
import io.shiq.policy.model.LlamaWeights;
import io.shiq.policy.model.SegmentedForward;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The frozen reference model pi_ref and the two numbers per position ShiQ needs from it: {@code laRef[t] =
 * l_ref(s_t, tokens[t+1])} and {@code lseRef[t] = logsumexp l_ref(s_t, .)}, at the positions the objectives read
 * ({@link TrainingSequence#lossPositions()}; 0 elsewhere). They are cached per trajectory (LRU, by id and token
 * content), so a trajectory replayed many times costs one reference pass.
 */
public final class ReferenceCache implements AutoCloseable {
  /** Reference values of one trajectory (n entries each; laRef's last entry is unused). */
  public record Entry(float[] laRef, float[] lseRef) {}

  private final LlamaWeights reference;
  private final Llama model;
  private final int microBatch;
  private final Map<String, Entry> cache;
  private long hits;
  private long misses;
  private boolean linearMemory = true;
  private int headChunk = ChunkedHead.DEFAULT_CHUNK;

  /**
   * @param reference  the frozen reference weights (owned by the cache from now on)
   * @param maxEntries trajectories kept
   * @param microBatch sequences per reference forward pass
   */
  public ReferenceCache(LlamaWeights reference, int maxEntries, int microBatch) {
    this.reference = reference;
    this.model = new Llama(reference);
    this.microBatch = microBatch;
    this.cache = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
        return size() > maxEntries;
      }
    };
  }

  /**
   * Computes the values the way the trainer computes the policy's ({@code Trainer#computePath}): the same attention
   * and head chunking, so that a policy equal to the reference gives exactly the reference's numbers (zero residuals
   * and zero gradients at initialisation without rewards, not rounding noise that Adam would scale up to full steps).
   * Clears the cache.
   */
  public void computePath(boolean linearMemory, int headChunk) {
    this.linearMemory = linearMemory;
    this.headChunk = headChunk;
    cache.clear();
  }

  public LlamaWeights weights() {
    return reference;
  }

  /** Reference values of every sequence, computing the missing ones in micro-batches. */
  public List<Entry> get(List<TrainingSequence> sequences) {
    List<Entry> out = new ArrayList<>(sequences.size());
    List<TrainingSequence> missing = new ArrayList<>();
    for (TrainingSequence s : sequences) {
      Entry e = cache.get(key(s));
      if (e == null) {
        missing.add(s);
        misses++;
      } else {
        hits++;
      }
    }
    for (int from = 0; from < missing.size(); from += microBatch) {
      List<TrainingSequence> chunk = missing.subList(from, Math.min(missing.size(), from + microBatch));
      List<Entry> computed = compute(chunk);
      for (int i = 0; i < chunk.size(); i++) {
        cache.put(key(chunk.get(i)), computed.get(i));
      }
    }
    for (TrainingSequence s : sequences) {
      Entry e = cache.get(key(s));
      if (e == null) { // evicted meanwhile (cache smaller than the batch): compute directly
        e = compute(List.of(s)).get(0);
      }
      out.add(e);
    }
    return out;
  }

  /** ln pi_ref(.|s_t) at every position, [B, T, V], for objectives that need the full distribution (naive). */
  public NDArray fullLogProbs(NDArray inputIds, NDManager into) {
    NDArray lp;
    try (NDScope ignored = new NDScope()) {
      lp = model.forward(inputIds.toDevice(reference.device(), false)).logSoftmax(-1);
      NDScope.unregister(lp);
    }
    lp.attach(into);
    return lp;
  }

  public long hits() {
    return hits;
  }

  public long misses() {
    return misses;
  }

  /**
   * Reference values at each sequence's {@link TrainingSequence#lossPositions()} (0 elsewhere: no objective reads
   * them there): the transformer over every position, the output head, one vocabulary chunk at a time, over the
   * gathered rows only.
   */
  private List<Entry> compute(List<TrainingSequence> chunk) {
    int width = chunk.stream().mapToInt(TrainingSequence::length).max().orElseThrow();
    long[] ids = new long[chunk.size() * width];
    int[][] positions = new int[chunk.size()][];
    int rows = 0;
    for (int b = 0; b < chunk.size(); b++) {
      int[] t = chunk.get(b).tokens();
      for (int i = 0; i < t.length; i++) {
        ids[b * width + i] = t[i];
      }
      positions[b] = chunk.get(b).lossPositions();
      rows += positions[b].length;
    }
    long[] flat = new long[rows];
    long[] next = new long[rows];
    for (int b = 0, r = 0; b < chunk.size(); b++) {
      int[] t = chunk.get(b).tokens();
      for (int p : positions[b]) {
        flat[r] = (long) b * width + p;
        next[r++] = p + 1 < t.length ? t[p + 1] : 0;
      }
    }
    float[] la;
    float[] lse;
    NDManager m = reference.manager();
    try (NDScope ignored = new NDScope()) {
      // No [B, T, V] reference logits (issue #15): rows at the loss positions, the head in vocabulary chunks.
      NDArray tokens = m.create(ids, new Shape(chunk.size(), width));
      NDArray hidden = linearMemory ? SegmentedForward.run(model, tokens).hidden() : model.hidden(tokens);
      long dim = hidden.getShape().get(2);
      NDArray[] takenAndLse;
      if (linearMemory) {
        NDArray gathered = hidden.reshape(-1, dim).gather(m.create(flat, new Shape(rows, 1)).repeat(1, dim), 0);
        takenAndLse = ChunkedHead.takenLogitAndLogSumExp(model, gathered, m.create(next), headChunk);
      } else {
        // The former path's policy takes [B, T, V] logits: the same product here gives the same floats (one over
        // fewer rows may round differently), then the loss positions are read off.
        long[] nextAll = new long[ids.length];
        for (int r = 0; r < rows; r++) {
          nextAll[(int) flat[r]] = next[r];
        }
        NDArray[] all = ChunkedHead.takenLogitAndLogSumExp(model, hidden,
            m.create(nextAll, new Shape(chunk.size(), width)), headChunk);
        NDArray at = m.create(flat);
        takenAndLse = new NDArray[] {all[0].reshape(-1).gather(at, 0), all[1].reshape(-1).gather(at, 0)};
      }
      la = takenAndLse[0].toFloatArray();
      lse = takenAndLse[1].toFloatArray();
    }
    List<Entry> out = new ArrayList<>();
    for (int b = 0, r = 0; b < chunk.size(); b++) {
      int n = chunk.get(b).length();
      float[] laRow = new float[n];
      float[] lseRow = new float[n];
      for (int p : positions[b]) {
        laRow[p] = p + 1 < n ? la[r] : 0f; // the last position has no next token
        lseRow[p] = lse[r++];
      }
      out.add(new Entry(laRow, lseRow));
    }
    return out;
  }

  private static String key(TrainingSequence s) {
    return s.id() + "#" + s.length() + "#" + Arrays.hashCode(s.tokens());
  }

  @Override
  public void close() {
    reference.close();
  }

}
