package io.shiq.ab.ope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.shiq.avro.Role;
import io.shiq.avro.Trajectory;
import io.shiq.avro.TrajectoryOrigin;
import io.shiq.avro.Turn;
import io.shiq.policy.PolicyModel;
import io.shiq.policy.TestData;
import io.shiq.policy.TinyModels;
import io.shiq.policy.generate.Generation;
import io.shiq.policy.generate.Generator;
import io.shiq.policy.generate.SamplingParams;
import io.shiq.policy.generate.Scorer;
import io.shiq.policy.generate.TokenScores;
import io.shiq.policy.model.Llama;
import io.shiq.policy.model.LlamaWeights;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The estimator on real model scores: episodes sampled by a model and scored by the same model have ratios of 1 (to
 * float precision), so IS is the on-policy mean; another temperature moves the weights.
 */
class OpeModelTest {
  static final String TOKENIZER = "test:tok";

  /** Samples one prompt-plus-answer episode per prompt; the reward is the share of even token ids in the answer. */
  static List<Trajectory> sample(Llama model, List<int[]> prompts, double temperature, int maxNewTokens,
                                 Set<Integer> stop, long seed, Map<String, String> extraMetadata) {
    List<Generation> out = new Generator(model).generate(prompts,
        SamplingParams.sample(temperature, maxNewTokens, stop, seed));
    List<Trajectory> trajectories = new ArrayList<>();
    for (int i = 0; i < out.size(); i++) {
      Generation g = out.get(i);
      List<Integer> promptIds = new ArrayList<>();
      List<Boolean> promptMask = new ArrayList<>();
      for (int t : g.prompt()) {
        promptIds.add(t);
        promptMask.add(false);
      }
      List<Integer> ids = new ArrayList<>();
      List<Boolean> mask = new ArrayList<>();
      List<Float> lp = new ArrayList<>();
      int even = 0;
      for (int k = 0; k < g.tokens().length; k++) {
        ids.add(g.tokens()[k]);
        mask.add(true);
        lp.add(g.behaviourLogProbs()[k]);
        even += g.tokens()[k] % 2 == 0 ? 1 : 0;
      }
      Map<String, String> metadata = new HashMap<>(extraMetadata);
      metadata.put(LoggedEpisode.TEMPERATURE, Double.toString(temperature));
      metadata.put(LoggedEpisode.TOP_P, "1.0");
      trajectories.add(trajectory("t" + seed + "-" + i, List.of(
          Turn.newBuilder().setRole(Role.USER).setTokenIds(promptIds).setActionMask(promptMask).build(),
          Turn.newBuilder().setRole(Role.ASSISTANT).setTokenIds(ids).setActionMask(mask).setBehaviourLogProbs(lp)
              .setReward((double) even / g.tokens().length).build()), metadata));
    }
    return trajectories;
  }

  static Trajectory trajectory(String id, List<Turn> turns, Map<String, String> metadata) {
    return Trajectory.newBuilder().setTrajectoryId(id).setEpisodeId(id).setActorId("test")
        .setOrigin(TrajectoryOrigin.SYNTHETIC).setEnvId("test").setArm("control").setPolicyVersion(0)
        .setTokenizerId(TOKENIZER).setCreatedAt(Instant.EPOCH).setTurns(turns).setDone(true)
        .setMetadata(metadata).build();
  }

  static List<int[]> prompts() {
    return List.of(new int[] {1, 4, 7}, new int[] {1}, new int[] {1, 2, 3, 4, 5, 6, 7, 8}, new int[] {1, 9},
        new int[] {1, 3, 3}, new int[] {1, 5, 6, 2, 8});
  }

  static OffPolicyEstimator.Options options() {
    return OffPolicyEstimator.Options.defaults().withMicroBatch(2, 40).withTokenizerId(TOKENIZER)
        .withBootstrap(200, 1);
  }

