package io.shiq.ab.ope;

import io.shiq.avro.Trajectory;
import io.shiq.policy.model.Llama;
import io.shiq.policy.model.LlamaWeights;
import java.util.ArrayList;
import java.util.List;

/**
 * Off-policy evaluation of a candidate (target) policy from trajectories logged under other policies: before an A/B
 * arm gets traffic, its expected episode return is estimated by importance sampling (IS), self-normalised IS (SNIS)
 * and a per-decision doubly robust estimate (DR) with ShiQ's value readout, each with a (1 - alpha) interval
 * (formulas, intervals and why DR stays unbiased: {@link OpeMath}).
 *
 * <p>Per logged trajectory (flattened by {@link LoggedEpisode}) and action token a_t:
 * <ul>
 *   <li>ln mu(a_t|s_t) is the recorded behaviour log-prob ({@code Turn.behaviourLogProbs});</li>
 *   <li>ln pi(a_t|s_t) is the target's log-softmax of logits / T at the trajectory's recorded sampling temperature T
 *       (metadata {@value LoggedEpisode#TEMPERATURE}, default 1), or at {@link Options#targetTemperature} when set:
 *       the estimate is then the value of the target served at that temperature;</li>
 *   <li>Vhat(s_t) = beta (logsumexp l_target(s_t) - logsumexp l_ref(s_t)) with a reference policy, else
 *       beta logsumexp l_target(s_t), both at temperature 1, ShiQ's value read off the logits (docs/shiq-loss.md).
 *       It is a value of the KL-regularised return of the temperature-1 policy, not of the plain return: a control
 *       variate, which leaves DR unbiased whatever it is and only shrinks the interval when it tracks the
 *       reward-to-go. Without a reference the readout carries the logits' arbitrary per-state offset, which can make
 *       DR's interval wider than IS's; give the reference the target was trained from.</li>
 * </ul>
 *
 * <p>Exact only for untruncated sampling: top-p and top-k are ignored (the target's log-prob is a tempered softmax
 * over the whole vocabulary). The estimates are unbiased only when the behaviour sampled with top_p = 1 and top_k = 0;
 * a truncated behaviour gives zero probability to tokens the target may choose, which biases every estimator, so the
 * estimate counts such episodes ({@link OffPolicyEstimate#inexactBehaviour()}) from the metadata keys
 * {@value LoggedEpisode#TOP_P} and {@value LoggedEpisode#TOP_K}. Also, the return of a truncated episode (cut at a
 * length limit) is the part logged, and trajectories without behaviour log-probs (imports), of another tokenizer, too
 * long for the context or sampled greedily are skipped ({@link SkipReason}).
 */
public final class OffPolicyEstimator {
  /** The learner's default beta ({@code shiq learner --beta}; 0.05 is what its synthetic environment uses). */
  public static final double DEFAULT_BETA = 0.5;
  /**
   * Default cap on every cumulative weight w_t: 1e3 means one episode counts at most as a thousand on-policy ones;
   * per-token ratios of LLM policies multiply over hundreds of tokens, so uncapped weights of 1e30 are common between
   * policies a few updates apart, and one of them would make the estimate that episode's return.
   */
  public static final double DEFAULT_WEIGHT_CAP = 1e3;
  public static final double DEFAULT_ALPHA = 0.05;
  public static final int DEFAULT_BOOTSTRAP_RESAMPLES = 1000;
  public static final int DEFAULT_MICRO_BATCH = 8;
  /** Padded tokens per forward pass. */
  public static final int DEFAULT_MAX_BATCH_TOKENS = 8192;

