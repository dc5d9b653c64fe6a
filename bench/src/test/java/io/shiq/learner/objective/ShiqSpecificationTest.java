package io.shiq.learner.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import io.shiq.bench.study.TabularPolicy;
import io.shiq.envs.TreeMdp;
import io.shiq.learner.train.AdamW;
import io.shiq.learner.train.OptimizerConfig;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The eleven tests of shared/docs/shiq-loss.md, on the DJL implementation, for every objective they apply to. */
class ShiqSpecificationTest {
  private NDManager m;
  private NDScope scope;

  @BeforeEach
  void open() {
    m = NDManager.newBaseManager();
    scope = new NDScope();
  }

  @AfterEach
  void close() {
    scope.close();
    m.close();
  }

  private static TokenTerms terms(TokenBatch batch, NDArray logits, TreeMdp mdp, String objective) {
    return new TokenTerms(batch, logits, ObjectiveConfig.of(objective, mdp.beta(), mdp.gamma()));
  }

  private static double lossOf(String objective, TreeMdp mdp, TokenBatch batch, NDArray logits, NDArray values) {
    return Objectives.create(ObjectiveConfig.of(objective, mdp.beta(), mdp.gamma())).loss(batch, logits, values)
        .loss().getFloat();
  }

  // 1. Zero at the optimum ------------------------------------------------------------------------------------
  @Test
  void residualsVanishAtTheOptimumForEveryRung() {
    for (TreeMdp mdp : SpecFixtures.mdps()) {
      List<int[]> eps = mdp.allEpisodes();
      TokenBatch batch = TabularPolicy.batch(mdp, eps, m, true);
      NDArray logits = SpecFixtures.logits(m, mdp, eps, SpecFixtures.optimalTable(mdp));
      float[] mask = SpecFixtures.host(batch.mask(m));
      float[] r = SpecFixtures.host(Shiq.residuals(terms(batch, logits, mdp, "shiq")));
      float[] d = SpecFixtures.host(OneStep.residuals(terms(batch, logits, mdp, "shifted-init"), logits,
          OneStep.Variant.SHIFTED_INIT));
      for (int i = 0; i < mask.length; i++) {
        if (mask[i] > 0) {
          assertEquals(0, r[i], 1e-5, "shiq R at " + i + " " + describe(mdp));
          assertEquals(0, d[i], 1e-5, "shifted-init d at " + i + " " + describe(mdp));
        }
      }
      for (var rung : Map.of("naive", OneStep.Variant.NAIVE, "shifted-sampling", OneStep.Variant.SHIFTED_SAMPLING)
          .entrySet()) {
        NDArray own = SpecFixtures.logits(m, mdp, eps, SpecFixtures.optimalTable(mdp, rung.getKey()));
        float[] dv = SpecFixtures.host(OneStep.residuals(terms(batch, own, mdp, rung.getKey()), own, rung.getValue()));
        for (int i = 0; i < mask.length; i++) {
          if (mask[i] > 0) {
            assertEquals(0, dv[i], 2e-5, rung.getKey() + " d at " + i + " " + describe(mdp));
          }
        }
      }
      for (int s = 0; s < mdp.states(); s++) {
        double[] p = TreeMdp.softmax(mdp.optimalLogits(s));
        double[] star = mdp.optimalPolicy(s);
        for (int a = 0; a < mdp.vocab(); a++) {
          assertEquals(star[a], p[a], 1e-9);
        }
      }
      if (mdp.gamma() == 1.0) {
        // DRO with V_phi = v*(root) is also zero at the optimum (sequence level).
        NDArray v = m.full(new ai.djl.ndarray.types.Shape(eps.size()), (float) mdp.vStar(0));
        assertEquals(0, lossOf("dro", mdp, batch, logits, v), 1e-8, describe(mdp));
      }
    }
  }

