package io.shiq.policy.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.shiq.policy.engine.TorchEngine;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The segmented forward pass (blockwise attention, hand-written attention backward, graph cut at every layer) gives
 * the plain forward pass's hidden states and the same gradient in every parameter: grouped-query attention, both
 * rotary layouts, tied and untied embeddings, blocks that do not divide the length, one block.
 */
class SegmentedForwardTest {
  @Test
  void hiddenStatesAndGradientsEqualThePlainForwardPass() {
    for (LlamaConfig.RopeLayout layout : LlamaConfig.RopeLayout.values()) {
      for (int block : new int[] {7, 64}) {
        LlamaConfig config = new LlamaConfig(32, 48, 3, 4, 2, 29, 64, 10000, 1e-5, layout == LlamaConfig
            .RopeLayout.PAIRS, layout == LlamaConfig.RopeLayout.HALVES, layout);
        Map<String, float[]> plain = gradients(config, -1);
        Map<String, float[]> segmented = gradients(config, block);
        for (String name : plain.keySet()) {
          float[] a = plain.get(name);
          float[] b = segmented.get(name);
          double scale = 1e-12;
          for (float x : a) {
            scale = Math.max(scale, Math.abs(x));
          }
          for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 2e-5 * scale, layout + " block " + block + ": " + name + "[" + i + "]");
          }
        }
      }
    }
  }

  /** Gradients of sum(hidden * R) for a fixed random R, plain (block < 0) or segmented; "hidden" holds the states. */
  private static Map<String, float[]> gradients(LlamaConfig config, int block) {
    Map<String, float[]> out = new LinkedHashMap<>();
    try (LlamaWeights w = LlamaWeights.random(config, 11, Device.cpu())) {
      w.setRequiresGradient(true);
      NDManager m = w.manager();
      Llama model = new Llama(w);
      SplittableRandom rnd = new SplittableRandom(3);
      long[] ids = new long[2 * 23];
      float[] r = new float[2 * 23 * config.dim()];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = rnd.nextInt(config.vocabSize());
      }
      for (int i = 0; i < r.length; i++) {
        r[i] = (float) rnd.nextGaussian();
      }
      try (NDScope ignored = new NDScope(); GradientCollector gc = TorchEngine.newGradientCollector()) {
        NDArray tokens = m.create(ids, new Shape(2, 23));
        NDArray weights = m.create(r, new Shape(2, 23, config.dim()));
        SegmentedForward segments = block < 0 ? null : SegmentedForward.run(model, tokens, block);
        NDArray hidden = segments == null ? model.hidden(tokens) : segments.hidden();
        out.put("hidden", hidden.toFloatArray());
        gc.backward(hidden.mul(weights).sum());
        if (segments != null) {
          segments.backward(gc);
        }
        w.named().forEach((name, p) -> out.put(name, p.getArray().getGradient().toFloatArray()));
      }
    }
    return out;
  }

  @Test
  void oneLayerOneBlockStillCutsAndJoins() {
    LlamaConfig config = new LlamaConfig(16, 32, 1, 2, 2, 11, 16, 10000, 1e-5, false, true,
        LlamaConfig.RopeLayout.HALVES);
    Map<String, float[]> plain = gradients(config, -1);
    Map<String, float[]> segmented = gradients(config, 1000);
    assertArrayEquals(plain.get("hidden"), segmented.get("hidden"), 1e-5f);
  }
}
