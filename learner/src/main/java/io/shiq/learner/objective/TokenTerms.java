package io.shiq.learner.objective;

import ai.djl.ndarray.NDArray;
import io.shiq.policy.model.Scalars;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * The per-position quantities every objective is built from (all [B, T], float32):
 * <pre>
 *   lse = logsumexp(logits)        la = logits[a_t]        (policy, differentiable)
 *   rho = (la - lse) - (laRef - lseRef)                     ln pi(a_t|s_t) - ln pi_ref(a_t|s_t)
 *   V   = beta * (lse - lseRef)                             the value read off the logits
 * </pre>
 * A trajectory's importance weight w_b multiplies its term in the loss and its share of the denominator, so weight 2
 * is the trajectory counted twice: PER_TRAJECTORY divides by the sum of kept weights, PER_TOKEN by the weighted
 * action-token count. Priorities (mean |residual| per row) and the KL estimate stay unweighted.
 */
final class TokenTerms {
  final TokenBatch batch;
  final ObjectiveConfig config;
  final NDManager m;
  final NDArray mask;
  final NDArray rewards;
  final NDArray la;
  final NDArray lse;
  final NDArray laRef;
  final NDArray lseRef;
  final NDArray rho;
  final NDArray value;
  /** [B]: 0 for trajectories left out (truncated with Truncation.DROP), else 1. */
  final NDArray keep;
  final float[] keepHost;
  /** [B]: keep times the importance weight, how many times each trajectory counts in a loss. */
  final NDArray weight;

  /** From the full logits [B, T, V]. */
  TokenTerms(TokenBatch batch, NDArray logits, ObjectiveConfig config) {
    this(batch, PolicyOutputs.fromLogits(batch, logits), config);
  }

  TokenTerms(TokenBatch batch, PolicyOutputs policy, ObjectiveConfig config) {
    Shape expected = new Shape(batch.batch, batch.width);
    if (!policy.la().getShape().equals(expected)) {
      throw new IllegalArgumentException("the policy's outputs have shape " + policy.la().getShape()
          + ", the batch needs " + expected);
    }
    this.batch = batch;
    this.config = config;
    this.m = policy.la().getManager();
    this.mask = batch.mask(m);
    this.rewards = batch.rewards(m);
    this.laRef = batch.laRef(m);
    this.lseRef = batch.lseRef(m);
    this.lse = policy.lse();
    this.la = policy.la();
    this.rho = la.sub(lse).sub(laRef.sub(lseRef));
    this.value = lse.sub(lseRef).mul(Scalars.of(m, config.beta()));   // Scalars, not mul(double): autograd keeps it
    this.keepHost = new float[batch.batch];
    for (int b = 0; b < batch.batch; b++) {
      keepHost[b] = batch.truncated(b) && config.truncation() == ObjectiveConfig.Truncation.DROP ? 0f : 1f;
    }
    this.keep = m.create(keepHost);
    float[] weightHost = new float[batch.batch];
    for (int b = 0; b < batch.batch; b++) {
      weightHost[b] = keepHost[b] * batch.weight(b);
    }
    this.weight = m.create(weightHost);
  }

  /** How many times {@code s} counts in a loss: its importance weight, 0 if left out (truncated under DROP). */
  static double keptWeight(TrainingSequence s, ObjectiveConfig config) {
    boolean dropped = s.truncated() && config.truncation() == ObjectiveConfig.Truncation.DROP;
    return dropped ? 0 : (float) s.weight(); // the float the loss multiplies by
  }

  /**
   * Denominator of a token-level loss: the sum of kept weights (PER_TRAJECTORY) or of kept weight times action tokens
   * (PER_TOKEN).
   */
  static double tokenNormalizer(List<TrainingSequence> sequences, ObjectiveConfig config) {
    boolean perToken = config.normalization() == ObjectiveConfig.Normalization.PER_TOKEN;
    double sum = 0;
    for (TrainingSequence s : sequences) {
      sum += keptWeight(s, config) * (perToken ? s.actionCount() : 1);
    }
    return sum;
  }

