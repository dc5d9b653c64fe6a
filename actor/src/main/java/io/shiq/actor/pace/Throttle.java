package io.shiq.actor.pace;

import io.shiq.actor.loop.EpisodeRunner;
import io.shiq.avro.Trajectory;
import java.util.List;

/**
 * Holds an actor to a steady episode rate (a soak test's fixed load, a shared GPU's fair share): after each batch it
 * sleeps until the episodes produced so far are no more than {@code perSecond} times the time since the first batch.
 */
public final class Throttle implements EpisodeRunner.Listener {
  private final double perSecond;
  private long start = -1;
  private long episodes;

  public Throttle(double perSecond) {
    if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
      throw new IllegalArgumentException("the episode rate must be a positive number, got " + perSecond);
    }
    this.perSecond = perSecond;
  }

  @Override
  public void onBatch(long index, List<Trajectory> batch, long version) {
    long now = System.nanoTime();
    if (start < 0) {
      start = now;
    }
    episodes += batch.size();
    long due = start + (long) (episodes / perSecond * 1e9);
    if (due > now) {
      try {
        Thread.sleep((due - now) / 1_000_000, (int) ((due - now) % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // the runner's stop request ends the run
      }
    }
  }
}
