package io.shiq.ab.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.ab.stats.FixedHorizon;
import io.shiq.avro.DecisionKind;
import io.shiq.avro.Experiment;
import io.shiq.avro.ExperimentArm;
import io.shiq.avro.ExperimentStatus;
import io.shiq.avro.Guardrail;
import io.shiq.avro.GuardrailDirection;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ExperimentMonitorTest {
  private static Experiment.Builder experiment(String id) {
    return Experiment.newBuilder().setExperimentId(id).setDescription("test")
        .setArms(List.of(
            ExperimentArm.newBuilder().setName("a").setLine("main").setVersion(1L).setWeight(1).build(),
            ExperimentArm.newBuilder().setName("b").setLine("candidate").setVersion(null).setWeight(1).build()))
        .setControlArm("a").setPrimaryMetric("mean_reward").setGuardrails(List.of())
        .setMinimumDetectableEffect(0.5).setAlpha(0.05).setPower(0.8).setCupedCovariate(null).setEnvId(null)
        .setWindowMs(60_000).setMinEpisodesPerArm(30).setMaxEpisodesPerArm(null).setStartAt(Instant.EPOCH)
        .setStopAt(null).setStatus(ExperimentStatus.RUNNING).setStatusReason(null).setUpdatedAt(Instant.EPOCH);
  }

  private static Observation obs(String arm, double reward, long t) {
    return new Observation(arm, reward, reward > 0, null, Map.of(), t);
  }

  /** Episodes with a fair coin for the arm and N(mean + effect, 1) rewards; returns the first decision. */
  private static Decision run(ExperimentMonitor m, SplittableRandom r, double effect, int episodes) {
    for (int i = 0; i < episodes; i++) {
      String arm = r.nextBoolean() ? "b" : "a";
      m.record(obs(arm, r.nextGaussian() + (arm.equals("b") ? effect : 0), i));
      Evaluation e = m.evaluate(i);
      if (e.decision().isPresent()) {
        return e.decision().get();
      }
    }
    return null;
  }

  @Test
  void aaExperimentsPeekedAfterEveryEpisodeRarelyDeclareAWinner() {
    // MDE 0.5 sd: fixed-horizon n = 63 per arm, horizon 2 x that; 400 A/A experiments looked at after every episode.
    int sims = 400;
    int winners = 0;
    int fixedPeekingWinners = 0;
    for (int s = 0; s < sims; s++) {
      ExperimentMonitor m = new ExperimentMonitor(experiment("aa-" + s).build());
      SplittableRandom r = new SplittableRandom(10_000 + s);
      boolean fixedSignificant = false;
      Decision d = null;
      for (int i = 0; i < 2000 && d == null; i++) {
        String arm = r.nextBoolean() ? "b" : "a";
        m.record(obs(arm, r.nextGaussian(), i));
        Evaluation e = m.evaluate(i);
        d = e.decision().orElse(null);
        boolean ready = e.arms().stream().allMatch(a -> a.episodes() >= 30);
        fixedSignificant |= ready && e.comparisons().get(0).fixedP() < 0.05;
      }
      assertNotNull(d, "every A/A experiment ends at its horizon at the latest");
      winners += d.kind() == DecisionKind.WINNER ? 1 : 0;
      fixedPeekingWinners += fixedSignificant ? 1 : 0;
    }
    assertTrue(winners / (double) sims <= 0.08, winners + " false positives in " + sims);
    // The same streams judged by the fixed-horizon test at every look: peeking breaks it (the harness can tell).
    assertTrue(fixedPeekingWinners / (double) sims >= 0.12, fixedPeekingWinners + " peeking false positives");
  }

  @Test
  void aClearEffectMakesTheTreatmentTheWinner() {
    ExperimentMonitor m = new ExperimentMonitor(experiment("win").build());
    Decision d = run(m, new SplittableRandom(7), 1.0, 1000);
    assertNotNull(d);
    assertEquals(DecisionKind.WINNER, d.kind(), d.reason());
    assertEquals("b", d.arm());
    assertTrue(d.effect() > 0.5 && d.csLow() > 0 && d.pValue() < 0.05, d.toString());
    assertTrue(d.reason().contains("b beats a on mean_reward"), d.reason());
    assertTrue(d.episodes() >= 60, "no decision before 30 episodes per arm: " + d.episodes());
  }

  @Test
  void aTreatmentThatIsClearlyWorseMakesTheControlTheWinner() {
    ExperimentMonitor m = new ExperimentMonitor(experiment("lose").build());
    Decision d = run(m, new SplittableRandom(8), -1.0, 1000);
    assertNotNull(d);
    assertEquals(DecisionKind.WINNER, d.kind(), d.reason());
    assertEquals("a", d.arm());
    assertTrue(d.effect() < 0 && d.csHigh() < 0, d.toString());
  }

  @Test
  void theDecisionIsStickyAndTheAlwaysValidPNeverIncreases() {
    ExperimentMonitor m = new ExperimentMonitor(experiment("sticky").build());
    SplittableRandom r = new SplittableRandom(9);
    Decision first = run(m, r, 1.0, 1000);
    assertNotNull(first);
    double p = m.evaluate(2000).comparisons().get(0).alwaysValidP();
    // The treatment now turns bad: the statistics follow, the decision does not.
    for (int i = 0; i < 600; i++) {
      String arm = r.nextBoolean() ? "b" : "a";
      m.record(obs(arm, r.nextGaussian() + (arm.equals("b") ? -2.0 : 0), 3000 + i));
      Evaluation e = m.evaluate(3000 + i);
      assertEquals(first, e.decision().orElseThrow());
      double next = e.comparisons().get(0).alwaysValidP();
      assertTrue(next <= p, "always-valid p rose from " + p + " to " + next);
      p = next;
    }
    assertTrue(m.evaluate(5000).comparisons().get(0).effect() < 0, "the effect itself is not frozen");
  }

  @Test
  void aBreachedGuardrailRollsTheTreatmentBackBeforeAnyVerdict() {
    Experiment e = experiment("kl").setGuardrails(List.of(
        Guardrail.newBuilder().setMetric("episode_tokens").setDirection(GuardrailDirection.AT_MOST).setLimit(1e6)
            .build(),
        Guardrail.newBuilder().setMetric("kl_to_control").setDirection(GuardrailDirection.AT_MOST).setLimit(0.05)
            .build())).build();
    ExperimentMonitor m = new ExperimentMonitor(e);
    SplittableRandom r = new SplittableRandom(3);
    Decision d = null;
    for (int i = 0; i < 500 && d == null; i++) {
      String arm = r.nextBoolean() ? "b" : "a";
      Map<String, Double> g = new HashMap<>();
      g.put("episode_tokens", 100.0 + r.nextInt(50));
      if (arm.equals("b")) {
        g.put("kl_to_control", 0.2 + 0.02 * r.nextGaussian());
      }
      // The treatment is also much better on reward: the guardrail still wins.
      m.record(new Observation(arm, r.nextGaussian() + (arm.equals("b") ? 2 : 0), true, null, g, i));
      d = m.evaluate(i).decision().orElse(null);
    }
    assertNotNull(d);
    assertEquals(DecisionKind.ROLLBACK, d.kind(), d.reason());
    assertEquals("b", d.arm());
    assertTrue(d.reason().contains("kl_to_control") && d.reason().contains("0.05"), d.reason());
    Evaluation ev = m.evaluate(1000);
    ArmSummary b = ev.arms().get(1);
    GuardrailStatus kl = b.guardrails().get(1);
    assertEquals("kl_to_control", kl.metric());
    assertTrue(kl.breached() && kl.csLow() > 0.05 && Math.abs(kl.mean() - 0.2) < 0.01, kl.toString());
    assertFalse(b.guardrails().get(0).breached());
    GuardrailStatus controlKl = ev.arms().get(0).guardrails().get(1);
    assertEquals(0, controlKl.episodes(), "the control has no kl_to_control");
    assertFalse(controlKl.breached());
  }

  @Test
  void aGuardrailBreachedAfterAWinnerStillRollsTheWinnerBack() {
    Experiment e = experiment("late").setGuardrails(List.of(Guardrail.newBuilder().setMetric("kl_to_control")
        .setDirection(GuardrailDirection.AT_MOST).setLimit(0.05).build())).build();
    ExperimentMonitor m = new ExperimentMonitor(e);
    SplittableRandom r = new SplittableRandom(8);
    Decision first = null;
    Decision last = null;
    for (int i = 0; i < 4000; i++) {
      String arm = r.nextBoolean() ? "b" : "a";
      // A clear winner at once; its KL is fine at first and drifts above the limit after 1,500 episodes.
      double kl = i < 1500 ? 0.02 + 0.01 * r.nextGaussian() : 0.09 + 0.01 * r.nextGaussian();
      m.record(new Observation(arm, r.nextGaussian() + (arm.equals("b") ? 1 : 0), true, null,
          arm.equals("b") ? Map.of("kl_to_control", kl) : Map.of(), i));
      Decision d = m.evaluate(i).decision().orElse(null);
      if (first == null) {
        first = d;
      }
      last = d;
    }
    assertNotNull(first);
    assertEquals(DecisionKind.WINNER, first.kind(), first.reason());
    assertEquals(DecisionKind.ROLLBACK, last.kind(), last.reason());
    assertEquals("b", last.arm());
    assertTrue(last.timeMs() >= 1500, "rolled back only after the drift: " + last.timeMs());
    ExperimentMonitor restored = ExperimentMonitor.restore(e, m.state());
    assertEquals(DecisionKind.ROLLBACK, restored.evaluate(4000).decision().orElseThrow().kind(), "sticky");
  }

  @Test
  void aGuardrailBreachedOnTheControlOnlyDoesNotRollAnythingBack() {
    Experiment e = experiment("ctl").setGuardrails(List.of(Guardrail.newBuilder().setMetric("tool_errors")
        .setDirection(GuardrailDirection.AT_LEAST).setLimit(5).build())).build();
    ExperimentMonitor m = new ExperimentMonitor(e);
    SplittableRandom r = new SplittableRandom(4);
    for (int i = 0; i < 400; i++) {
      String arm = r.nextBoolean() ? "b" : "a";
      double v = arm.equals("a") ? 1 + r.nextGaussian() : 10 + r.nextGaussian();
      m.record(new Observation(arm, r.nextGaussian(), true, null, Map.of("tool_errors", v), i));
    }
    Evaluation ev = m.evaluate(400);
    assertTrue(ev.arms().get(0).guardrails().get(0).breached(), "reported on the control");
    assertFalse(ev.arms().get(1).guardrails().get(0).breached());
    assertTrue(ev.decision().isEmpty() || ev.decision().get().kind() != DecisionKind.ROLLBACK);
  }

  @Test
  void aSampleRatioMismatchIsFlaggedBeforeAVerdict() {
    ExperimentMonitor m = new ExperimentMonitor(experiment("srm").build());
    SplittableRandom r = new SplittableRandom(11);
    Decision d = null;
    Evaluation last = null;
    for (int i = 0; i < 3000 && d == null; i++) {
      String arm = r.nextDouble() < 0.35 ? "a" : "b"; // declared 50/50
      // A real effect as well: without the SRM rule this would be a WINNER.
      m.record(obs(arm, r.nextGaussian() + (arm.equals("b") ? 0.6 : 0), i));
      last = m.evaluate(i);
      d = last.decision().orElse(null);
    }
    assertNotNull(d);
    assertEquals(DecisionKind.SAMPLE_RATIO_MISMATCH, d.kind(), d.reason());
    assertTrue(last.srm() && last.srmP() < ExperimentMonitor.SRM_THRESHOLD);
    long na = last.arms().get(0).episodes();
    long nb = last.arms().get(1).episodes();
    assertTrue(d.reason().contains("a=" + na) && d.reason().contains("b=" + nb), d.reason());
    assertTrue(d.reason().contains("expected"), d.reason());
    assertEquals(0.5, last.arms().get(0).expectedShare(), 0);
    assertEquals(na / (double) (na + nb), last.arms().get(0).share(), 1e-12);
  }

  @Test
  void aFairSplitIsNotAMismatch() {
    ExperimentMonitor m = new ExperimentMonitor(experiment("fair").setMaxEpisodesPerArm(100_000L).build());
    SplittableRandom r = new SplittableRandom(12);
    for (int i = 0; i < 4000; i++) {
      m.record(obs(r.nextBoolean() ? "a" : "b", r.nextGaussian(), i));
    }
    Evaluation e = m.evaluate(4000);
    assertFalse(e.srm());
    assertTrue(e.srmP() > 0.001);
  }

  @Test
  void theStateRoundTripsToAnIdenticalEvaluation() {
    Experiment e = experiment("state").setCupedCovariate("pre").setGuardrails(List.of(Guardrail.newBuilder()
        .setMetric("episode_tokens").setDirection(GuardrailDirection.AT_MOST).setLimit(500).build())).build();
    ExperimentMonitor m = new ExperimentMonitor(e);
    SplittableRandom r = new SplittableRandom(5);
    List<Observation> later = new java.util.ArrayList<>();
    for (int i = 0; i < 600; i++) {
      String arm = r.nextBoolean() ? "b" : "a";
      double x = r.nextGaussian();
      Observation o = new Observation(arm, x + 0.5 * r.nextGaussian() + (arm.equals("b") ? 0.2 : 0),
          r.nextBoolean(), x, Map.of("episode_tokens", 100.0 + r.nextInt(30)), i);
      if (i < 400) {
        m.record(o);
        if (i % 50 == 0) {
          m.evaluate(i); // running minima of p depend on the looks: they must travel with the state
        }
      } else {
        later.add(o);
      }
    }
    Evaluation before = m.evaluate(400);
    byte[] state = m.state();
    ExperimentMonitor back = ExperimentMonitor.restore(e, state);
    assertEquals(before, back.evaluate(400));
    assertEquals(m.episodes(), back.episodes());
    assertEquals(new String(state, StandardCharsets.UTF_8), new String(back.state(), StandardCharsets.UTF_8));
    // Both go on identically, through the decision.
    for (Observation o : later) {
      m.record(o);
      back.record(o);
      assertEquals(m.evaluate(o.timeMs()), back.evaluate(o.timeMs()));
    }
    Evaluation end = m.evaluate(10_000);
    assertTrue(end.decision().isPresent(), "a decision by now");
    assertTrue(end.comparisons().get(0).varianceReduction() > 0.5, end.comparisons().get(0).toString());
    ExperimentMonitor again = ExperimentMonitor.restore(e, m.state());
    assertEquals(end, again.evaluate(10_000));
  }

  @Test
  void restoreRejectsTheStateOfAnotherExperimentOrMetric() {
    ExperimentMonitor m = new ExperimentMonitor(experiment("one").build());
    byte[] state = m.state();
    assertThrows(IllegalArgumentException.class, () -> ExperimentMonitor.restore(experiment("two").build(), state));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExperimentMonitor.restore(
        experiment("one").setPrimaryMetric("success_rate").build(), state));
    assertTrue(e.getMessage().contains("primaryMetric"), e.getMessage());
  }

  @Test
  void anUnknownArmIsRejectedByName() {
    ExperimentMonitor m = new ExperimentMonitor(experiment("exp-42").build());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.record(obs("c", 1, 0)));
    assertTrue(e.getMessage().contains("'c'") && e.getMessage().contains("exp-42"), e.getMessage());
    assertEquals(0, m.episodes());
  }

  @Test
  void anUnknownPrimaryMetricIsRejectedAtConstruction() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ExperimentMonitor(experiment("m").setPrimaryMetric("latency").build()));
    assertTrue(e.getMessage().contains("primaryMetric") && e.getMessage().contains("latency"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new ExperimentMonitor(experiment("m").setControlArm("z").build()));
    assertThrows(IllegalArgumentException.class,
        () -> new ExperimentMonitor(experiment("m").setMinimumDetectableEffect(0).build()));
  }

  @Test
  void stoppingBeforeADecisionIsTheStoppedDecisionAndItSticks() {
    Experiment e = experiment("stop").build();
    ExperimentMonitor m = new ExperimentMonitor(e);
    SplittableRandom r = new SplittableRandom(6);
    for (int i = 0; i < 20; i++) {
      m.record(obs(r.nextBoolean() ? "a" : "b", r.nextGaussian(), i));
    }
    assertTrue(m.evaluate(20).decision().isEmpty(), "below the minimum: nothing yet");
    m.update(Experiment.newBuilder(e).setStatus(ExperimentStatus.STOPPED).build());
    Decision d = m.evaluate(21).decision().orElseThrow();
    assertEquals(DecisionKind.STOPPED, d.kind());
    assertTrue(d.reason().startsWith("stopped by the user before a decision"), d.reason());
    assertEquals(20, d.episodes());
    assertEquals(21, d.timeMs());
    // More data with a huge effect does not change it.
    for (int i = 0; i < 400; i++) {
      String arm = r.nextBoolean() ? "a" : "b";
      m.record(obs(arm, r.nextGaussian() + (arm.equals("b") ? 3 : 0), 100 + i));
    }
    assertEquals(d, m.evaluate(1000).decision().orElseThrow());
    assertEquals(d, ExperimentMonitor.restore(m.experiment(), m.state()).evaluate(2000).decision().orElseThrow());
  }

  @Test
  void updateKeepsTheStatisticsAndRefusesAnotherMetric() {
    Experiment e = experiment("upd").build();
    ExperimentMonitor m = new ExperimentMonitor(e);
    for (int i = 0; i < 10; i++) {
      m.record(obs(i % 2 == 0 ? "a" : "b", i, i));
    }
    m.update(Experiment.newBuilder(e).setDescription("renamed").build());
    assertEquals(10, m.episodes());
    assertEquals("renamed", m.experiment().getDescription());
    assertThrows(IllegalArgumentException.class,
        () -> m.update(Experiment.newBuilder(e).setPrimaryMetric("success_rate").build()));
    assertEquals("renamed", m.experiment().getDescription(), "a refused update changes nothing");
    assertEquals(10, m.episodes());
  }

  @Test
  void theHorizonEndsAnExperimentWithoutAnEffect() {
    ExperimentMonitor m = new ExperimentMonitor(experiment("max").setMaxEpisodesPerArm(150L).build());
    SplittableRandom r = new SplittableRandom(21);
    Decision d = run(m, r, 0.0, 5000);
    assertNotNull(d);
    Evaluation e = m.evaluate(9999);
    assertEquals(150, e.comparisons().get(0).horizonPerArm());
    assertEquals(DecisionKind.NO_DIFFERENCE, d.kind(), d.reason());
    assertEquals(150, Math.min(e.arms().get(0).episodes(), e.arms().get(1).episodes()), e.arms().toString());
    assertTrue(d.reason().contains("horizon of 150"), d.reason());
  }

  @Test
  void theDerivedHorizonIsTheFactorTimesTheFixedSampleSize() {
    ExperimentMonitor m = new ExperimentMonitor(experiment("h").build());
    SplittableRandom r = new SplittableRandom(22);
    for (int i = 0; i < 100; i++) {
      m.record(obs(i % 2 == 0 ? "a" : "b", 2 * r.nextGaussian(), i));
    }
    Evaluation e = m.evaluate(100);
    double pooled = 0.5 * (e.arms().get(0).variance() + e.arms().get(1).variance());
    long expected = (long) Math.ceil(ExperimentMonitor.HORIZON_FACTOR
        * FixedHorizon.sampleSizePerArm(0.05, 0.8, 0.5, pooled));
    assertEquals(expected, e.comparisons().get(0).horizonPerArm());
    assertTrue(expected > 300 && expected < 700, "sd 2, MDE 0.5: about 2 x 251 per arm, got " + expected);
  }

  @Test
  void successRateUsesSuccessesAndCupedFallsBackWhenACovariateIsMissing() {
    Experiment e = experiment("succ").setPrimaryMetric("success_rate").setCupedCovariate("pre")
        .setMinimumDetectableEffect(0.1).build();
    ExperimentMonitor m = new ExperimentMonitor(e);
    SplittableRandom r = new SplittableRandom(31);
    for (int i = 0; i < 400; i++) {
      String arm = i % 2 == 0 ? "a" : "b";
      double x = r.nextGaussian();
      boolean success = x + 0.3 * r.nextGaussian() > 0;
      m.record(new Observation(arm, 5 + r.nextGaussian(), success, x, Map.of(), i));
    }
    Evaluation with = m.evaluate(400);
    ArmSummary a = with.arms().get(0);
    assertEquals(a.successRate(), a.mean(), 1e-12, "the primary metric is the success rate");
    assertEquals(5.0, a.meanReward(), 0.2);
    assertTrue(with.comparisons().get(0).varianceReduction() > 0.3, with.comparisons().get(0).toString());
    // One episode without the covariate: the comparison falls back to the raw statistics.
    m.record(new Observation("a", 5, true, null, Map.of(), 401));
    Evaluation without = m.evaluate(401);
    assertEquals(0.0, without.comparisons().get(0).varianceReduction(), 0);
    assertEquals(without.arms().get(1).mean() - without.arms().get(0).mean(), without.comparisons().get(0).effect(),
        1e-12);
    assertEquals(401, without.episodes());
  }
}