  static void assertOnPolicy(OffPolicyEstimator estimator, List<Trajectory> logged) {
    OffPolicyEstimator.Scoring scoring = estimator.score(logged);
    assertEquals(logged.size(), scoring.episodes().size(), "skipped: " + scoring.skipped());
    for (OffPolicyEstimator.ScoredEpisode e : scoring.episodes()) {
      for (double lr : e.logRatios()) {
        assertTrue(Math.abs(lr) < 1e-3, e.trajectoryId() + ": ln rho = " + lr);
      }
    }
    OffPolicyEstimate est = estimator.estimate(scoring);
    assertEquals(est.onPolicy().estimate(), est.is().estimate(), 2e-3 * Math.abs(est.onPolicy().estimate()) + 1e-9);
    assertEquals(est.onPolicy().estimate(), est.snis().estimate(), 2e-3 * Math.abs(est.onPolicy().estimate()) + 1e-9);
    assertEquals(est.onPolicy().estimate(), est.dr().estimate(), 1e-2);
    assertEquals(1, est.meanWeight(), 2e-3);
    assertEquals(logged.size(), est.effectiveSampleSize(), 1e-2 * logged.size());
    assertEquals(0, est.capped());
    assertEquals(0, est.inexactBehaviour());
  }

  @Test
  void tinyModelOnItsOwnSamplesHasUnitRatios() {
    try (LlamaWeights w = TinyModels.weights(TinyModels.llama(), 5)) {
      Llama model = new Llama(w);
      for (double temperature : new double[] {1.0, 0.7}) {
        List<Trajectory> logged = sample(model, prompts(), temperature, 20, Set.of(3), 17, Map.of());
        assertOnPolicy(new OffPolicyEstimator(model, null, options()), logged);
        // The same model as reference: Vhat = 0, so DR is per-decision IS.
        OffPolicyEstimator withRef = new OffPolicyEstimator(model, model, options());
        OffPolicyEstimator.Scoring s = withRef.score(logged);
        for (OffPolicyEstimator.ScoredEpisode e : s.episodes()) {
          for (double v : e.values()) {
            assertEquals(0, v, 0.0);
          }
        }
        // Served at another temperature, the target's weights move away from 1.
        OffPolicyEstimator hot = new OffPolicyEstimator(model, null, options().withTargetTemperature(1.6));
        OffPolicyEstimator.Scoring hotScores = hot.score(logged);
        double maxAbs = 0;
        for (OffPolicyEstimator.ScoredEpisode e : hotScores.episodes()) {
          assertEquals(1.6, e.temperature(), 0);
          for (double lr : e.logRatios()) {
            maxAbs = Math.max(maxAbs, Math.abs(lr));
          }
        }
        assertTrue(maxAbs > 0.05, "max |ln rho| " + maxAbs);
        OffPolicyEstimate est = hot.estimate(hotScores);
        assertTrue(est.effectiveSampleSize() < logged.size() - 0.01, "ESS " + est.effectiveSampleSize());
      }
    }
  }

