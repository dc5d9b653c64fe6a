package io.shiq.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.shiq.policy.model.Llama;
import io.shiq.policy.model.LlamaConfig;
import io.shiq.policy.model.LlamaWeights;
import io.shiq.policy.model.ScalarLlama;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The DJL forward pass equals an independent plain-Java port of llama2.c's forward(). */
class ScalarReferenceTest {
  static Stream<LlamaConfig> configs() {
    return Stream.of(TinyModels.llama(), TinyModels.qwen(), TinyModels.llama2c());
  }

  @ParameterizedTest
  @MethodSource("configs")
  void djlForwardEqualsScalarPort(LlamaConfig config) {
    long[] tokens = {1, 6, 2, 9, 4, 4, 13, 0, 5};
    try (LlamaWeights w = TinyModels.weights(config, 17); NDScope ignored = new NDScope()) {
      for (Llama.RopeMode mode : Llama.RopeMode.values()) {
        float[] djl = new Llama(w, mode).forward(w.manager().create(tokens, new Shape(1, tokens.length)))
            .toFloatArray();
        ScalarLlama scalar = new ScalarLlama(w);
        int v = config.vocabSize();
        for (int t = 0; t < tokens.length; t++) {
          float[] ref = scalar.forward((int) tokens[t], t);
          for (int i = 0; i < v; i++) {
            assertEquals(ref[i], djl[t * v + i], 1e-4, mode + " position " + t + " token " + i);
          }
        }
      }
    }
  }
}
