package io.shiq.learner.service;

import io.shiq.learner.service.LearnerService.FaultPoint;
import io.shiq.learner.service.LearnerService.StepReport;
import java.util.function.Consumer;

/**
 * Watches the learner's step loop, the way DJL's {@code TrainingListener} watches a trainer: the service keeps a list
 * of listeners ({@link LearnerService#addListener}) and calls each in the order it was added, on the learner's thread.
 * Every method does nothing by default. A listener that throws stops the step where it is (tests throw from
 * {@link #onFault} to simulate a crash at that point); the remaining listeners are not called for that event.
 *
 * <p>The service registers its Micrometer meters as the first listener; meters, console progress, the demo recorder
 * and fault injection in tests are all listeners.
 */
public interface LearnerListener {

  /** After waiting for the next batch, whether or not one came. */
  default void onWait(double seconds) {}

  /** A batch was skipped (undecodable, or without a usable trajectory); its offset is consumed. */
  default void onSkip(String reason) {}

  /**
   * At every fault point the learner passes, in step order: {@link FaultPoint#AFTER_TRAIN} after training,
   * {@link FaultPoint#AFTER_CHECKPOINT} after the checkpoint (checkpointing steps only), {@link FaultPoint#AFTER_STEP}
   * after outputs were released and the version published.
   */
  default void onFault(FaultPoint point) {}

  /** After every step, once its effects (train, checkpoint, release, publish) are done. */
  default void onStep(StepReport report) {}

  /**
   * The newest policy version changed: found announced on start, or published (also while recovering on start, which
   * only listeners added before that, i.e. the meters, see).
   */
  default void onVersion(long version) {}

  /** The learner was closed or abandoned; called once, after its clients and trainer are closed. */
  default void onClose() {}

  /** A listener that only watches steps. */
  static LearnerListener steps(Consumer<StepReport> onStep) {
    return new LearnerListener() {
      @Override
      public void onStep(StepReport report) {
        onStep.accept(report);
      }
    };
  }

  /** A listener that only watches fault points. */
  static LearnerListener faults(Consumer<FaultPoint> onFault) {
    return new LearnerListener() {
      @Override
      public void onFault(FaultPoint point) {
        onFault.accept(point);
      }
    };
  }
}
