package io.shiq.policy.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.shiq.policy.TinyModels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The preallocated cache gives the same logits whatever its initial capacity (it grows when outgrown). */
class KvCacheGrowthTest {

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 3, 6, 100})
  void cachedStepsMatchTheFullForwardWhateverTheCapacity(int capacityHint) {
    LlamaConfig config = TinyModels.llama();
    int[] seq = {1, 5, 9, 2, 17, 3, 8, 8, 11, 4, 6, 12, 0, 7, 30, 2, 2, 19};
    int v = config.vocabSize();
    try (LlamaWeights w = TinyModels.weights(config, 3); NDScope ignored = new NDScope()) {
      NDManager m = w.manager();
      long[] all = new long[seq.length];
      for (int i = 0; i < seq.length; i++) {
        all[i] = seq[i];
      }
      float[] full = new Llama(w).forward(m.create(all, new Shape(1, seq.length))).toFloatArray();
      Llama model = new Llama(w);
      try (KvCache cache = new KvCache(config.nLayers(), capacityHint)) {
        int t = 0;
        for (int chunk : new int[] {2, 1, 1, 4, 1, 3, 1, 1, 1, 2, 1}) {
          long[] part = java.util.Arrays.copyOfRange(all, t, t + chunk);
          float[] got = model.forward(m.create(part, new Shape(1, chunk)), null, cache, null).toFloatArray();
          for (int j = 0; j < chunk; j++) {
            for (int i = 0; i < v; i++) {
              assertEquals(full[(t + j) * v + i], got[j * v + i], 1e-4, "position " + (t + j) + " index " + i);
            }
          }
          t += chunk;
        }
        assertEquals(seq.length, t);
        assertEquals(seq.length, cache.length());
      }
    }
  }
}