  // 2. Value readout ------------------------------------------------------------------------------------------
  @Test
  void valueReadOffTheOptimalLogitsIsVStar() {
    for (TreeMdp mdp : SpecFixtures.mdps()) {
      for (int s = 0; s < mdp.states(); s++) {
        double v = mdp.beta() * (TreeMdp.logSumExp(mdp.optimalLogits(s)) - TreeMdp.logSumExp(mdp.refLogits(s)));
        assertEquals(mdp.vStar(s), v, 1e-9 + 1e-9 * Math.abs(v));
      }
      List<int[]> eps = mdp.allEpisodes();
      TokenBatch batch = TabularPolicy.batch(mdp, eps, m, false);
      float[] value = SpecFixtures.host(terms(batch, SpecFixtures.logits(m, mdp, eps, SpecFixtures.optimalTable(mdp)),
          mdp, "shiq").value);
      for (int b = 0; b < eps.size(); b++) {
        int[] path = mdp.statePath(eps.get(b));
        for (int p = 0; p < mdp.depth(); p++) {
          assertEquals(mdp.vStar(path[p]), value[b * (mdp.depth() + 1) + p], 2e-5, "float32 readout");
        }
      }
    }
  }

  // 3. Logits are pinned, not only the policy -----------------------------------------------------------------
  @Test
  void aPerStateConstantLeavesThePolicyButNotTheLoss() {
    for (TreeMdp mdp : SpecFixtures.mdps()) {
      List<int[]> eps = mdp.allEpisodes();
      double[][] shifted = SpecFixtures.optimalTable(mdp);
      SplittableRandom rnd = new SplittableRandom(3);
      for (double[] row : shifted) {
        double c = 0.5 + rnd.nextDouble();
        for (int a = 0; a < row.length; a++) {
          row[a] += c;
        }
      }
      TokenBatch batch = TabularPolicy.batch(mdp, eps, m, false);
      for (int s = 0; s < mdp.states(); s++) {
        double[] p = TreeMdp.softmax(shifted[s]);
        double[] star = mdp.optimalPolicy(s);
        for (int a = 0; a < mdp.vocab(); a++) {
          assertEquals(star[a], p[a], 1e-9);
        }
      }
      for (String objective : List.of("shiq", "shifted-init")) {
        double loss = lossOf(objective, mdp, batch, SpecFixtures.logits(m, mdp, eps, shifted), null);
        assertTrue(loss > 1e-3, objective + " loss " + loss + " " + describe(mdp));
      }
    }
  }

