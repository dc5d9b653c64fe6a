package io.shiq.learner.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * DRO's separate scalar value head V_phi(x) = w . h(x) + b, read from the policy's final hidden state at the prompt
 * (the state that emits the first action). Starts at zero.
 */
public final class ValueHead {
  private final NDArray weight;
  private final NDArray bias;

  public ValueHead(NDManager manager, int dim) {
    this.weight = manager.zeros(new Shape(dim));
    this.bias = manager.zeros(new Shape(1));
    weight.setRequiresGradient(true);
    bias.setRequiresGradient(true);
  }

  public NDArray weight() {
    return weight;
  }

  public NDArray bias() {
    return bias;
  }

  /** V_phi at each row's prompt position: hidden [B, T, D], positions [B] -> [B]. */
  public NDArray values(NDArray hidden, long[] promptPositions) {
    long b = hidden.getShape().get(0);
    long d = hidden.getShape().get(2);
    NDArray idx = hidden.getManager().create(promptPositions, new Shape(b, 1, 1)).repeat(2, d);
    NDArray h = hidden.gather(idx, 1).squeeze(1);                        // [B, D]
    return h.matMul(weight.expandDims(1)).squeeze(1).add(bias);
  }
}
