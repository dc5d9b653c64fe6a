package io.shiq.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.shiq.policy.generate.Generation;
import io.shiq.policy.generate.Generator;
import io.shiq.policy.generate.SamplingParams;
import io.shiq.policy.generate.Scorer;
import io.shiq.policy.generate.TokenScores;
import io.shiq.policy.model.KvCache;
import io.shiq.policy.model.Llama;
import io.shiq.policy.model.LlamaConfig;
import io.shiq.policy.model.LlamaWeights;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class KvCacheAndBatchingTest {

  static Stream<LlamaConfig> configs() {
    return Stream.of(TinyModels.llama(), TinyModels.qwen(), TinyModels.llama2c());
  }

  @ParameterizedTest
  @MethodSource("configs")
  void cachedLogitsEqualFullForwardAtEveryStep(LlamaConfig config) {
    int[] seq = {1, 5, 9, 2, 17, 3, 8, 8, 11, 4, 6, 12, 0, 7};
    try (LlamaWeights w = TinyModels.weights(config, 3); NDScope ignored = new NDScope()) {
      Llama model = new Llama(w);
      NDManager m = w.manager();
      // The full pass uses the elementwise rotary path, the cached steps the rotation matrices.
      float[] full = new Llama(w, Llama.RopeMode.ELEMENTWISE).forward(m.create(toLong(seq), new Shape(1, seq.length))).toFloatArray();
      int v = config.vocabSize();
      try (KvCache cache = new KvCache(config.nLayers())) {
        int prefill = 5;
        long[] first = toLong(java.util.Arrays.copyOf(seq, prefill));
        float[] got = model.forward(m.create(first, new Shape(1, prefill)), null, cache, null).toFloatArray();
        for (int t = 0; t < prefill; t++) {
          assertClose(full, t * v, got, t * v, v, 1e-4, "prefill position " + t);
        }
        for (int t = prefill; t < seq.length; t++) {
          float[] step = model.forward(m.create(new long[] {seq[t]}, new Shape(1, 1)), null, cache, null)
              .toFloatArray();
          assertClose(full, t * v, step, 0, v, 1e-4, "cached step at position " + t);
        }
        assertEquals(seq.length, cache.length());
      }
    }
  }

  @ParameterizedTest
  @MethodSource("configs")
  void batchedGenerationWithPaddingEqualsOneAtATime(LlamaConfig config) {
    List<int[]> prompts = List.of(new int[] {1, 4, 7}, new int[] {1, 2, 3, 4, 5, 6, 7}, new int[] {1},
        new int[] {1, 9, 9, 9, 2});
    try (LlamaWeights w = TinyModels.weights(config, 11)) {
      Generator generator = new Generator(new Llama(w));
      for (SamplingParams params : List.of(SamplingParams.greedy(12, Set.of(3)),
          new SamplingParams(0.9, 10, 0.95, 12, Set.of(3), 42))) {
        List<Generation> batched = generator.generate(prompts, params);
        for (int i = 0; i < prompts.size(); i++) {
          SamplingParams alone = new SamplingParams(params.temperature(), params.topK(), params.topP(),
              params.maxNewTokens(), params.stopTokens(), params.seed() + i);
          Generation single = generator.generate(List.of(prompts.get(i)), alone).get(0);
          assertArrayEquals(single.tokens(), batched.get(i).tokens(), "prompt " + i + " with " + params);
          assertArrayEquals(single.behaviourLogProbs(), batched.get(i).behaviourLogProbs(), 1e-4f);
          assertEquals(single.finish(), batched.get(i).finish());
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("configs")
  void generationWithoutTheCacheGivesTheSameTokens(LlamaConfig config) {
    List<int[]> prompts = List.of(new int[] {1, 4, 7}, new int[] {1, 2, 3, 4, 5});
    try (LlamaWeights w = TinyModels.weights(config, 13)) {
      SamplingParams params = new SamplingParams(1.0, 0, 1.0, 10, Set.of(), 5);
      List<Generation> cached = new Generator(new Llama(w), true).generate(prompts, params);
      List<Generation> recomputed = new Generator(new Llama(w), false).generate(prompts, params);
      for (int i = 0; i < prompts.size(); i++) {
        assertArrayEquals(cached.get(i).tokens(), recomputed.get(i).tokens());
        assertArrayEquals(cached.get(i).behaviourLogProbs(), recomputed.get(i).behaviourLogProbs(), 1e-4f);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("configs")
  void scorerAgreesWithGenerationLogProbsAtTemperatureOne(LlamaConfig config) {
    try (LlamaWeights w = TinyModels.weights(config, 5)) {
      Llama model = new Llama(w);
      List<Generation> gens = new Generator(model).generate(List.of(new int[] {1, 2}, new int[] {1, 5, 6, 7}),
          SamplingParams.sample(1.0, 9, Set.of(), 7));
      List<int[]> seqs = new ArrayList<>();
      gens.forEach(g -> seqs.add(g.fullSequence()));
      List<TokenScores> scores = new Scorer(model, 1).score(seqs);
      for (int i = 0; i < gens.size(); i++) {
        Generation g = gens.get(i);
        float[] lp = scores.get(i).logProbs();
        for (int k = 0; k < g.tokens().length; k++) {
          // At temperature 1 with no truncation the behaviour policy is the model itself.
          float expected = g.behaviourLogProbs()[k];
          float actual = lp[g.prompt().length - 1 + k];
          assertEquals(expected, actual, 1e-4, "sequence " + i + " token " + k);
        }
        for (int t = 0; t < lp.length; t++) {
          assertEquals(lp[t], scores.get(i).takenLogits()[t] - scores.get(i).logSumExp()[t], 1e-5);
          assertTrue(lp[t] <= 0);
        }
      }
      // Micro-batching must not change anything.
      List<TokenScores> together = new Scorer(model, 8).score(seqs);
      for (int i = 0; i < seqs.size(); i++) {
        assertArrayEquals(scores.get(i).logProbs(), together.get(i).logProbs(), 1e-5f);
      }
    }
  }

  static long[] toLong(int[] a) {
    long[] out = new long[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i];
    }
    return out;
  }

  static void assertClose(float[] a, int aOff, float[] b, int bOff, int n, double tol, String what) {
    for (int i = 0; i < n; i++) {
      assertEquals(a[aOff + i], b[bOff + i], tol, what + " index " + i);
    }
  }
}
