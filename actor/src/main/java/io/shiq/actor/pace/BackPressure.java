package io.shiq.actor.pace;

/**
 * Whether an actor should hold off its next batch: the learner it feeds lags, so more episodes now would only pile up
 * batches that grow staler while they wait. Asked before every batch and while paused, so it must be cheap.
 */
@FunctionalInterface
public interface BackPressure {
  /** Never pauses (benchmarks, and actors told not to follow the learner's pace). */
  BackPressure NONE = () -> false;

  boolean shouldPause();
}
