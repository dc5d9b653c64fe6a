package io.shiq.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Autograd through the whole forward pass agrees with central finite differences. */
class GradientTest {
  private static final long[] TOKENS = {1, 4, 2, 7, 3, 9, 5};

  static Stream<LlamaConfig> configs() {
    return Stream.of(TinyModels.llama(), TinyModels.qwen(), TinyModels.llama2c());
  }

  /** Mean negative log-likelihood of the next token: a loss of the logits like the learner's. */
  private static double loss(Llama model, NDManager m) {
    try (NDScope ignored = new NDScope()) {
      return lossArray(model, m).getFloat();
    }
  }

  private static NDArray lossArray(Llama model, NDManager m) {
    NDArray tokens = m.create(TOKENS, new Shape(1, TOKENS.length));
    NDArray logits = model.forward(tokens);
    NDArray logp = logits.logSoftmax(-1).get(":, :-1, :");
    NDArray next = tokens.get(":, 1:").expandDims(-1);
    return logp.gather(next, -1).mean().neg();
  }

  static Stream<org.junit.jupiter.params.provider.Arguments> cases() {
    return configs().flatMap(c -> Stream.of(Llama.RopeMode.MATRIX, Llama.RopeMode.ELEMENTWISE)
        .map(m -> org.junit.jupiter.params.provider.Arguments.of(c, m)));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void autogradMatchesFiniteDifferences(LlamaConfig config, Llama.RopeMode mode) {
    try (LlamaWeights w = TinyModels.weights(config, 9)) {
      Llama model = new Llama(w, mode);
      NDManager m = w.manager();
      List<String> names = new java.util.ArrayList<>(List.of(LlamaWeights.EMBED, "model.layers.0.self_attn.q_proj.weight",
          "model.layers.1.self_attn.k_proj.weight", "model.layers.0.self_attn.v_proj.weight",
          "model.layers.1.self_attn.o_proj.weight", "model.layers.0.mlp.gate_proj.weight",
          "model.layers.1.mlp.down_proj.weight", "model.layers.0.input_layernorm.weight", LlamaWeights.FINAL_NORM));
      if (config.qkvBias()) {
        names.add("model.layers.0.self_attn.q_proj.bias");
      }
      w.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector();
           NDScope ignored = new NDScope()) {
        gc.backward(lossArray(model, m));
      }
      int checked = 0;
      double magnitude = 0;
      for (String name : names) {
        NDArray param = w.named().get(name).getArray();
        float[] grad = param.getGradient().toFloatArray();
        int n = (int) param.size();
        for (int k = 0; k < 3; k++) {
          int idx = (int) ((k * 7919L + name.length() * 31L) % n);
          float[] values = param.toFloatArray();
          float original = values[idx];
          double eps = 1e-2;
          values[idx] = (float) (original + eps);
          param.set(values);
          double up = loss(model, m);
          values[idx] = (float) (original - eps);
          param.set(values);
          double down = loss(model, m);
          values[idx] = original;
          param.set(values);
          double numeric = (up - down) / (2 * eps);
          assertEquals(numeric, grad[idx], 2e-3 + 2e-2 * Math.abs(numeric), name + "[" + idx + "]");
          checked++;
          magnitude += Math.abs(numeric);
        }
      }
      assertTrue(checked >= 27);
      assertTrue(magnitude > 0.05, "gradients too small to test anything: " + magnitude);
    }
  }
}
