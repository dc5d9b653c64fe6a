package io.shiq.app.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.shiq.avro.Trajectory;
import io.shiq.avro.Turn;
import java.util.List;

/**
 * An actor's meters: episodes and generated tokens (counters), mean reward of recent episodes, the policy version it
 * serves and its lag behind the newest version it knows of, episodes per second, and the policy versions it refused
 * ({@code shiq.actor.versions.rejected}, tagged by reason: unsigned, unknown-key, bad-signature, sha256-mismatch,
 * incomplete, unreadable).
 */
public final class ActorMeters {
  private static final double EMA = 0.05;

  private final Counter episodes;
  private final Counter tokens;
  private final MeterRegistry registry;
  private final Tags tags;
  private volatile double reward = Double.NaN;
  private volatile double version;
  private volatile double episodesPerSecond;
  private long lastNanos;

  public ActorMeters(MeterRegistry registry, String actorId) {
    Tags tags = Tags.of("actor", actorId);
    this.registry = registry;
    this.tags = tags;
    // every reason at 0 from the start, so that an alert on the rate sees the first refusal
    for (io.shiq.schemas.signing.PolicyVerifier.Failure f : io.shiq.schemas.signing.PolicyVerifier.Failure.values()) {
      rejected(f.tag());
    }
    rejected(io.shiq.actor.weights.VersionCheck.INCOMPLETE);
    rejected(io.shiq.actor.weights.VersionCheck.UNREADABLE);
    episodes = Counter.builder("shiq.actor.episodes").tags(tags).description("episodes produced").register(registry);
    tokens = Counter.builder("shiq.actor.tokens").tags(tags).description("action tokens generated")
        .register(registry);
    Gauge.builder("shiq.actor.reward.mean", () -> reward).tags(tags)
        .description("moving average of episode reward").register(registry);
    Gauge.builder("shiq.actor.policy.version", () -> version).tags(tags).description("policy version served")
        .register(registry);
    Gauge.builder("shiq.actor.episodes.per.second", () -> episodesPerSecond).tags(tags)
        .description("episodes per second (moving average)").register(registry);
  }

  /** Counts a policy version the actor refused (see {@link io.shiq.actor.weights.VersionCheck}). */
  public void onRejected(io.shiq.actor.weights.VersionCheck.Rejection r) {
    rejected(r.reason()).increment();
  }

  private Counter rejected(String reason) {
    return Counter.builder("shiq.actor.versions.rejected").tags(tags.and("reason", reason))
        .description("policy versions refused: bad or missing signature, weights not matching the signed sha256")
        .register(registry);
  }

  /** Total reward of an episode: its turns' rewards plus the episode reward. */
  public static double reward(Trajectory t) {
    double r = t.getReward() == null ? 0 : t.getReward();
    for (Turn turn : t.getTurns()) {
      r += turn.getReward() == null ? 0 : turn.getReward();
    }
    return r;
  }

  public void onBatch(List<Trajectory> batch, long servingVersion) {
    long now = System.nanoTime();
    if (lastNanos != 0 && !batch.isEmpty()) {
      double eps = batch.size() * 1e9 / Math.max(1, now - lastNanos);
      episodesPerSecond = episodesPerSecond == 0 ? eps : episodesPerSecond + 0.2 * (eps - episodesPerSecond);
    }
    lastNanos = now;
    version = servingVersion;
    for (Trajectory t : batch) {
      episodes.increment();
      double r = reward(t);
      reward = Double.isNaN(reward) ? r : reward + EMA * (r - reward);
      for (Turn turn : t.getTurns()) {
        tokens.increment(turn.getActionMask().stream().filter(Boolean::booleanValue).count());
      }
    }
  }
}