  /** Action positions are scored by the logits of the position before them, as the policy's Scorer does. */
  @Test
  void scoresAlignWithThePolicyScorerAndStreamOverChunks() {
    try (LlamaWeights w = TinyModels.weights(TinyModels.qwen(), 8)) {
      Llama model = new Llama(w);
      List<Trajectory> logged = sample(model, prompts(), 1.0, 12, Set.of(), 4, Map.of());
      List<LoggedEpisode> episodes = new ArrayList<>();
      for (Trajectory t : logged) {
        episodes.add(((LoggedEpisode.Read) LoggedEpisode.read(t, null, 29, 64)).episode());
      }
      double[] ones = new double[episodes.size()];
      java.util.Arrays.fill(ones, 1.0);
      List<ActionScorer.ActionScores> mine = new ActionScorer(model, 3, 1000).score(episodes, ones);
      // Small row blocks and vocabulary chunks (29 ids in chunks of 7): the streaming log-sum-exp.
      List<ActionScorer.ActionScores> chunked = new ActionScorer(model, 4, 1000, 5, 7).score(episodes, ones);
      List<int[]> sequences = episodes.stream().map(LoggedEpisode::tokens).toList();
      List<TokenScores> reference = new Scorer(model, 2).score(sequences);
      for (int i = 0; i < episodes.size(); i++) {
        int[] positions = episodes.get(i).actionPositions();
        for (int k = 0; k < positions.length; k++) {
          int p = positions[k] - 1;
          assertEquals(reference.get(i).logProbs()[p], mine.get(i).logProbs()[k], 1e-5);
          assertEquals(reference.get(i).logSumExp()[p], mine.get(i).logSumExp()[k], 1e-5);
          assertEquals(mine.get(i).logProbs()[k], chunked.get(i).logProbs()[k], 1e-5);
          assertEquals(mine.get(i).logSumExp()[k], chunked.get(i).logSumExp()[k], 1e-5);
        }
      }
      // At a temperature T: l[a]/T - logsumexp(l/T), computed on the host from the full logits.
      double[] cold = new double[episodes.size()];
      java.util.Arrays.fill(cold, 0.5);
      List<ActionScorer.ActionScores> tempered = new ActionScorer(model, 4, 1000, 5, 7).score(episodes, cold);
      float[] logits = logitsOf(model, episodes.get(2).tokens());
      int vocab = 29;
      int[] positions = episodes.get(2).actionPositions();
      for (int k = 0; k < positions.length; k++) {
        int row = positions[k] - 1;
        double max = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < vocab; v++) {
          max = Math.max(max, logits[row * vocab + v] / 0.5);
        }
        double sum = 0;
        for (int v = 0; v < vocab; v++) {
          sum += Math.exp(logits[row * vocab + v] / 0.5 - max);
        }
        double expected = logits[row * vocab + episodes.get(2).tokens()[positions[k]]] / 0.5 - max - Math.log(sum);
        assertEquals(expected, tempered.get(2).logProbs()[k], 1e-4);
      }
    }
  }

  private static float[] logitsOf(Llama model, int[] tokens) {
    long[] ids = new long[tokens.length];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = tokens[i];
    }
    try (ai.djl.ndarray.NDScope ignored = new ai.djl.ndarray.NDScope()) {
      return model.forward(model.weights().manager().create(ids, new ai.djl.ndarray.types.Shape(1, ids.length)))
          .toFloatArray();
    }
  }

  @Test
  void skipsWhatCannotBeReweighted() {
    try (LlamaWeights w = TinyModels.weights(TinyModels.llama(), 6)) {
      Llama model = new Llama(w);
      List<Trajectory> good = sample(model, prompts().subList(0, 2), 1.0, 8, Set.of(), 3, Map.of());
      List<Trajectory> logged = new ArrayList<>(good);
      Trajectory base = good.get(0);
      // An import: action turns without behaviour log-probs.
      List<Turn> stripped = new ArrayList<>();
      for (Turn t : base.getTurns()) {
        stripped.add(Turn.newBuilder(t).setBehaviourLogProbs(List.of()).build());
      }
      logged.add(Trajectory.newBuilder(base).setTrajectoryId("import").setTurns(stripped)
          .setOrigin(TrajectoryOrigin.IMPORT_JSONL).build());
      logged.add(Trajectory.newBuilder(base).setTrajectoryId("other-vocab").setTokenizerId("hf:other").build());
      Map<String, String> greedy = new HashMap<>(base.getMetadata());
      greedy.put(LoggedEpisode.TEMPERATURE, "0.0");
      logged.add(Trajectory.newBuilder(base).setTrajectoryId("greedy").setMetadata(greedy).build());
      List<Turn> prompt = List.of(base.getTurns().get(0));
      logged.add(Trajectory.newBuilder(base).setTrajectoryId("no-actions").setTurns(prompt).build());
      List<Turn> huge = new ArrayList<>(base.getTurns());
      List<Integer> many = new ArrayList<>();
      List<Boolean> none = new ArrayList<>();
      for (int i = 0; i < 80; i++) {
        many.add(2);
        none.add(false);
      }
      huge.add(0, Turn.newBuilder().setRole(Role.SYSTEM).setTokenIds(many).setActionMask(none).build());
      logged.add(Trajectory.newBuilder(base).setTrajectoryId("too-long").setTurns(huge).build());
      Map<String, String> topP = new HashMap<>(base.getMetadata());
      topP.put(LoggedEpisode.TOP_P, "0.9");
      logged.add(Trajectory.newBuilder(base).setTrajectoryId("top-p").setMetadata(topP).build());

      OffPolicyEstimate est = new OffPolicyEstimator(model, null, options()).estimate(logged);
      assertEquals(logged.size(), est.logged());
      assertEquals(3, est.episodes());
      assertEquals(1, est.inexactBehaviour());
      Map<SkipReason, Integer> why = est.skippedByReason();
      assertEquals(Map.of(SkipReason.NO_BEHAVIOUR_LOG_PROBS, 1, SkipReason.TOKENIZER_MISMATCH, 1,
          SkipReason.GREEDY_BEHAVIOUR, 1, SkipReason.NO_ACTIONS, 1, SkipReason.TOO_LONG, 1), why);
      assertEquals(List.of("import", "other-vocab", "greedy", "no-actions", "too-long"),
          est.skipped().stream().map(Skipped::trajectoryId).toList());
      assertTrue(est.toJson().contains("\"skipped.too_long\":1.0"), est.toJson());
    }
  }

  @Test
  void rewardsSitWhereTheLearnerPutsThem() {
    List<Turn> turns = List.of(
        Turn.newBuilder().setRole(Role.USER).setTokenIds(List.of(1, 5)).setActionMask(List.of(false, false)).build(),
        Turn.newBuilder().setRole(Role.ASSISTANT).setTokenIds(List.of(6, 7)).setActionMask(List.of(true, true))
            .setBehaviourLogProbs(List.of(-1f, -2f)).setReward(0.5).build(),
        Turn.newBuilder().setRole(Role.TOOL).setTokenIds(List.of(8)).setActionMask(List.of(false)).setReward(0.25)
            .build(),
        Turn.newBuilder().setRole(Role.ASSISTANT).setTokenIds(List.of(9, 10, 11))
            .setActionMask(List.of(true, true, false)).setBehaviourLogProbs(List.of(-0.5f, -0.25f, 0f)).build());
    Trajectory t = Trajectory.newBuilder(trajectory("x", turns, Map.of())).setReward(2.0).build();
    LoggedEpisode e = ((LoggedEpisode.Read) LoggedEpisode.read(t, TOKENIZER, 32, 64)).episode();
    assertArrayEquals(new int[] {1, 5, 6, 7, 8, 9, 10, 11}, e.tokens());
    assertArrayEquals(new int[] {2, 3, 5, 6}, e.actionPositions());
    assertArrayEquals(new double[] {-1, -2, -0.5, -0.25}, e.behaviourLogProbs(), 0);
    assertArrayEquals(new double[] {0, 0.75, 0, 2}, e.rewards(), 0);
    assertEquals(1.0, e.temperature(), 0);
    assertEquals(2.75, e.episodeReturn(), 0);
    assertThrows(IllegalArgumentException.class,
        () -> new OffPolicyEstimator.Options(0, 1e3, 0.05, 0, 0, 1, 1, null, null));
  }

  /** stories260K: sampled by itself, scored by itself (skipped without the data directory). */
  @Test
  void stories260kOnItsOwnSamples() {
    try (PolicyModel m = PolicyModel.load(TestData.require("stories260k"), Device.cpu())) {
      Llama model = m.model();
      String tok = m.tokenizer().id();
      List<int[]> prompts = new ArrayList<>();
      for (String text : new String[] {"Once upon a time", "The cat", "Lily and Ben went", "One day"}) {
        prompts.add(m.tokenizer().encode(text, true, false));
      }
      for (double temperature : new double[] {1.0, 0.8}) {
        List<Trajectory> logged = new ArrayList<>();
        for (Trajectory t : sample(model, prompts, temperature, 48, m.tokenizer().stopTokens(), 21, Map.of())) {
          logged.add(Trajectory.newBuilder(t).setTokenizerId(tok).build());
        }
        OffPolicyEstimator.Options o = options().withTokenizerId(tok);
        assertOnPolicy(new OffPolicyEstimator(model, null, o), logged);
        OffPolicyEstimator.Scoring moved = new OffPolicyEstimator(model, null, o.withTargetTemperature(1.3))
            .score(logged);
        double maxAbs = 0;
        for (OffPolicyEstimator.ScoredEpisode e : moved.episodes()) {
          for (double lr : e.logRatios()) {
            maxAbs = Math.max(maxAbs, Math.abs(lr));
          }
        }
        assertTrue(maxAbs > 0.05, "max |ln rho| " + maxAbs);
      }
    }
  }
}
