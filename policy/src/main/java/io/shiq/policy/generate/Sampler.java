package io.shiq.policy.generate;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks a token from one row of logits and reports its log-probability under the distribution actually sampled
 * from (after temperature, top-k and top-p), which is the behaviour policy mu an off-policy learner needs.
 */
final class Sampler {
  private final SamplingParams params;

  Sampler(SamplingParams params) {
    this.params = params;
  }

  /** The chosen token and ln mu(token). */
  record Choice(int token, float behaviourLogProb) {}

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
