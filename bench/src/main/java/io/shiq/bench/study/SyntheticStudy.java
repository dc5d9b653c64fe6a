package io.shiq.bench.study;

import io.shiq.envs.TreeMdp;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.shiq.learner.objective.Objective;
import io.shiq.learner.objective.ObjectiveConfig;
import io.shiq.learner.objective.Objectives;
import io.shiq.learner.objective.TokenBatch;
import io.shiq.learner.train.AdamW;
import io.shiq.learner.train.OptimizerConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The synthetic study: offline data sampled from pi_ref on a {@link TreeMdp}, every objective trained for the same
 * number of full-batch AdamW steps from the same initialisation (the reference logits), and exact metrics against the
 * known optimum along the way.
 */
public final class SyntheticStudy {

  /**
   * @param vocab    action tokens per state
   * @param depth    actions per episode
   * @param beta     KL strength
   * @param samples  episodes sampled from pi_ref (the offline dataset)
   * @param steps    AdamW steps per objective
   * @param lr       AdamW learning rate
   * @param evalEvery steps between metric evaluations
   * @param seed     seeds the MDP and the dataset
   */
  public record Settings(int vocab, int depth, double beta, int samples, int steps, double lr, int evalEvery,
                         long seed) {
    public static Settings defaults() {
      return new Settings(4, 3, 0.5, 4000, 1000, 0.05, 25, 2026);
    }
  }

  /** One point of a learning curve. */
  public record Point(int step, TabularPolicy.Metrics metrics) {}

  /** The outcome of one objective on one reward kind. */
  public record Result(String objective, TreeMdp.RewardKind rewardKind, TabularPolicy.Metrics last,
                       List<Point> curve, double optimalReward, double optimalValue) {}

  private SyntheticStudy() {}

  public static List<Result> run(Settings s, List<String> objectives, List<TreeMdp.RewardKind> kinds,
                                 java.util.function.Consumer<String> progress) {
    List<Result> out = new ArrayList<>();
    for (TreeMdp.RewardKind kind : kinds) {
      TreeMdp mdp = new TreeMdp(s.vocab(), s.depth(), s.beta(), 1.0, kind, s.seed());
      SplittableRandom rnd = new SplittableRandom(s.seed() + 1);
      List<int[]> data = new ArrayList<>();
      double[][] ref = mdp.referenceLogitsTable();
      for (int i = 0; i < s.samples(); i++) {
        data.add(mdp.sample(ref, rnd));
      }
      double[][] optimal = new double[mdp.states()][];
      for (int st = 0; st < mdp.states(); st++) {
        optimal[st] = mdp.optimalLogits(st);
      }
      TabularPolicy.Metrics best = TabularPolicy.metrics(mdp, optimal);
      for (String name : objectives) {
        progress.accept(String.format("%-17s %-5s reward: training %d steps on %d episodes from pi_ref", name,
            kind.name().toLowerCase(), s.steps(), data.size()));
        out.add(train(mdp, data, name, s, best));
      }
    }
    return out;
  }

  private static Result train(TreeMdp mdp, List<int[]> data, String name, Settings s, TabularPolicy.Metrics best) {
    Objective objective = Objectives.create(ObjectiveConfig.of(name, mdp.beta(), mdp.gamma()));
    List<int[]> episodes = objective.needsPairs() ? pairs(mdp, data, name.equals("dpo"), s.seed()) : data;
    try (NDManager m = NDManager.newBaseManager(); NDScope outer = new NDScope()) {
      TabularPolicy policy = TabularPolicy.atReference(mdp, m);
      TokenBatch batch = TabularPolicy.batch(mdp, episodes, m, objective.needsFullReference());
      Map<String, NDArray> params = new LinkedHashMap<>();
      params.put("table", policy.parameters());
      NDArray value = null;
      if (objective.needsValueHead()) {
        value = m.zeros(new Shape(1));
        value.setRequiresGradient(true);
        params.put("value", value);
      }
      AdamW adam = new AdamW(OptimizerConfig.adamW(s.lr()).withClipNorm(0), params);
      List<Point> curve = new ArrayList<>();
      curve.add(new Point(0, metrics(mdp, policy, name)));
      for (int step = 1; step <= s.steps(); step++) {
        try (NDScope ignored = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray values = value == null ? null : value.repeat(0, episodes.size());
          gc.backward(objective.loss(batch, policy.logits(episodes), values).loss());
        }
        adam.update(1.0);
        if (step % s.evalEvery() == 0 || step == s.steps()) {
          curve.add(new Point(step, metrics(mdp, policy, name)));
        }
      }
      return new Result(name, mdp.kind(), curve.get(curve.size() - 1).metrics(), curve, best.expectedReward(),
          best.regularisedReturn());
    }
  }

  /** The policy a trained table stands for: naive samples from pi_ref * exp(logits); the others from softmax. */
  static TabularPolicy.Metrics metrics(TreeMdp mdp, TabularPolicy policy, String objective) {
    double[][] table = policy.logitsTable();
    if (objective.equals("naive")) {
      for (int st = 0; st < mdp.states(); st++) {
        double[] ref = mdp.refLogits(st);
        double lse = TreeMdp.logSumExp(ref);
        for (int a = 0; a < mdp.vocab(); a++) {
          table[st][a] += ref[a] - lse;
        }
      }
    }
    return TabularPolicy.metrics(mdp, table);
  }

  /**
   * Pairs from the dataset, consecutive after a seeded shuffle. For DPO the higher-return episode goes first and ties
   * are dropped (no preference); CoPG keeps every pair.
   */
  static List<int[]> pairs(TreeMdp mdp, List<int[]> data, boolean preference, long seed) {
    List<int[]> shuffled = new ArrayList<>(data);
    java.util.Collections.shuffle(shuffled, new java.util.Random(seed));
    List<int[]> out = new ArrayList<>();
    for (int i = 0; i + 1 < shuffled.size(); i += 2) {
      int[] a = shuffled.get(i);
      int[] b = shuffled.get(i + 1);
      double ra = mdp.episodeReturn(a);
      double rb = mdp.episodeReturn(b);
      if (preference) {
        if (ra == rb) {
          continue;
        }
        out.add(ra > rb ? a : b);
        out.add(ra > rb ? b : a);
      } else {
        out.add(a);
        out.add(b);
      }
    }
    return out;
  }
}
