package io.shiq.learner.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW (Loshchilov and Hutter) on DJL NDArrays, with global-norm gradient clipping:
 * <pre>
 *   g = grad * min(1, clip / ||grad||_2)
 *   m = b1 m + (1 - b1) g ;  v = b2 v + (1 - b2) g^2
 *   p = p - lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps) - lr wd p
 * </pre>
 * State (m, v, t) is exposed for checkpoints: restoring it and the parameters continues bit for bit.
 */
public final class AdamW {
  private final OptimizerConfig config;
  private final Map<String, NDArray> params;
  private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();
  private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();
  private long step;

  public AdamW(OptimizerConfig config, Map<String, NDArray> params) {
    this.config = config;
    this.params = params;
    params.forEach((name, p) -> {
      NDArray m = p.zerosLike();
      NDArray v = p.zerosLike();
      NDScope.unregister(m, v);
      firstMoments.put(name, m);
      secondMoments.put(name, v);
    });
  }

  public OptimizerConfig config() {
    return config;
  }

  /** Updates applied so far. */
  public long step() {
    return step;
  }

  /** Global L2 norm of the current gradients (before clipping). */
  public double gradientNorm() {
    try (NDScope ignored = new NDScope()) {
      NDArray total = null;
      for (NDArray p : params.values()) {
        NDArray s = p.getGradient().square().sum();
        total = total == null ? s : total.add(s);
      }
      return total == null ? 0 : Math.sqrt(total.getFloat());
    }
  }

  /**
   * Applies one update from the accumulated gradients, then zeroes them.
   *
   * @param gradScale multiplies the gradients first (1 / micro-batches when they were accumulated as sums)
   * @return the gradient norm before clipping (after scaling)
   */
  public double update(double gradScale) {
    step++;
    double lr = config.learningRateAt(step);
    double norm;
    try (NDScope ignored = new NDScope()) {
      if (gradScale != 1.0) {
        params.values().forEach(p -> p.getGradient().muli(gradScale));
      }
      norm = gradientNorm();
      if (!Double.isFinite(norm)) {
        throw new ArithmeticException("gradient norm is " + norm + " at step " + step + ": refusing to update");
      }
      double clip = config.clipNorm() > 0 && norm > config.clipNorm() ? config.clipNorm() / norm : 1.0;
      double c1 = 1 - Math.pow(config.beta1(), step);
      double c2 = 1 - Math.pow(config.beta2(), step);
      for (var e : params.entrySet()) {
        NDArray p = e.getValue();
        NDArray g = p.getGradient();
        if (clip != 1.0) {
          g = g.mul(clip);
        }
        NDArray m = firstMoments.get(e.getKey());
        NDArray v = secondMoments.get(e.getKey());
        m.muli(config.beta1()).addi(g.mul(1 - config.beta1()));
        v.muli(config.beta2()).addi(g.square().mul(1 - config.beta2()));
        NDArray update = m.div(c1).div(v.div(c2).sqrt().add(config.epsilon())).mul(lr);
        if (config.weightDecay() > 0 && p.getShape().dimension() >= 2) {
          p.muli(1 - lr * config.weightDecay());
        }
        p.subi(update);
      }
      zeroGradients();
    }
    return norm;
  }

  public void zeroGradients() {
    for (NDArray p : params.values()) {
      p.getGradient().muli(0f);
    }
  }

  /** m and v by parameter name (for checkpoints). */
  public Map<String, NDArray> firstMoments() {
    return firstMoments;
  }

  public Map<String, NDArray> secondMoments() {
    return secondMoments;
  }

  /** Restores the optimizer state saved by a checkpoint. */
  public void restore(long savedStep, Map<String, float[]> m, Map<String, float[]> v) {
    for (String name : params.keySet()) {
      if (!m.containsKey(name) || !v.containsKey(name)) {
        throw new IllegalArgumentException("checkpoint has no optimizer state for parameter " + name);
      }
      firstMoments.get(name).set(m.get(name));
      secondMoments.get(name).set(v.get(name));
    }
    this.step = savedStep;
  }
}
