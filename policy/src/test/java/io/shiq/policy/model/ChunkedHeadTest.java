package io.shiq.policy.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The chunked head gives the one-pass logits' chosen logit and log-sum-exp, across chunk boundaries. */
class ChunkedHeadTest {
  @Test
  void chunksGiveTheFullLogitsAnswers() {
    int vocab = 1000; // 7 chunks of 128 and one of 104
    try (LlamaWeights w = LlamaWeights.random(LlamaConfig.tiny(vocab), 5, Device.cpu());
         NDScope ignored = new NDScope()) {
      Llama model = new Llama(w);
      NDManager m = w.manager();
      SplittableRandom rnd = new SplittableRandom(3);
      int b = 2;
      int t = 9;
      long[] tokens = new long[b * t];
      long[] chosen = new long[b * t];
      for (int i = 0; i < tokens.length; i++) {
        tokens[i] = rnd.nextInt(vocab);
        chosen[i] = i % 5 == 0 ? vocab - 1 : rnd.nextInt(vocab); // the last id sits in the short last chunk
      }
      NDArray hidden = model.hidden(m.create(tokens, new Shape(b, t)));
      NDArray ids = m.create(chosen, new Shape(b, t));
      NDArray full = model.logits(hidden);
      float[] wantTaken = full.gather(ids.expandDims(-1), -1).squeeze(-1).toFloatArray();
      float[] wantLse = Llama.logSumExp(full).toFloatArray();
      for (int chunk : new int[] {128, 1000, 4096}) {
        NDArray[] got = ChunkedHead.takenLogitAndLogSumExp(model, hidden, ids, chunk);
        float[] taken = got[0].toFloatArray();
        float[] lse = got[1].toFloatArray();
        assertEquals(wantTaken.length, taken.length);
        for (int i = 0; i < taken.length; i++) {
          assertTrue(Math.abs(wantTaken[i] - taken[i]) <= 1e-5f, "chunk " + chunk + " taken " + i);
          assertTrue(Math.abs(wantLse[i] - lse[i]) <= 1e-5f * Math.max(1, Math.abs(wantLse[i])),
              "chunk " + chunk + " lse " + i + ": " + wantLse[i] + " vs " + lse[i]);
        }
      }
    }
  }
}