  /**
   * @param beta                ShiQ's beta for the value readout, > 0
   * @param weightCap           cap on every cumulative weight w_t, > 0 (Double.POSITIVE_INFINITY: none)
   * @param alpha               intervals have level 1 - alpha
   * @param bootstrapResamples  percentile-bootstrap resamples (0: normal intervals only)
   * @param seed                seed of the bootstrap
   * @param microBatch          sequences per forward pass
   * @param maxBatchTokens      padded tokens per forward pass (a longer sequence goes alone)
   * @param tokenizerId         the target's vocabulary ({@code Tokenizer.id()}); trajectories of another are skipped;
   *                            null accepts all
   * @param targetTemperature   temperature the target is served at; null: each trajectory's recorded one
   */
  public record Options(double beta, double weightCap, double alpha, int bootstrapResamples, long seed,
                        int microBatch, int maxBatchTokens, String tokenizerId, Double targetTemperature) {
    public Options {
      if (!(beta > 0) || Double.isInfinite(beta)) {
        throw new IllegalArgumentException("beta must be > 0 and finite, got " + beta);
      }
      if (!(weightCap > 0)) {
        throw new IllegalArgumentException("weightCap must be > 0, got " + weightCap);
      }
      if (!(alpha > 0 && alpha < 1)) {
        throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
      }
      if (bootstrapResamples < 0) {
        throw new IllegalArgumentException("bootstrapResamples must be >= 0, got " + bootstrapResamples);
      }
      if (microBatch < 1 || maxBatchTokens < 1) {
        throw new IllegalArgumentException("microBatch and maxBatchTokens must be >= 1, got " + microBatch + " and "
            + maxBatchTokens);
      }
      if (targetTemperature != null && (!(targetTemperature > 0) || targetTemperature.isInfinite())) {
        throw new IllegalArgumentException("targetTemperature must be > 0 and finite, got " + targetTemperature);
      }
    }

    public static Options defaults() {
      return new Options(DEFAULT_BETA, DEFAULT_WEIGHT_CAP, DEFAULT_ALPHA, DEFAULT_BOOTSTRAP_RESAMPLES, 0,
          DEFAULT_MICRO_BATCH, DEFAULT_MAX_BATCH_TOKENS, null, null);
    }

    public Options withBeta(double b) {
      return new Options(b, weightCap, alpha, bootstrapResamples, seed, microBatch, maxBatchTokens, tokenizerId,
          targetTemperature);
    }

    public Options withWeightCap(double cap) {
      return new Options(beta, cap, alpha, bootstrapResamples, seed, microBatch, maxBatchTokens, tokenizerId,
          targetTemperature);
    }

    public Options withAlpha(double a) {
      return new Options(beta, weightCap, a, bootstrapResamples, seed, microBatch, maxBatchTokens, tokenizerId,
          targetTemperature);
    }

    public Options withBootstrap(int resamples, long s) {
      return new Options(beta, weightCap, alpha, resamples, s, microBatch, maxBatchTokens, tokenizerId,
          targetTemperature);
    }

    public Options withMicroBatch(int sequences, int tokens) {
      return new Options(beta, weightCap, alpha, bootstrapResamples, seed, sequences, tokens, tokenizerId,
          targetTemperature);
    }

    public Options withTokenizerId(String id) {
      return new Options(beta, weightCap, alpha, bootstrapResamples, seed, microBatch, maxBatchTokens, id,
          targetTemperature);
    }

    public Options withTargetTemperature(Double t) {
      return new Options(beta, weightCap, alpha, bootstrapResamples, seed, microBatch, maxBatchTokens, tokenizerId,
          t);
    }
  }

  /**
   * One logged episode scored by the target, per action token.
   *
   * @param targetLogProbs    ln pi(a_t|s_t) at {@code temperature}
   * @param behaviourLogProbs ln mu(a_t|s_t), as recorded
   * @param values            Vhat(s_t)
   * @param temperature       the target's temperature for this episode
   */
  public record ScoredEpisode(String trajectoryId, double[] targetLogProbs, double[] behaviourLogProbs,
                              double[] rewards, double[] values, double temperature, boolean exactBehaviour) {
    /** ln rho_t = ln pi - ln mu per action token. */
    public double[] logRatios() {
      double[] out = new double[targetLogProbs.length];
      for (int t = 0; t < out.length; t++) {
        out[t] = targetLogProbs[t] - behaviourLogProbs[t];
      }
      return out;
    }

    public OpeMath.EpisodeTerms terms(double weightCap) {
      return OpeMath.episode(trajectoryId, targetLogProbs, behaviourLogProbs, rewards, values, weightCap);
    }
  }

