package io.shiq.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.shiq.policy.model.Llama;
import io.shiq.policy.model.LlamaConfig;
import io.shiq.policy.model.LlamaWeights;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue #12: a garbage collection between the forward and the backward pass must not change the gradients. DJL's
 * {@code mul(double)} put the attention scale in a 0-d tensor borrowing a Java direct buffer that autograd kept for
 * backward but nothing kept alive; once the JDK freed the buffer, backward read freed memory and the gradients of
 * q_proj and k_proj came out 0.0 (GradientTest's "0.0062 but was 0.0", seen only when a GC fell in that window).
 */
class GarbageCollectionGradientTest {

  @Test
  void aGarbageCollectionBeforeBackwardLeavesTheGradientsUnchanged() throws InterruptedException {
    for (LlamaConfig config : List.of(TinyModels.llama(), TinyModels.qwen(), TinyModels.llama2c())) {
      for (Llama.RopeMode mode : List.of(Llama.RopeMode.MATRIX, Llama.RopeMode.ELEMENTWISE)) {
        Map<String, float[]> direct = gradients(config, mode, false);
        Map<String, float[]> collected = gradients(config, mode, true);
        for (String name : direct.keySet()) {
          assertArrayEquals(direct.get(name), collected.get(name), config + " " + mode + ": " + name);
        }
        float[] q = direct.get("model.layers.0.self_attn.q_proj.weight");
        double size = 0;
        for (float g : q) {
          size += Math.abs(g);
        }
        assertTrue(size > 1e-3, "q_proj gradient too small to test anything: " + size);
      }
    }
  }

  private static Map<String, float[]> gradients(LlamaConfig config, Llama.RopeMode mode, boolean collect)
      throws InterruptedException {
    try (LlamaWeights w = TinyModels.weights(config, 9)) {
      Llama model = new Llama(w, mode);
      NDManager m = w.manager();
      w.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector();
           NDScope ignored = new NDScope()) {
        long[] tokens = {1, 4, 2, 7, 3, 9, 5};
        NDArray ids = m.create(tokens, new Shape(1, tokens.length));
        NDArray loss = model.forward(ids).logSoftmax(-1).get(":, :-1, :")
            .gather(ids.get(":, 1:").expandDims(-1), -1).mean().neg();
        List<ByteBuffer> taken = collect ? DirectBuffers.freeUnreachable() : List.of();
        gc.backward(loss);
        Reference.reachabilityFence(taken);
      }
      Map<String, float[]> out = new LinkedHashMap<>();
      w.named().forEach((name, p) -> out.put(name, p.getArray().getGradient().toFloatArray()));
      return out;
    }
  }
}
