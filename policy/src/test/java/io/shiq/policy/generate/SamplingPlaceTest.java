package io.shiq.policy.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shiq.policy.TinyModels;
import io.shiq.policy.model.Llama;
import io.shiq.policy.model.LlamaConfig;
import io.shiq.policy.model.LlamaWeights;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Sampling on the device picks the tokens the host sampler picks, from the same random draws. */
class SamplingPlaceTest {

  static Stream<LlamaConfig> configs() {
    return Stream.of(TinyModels.llama(), TinyModels.qwen(), TinyModels.llama2c());
  }

  @ParameterizedTest
  @MethodSource("configs")
  void deviceSamplingEqualsHostSampling(LlamaConfig config) {
    List<int[]> prompts = List.of(new int[] {1, 4, 7}, new int[] {1, 2, 3, 4, 5, 6, 7}, new int[] {1},
        new int[] {1, 9, 9, 9, 2});
    try (LlamaWeights w = TinyModels.weights(config, 17)) {
      Llama model = new Llama(w);
      for (SamplingParams params : List.of(SamplingParams.greedy(20, Set.of(3)),
          SamplingParams.sample(1.0, 20, Set.of(3), 42), SamplingParams.sample(0.7, 20, Set.of(), 9),
          SamplingParams.sample(2.5, 20, Set.of(5), 1))) {
        for (boolean cache : new boolean[] {true, false}) {
          List<Generation> host = new Generator(model, cache, Sampler.Place.HOST).generate(prompts, params);
          List<Generation> device = new Generator(model, cache, Sampler.Place.DEVICE).generate(prompts, params);
          for (int i = 0; i < prompts.size(); i++) {
            String what = "prompt " + i + " with " + params + ", cache " + cache;
            assertArrayEquals(host.get(i).tokens(), device.get(i).tokens(), what);
            assertArrayEquals(host.get(i).behaviourLogProbs(), device.get(i).behaviourLogProbs(), 1e-5f, what);
            assertEquals(host.get(i).finish(), device.get(i).finish(), what);
          }
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("configs")
  void truncatedSamplingStaysOnTheHost(LlamaConfig config) {
    assertThrows(IllegalArgumentException.class,
        () -> new Sampler(new SamplingParams(1.0, 5, 1.0, 4, Set.of(), 0), Sampler.Place.DEVICE));
    assertThrows(IllegalArgumentException.class,
        () -> new Sampler(new SamplingParams(1.0, 0, 0.9, 4, Set.of(), 0), Sampler.Place.DEVICE));
    // AUTO falls back to the host for them, and gives the host's tokens.
    try (LlamaWeights w = TinyModels.weights(config, 19)) {
      Llama model = new Llama(w);
      SamplingParams params = new SamplingParams(0.9, 10, 0.95, 12, Set.of(), 3);
      List<int[]> prompts = List.of(new int[] {1, 2}, new int[] {1});
      List<Generation> auto = new Generator(model, true, Sampler.Place.AUTO).generate(prompts, params);
      List<Generation> host = new Generator(model, true, Sampler.Place.HOST).generate(prompts, params);
      for (int i = 0; i < prompts.size(); i++) {
        assertArrayEquals(host.get(i).tokens(), auto.get(i).tokens());
        assertArrayEquals(host.get(i).behaviourLogProbs(), auto.get(i).behaviourLogProbs(), 0f);
      }
    }
  }
}
