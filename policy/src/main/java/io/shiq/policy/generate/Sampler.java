package io.shiq.policy.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.shiq.policy.model.Scalars;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks a token from one row of logits and reports its log-probability under the distribution actually sampled
 * from (after temperature, top-k and top-p), which is the behaviour policy mu an off-policy learner needs.
 *
 * <p>Greedy decoding and plain temperature sampling (no top-k, no top-p) can run on the logits' device: then only
 * the chosen ids and their log-probabilities cross to the host, not [B, V] logits, and the softmax is one vectorised
 * op instead of a Java loop over the vocabulary. Both places draw the same uniform numbers from the same per-stream
 * generators and invert the same CDF (in vocabulary order), so they pick the same tokens; the device computes in
 * float32 where the host does in double, so a draw within ~1e-7 of a CDF step may land on the neighbouring token.
 */
final class Sampler {
  /**
   * Where sampling runs. AUTO: on the device when it can (greedy, or no top-k / top-p) and it pays, on a GPU or from
   * {@link #DEVICE_MIN_VOCAB} ids on; else on the host.
   */
  enum Place { AUTO, HOST, DEVICE }

  /**
   * Smallest vocabulary AUTO samples on the CPU device. Below it copying [B, V] floats costs less than the device
   * path's half-dozen ops: measured with {@code shiq bench generate}, stories260K (512 ids) ran a single stream at
   * 250 tokens/s sampling on the device against 361 on the host; stories15M (32,000 ids) gains from it.
   */
  static final int DEVICE_MIN_VOCAB = 4096;

  private final SamplingParams params;
  private final Place place;
  private final boolean possible;

  Sampler(SamplingParams params) {
    this(params, Place.HOST);
  }

  Sampler(SamplingParams params, Place place) {
    this.params = params;
    boolean possible = params.greedy() || !truncates();
    if (place == Place.DEVICE && !possible) {
      throw new IllegalArgumentException("top-k and top-p sampling run on the host only");
    }
    this.place = place;
    this.possible = possible;
  }

  private boolean onDevice(NDArray logits, int vocab) {
    return switch (place) {
      case HOST -> false;
      case DEVICE -> true;
      case AUTO -> possible && (logits.getDevice().isGpu() || vocab >= DEVICE_MIN_VOCAB);
    };
  }

  /** Whether top-k or top-p cut the distribution (then sampling runs on the host). */
  private boolean truncates() {
    return params.topK() > 0 || params.topP() < 1;
  }

  /** The chosen token and ln mu(token). */
  record Choice(int token, float behaviourLogProb) {}

  /**
   * One choice per row of {@code logits} ([B, V] or [B, 1, V]) that is not {@code done}; done rows get null and draw
   * no random number.
   */
  Choice[] chooseAll(NDArray logits, boolean[] done, SplittableRandom[] rngs) {
    int batch = done.length;
    int vocab = (int) logits.getShape().get(logits.getShape().dimension() - 1);
    Choice[] out = new Choice[batch];
    if (!onDevice(logits, vocab)) {
      float[] host = logits.toFloatArray();
      for (int b = 0; b < batch; b++) {
        if (!done[b]) {
          out[b] = choose(host, b * vocab, vocab, rngs[b]);
        }
      }
      return out;
    }
    NDArray rows = logits.reshape(batch, vocab);
    if (params.greedy()) {
      // argmax returns the first of equal maxima, as the host loop does.
      long[] ids = rows.argMax(-1).toLongArray();
      for (int b = 0; b < batch; b++) {
        if (!done[b]) {
          out[b] = new Choice((int) ids[b], 0f);
        }
      }
      return out;
    }
    NDManager m = rows.getManager();
    float[] u = new float[batch];
    for (int b = 0; b < batch; b++) {
      u[b] = done[b] ? 0f : (float) rngs[b].nextDouble();
    }
    NDArray scaled = params.temperature() == 1 ? rows : rows.div(Scalars.of(m, params.temperature()));
    NDArray logProbs = scaled.logSoftmax(-1);
    // The chosen token is the first i with u < cdf_i, i.e. the number of i with cdf_i <= u. The last entry is left
    // out, so that a u at or above the rounded total mass picks the last token (as the host does) and the count
    // stays a valid index.
    NDArray cdf = logProbs.exp().cumSum(-1).get(new NDIndex(":, :{}", vocab - 1));
    NDArray ids = cdf.lte(m.create(u, new Shape(batch, 1))).sum(new int[] {-1}, true);
    float[] lp = logProbs.gather(ids, 1).toFloatArray();
    long[] chosen = ids.toLongArray();
    for (int b = 0; b < batch; b++) {
      if (!done[b]) {
        out[b] = new Choice((int) chosen[b], lp[b]);
      }
    }
    return out;
  }

  Choice choose(float[] logits, int offset, int vocab, SplittableRandom rnd) {
    if (params.greedy()) {
      int best = 0;
      float bestValue = Float.NEGATIVE_INFINITY;
      for (int i = 0; i < vocab; i++) {
        if (logits[offset + i] > bestValue) {
          bestValue = logits[offset + i];
          best = i;
        }
      }
      return new Choice(best, 0f); // a point mass: ln 1
    }
    double[] p = new double[vocab];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < vocab; i++) {
      p[i] = logits[offset + i] / params.temperature();
      max = Math.max(max, p[i]);
    }
    double sum = 0;
    for (int i = 0; i < vocab; i++) {
      p[i] = Math.exp(p[i] - max);
      sum += p[i];
    }
    for (int i = 0; i < vocab; i++) {
      p[i] /= sum;
    }
    boolean truncate = (params.topK() > 0 && params.topK() < vocab) || params.topP() < 1;
    if (truncate) {
      Integer[] order = new Integer[vocab];
      for (int i = 0; i < vocab; i++) {
        order[i] = i;
      }
      Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
      int keep = params.topK() > 0 ? Math.min(params.topK(), vocab) : vocab;
      double cumulative = 0;
      int kept = 0;
      for (int r = 0; r < keep; r++) {
        cumulative += p[order[r]];
        kept++;
        if (cumulative >= params.topP()) {
          break;
        }
      }
      double keptMass = 0;
      for (int r = 0; r < kept; r++) {
        keptMass += p[order[r]];
      }
      for (int r = kept; r < vocab; r++) {
        p[order[r]] = 0;
      }
      for (int r = 0; r < kept; r++) {
        p[order[r]] /= keptMass;
      }
    }
    double u = rnd.nextDouble();
    double cdf = 0;
    int chosen = -1;
    for (int i = 0; i < vocab; i++) {
      if (p[i] == 0) {
        continue;
      }
      cdf += p[i];
      chosen = i;
      if (u < cdf) {
        break;
      }
    }
    return new Choice(chosen, (float) Math.log(p[chosen]));
  }
}
