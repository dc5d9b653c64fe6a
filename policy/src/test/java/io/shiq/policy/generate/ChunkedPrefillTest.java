package io.shiq.policy.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shiq.policy.TinyModels;
import io.shiq.policy.model.Llama;
import io.shiq.policy.model.LlamaConfig;
import io.shiq.policy.model.LlamaWeights;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Filling the cache a few positions at a time computes what one pass over the whole prompt does. */
class ChunkedPrefillTest {
  static Stream<LlamaConfig> configs() {
    return Stream.of(TinyModels.llama(), TinyModels.qwen());
  }

  @ParameterizedTest
  @MethodSource("configs")
  void chunkedPrefillGeneratesWhatOnePassDoes(LlamaConfig config) {
    // Left padding of different lengths, so some chunks are all padding for some rows.
    List<int[]> prompts = List.of(new int[] {1, 4, 7}, new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11},
        new int[] {1}, new int[] {1, 9, 9, 9, 2, 6, 6});
    SamplingParams params = new SamplingParams(1.0, 0, 1.0, 8, Set.of(), 3);
    try (LlamaWeights w = TinyModels.weights(config, 17)) {
      List<Generation> onePass = new Generator(new Llama(w), true, Sampler.Place.HOST, 1 << 20)
          .generate(prompts, params);
      for (int chunk : new int[] {1, 2, 5}) {
        List<Generation> chunked = new Generator(new Llama(w), true, Sampler.Place.HOST, chunk)
            .generate(prompts, params);
        for (int i = 0; i < prompts.size(); i++) {
          assertArrayEquals(onePass.get(i).tokens(), chunked.get(i).tokens(), "prompt " + i + ", chunk " + chunk);
          assertArrayEquals(onePass.get(i).behaviourLogProbs(), chunked.get(i).behaviourLogProbs(), 1e-4f);
          assertEquals(onePass.get(i).finish(), chunked.get(i).finish());
        }
      }
    }
  }
}
