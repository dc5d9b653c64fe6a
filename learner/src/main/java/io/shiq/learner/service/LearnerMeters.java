package io.shiq.learner.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.shiq.learner.train.StepStats;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The learner's Micrometer meters (names as Prometheus shows them: {@code shiq_learner_steps_total},
 * {@code shiq_learner_loss}, ...). Rates are given twice: as counters for Prometheus' {@code rate()}, and as gauges
 * averaged over the last steps for people reading the endpoint directly.
 *
 * <p>A {@link LearnerListener}: {@link LearnerService} registers one as its first listener.
 */
final class LearnerMeters implements LearnerListener {
  private static final double EMA = 0.1;

  private final Counter steps;
  private final Counter tokens;
  private final Counter trajectories;
  private final Counter skipped;
  private final Counter waitSeconds;
  private final Counter computeSeconds;
  private final AtomicLong version = new AtomicLong();
  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();
  private volatile double loss;
  private volatile double reward;
  private volatile double kl;
  private volatile double consumerLag;
  private volatile double versionLag;
  private volatile double stepsPerSecond;
  private volatile double tokensPerSecond;
  private long lastStepNanos;
  private boolean seeded;

  LearnerMeters(MeterRegistry registry, String learnerId) {
    this.registry = registry;
    Tags tags = Tags.of("learner", learnerId);
    steps = add(Counter.builder("shiq.learner.steps").tags(tags).description("training steps taken")
        .register(registry));
    tokens = add(Counter.builder("shiq.learner.tokens").tags(tags).description("token positions trained on")
        .register(registry));
    trajectories = add(Counter.builder("shiq.learner.trajectories").tags(tags).description("trajectories trained on")
        .register(registry));
    skipped = add(Counter.builder("shiq.learner.batches.skipped").tags(tags)
        .description("batches skipped (undecodable or without a usable trajectory)").register(registry));
    waitSeconds = add(Counter.builder("shiq.learner.wait.seconds").tags(tags)
        .description("time spent waiting for batches").register(registry));
    computeSeconds = add(Counter.builder("shiq.learner.compute.seconds").tags(tags)
        .description("time spent training, checkpointing and publishing").register(registry));
    gauge("shiq.learner.loss", "objective loss of the last step", tags, () -> loss);
    gauge("shiq.learner.reward.mean", "moving average of the batches' mean trajectory reward", tags, () -> reward);
    gauge("shiq.learner.kl.reference", "moving average of the KL(pi || pi_ref) estimate", tags, () -> kl);
    gauge("shiq.learner.consumer.lag", "batches waiting to be trained on", tags, () -> consumerLag);
    gauge("shiq.learner.policy.version.lag", "mean versions between the trajectories trained on and the newest",
        tags, () -> versionLag);
    gauge("shiq.learner.policy.version", "newest policy version published", tags, version::get);
    gauge("shiq.learner.steps.per.second", "steps per second (moving average)", tags, () -> stepsPerSecond);
    gauge("shiq.learner.tokens.per.second", "token positions per second of training (moving average)", tags,
        () -> tokensPerSecond);
  }

  @Override
  public void onWait(double seconds) {
    waitSeconds.increment(seconds);
  }

  @Override
  public void onSkip(String reason) {
    skipped.increment();
  }

  @Override
  public void onVersion(long version) {
    this.version.set(version);
  }

  @Override
  public void onStep(LearnerService.StepReport r) {
    StepStats s = r.stats();
    double computeSeconds = r.computeSeconds();
    long lag = r.consumerLag();
    double versionLag = r.versionLag();
    long version = r.policyVersion();
    steps.increment();
    trajectories.increment(s.trajectories());
    double stepTokens = s.tokensPerSecond() * computeSeconds;
    tokens.increment(stepTokens);
    this.computeSeconds.increment(computeSeconds);
    long now = System.nanoTime();
    double sps = lastStepNanos == 0 ? 0 : 1e9 / Math.max(1, now - lastStepNanos);
    lastStepNanos = now;
    loss = s.loss();
    consumerLag = lag;
    this.versionLag = versionLag;
    this.version.set(version);
    if (!seeded) {
      reward = s.meanReward();
      kl = s.klToReference();
      stepsPerSecond = sps;
      tokensPerSecond = s.tokensPerSecond();
      seeded = true;
    } else {
      reward += EMA * (s.meanReward() - reward);
      kl += EMA * (s.klToReference() - kl);
      stepsPerSecond += EMA * (sps - stepsPerSecond);
      tokensPerSecond += EMA * (s.tokensPerSecond() - tokensPerSecond);
    }
  }

  private <M extends Meter> M add(M m) {
    meters.add(m);
    return m;
  }

  private void gauge(String name, String description, Tags tags, java.util.function.Supplier<Number> value) {
    meters.add(Gauge.builder(name, value).tags(tags).description(description).register(registry));
  }

  /** Removes the meters, so a restarted learner in the same process registers fresh ones. */
  @Override
  public void onClose() {
    meters.forEach(registry::remove);
  }
}
