package io.shiq.actor.loop;

import io.shiq.actor.pace.BackPressure;
import io.shiq.avro.Trajectory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The actor's outer loop, shared by {@code shiq actor}, the demo's actor threads and the actor benchmark: runs batches
 * of a {@link BatchSource} until a batch budget is spent or {@code stop} says so, pausing (polling every
 * {@code pollInterval}) while the {@link BackPressure} asks it to. Whatever watches the loop (meters, console, the
 * demo recorder, a benchmark's counters) is a {@link Listener}, never a special case inside it.
 */
public final class EpisodeRunner {
  /** Watches the runner; called on the runner's thread, in the order added. */
  public interface Listener {
    /** A batch ran: {@code index} counts batches of this run from 0; {@code version} is the policy that played it. */
    default void onBatch(long index, List<Trajectory> batch, long version) {}

    /** The runner starts a pause (once per pause, before waiting). */
    default void onPause() {}
  }

  private final BatchSource source;
  private final BackPressure backPressure;
  private final Duration pollInterval;
  private final BooleanSupplier stop;
  private final List<Listener> listeners = new ArrayList<>();

  public EpisodeRunner(BatchSource source, BackPressure backPressure, Duration pollInterval, BooleanSupplier stop) {
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("pollInterval must be > 0, got " + pollInterval);
    }
    this.source = source;
    this.backPressure = backPressure;
    this.pollInterval = pollInterval;
    this.stop = stop;
  }

  public EpisodeRunner addListener(Listener listener) {
    listeners.add(listener);
    return this;
  }

  /**
   * Runs batches until {@code maxBatches} ran (0: no limit) or {@code stop} holds; checks {@code stop} before each
   * batch and while paused, so a stop request ends the run after the current batch. An interrupt during a pause ends
   * the run too (the thread's interrupt flag stays set).
   *
   * @return the batches run
   */
  public long run(long maxBatches) {
    if (maxBatches < 0) {
      throw new IllegalArgumentException("maxBatches must be >= 0, got " + maxBatches);
    }
    long b = 0;
    while ((maxBatches == 0 || b < maxBatches) && !stop.getAsBoolean()) {
      if (backPressure.shouldPause()) {
        for (Listener l : listeners) {
          l.onPause();
        }
        if (!waitWhilePaused()) {
          break;
        }
      }
      List<Trajectory> out = source.runBatch();
      long version = source.version();
      for (Listener l : listeners) {
        l.onBatch(b, out, version);
      }
      b++;
    }
    return b;
  }

  /** Waits while back-pressure holds; false when the run should end instead (stop requested, or interrupted). */
  private boolean waitWhilePaused() {
    while (!stop.getAsBoolean() && backPressure.shouldPause()) {
      try {
        Thread.sleep(pollInterval.toMillis(), pollInterval.toNanosPart() % 1_000_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return !stop.getAsBoolean();
  }
}
