package io.shiq.app.bfcl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.shiq.policy.generate.Scorer;
import io.shiq.policy.generate.TokenScores;
import io.shiq.policy.model.Llama;
import io.shiq.policy.model.LlamaConfig;
import io.shiq.policy.model.LlamaWeights;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The teacher-forced fit (the output head on the positions before action tokens only, a few hundred rows at a time)
 * reads the same numbers as a full-logits scoring of the whole sequence.
 */
class ExpertFitTest {
  @Test
  void fitEqualsFullLogitsScoringOnTheActionTokens() throws Exception {
    LlamaConfig config = new LlamaConfig(16, 32, 2, 2, 1, 97, 1024, 10000, 1e-5, true, true,
        LlamaConfig.RopeLayout.HALVES);
    SplittableRandom rnd = new SplittableRandom(5);
    List<Integer> ids = new ArrayList<>();
    List<Boolean> mask = new ArrayList<>();
    for (int i = 0; i < 700; i++) { // runs of template text and of actions, more action rows than one head chunk
      ids.add(rnd.nextInt(97));
      mask.add(i > 0 && (i / 25) % 2 == 1);
    }
    try (LlamaWeights w = LlamaWeights.random(config, 3, Device.cpu())) {
      Llama model = new Llama(w);
      ExpertFit.Session s = ExpertFit.score(model, "x", "base", ids, mask);
      TokenScores full = new Scorer(model, 1).score(List.of(ids.stream().mapToInt(Integer::intValue).toArray()))
          .get(0);
      double sum = 0;
      int actions = 0;
      for (int i = 1; i < ids.size(); i++) {
        if (mask.get(i)) {
          sum += full.logProbs()[i - 1];
          actions++;
        }
      }
      assertEquals(actions, s.actionTokens());
      assertTrue(actions > 256, "more action rows than one head chunk: " + actions);
      assertEquals(sum, s.logProbSum(), 1e-4 * actions);
      assertTrue(s.argmaxHits() > 0 && s.argmaxHits() < actions, "argmax hits " + s.argmaxHits());
    }
  }
}
