package io.shiq.policy.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Scalar operands for arithmetic that autograd differentiates. Use {@code x.mul(Scalars.of(m, c))}, never
 * {@code x.mul(c)}, when gradients flow through x.
 *
 * <p>Why: on CPU, DJL 0.33's PyTorch {@code NDArray.mul(Number)} (likewise div, pow, maximum, minimum, add, sub and
 * the rest of the {@code Number} overloads) puts the number in a temporary 0-d tensor that borrows a Java direct
 * buffer without copying it ({@code torch::from_blob}), and closes that tensor as soon as the op returns. Autograd
 * keeps the tensor for the backward pass of mul, div, pow, maximum and minimum, but nothing keeps the buffer: after a
 * garbage collection the JDK's Cleaner frees it, and backward reads freed memory. The result is a gradient of 0 when a
 * new zeroed direct buffer has taken that memory, and garbage or NaN otherwise, depending on when the collector ran
 * (issue #12: GradientTest's flaky 0.0 against 0.0062, the NaN gradient at a learner's first step). A scalar made
 * with {@code full} lives in memory that PyTorch owns and reference-counts, so autograd's saved copy stays valid.
 */
public final class Scalars {
  private Scalars() {}

  /** A float32 0-d array holding {@code value}, in PyTorch-owned memory on {@code manager}'s device. */
  public static NDArray of(NDManager manager, double value) {
    return manager.full(new Shape(), (float) value);
  }
}
