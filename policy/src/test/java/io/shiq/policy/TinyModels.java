package io.shiq.policy;

import ai.djl.Device;
import io.shiq.policy.model.LlamaConfig;
import io.shiq.policy.model.LlamaWeights;

/** Small random models covering the options real checkpoints need. */
public final class TinyModels {
  private TinyModels() {}

  /** Grouped-query attention, untied head, half-split rotary (HF Llama). */
  public static LlamaConfig llama() {
    return new LlamaConfig(16, 40, 2, 4, 2, 37, 64, 10000, 1e-5, false, false, LlamaConfig.RopeLayout.HALVES);
  }

  /** Qwen2 style: q/k/v biases, tied embeddings. */
  public static LlamaConfig qwen() {
    return new LlamaConfig(16, 24, 2, 4, 1, 29, 64, 1e6, 1e-6, true, true, LlamaConfig.RopeLayout.HALVES);
  }

  /** llama2.c style: pair rotary layout, tied embeddings, multi-query. */
  public static LlamaConfig llama2c() {
    return new LlamaConfig(16, 32, 2, 4, 1, 31, 64, 10000, 1e-5, false, true, LlamaConfig.RopeLayout.PAIRS);
  }

  /** Random weights with a larger scale than the default so that logits differ visibly between tokens. */
  public static LlamaWeights weights(LlamaConfig config, long seed) {
    LlamaWeights base = LlamaWeights.random(config, seed, Device.cpu());
    var host = base.toHost();
    base.close();
    var rnd = new java.util.SplittableRandom(seed * 31 + 7);
    host.replaceAll((name, v) -> {
      float[] out = v.clone();
      for (int i = 0; i < out.length; i++) {
        out[i] = name.endsWith("norm.weight") ? (float) (1 + 0.2 * (rnd.nextDouble() - 0.5))
            : (float) (0.5 * (rnd.nextDouble() - 0.5));
      }
      return out;
    });
    return LlamaWeights.fromHost(config, host, Device.cpu(), "tiny(seed=" + seed + ")");
  }
}
