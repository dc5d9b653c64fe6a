package io.shiq.policy.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.function.Supplier;

/**
 * The one place that names DJL's PyTorch engine and its native calls; the model, the trainer and the commands go
 * through it, so that engine-specific behaviour (and a future second engine) stays behind one small class.
 */
public final class TorchEngine {
  /** DJL's name of the engine shiq runs on. */
  public static final String NAME = "PyTorch";

  private TorchEngine() {}

  public static Engine engine() {
    return Engine.getEngine(NAME);
  }

  /** GPU 0 when the engine sees a GPU, else the CPU. */
  public static Device defaultDevice() {
    return engine().getGpuCount() > 0 ? Device.gpu() : Device.cpu();
  }

  /** Records the operations of a forward pass for one backward pass (close it to end the recording). */
  public static GradientCollector newGradientCollector() {
    return engine().newGradientCollector();
  }

  /**
   * Turns gradient recording off on the calling thread. PyTorch's grad mode is per thread and on by default in a new
   * one; DJL's gradient collector restores the mode it found, so a trainer on its own thread would leave it on and
   * in-place updates of leaf parameters (AdamW) fail.
   */
  public static void gradientsOff() {
    JniUtils.setGradMode(false);
  }

  /**
   * Runs {@code work} with gradient recording off on this thread and restores the mode it found: arrays computed
   * there keep no graph (and no saved activations), even inside a gradient collector.
   */
  public static <T> T withoutGradients(Supplier<T> work) {
    boolean was = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try {
      return work.get();
    } finally {
      JniUtils.setGradMode(was);
    }
  }

  /**
   * Backward pass from the scalar {@code target} that keeps the graph, so that a second backward pass may go through
   * the parts it shares (DJL's {@code GradientCollector.backward} always frees it: PtGradientCollector passes
   * keepGraph = false to {@code JniUtils.backward}). Gradients accumulate into the leaves as with the collector.
   */
  public static void backwardKeepingGraph(NDArray target) {
    NDArray seed = target.getManager().ones(target.getShape(), target.getDataType()).toDevice(target.getDevice(),
        false);
    JniUtils.backward((PtNDArray) target, (PtNDArray) seed, true, false);
  }
}