  // 4. Initialisation -----------------------------------------------------------------------------------------
  @Test
  void atInitialisationWithoutRewardLossAndGradientAreZero() {
    for (TreeMdp mdp : SpecFixtures.mdps()) {
      List<int[]> all = mdp.allEpisodes();
      List<int[]> eps = all.subList(0, all.size() - all.size() % 2); // pairs for copg
      TokenBatch withRewards = TabularPolicy.batch(mdp, eps, m, true);
      TokenBatch batch = withoutRewards(withRewards);
      for (String objective : List.of("shiq", "shifted-init", "dro", "copg")) {
        TabularPolicy policy = TabularPolicy.atReference(mdp, m);
        NDArray values = objective.equals("dro") ? m.zeros(new ai.djl.ndarray.types.Shape(eps.size())) : null;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray loss = Objectives.create(ObjectiveConfig.of(objective, mdp.beta(), mdp.gamma()))
              .loss(batch, policy.logits(eps), values).loss();
          assertEquals(0, loss.getFloat(), 1e-10, objective + " " + describe(mdp));
          gc.backward(loss);
        }
        float[] grad = policy.parameters().getGradient().toFloatArray();
        for (float g : grad) {
          assertEquals(0, g, 1e-6, objective + " gradient " + describe(mdp)); // float32 rounding of lse
        }
      }
      for (String objective : List.of("shifted-sampling", "naive")) {
        double loss = lossOf(objective, mdp, batch, SpecFixtures.logits(m, mdp, eps, mdp.referenceLogitsTable()),
            null);
        assertTrue(loss > 1e-3, objective + " should start away from zero: " + loss);
      }
    }
  }

  private static TokenBatch withoutRewards(TokenBatch b) {
    List<TrainingSequence> seqs = b.sequences().stream().map(s -> new TrainingSequence(s.id(), s.tokens(),
        s.actionMask(), new float[s.length()], s.truncated(), 0)).toList();
    return TokenBatch.rebuild(b, seqs);
  }

  // 5. Telescoping --------------------------------------------------------------------------------------------
  @Test
  void shiqResidualIsMinusTheDiscountedSumOfOneStepResiduals() {
    for (TreeMdp mdp : SpecFixtures.mdps()) {
      List<int[]> eps = mdp.allEpisodes();
      TokenBatch batch = TabularPolicy.batch(mdp, eps, m, false);
      NDArray logits = SpecFixtures.logits(m, mdp, eps, SpecFixtures.randomTable(mdp, 11, 4.0));
      float[] r = SpecFixtures.host(Shiq.residuals(terms(batch, logits, mdp, "shiq")));
      float[] d = SpecFixtures.host(OneStep.residuals(terms(batch, logits, mdp, "shifted-init"), logits,
          OneStep.Variant.SHIFTED_INIT));
      int t = mdp.depth() + 1;
      for (int b = 0; b < eps.size(); b++) {
        for (int p = 0; p < mdp.depth(); p++) {
          double sum = 0;
          for (int k = p; k < mdp.depth(); k++) {
            sum += Math.pow(mdp.gamma(), k - p) * d[b * t + k];
          }
          assertEquals(-sum, r[b * t + p], 1e-4, describe(mdp));
        }
      }
    }
  }

  // 6. Bandit fixed point -------------------------------------------------------------------------------------
  @Test
  void banditGradientDescentConvergesToTheClosedFormOptimum() {
    TreeMdp bandit = new TreeMdp(5, 1, 0.5, 1.0, TreeMdp.RewardKind.FINAL, 42);
    List<int[]> eps = bandit.allEpisodes();
    TabularPolicy policy = train(bandit, eps, "shiq", 1500, 0.05);
    double[] logits = policy.logitsTable()[0];
    double[] ref = TreeMdp.softmax(bandit.refLogits(0));
    double[] target = new double[5];
    double z = 0;
    for (int a = 0; a < 5; a++) {
      target[a] = ref[a] * Math.exp(bandit.reward(0, a) / bandit.beta());
      z += target[a];
    }
    double[] p = TreeMdp.softmax(logits);
    for (int a = 0; a < 5; a++) {
      assertEquals(target[a] / z, p[a], 1e-3, "pi* proportional to pi_ref exp(r/beta)");
    }
    double v = bandit.beta() * (TreeMdp.logSumExp(logits) - TreeMdp.logSumExp(bandit.refLogits(0)));
    assertEquals(bandit.beta() * Math.log(z), v, 1e-3, "V = beta ln E_ref exp(r/beta)");
  }

  // 7. Tree MDP learning --------------------------------------------------------------------------------------
  @Test
  void gradientDescentOnShiqRecoversPiStarAndVStarEverywhere() {
    for (TreeMdp mdp : List.of(new TreeMdp(4, 3, 0.5, 1.0, TreeMdp.RewardKind.DENSE, 7),
        new TreeMdp(4, 3, 0.5, 1.0, TreeMdp.RewardKind.FINAL, 8),
        new TreeMdp(4, 3, 0.5, 0.9, TreeMdp.RewardKind.FINAL, 9))) {
      TabularPolicy policy = train(mdp, mdp.allEpisodes(), "shiq", 2500, 0.05);
      double[][] table = policy.logitsTable();
      for (int s = 0; s < mdp.states(); s++) {
        double[] p = TreeMdp.softmax(table[s]);
        double[] star = mdp.optimalPolicy(s);
        for (int a = 0; a < mdp.vocab(); a++) {
          assertEquals(star[a], p[a], 2e-3, "pi at state " + s + " " + describe(mdp));
        }
        double v = mdp.beta() * (TreeMdp.logSumExp(table[s]) - TreeMdp.logSumExp(mdp.refLogits(s)));
        assertEquals(mdp.vStar(s), v, 2e-3, "V at state " + s + " " + describe(mdp));
      }
    }
  }

  private TabularPolicy train(TreeMdp mdp, List<int[]> eps, String objective, int steps, double lr) {
    TabularPolicy policy = TabularPolicy.atReference(mdp, m);
    TokenBatch batch = TabularPolicy.batch(mdp, eps, m, false);
    Objective o = Objectives.create(ObjectiveConfig.of(objective, mdp.beta(), mdp.gamma()));
    AdamW adam = new AdamW(OptimizerConfig.adamW(lr).withClipNorm(0), Map.of("table", policy.parameters()));
    for (int i = 0; i < steps; i++) {
      try (NDScope ignored = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(o.loss(batch, policy.logits(eps), null).loss());
      }
      adam.update(1.0);
    }
    return policy;
  }

  // 8. DRO reduction ------------------------------------------------------------------------------------------
  @Test
  void withGammaOneAndAFinalRewardTheFirstResidualIsDros() {
    TreeMdp mdp = new TreeMdp(4, 3, 0.5, 1.0, TreeMdp.RewardKind.FINAL, 5);
    List<int[]> eps = mdp.allEpisodes();
    TokenBatch batch = TabularPolicy.batch(mdp, eps, m, false);
    NDArray logits = SpecFixtures.logits(m, mdp, eps, SpecFixtures.randomTable(mdp, 3, 3.0));
    TokenTerms k = terms(batch, logits, mdp, "shiq");
    float[] r = SpecFixtures.host(Shiq.residuals(k));
    float[] rho = SpecFixtures.host(k.rho.mul(k.mask));
    float[] v = SpecFixtures.host(k.value);
    int t = mdp.depth() + 1;
    for (int b = 0; b < eps.size(); b++) {
      double sumRho = 0;
      for (int p = 0; p < t; p++) {
        sumRho += rho[b * t + p];
      }
      double dro = batch.sequences().get(b).totalReward() - mdp.beta() * sumRho - v[b * t];
      assertEquals(dro, r[b * t], 1e-4);
    }
  }

  // 9. Invariances --------------------------------------------------------------------------------------------
  @Test
  void sameConstantOnLogitsAndReferenceChangesNothing() {
    TreeMdp mdp = new TreeMdp(4, 3, 0.5, 0.9, TreeMdp.RewardKind.DENSE, 13);
    List<int[]> eps = mdp.allEpisodes();
    TokenBatch batch = TabularPolicy.batch(mdp, eps, m, false);
    double[][] table = SpecFixtures.randomTable(mdp, 5, 2.0);
    double[] constants = new double[mdp.states()];
    SplittableRandom rnd = new SplittableRandom(17);
    double[][] shifted = new double[mdp.states()][];
    for (int s = 0; s < mdp.states(); s++) {
      constants[s] = 10 * (rnd.nextDouble() - 0.5);
      shifted[s] = table[s].clone();
      for (int a = 0; a < mdp.vocab(); a++) {
        shifted[s][a] += constants[s];
      }
    }
    TokenBatch shiftedBatch = TokenBatch.shiftReference(batch, (b, p) -> {
      int[] path = mdp.statePath(eps.get(b));
      return path[p] == mdp.terminalIndex() ? 0 : (float) constants[path[p]];
    });
    NDArray values = m.randomUniform(0, 1, new ai.djl.ndarray.types.Shape(eps.size()));
    for (String objective : List.of("shiq", "shifted-init", "dro", "dpo", "copg")) {
      double before = lossOf(objective, mdp, batch, SpecFixtures.logits(m, mdp, eps, table), values);
      double after = lossOf(objective, mdp, shiftedBatch, SpecFixtures.logits(m, mdp, eps, shifted), values);
      assertEquals(before, after, 1e-4 * Math.max(1, Math.abs(before)), objective);
    }
  }

  @Test
  void paddingAndNonActionTokensBetweenTurnsChangeNothing() {
    // The spec asks for gamma = 1; discounting here counts action tokens only, so it holds for gamma < 1 too.
    for (double gamma : new double[] {1.0, 0.9}) {
      paddingAndNonActionTokensChangeNothing(new TreeMdp(4, 3, 0.5, gamma, TreeMdp.RewardKind.DENSE, 21));
    }
  }

  private void paddingAndNonActionTokensChangeNothing(TreeMdp mdp) {
    List<int[]> eps = mdp.allEpisodes();
    TokenBatch batch = TabularPolicy.batch(mdp, eps, m, false);
    double[][] table = SpecFixtures.randomTable(mdp, 9, 2.0);
    NDArray logits = SpecFixtures.logits(m, mdp, eps, table);
    // Padding: 3 trailing non-action positions (their logits are arbitrary and must not matter).
    TokenBatch padded = TokenBatch.insertNonActions(batch, mdp.depth() + 1, 3);
    NDArray paddedLogits = logits.concat(m.randomNormal(new ai.djl.ndarray.types.Shape(eps.size(), 3, mdp.vocab())),
        1);
    // A tool-result-like token after the first action: the state it leads to is the same state, so its row repeats.
    TokenBatch between = TokenBatch.insertNonActions(batch, 2, 1);
    NDArray betweenLogits = logits.get(":, :2, :").concat(logits.get(":, 1:2, :"), 1).concat(logits.get(":, 2:, :"),
        1);
    for (String objective : List.of("shiq", "shifted-init", "shifted-sampling", "dpo", "copg")) {
      double base = lossOf(objective, mdp, batch, logits, null);
      assertEquals(base, lossOf(objective, mdp, padded, paddedLogits, null), 1e-5, objective + " with padding");
      assertEquals(base, lossOf(objective, mdp, between, betweenLogits, null), 1e-5,
          objective + " with a non-action token between turns");
    }
  }

  // 10. Autograd equals the analytic gradient -----------------------------------------------------------------
  @Test
  void autogradOfTheResidualEqualsTheAnalyticGradient() {
    TreeMdp mdp = new TreeMdp(4, 3, 0.7, 0.9, TreeMdp.RewardKind.DENSE, 31);
    List<int[]> eps = List.of(new int[] {1, 3, 0}, new int[] {2, 2, 1});
    TokenBatch batch = TabularPolicy.batch(mdp, eps, m, false);
    NDArray logits = SpecFixtures.logits(m, mdp, eps, SpecFixtures.randomTable(mdp, 4, 3.0));
    logits.setRequiresGradient(true);
    int t = mdp.depth() + 1;
    float[] pi = SpecFixtures.host(logits.softmax(-1));
    for (int row = 0; row < eps.size(); row++) {
      for (int at = 0; at < mdp.depth(); at++) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray r = Shiq.residuals(terms(batch, logits, mdp, "shiq"));
          gc.backward(r.get(row + "," + at));
        }
        float[] grad = logits.getGradient().toFloatArray();
        int[] actions = eps.get(row);
        for (int k = 0; k < t; k++) {
          for (int a = 0; a < mdp.vocab(); a++) {
            double expected = 0;
            int i = (row * t + k) * mdp.vocab() + a;
            if (k == at) {
              expected = -mdp.beta() * (a == actions[k] ? 1 : 0);
            } else if (k > at && k < mdp.depth()) {
              expected = -mdp.beta() * Math.pow(mdp.gamma(), k - at) * ((a == actions[k] ? 1 : 0) - pi[i]);
            }
            assertEquals(expected, grad[i], 1e-5, "dR[" + row + "," + at + "]/dlogits[" + k + "," + a + "]");
          }
        }
        // Other rows are untouched.
        for (int i = 0; i < grad.length; i++) {
          if (i / (t * mdp.vocab()) != row) {
            assertEquals(0, grad[i], 0);
          }
        }
        logits.getGradient().muli(0f);
      }
    }
  }

  private static String describe(TreeMdp mdp) {
    return "(K=" + mdp.vocab() + " beta=" + mdp.beta() + " gamma=" + mdp.gamma() + ")";
  }
}
