package io.shiq.actor.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.shiq.avro.Role;
import io.shiq.avro.Turn;
import io.shiq.bfcl.data.BfclTask;
import io.shiq.envs.Environment;
import io.shiq.envs.Environments;
import io.shiq.envs.bfcl.BfclEnvironment;
import io.shiq.policy.TestData;
import io.shiq.policy.generate.Generator;
import io.shiq.policy.generate.SamplingParams;
import io.shiq.policy.model.Llama;
import io.shiq.policy.model.LlamaConfig;
import io.shiq.policy.model.LlamaWeights;
import io.shiq.policy.tokenizer.HfTokenizer;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Online BFCL episodes of different lengths played in one batch by a (random) policy with the Qwen vocabulary: every
 * policy turn carries its sampled ids with the action mask true and a behaviour log-prob on each, every other turn
 * none; a reward on each turn's last policy turn.
 */
class EpisodePlayerBfclTest {
  @Test
  void policyTurnsCarryMaskAndLogProbsAndEachUserTurnEndsWithAReward() throws Exception {
    HfTokenizer qwen = HfTokenizer.load(TestData.require("qwen3-tokenizer"));
    BfclEnvironment env = (BfclEnvironment) Environments.create("bfcl", qwen, TestData.require("bfcl"),
        List.of("base"), Clock.systemUTC());
    List<BfclTask> tasks = List.of(env.tasks().get(0), env.tasks().get(1), env.tasks().get(2));
    LlamaConfig config = new LlamaConfig(16, 32, 1, 2, 1, qwen.vocabSize(), 16384, 1e6, 1e-6, true, true,
        LlamaConfig.RopeLayout.HALVES);
    try (LlamaWeights w = LlamaWeights.random(config, 1, Device.cpu())) {
      List<Environment.Episode> episodes = tasks.stream().map(t -> (Environment.Episode) env.start(t)).toList();
      List<EpisodePlayer.Played> played = new EpisodePlayer(new Generator(new Llama(w)), qwen, config.maxSeqLen())
          .play(episodes, 64, new SamplingParams(1.0, 0, 1.0, 6, env.stepStopTokens(), 3), 7, null);
      for (int e = 0; e < tasks.size(); e++) {
        BfclTask task = tasks.get(e);
        EpisodePlayer.Played p = played.get(e);
        assertTrue(p.done(), task.record().id());
        int policyTurns = 0;
        int users = 0;
        for (Turn t : p.turns()) {
          int n = t.getTokenIds().size();
          assertEquals(n, t.getActionMask().size());
          if (t.getRole() == Role.ASSISTANT) {
            assertTrue(n > 0 && n <= 6, "sampled ids: " + n);
            assertTrue(t.getActionMask().stream().allMatch(m -> m));
            assertEquals(n, t.getBehaviourLogProbs().size());
            t.getBehaviourLogProbs().forEach(lp -> assertTrue(lp <= 0 && Float.isFinite(lp), "log-prob " + lp));
            assertEquals(7L, t.getPolicyVersion());
            // Random text makes no call, so each step ends its turn: a reward on every policy turn, 1 exactly when
            // the ground truth of that turn is empty (nothing to call), as BFCL's checker decides.
            assertNotNull(t.getReward());
            boolean emptyTruth = task.record().groundTruth().get(policyTurns).isEmpty();
            assertEquals(emptyTruth ? 1.0 : 0.0, t.getReward(), task.record().id() + " turn " + policyTurns);
            policyTurns++;
          } else {
            assertFalse(t.getActionMask().stream().anyMatch(m -> m), "no action outside policy turns");
            assertTrue(t.getBehaviourLogProbs().isEmpty());
            assertNull(t.getReward());
            users += t.getRole() == Role.USER ? 1 : 0;
          }
        }
        assertEquals(task.questions().size(), policyTurns, task.record().id());
        assertTrue(users >= 1);
      }
      assertTrue(tasks.stream().map(t -> t.questions().size()).distinct().count() > 1
          || played.get(0).turns().size() != played.get(1).turns().size(), "episodes of different lengths");
    }
  }
}
