package io.shiq.app.demo;

import io.shiq.app.metrics.ActorMeters;
import io.shiq.avro.Role;
import io.shiq.avro.Trajectory;
import io.shiq.avro.Turn;
import io.shiq.learner.service.LearnerService;
import java.util.ArrayList;
import java.util.List;

/**
 * What the demo saw, from every thread: each episode the actors produced and each learner step. The report and the
 * progress display read it.
 */
public final class DemoRecorder {
  /** One episode: when it ended (seconds since the start), who played it with which version, its reward and text. */
  public record Episode(double seconds, String actorId, long version, double reward, String prompt, String text) {}

  /** One learner step, with the wall time and the recent episode reward when it happened. */
  public record Step(double seconds, LearnerService.StepReport report, long episodes, double recentReward,
                     double trajectoriesPerSecond) {}

  /** Episodes in the reward moving average. */
  public static final int RECENT = 128;

  private final long startNanos = System.nanoTime();
  private final List<Episode> episodes = new ArrayList<>();
  private final List<Step> steps = new ArrayList<>();
  private volatile long actorVersion;
  private volatile long learnerLag;

  public double seconds() {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  public void onEpisodes(String actorId, List<Trajectory> batch, long version) {
    double now = seconds();
    List<Episode> rows = new ArrayList<>();
    for (Trajectory t : batch) {
      StringBuilder prompt = new StringBuilder();
      StringBuilder text = new StringBuilder();
      for (Turn turn : t.getTurns()) {
        String s = turn.getText() == null ? "" : turn.getText().toString();
        (turn.getRole() == Role.ASSISTANT ? text : prompt).append(s);
      }
      rows.add(new Episode(now, actorId, version, ActorMeters.reward(t), prompt.toString(), text.toString()));
    }
    synchronized (this) {
      episodes.addAll(rows);
    }
    actorVersion = Math.max(actorVersion, version);
  }

  public void onStep(LearnerService.StepReport r) {
    double now = seconds();
    synchronized (this) {
      steps.add(new Step(now, r, episodes.size(), recentReward(), trajectoriesPerSecond(now)));
    }
    learnerLag = r.consumerLag();
  }

  /** Mean reward of the last {@link #RECENT} episodes (NaN before the first). */
  public synchronized double recentReward() {
    int n = Math.min(RECENT, episodes.size());
    if (n == 0) {
      return Double.NaN;
    }
    double sum = 0;
    for (int i = episodes.size() - n; i < episodes.size(); i++) {
      sum += episodes.get(i).reward();
    }
    return sum / n;
  }

  /** Episodes per second over the last 30 seconds. */
  public synchronized double trajectoriesPerSecond(double now) {
    double from = Math.max(0, now - 30);
    long n = 0;
    for (int i = episodes.size() - 1; i >= 0 && episodes.get(i).seconds() >= from; i--) {
      n++;
    }
    return now - from <= 0 ? 0 : n / (now - from);
  }

  public synchronized List<Episode> episodes() {
    return List.copyOf(episodes);
  }

  public synchronized List<Step> steps() {
    return List.copyOf(steps);
  }

  /** Highest policy version any actor has served. */
  public long actorVersion() {
    return actorVersion;
  }

  /** Batches waiting for the learner at its last step. */
  public long learnerLag() {
    return learnerLag;
  }

  /** Mean reward of the episodes played by the first (lowest) policy version of this run (NaN before any). */
  public synchronized double initialVersionReward() {
    long first = episodes.stream().mapToLong(Episode::version).min().orElse(-1);
    return episodes.stream().filter(e -> e.version() == first).mapToDouble(Episode::reward).average()
        .orElse(Double.NaN);
  }

  /** Mean reward of the first and of the last {@code share} of the episodes. */
  public synchronized double[] firstAndLast(double share) {
    int n = episodes.size();
    int k = Math.max(1, (int) Math.floor(n * share));
    if (n == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double first = 0;
    double last = 0;
    for (int i = 0; i < k; i++) {
      first += episodes.get(i).reward();
      last += episodes.get(n - 1 - i).reward();
    }
    return new double[] {first / k, last / k};
  }
}
