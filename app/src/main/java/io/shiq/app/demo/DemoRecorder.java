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

  /** Records an episode as it is (tests, and reports built from recorded data). */
  synchronized void add(Episode e) {
    episodes.add(e);
    actorVersion = Math.max(actorVersion, e.version());
  }

  /** Records a learner step as it is (tests, and reports built from recorded data). */
  synchronized void add(Step s) {
    steps.add(s);
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
    int k = windowSize(n, share);
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

  /**
   * Best mean reward over any {@code share} of the episodes in a row, in episode order (a sliding window of
   * {@link #windowSize} episodes); NaN before any episode.
   */
  public synchronized double bestWindow(double share) {
    return bestWindowMean(episodes.stream().mapToDouble(Episode::reward).toArray(), share);
  }

  /**
   * Episodes in a window of {@code share} of {@code n} episodes: {@code floor(n * share)}, at least 1 (so with fewer
   * than 1/share episodes, e.g. under 5 at 20%, a window is a single episode). {@link #firstAndLast} uses it too.
   */
  public static int windowSize(int n, double share) {
    return Math.max(1, (int) Math.floor(n * share + 1e-9));
  }

  /**
   * Highest mean of {@link #windowSize windowSize(values.length, share)} consecutive values; NaN when there are none.
   */
  public static double bestWindowMean(double[] values, double share) {
    int n = values.length;
    if (n == 0) {
      return Double.NaN;
    }
    int k = Math.min(n, windowSize(n, share));
    // Prefix sums: every window's sum is one difference.
    double[] prefix = new double[n + 1];
    for (int i = 0; i < n; i++) {
      prefix[i + 1] = prefix[i] + values[i];
    }
    double best = Double.NEGATIVE_INFINITY;
    for (int i = k; i <= n; i++) {
      best = Math.max(best, prefix[i] - prefix[i - k]);
    }
    return best / k;
  }
}
