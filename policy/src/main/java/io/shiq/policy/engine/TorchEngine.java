package io.shiq.policy.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;

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
}