  /** Denominator of a loss averaged over trajectories: the sum of kept weights. */
  static double trajectoryNormalizer(List<TrainingSequence> sequences, ObjectiveConfig config) {
    double sum = 0;
    for (TrainingSequence s : sequences) {
      sum += keptWeight(s, config);
    }
    return sum;
  }

  /** [P] weight of each (2i, 2i+1) pair: the mean of its two importance weights. */
  static float[] pairWeights(List<TrainingSequence> sequences) {
    if (sequences.size() % 2 != 0) {
      throw new IllegalArgumentException("pairwise objectives need an even batch of (y, y') pairs, got "
          + sequences.size() + " trajectories");
    }
    float[] out = new float[sequences.size() / 2];
    for (int p = 0; p < out.length; p++) {
      out[p] = (float) ((sequences.get(2 * p).weight() + sequences.get(2 * p + 1).weight()) / 2);
    }
    return out;
  }

  /** Denominator of a loss averaged over pairs: the sum of pair weights. */
  static double pairNormalizer(List<TrainingSequence> sequences) {
    double sum = 0;
    for (float w : pairWeights(sequences)) {
      sum += w;
    }
    return sum;
  }

  /** sum_b weight_b x_b / denominator, for per-trajectory terms x [B] (a zero denominator means nothing counted). */
  NDArray weightedMean(NDArray perTrajectory, NDArray weights, double denominator) {
    // Scalars, not div(double): autograd keeps the factor (see Scalars).
    return perTrajectory.mul(weights).sum().div(Scalars.of(m, denominator > 0 ? denominator : 1));
  }

  int keptTrajectories() {
    int n = 0;
    for (float k : keepHost) {
      n += k > 0 ? 1 : 0;
    }
    return n;
  }

  int keptActionTokens() {
    int n = 0;
    for (int b = 0; b < batch.batch; b++) {
      if (keepHost[b] > 0) {
        n += batch.actionCount(b);
      }
    }
    return n;
  }

  boolean bootstrap(int b) {
    return batch.truncated(b) && config.truncation() == ObjectiveConfig.Truncation.BOOTSTRAP;
  }

  /**
   * x at the next state of each position: the next action position of the same row, or, after the last action, the
   * bootstrap state (truncated, BOOTSTRAP) or nothing (terminal: 0).
   */
  NDArray atNextState(NDArray x) {
    int t = batch.width;
    long[] next = new long[batch.batch * t];
    for (int b = 0; b < batch.batch; b++) {
      int last = batch.lastAction(b);
      int upcoming = bootstrap(b) ? last + 1 : t; // t is the zero column appended below
      for (int p = t - 1; p >= 0; p--) {
        next[b * t + p] = upcoming;
        if (batch.isAction(b, p)) {
          upcoming = p;
        }
      }
    }
    NDArray extended = x.concat(m.zeros(new Shape(batch.batch, 1)), 1);
    return extended.gather(m.create(next, new Shape(batch.batch, t)), 1);
  }

  /** Sum over positions of each row, [B]. */
  static NDArray rowSum(NDArray x) {
    return x.sum(new int[] {1});
  }

  /**
   * Combines masked per-token terms [B, T] into the batch loss under the configured normalisation, each row counted
   * {@link #weight} times.
   */
  NDArray reduceTokens(NDArray maskedTerms) {
    return weightedMean(rowSum(maskedTerms), weight, tokenNormalizer(batch.sequences, config));
  }

  /** Mean of |x| over action tokens of each row, [B]. */
  NDArray meanAbsPerRow(NDArray x) {
    NDArray counts = rowSum(mask).maximum(1f);
    return rowSum(x.abs().mul(mask)).div(counts);
  }

  NDArray klEstimate() {
    NDArray weight = mask.mul(keep.expandDims(1));
    return rho.mul(weight).sum().div(weight.sum().maximum(1f));
  }

  LossResult result(NDArray loss, NDArray residuals) {
    return new LossResult(loss, residuals, klEstimate(), keptTrajectories(), keptActionTokens());
  }
}
