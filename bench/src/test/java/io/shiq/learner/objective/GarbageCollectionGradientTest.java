package io.shiq.learner.objective;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.shiq.bench.study.TabularPolicy;
import io.shiq.policy.DirectBuffers;
import io.shiq.envs.TreeMdp;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue #12: every objective's gradient is the same whether or not a garbage collection runs between building the
 * loss and the backward pass. Scalar factors passed as numbers ({@code mul(beta)}, {@code div(count)}) lived in Java
 * direct buffers that autograd kept but nothing kept alive, so a collection in that window made backward read freed
 * memory (a learner's NaN gradient at its first step).
 */
class GarbageCollectionGradientTest {

  @Test
  void aGarbageCollectionBeforeBackwardLeavesEveryObjectivesGradientUnchanged() throws InterruptedException {
    TreeMdp mdp = SpecFixtures.mdps().get(0);
    List<int[]> all = mdp.allEpisodes();
    List<int[]> eps = all.subList(0, all.size() - all.size() % 2); // pairs for dpo and copg
    for (String objective : List.of("shiq", "shifted-init", "shifted-sampling", "naive", "dpo", "dro", "copg")) {
      float[] direct = gradient(mdp, eps, objective, false);
      float[] collected = gradient(mdp, eps, objective, true);
      assertArrayEquals(direct, collected, objective);
      double size = 0;
      for (float g : direct) {
        size += Math.abs(g);
      }
      assertTrue(size > 1e-4, objective + ": gradient too small to test anything: " + size);
    }
  }

  private static float[] gradient(TreeMdp mdp, List<int[]> eps, String objective, boolean collect)
      throws InterruptedException {
    try (NDManager m = NDManager.newBaseManager(); NDScope ignored = new NDScope()) {
      TabularPolicy policy = TabularPolicy.atReference(mdp, m);
      TokenBatch batch = TabularPolicy.batch(mdp, eps, m, true);
      NDArray values = objective.equals("dro") ? m.zeros(new Shape(eps.size())) : null;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray loss = Objectives.create(ObjectiveConfig.of(objective, mdp.beta(), mdp.gamma()))
            .loss(batch, policy.logits(eps), values).loss();
        List<ByteBuffer> taken = collect ? DirectBuffers.freeUnreachable() : List.of();
        gc.backward(loss);
        Reference.reachabilityFence(taken);
      }
      return policy.parameters().getGradient().toFloatArray();
    }
  }
}
