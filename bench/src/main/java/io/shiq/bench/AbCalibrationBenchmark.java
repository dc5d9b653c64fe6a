package io.shiq.bench;

import io.shiq.ab.monitor.Comparison;
import io.shiq.ab.monitor.Decision;
import io.shiq.ab.monitor.Evaluation;
import io.shiq.ab.monitor.ExperimentMonitor;
import io.shiq.ab.monitor.Observation;
import io.shiq.ab.stats.FixedHorizon;
import io.shiq.avro.DecisionKind;
import io.shiq.avro.Experiment;
import io.shiq.avro.ExperimentArm;
import io.shiq.avro.ExperimentStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shiq bench ab-calibration}: drives the A/B evaluator's {@link ExperimentMonitor} (the very code the
 * evaluator runs) with simulated experiments and measures what its decision rule promises: the false-positive rate
 * of A/A experiments watched after every episode (at most alpha), against the baseline of the same streams judged by
 * a fixed-horizon z-test peeked at every look; the power and the episodes to a decision at a true effect equal to
 * the MDE; and how often a broken 45/55 assignment declared 50/50 is caught as a sample ratio mismatch, against the
 * SRM false-alarm rate of the A/A experiments.
 */
@Command(name = "ab-calibration", mixinStandardHelpOptions = true,
    description = "Calibration of the A/B decision rule on simulated experiments: A/A false-positive rate under "
        + "continuous peeking (mSPRT vs a peeked fixed-horizon z-test), power and episodes to a decision at "
        + "effect = MDE, sample-ratio-mismatch detection of a 45/55 split declared 50/50.")
public final class AbCalibrationBenchmark implements Callable<Integer> {
  @Option(names = "--experiments", description = "Simulated experiments per scenario (default: ${DEFAULT-VALUE}).")
  int experiments = 1000;

  @Option(names = "--seed", description = "Seed of the simulations (default: ${DEFAULT-VALUE}).")
  long seed = 42;

  @Option(names = "--alpha", description = "The experiments' alpha (default: ${DEFAULT-VALUE}).")
  double alpha = 0.05;

  @Option(names = "--power", description = "The experiments' planned power (default: ${DEFAULT-VALUE}).")
  double power = 0.8;

  @Option(names = "--effect", description = "Minimum detectable effect, and the true effect of the power scenario "
      + "(absolute, in reward units or success-rate points) (default: ${DEFAULT-VALUE}).")
  double effect = 0.1;

  @Option(names = "--mean", description = "Control mean reward (normal rewards) or success rate (--bernoulli) "
      + "(default: ${DEFAULT-VALUE}).")
  double mean = 0.5;

  @Option(names = "--sd", description = "Standard deviation of the normal rewards (default: ${DEFAULT-VALUE}).")
  double sd = 1.0;

  @Option(names = "--bernoulli", description = "Success/failure episodes judged on success_rate instead of normal "
      + "rewards judged on mean_reward.")
  boolean bernoulli;

  @Option(names = "--peek-every", description = "Evaluate after every K episodes (default: ${DEFAULT-VALUE}: after "
      + "every episode).")
  int peekEvery = 1;

  @Option(names = "--min-episodes", description = "The experiments' minEpisodesPerArm (default: ${DEFAULT-VALUE}).")
  int minEpisodes = 100;

  @Option(names = "--srm-share", description = "Real share of the treatment arm in the SRM scenario, declared 0.5 "
      + "(default: ${DEFAULT-VALUE}).")
  double srmShare = 0.55;

  @Option(names = "--threads", description = "Worker threads (default: the available processors).")
  int threads = Runtime.getRuntime().availableProcessors();

  private static final String CONTROL = "control";
  private static final String TREATMENT = "treatment";

  /** What one simulated experiment ended with. */
  record Run(DecisionKind kind, String arm, long episodesAtDecision, boolean fixedEverSignificant,
             long episodesSimulated) {}

  /** One scenario: the true effect, the real treatment share, and whether to follow the stream to the horizon. */
  record Scenario(String name, double trueEffect, double treatmentShare, boolean toHorizon, long salt) {}