  /** The scored episodes of a list of trajectories, and those skipped. */
  public record Scoring(int logged, List<ScoredEpisode> episodes, List<Skipped> skipped) {}

  private final Llama target;
  private final Llama reference;
  private final Options options;

  /**
   * @param target    the candidate policy
   * @param reference the reference of the value readout (the model the target was trained from), or null
   */
  public OffPolicyEstimator(Llama target, Llama reference, Options options) {
    if (reference != null && reference.config().vocabSize() != target.config().vocabSize()) {
      throw new IllegalArgumentException("the reference's vocabulary (" + reference.config().vocabSize()
          + " ids) is not the target's (" + target.config().vocabSize() + ")");
    }
    this.target = target;
    this.reference = reference;
    this.options = options;
  }

  public OffPolicyEstimator(LlamaWeights target, LlamaWeights reference, Options options) {
    this(new Llama(target), reference == null ? null : new Llama(reference), options);
  }

  /** Default options, no reference. */
  public OffPolicyEstimator(Llama target) {
    this(target, null, Options.defaults());
  }

  public Options options() {
    return options;
  }

  /** Estimates the target's expected episode return from {@code logged}. */
  public OffPolicyEstimate estimate(List<Trajectory> logged) {
    return estimate(score(logged));
  }

  /** The estimate of already scored episodes. */
  public OffPolicyEstimate estimate(Scoring scoring) {
    List<OpeMath.EpisodeTerms> terms = new ArrayList<>(scoring.episodes().size());
    int inexact = 0;
    for (ScoredEpisode e : scoring.episodes()) {
      terms.add(e.terms(options.weightCap()));
      inexact += e.exactBehaviour() ? 0 : 1;
    }
    return OpeMath.estimate(terms, options.weightCap(), options.alpha(), options.bootstrapResamples(), options.seed())
        .withContext(options.beta(), scoring.logged(), inexact, scoring.skipped());
  }

  /** Flattens and scores {@code logged} with the target (and the reference): the per-token numbers. */
  public Scoring score(List<Trajectory> logged) {
    int context = target.config().maxSeqLen();
    if (reference != null) {
      context = Math.min(context, reference.config().maxSeqLen());
    }
    List<LoggedEpisode> episodes = new ArrayList<>();
    List<Skipped> skipped = new ArrayList<>();
    for (Trajectory t : logged) {
      LoggedEpisode.Reading r = LoggedEpisode.read(t, options.tokenizerId(), target.config().vocabSize(), context);
      if (r instanceof LoggedEpisode.Read read) {
        episodes.add(read.episode());
      } else {
        skipped.add(((LoggedEpisode.Skip) r).skipped());
      }
    }
    double[] temperatures = new double[episodes.size()];
    for (int i = 0; i < temperatures.length; i++) {
      temperatures[i] = options.targetTemperature() != null ? options.targetTemperature()
          : episodes.get(i).temperature();
    }
    List<ActionScorer.ActionScores> pi = new ActionScorer(target, options.microBatch(), options.maxBatchTokens())
        .score(episodes, temperatures);
    List<ActionScorer.ActionScores> ref = reference == null ? null
        : new ActionScorer(reference, options.microBatch(), options.maxBatchTokens()).score(episodes, null);
    List<ScoredEpisode> scored = new ArrayList<>(episodes.size());
    for (int i = 0; i < episodes.size(); i++) {
      LoggedEpisode e = episodes.get(i);
      int n = e.actionPositions().length;
      double[] lnPi = new double[n];
      double[] values = new double[n];
      for (int t = 0; t < n; t++) {
        lnPi[t] = pi.get(i).logProbs()[t];
        double lse = pi.get(i).logSumExp()[t];
        values[t] = options.beta() * (ref == null ? lse : lse - ref.get(i).logSumExp()[t]);
      }
      scored.add(new ScoredEpisode(e.trajectoryId(), lnPi, e.behaviourLogProbs(), e.rewards(), values,
          temperatures[i], e.exactBehaviour()));
    }
    return new Scoring(logged.size(), scored, skipped);
  }
}
