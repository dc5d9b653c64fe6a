package io.shiq.bench.study;

import io.shiq.envs.TreeMdp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SyntheticStudyTest {
  @Test
  void shiqReachesTheOptimumOnFinalOnlyRewardsFromOfflineReferenceData() {
    SyntheticStudy.Settings s = new SyntheticStudy.Settings(4, 3, 0.5, 3000, 400, 0.05, 100, 2026);
    List<SyntheticStudy.Result> results = SyntheticStudy.run(s, List.of("shiq"), List.of(TreeMdp.RewardKind.FINAL),
        x -> { });
    SyntheticStudy.Result shiq = results.get(0);
    assertTrue(shiq.last().klToOptimal() < 0.01, "KL(pi*||pi) = " + shiq.last().klToOptimal());
    assertTrue(shiq.curve().get(0).metrics().klToOptimal() > 0.05, "it must start away from the optimum");
    assertEquals(shiq.optimalValue(), shiq.last().regularisedReturn(), 0.01);
  }

  @Test
  void metricsOfTheOptimalTableAreExact() {
    TreeMdp mdp = new TreeMdp(3, 3, 0.7, 1.0, TreeMdp.RewardKind.DENSE, 4);
    double[][] optimal = new double[mdp.states()][];
    for (int st = 0; st < mdp.states(); st++) {
      optimal[st] = mdp.optimalLogits(st);
    }
    TabularPolicy.Metrics m = TabularPolicy.metrics(mdp, optimal);
    assertEquals(0, m.klToOptimal(), 1e-12);
    assertEquals(mdp.vStar(0), m.regularisedReturn(), 1e-9, "the regularised return of pi* is v*(root)");
  }

  @Test
  void dpoPairsPutTheBetterEpisodeFirstAndDropTies() {
    TreeMdp mdp = new TreeMdp(3, 2, 0.5, 1.0, TreeMdp.RewardKind.DENSE, 5);
    List<int[]> pairs = SyntheticStudy.pairs(mdp, mdp.allEpisodes(), true, 1);
    for (int i = 0; i < pairs.size(); i += 2) {
      assertTrue(mdp.episodeReturn(pairs.get(i)) > mdp.episodeReturn(pairs.get(i + 1)));
    }
  }
}