  @Override
  public Integer call() throws Exception {
    if (experiments < 1 || peekEvery < 1 || threads < 1 || minEpisodes < 2) {
      throw new IllegalArgumentException("--experiments, --peek-every and --threads must be >= 1, "
          + "--min-episodes >= 2");
    }
    if (!(alpha > 0 && alpha < 1) || !(power > 0 && power < 1) || !(effect > 0) || !(srmShare > 0 && srmShare < 1)) {
      throw new IllegalArgumentException("need 0 < --alpha, --power, --srm-share < 1 and --effect > 0");
    }
    if (bernoulli ? !(mean >= 0 && mean + effect <= 1) : !(sd > 0)) {
      throw new IllegalArgumentException(bernoulli ? "--bernoulli needs 0 <= --mean and --mean + --effect <= 1"
          : "--sd must be > 0");
    }
    double variance = bernoulli ? mean * (1 - mean) : sd * sd;
    long fixedN = FixedHorizon.sampleSizePerArm(alpha, power, effect, variance);
    long horizon = (long) Math.ceil(ExperimentMonitor.HORIZON_FACTOR * fixedN);
    System.out.printf(Locale.ROOT, "%d experiments per scenario, %s, MDE %.4g, alpha %.3g, power %.2f, evaluate() "
            + "after every %d episode(s), minEpisodesPerArm %d, %d threads%n", experiments,
        bernoulli ? String.format(Locale.ROOT, "Bernoulli episodes (control success rate %.3g)", mean)
            : String.format(Locale.ROOT, "normal rewards (control mean %.3g, sd %.3g)", mean, sd), effect, alpha,
        power, peekEvery, minEpisodes, threads);
    System.out.printf(Locale.ROOT, "fixed-horizon sample size %d per arm; the monitor's horizon %.2f x that = ~%d "
        + "per arm (estimated from the data in each experiment)%n%n", fixedN, ExperimentMonitor.HORIZON_FACTOR,
        horizon);

    long t0 = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "ab-calibration");
      t.setDaemon(true);
      return t;
    });
    List<Run> aa;
    List<Run> powered;
    List<Run> srm;
    try {
      aa = scenario(pool, new Scenario("A/A (no effect, 50/50)", 0, 0.5, true, 1), horizon);
      powered = scenario(pool, new Scenario("power (effect = MDE, 50/50)", effect, 0.5, false, 2), horizon);
      srm = scenario(pool, new Scenario(String.format(Locale.ROOT, "SRM (no effect, %.0f/%.0f declared 50/50)",
          100 * (1 - srmShare), 100 * srmShare), 0, srmShare, false, 3), horizon);
    } finally {
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;

    double aaFpr = share(aa, r -> r.kind() == DecisionKind.WINNER);
    double fixedPeekingFpr = share(aa, Run::fixedEverSignificant);
    double aaSrm = share(aa, r -> r.kind() == DecisionKind.SAMPLE_RATIO_MISMATCH);
    double powerRate = share(powered, r -> r.kind() == DecisionKind.WINNER && TREATMENT.equals(r.arm()));
    double wrongWinner = share(powered, r -> r.kind() == DecisionKind.WINNER && CONTROL.equals(r.arm()));
    double meanToDecision = powered.stream().mapToLong(Run::episodesAtDecision).average().orElse(Double.NaN);
    double meanToWin = powered.stream().filter(r -> r.kind() == DecisionKind.WINNER && TREATMENT.equals(r.arm()))
        .mapToLong(Run::episodesAtDecision).average().orElse(Double.NaN);
    double srmDetection = share(srm, r -> r.kind() == DecisionKind.SAMPLE_RATIO_MISMATCH);
    double meanToSrm = srm.stream().filter(r -> r.kind() == DecisionKind.SAMPLE_RATIO_MISMATCH)
        .mapToLong(Run::episodesAtDecision).average().orElse(Double.NaN);

    System.out.println();
    System.out.printf("%-34s %s%n", "scenario", "decisions (share of experiments)");
    System.out.printf("%-34s %s%n", "A/A (no effect, 50/50)", kinds(aa));
    System.out.printf("%-34s %s%n", "power (effect = MDE)", kinds(powered));
    System.out.printf("%-34s %s%n", String.format(Locale.ROOT, "SRM (%.0f/%.0f declared 50/50)",
        100 * (1 - srmShare), 100 * srmShare), kinds(srm));
    System.out.println();
    System.out.printf("%-62s %10s %10s%n", "figure", "measured", "target");
    System.out.printf(Locale.ROOT, "%-62s %10.4f %10s%n", "A/A false-positive rate, mSPRT peeked every look",
        aaFpr, "<= " + alpha);
    System.out.printf(Locale.ROOT, "%-62s %10.4f %10s%n", "A/A false-positive rate, fixed-horizon z-test peeked "
        + "(baseline)", fixedPeekingFpr, "(" + alpha + " at 1 look)");
    System.out.printf(Locale.ROOT, "%-62s %10.4f %10s%n", "power: WINNER = treatment at effect = MDE", powerRate,
        ">= " + power);
    System.out.printf(Locale.ROOT, "%-62s %10.4f %10s%n", "wrong-direction winners at effect = MDE", wrongWinner,
        "~0");
    System.out.printf(Locale.ROOT, "%-62s %10.0f %10s%n", "mean episodes to a decision (all arms), effect = MDE",
        meanToDecision, "");
    System.out.printf(Locale.ROOT, "%-62s %10.0f %10s%n", "mean episodes to a WINNER (all arms), effect = MDE",
        meanToWin, "");
    System.out.printf(Locale.ROOT, "%-62s %10d %10s%n", "fixed-horizon z-test sample size (all arms, 1 look)",
        2 * fixedN, "");
    System.out.printf(Locale.ROOT, "%-62s %10.4f %10s%n", "SRM detection rate (broken split)", srmDetection, "~1");
    System.out.printf(Locale.ROOT, "%-62s %10.0f %10s%n", "mean episodes to the SRM flag", meanToSrm, "");
    System.out.printf(Locale.ROOT, "%-62s %10.4f %10s%n", "SRM false-alarm rate (A/A)", aaSrm, "small");
    System.out.printf(Locale.ROOT, "%-62s %10.1f%n", "seconds", seconds);
    System.out.println(String.format(Locale.ROOT, "{\"bench\":\"ab-calibration\",\"experiments\":%d,"
            + "\"aa_false_positive_rate\":%.4f,\"fixed_horizon_peeking_false_positive_rate\":%.4f,\"alpha\":%s,"
            + "\"power\":%.4f,\"planned_power\":%s,\"effect\":%s,\"mean_episodes_to_decision\":%.1f,"
            + "\"srm_detection_rate\":%.4f,\"srm_false_alarm_rate\":%.4f,\"horizon_per_arm\":%d,"
            + "\"horizon_factor\":%s,\"fixed_horizon_per_arm\":%d,\"peek_every\":%d,\"metric\":\"%s\","
            + "\"seconds\":%.1f}", experiments, aaFpr, fixedPeekingFpr, alpha, powerRate, power, effect,
        meanToDecision, srmDetection, aaSrm, horizon, ExperimentMonitor.HORIZON_FACTOR, fixedN, peekEvery,
        bernoulli ? ExperimentMonitor.SUCCESS_RATE : ExperimentMonitor.MEAN_REWARD, seconds));
    return 0;
  }

  private List<Run> scenario(ExecutorService pool, Scenario s, long horizon) throws Exception {
    long t0 = System.nanoTime();
    System.err.printf("%s: %d experiments...%n", s.name(), experiments);
    List<Future<Run>> futures = new ArrayList<>(experiments);
    for (int i = 0; i < experiments; i++) {
      int index = i;
      futures.add(pool.submit(() -> simulate(s, index, horizon)));
    }
    List<Run> out = new ArrayList<>(experiments);
    int step = Math.max(1, experiments / 4);
    for (int i = 0; i < experiments; i++) {
      out.add(futures.get(i).get());
      if ((i + 1) % step == 0 || i + 1 == experiments) {
        System.err.printf(Locale.ROOT, "  %s: %d/%d done, %.1f s%n", s.name(), i + 1, experiments,
            (System.nanoTime() - t0) / 1e9);
      }
    }
    return out;
  }

  /**
   * One experiment: episodes assigned at random with the scenario's real split, the monitor evaluated every
   * {@code peekEvery} episodes until its decision (and, for A/A, on to the horizon so that the peeked z-test sees
   * the whole stream).
   */
  private Run simulate(Scenario s, int index, long plannedHorizon) {
    SplittableRandom rng = new SplittableRandom(mix(seed, s.salt(), index));
    Experiment e = experiment(s, index);
    ExperimentMonitor monitor = new ExperimentMonitor(e);
    Decision decision = null;
    boolean fixedSignificant = false;
    long cap = 8 * plannedHorizon + 2L * minEpisodes; // safety net: the monitor's own horizon ends every run
    long n = 0;
    long treated = 0;
    long controls = 0;
    while (n < cap) {
      n++;
      boolean treatment = rng.nextDouble() < s.treatmentShare();
      double reward;
      boolean success;
      if (bernoulli) {
        success = rng.nextDouble() < mean + (treatment ? s.trueEffect() : 0);
        reward = success ? 1 : 0;
      } else {
        reward = mean + (treatment ? s.trueEffect() : 0) + sd * rng.nextGaussian();
        success = reward > 0;
      }
      if (treatment) {
        treated++;
      } else {
        controls++;
      }
      monitor.record(new Observation(treatment ? TREATMENT : CONTROL, reward, success, null, Map.of(), n));
      if (n % peekEvery != 0) {
        continue;
      }
      Evaluation ev = monitor.evaluate(n);
      if (decision == null && ev.decision().isPresent()) {
        decision = ev.decision().get();
      }
      Comparison c = ev.comparisons().get(0);
      boolean ready = treated >= minEpisodes && controls >= minEpisodes;
      boolean beforeHorizon = c.horizonPerArm() == 0 || treated < c.horizonPerArm() || controls < c.horizonPerArm();
      if (ready && beforeHorizon && c.fixedP() < alpha) {
        fixedSignificant = true;
      }
      if (decision != null && (!s.toHorizon() || !beforeHorizon || fixedSignificant)) {
        break;
      }
    }
    if (decision == null) {
      return new Run(null, null, n, fixedSignificant, n);
    }
    return new Run(decision.kind(), decision.arm(), decision.episodes(), fixedSignificant, n);
  }

  private Experiment experiment(Scenario s, int index) {
    Instant start = Instant.ofEpochMilli(0);
    return Experiment.newBuilder()
        .setExperimentId("ab-calibration-" + s.salt() + "-" + index)
        .setDescription("simulated: " + s.name())
        .setArms(List.of(
            ExperimentArm.newBuilder().setName(CONTROL).setLine("control").setVersion(null).setWeight(1).build(),
            ExperimentArm.newBuilder().setName(TREATMENT).setLine("candidate").setVersion(null).setWeight(1)
                .build()))
        .setControlArm(CONTROL)
        .setPrimaryMetric(bernoulli ? ExperimentMonitor.SUCCESS_RATE : ExperimentMonitor.MEAN_REWARD)
        .setGuardrails(List.of())
        .setMinimumDetectableEffect(effect).setAlpha(alpha).setPower(power)
        .setCupedCovariate(null).setEnvId(null).setWindowMs(60_000)
        .setMinEpisodesPerArm(minEpisodes).setMaxEpisodesPerArm(null)
        .setStartAt(start).setStopAt(null).setStatus(ExperimentStatus.RUNNING).setStatusReason(null)
        .setUpdatedAt(start)
        .build();
  }

  private static long mix(long seed, long salt, long index) {
    long z = seed * 0x9E3779B97F4A7C15L + salt * 0xBF58476D1CE4E5B9L + index * 0x94D049BB133111EBL;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static double share(List<Run> runs, java.util.function.Predicate<Run> p) {
    return runs.stream().filter(p).count() / (double) runs.size();
  }

  private static String kinds(List<Run> runs) {
    Map<DecisionKind, long[]> counts = new EnumMap<>(DecisionKind.class);
    long none = 0;
    long winnerT = 0;
    long winnerC = 0;
    for (Run r : runs) {
      if (r.kind() == null) {
        none++;
      } else {
        counts.computeIfAbsent(r.kind(), k -> new long[1])[0]++;
        if (r.kind() == DecisionKind.WINNER) {
          if (TREATMENT.equals(r.arm())) {
            winnerT++;
          } else {
            winnerC++;
          }
        }
      }
    }
    StringBuilder b = new StringBuilder();
    for (Map.Entry<DecisionKind, long[]> e : counts.entrySet()) {
      b.append(b.length() == 0 ? "" : ", ").append(e.getKey()).append(' ')
          .append(String.format(Locale.ROOT, "%.3f", e.getValue()[0] / (double) runs.size()));
      if (e.getKey() == DecisionKind.WINNER) {
        b.append(String.format(Locale.ROOT, " (treatment %d, control %d)", winnerT, winnerC));
      }
    }
    if (none > 0) {
      b.append(b.length() == 0 ? "" : ", ").append("undecided ").append(none);
    }
    return b.toString();
  }
}
