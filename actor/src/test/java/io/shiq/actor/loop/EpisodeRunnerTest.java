package io.shiq.actor.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.actor.pace.BackPressure;
import io.shiq.avro.Trajectory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The episode runner without Kafka or a model: a fake batch source, a scripted back-pressure. */
class EpisodeRunnerTest {
  private static final Duration POLL = Duration.ofMillis(1);

  /** Counts batches; each batch is empty and played by version = batches run so far. */
  private static final class FakeSource implements BatchSource {
    int batches;

    @Override
    public List<Trajectory> runBatch() {
      batches++;
      return List.of();
    }

    @Override
    public long version() {
      return batches;
    }
  }

  /** Records what the runner reports, as strings in order. */
  private static final class Recorder implements EpisodeRunner.Listener {
    final List<String> events = new ArrayList<>();

    @Override
    public void onBatch(long index, List<Trajectory> batch, long version) {
      events.add("batch " + index + " v" + version);
    }

    @Override
    public void onPause() {
      events.add("pause");
    }
  }

  @Test
  void runsTheBatchBudgetAndTellsListenersInOrder() {
    FakeSource source = new FakeSource();
    Recorder first = new Recorder();
    List<String> second = new ArrayList<>();
    long ran = new EpisodeRunner(source, BackPressure.NONE, POLL, () -> false)
        .addListener(first)
        .addListener(new EpisodeRunner.Listener() {
          @Override
          public void onBatch(long index, List<Trajectory> batch, long version) {
            second.add(first.events.get((int) index)); // the first listener already saw this batch
          }
        })
        .run(3);
    assertEquals(3, ran);
    assertEquals(3, source.batches);
    assertEquals(List.of("batch 0 v1", "batch 1 v2", "batch 2 v3"), first.events);
    assertEquals(first.events, second);
  }

  @Test
  void aStopRequestEndsAnUnboundedRunAfterTheCurrentBatch() {
    FakeSource source = new FakeSource();
    AtomicBoolean stop = new AtomicBoolean();
    long ran = new EpisodeRunner(source, BackPressure.NONE, POLL, stop::get)
        .addListener(new EpisodeRunner.Listener() {
          @Override
          public void onBatch(long index, List<Trajectory> batch, long version) {
            if (index == 4) {
              stop.set(true);
            }
          }
        })
        .run(0);
    assertEquals(5, ran);
    assertEquals(5, source.batches);
  }

  @Test
  void aStopRequestedBeforeTheRunRunsNothing() {
    FakeSource source = new FakeSource();
    assertEquals(0, new EpisodeRunner(source, BackPressure.NONE, POLL, () -> true).run(0));
    assertEquals(0, source.batches);
  }

  @Test
  void pausesWhileBackPressureHoldsThenResumes() {
    FakeSource source = new FakeSource();
    // Before the second batch, the learner lags for three checks; no batch may run meanwhile.
    AtomicInteger checks = new AtomicInteger();
    List<Integer> batchesSeenWhilePaused = new ArrayList<>();
    BackPressure lag = () -> {
      int c = checks.incrementAndGet();
      boolean pause = c >= 2 && c <= 4;
      if (pause) {
        batchesSeenWhilePaused.add(source.batches);
      }
      return pause;
    };
    Recorder recorder = new Recorder();
    long ran = new EpisodeRunner(source, lag, POLL, () -> false).addListener(recorder).run(3);
    assertEquals(3, ran);
    assertEquals(List.of("batch 0 v1", "pause", "batch 1 v2", "batch 2 v3"), recorder.events);
    assertEquals(List.of(1, 1, 1), batchesSeenWhilePaused);
    assertEquals(6, checks.get()); // one per batch, plus the two polls of the pause (the last one lifts it)
  }

  @Test
  void aStopRequestDuringAPauseEndsTheRunWithoutAnotherBatch() {
    FakeSource source = new FakeSource();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger polls = new AtomicInteger();
    BackPressure alwaysLagging = () -> {
      if (polls.incrementAndGet() == 5) {
        stop.set(true);
      }
      return true;
    };
    Recorder recorder = new Recorder();
    long ran = new EpisodeRunner(source, alwaysLagging, POLL, stop::get).addListener(recorder).run(0);
    assertEquals(0, ran);
    assertEquals(0, source.batches);
    assertEquals(List.of("pause"), recorder.events);
  }

  @Test
  void anInterruptDuringAPauseEndsTheRunAndKeepsTheFlag() {
    FakeSource source = new FakeSource();
    Thread.currentThread().interrupt();
    try {
      long ran = new EpisodeRunner(source, () -> true, POLL, () -> false).run(0);
      assertEquals(0, ran);
      assertEquals(0, source.batches);
      assertTrue(Thread.currentThread().isInterrupted());
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void rejectsANegativeBudgetAndANonPositivePollInterval() {
    FakeSource source = new FakeSource();
    EpisodeRunner runner = new EpisodeRunner(source, BackPressure.NONE, POLL, () -> false);
    assertThrows(IllegalArgumentException.class, () -> runner.run(-1));
    assertThrows(IllegalArgumentException.class,
        () -> new EpisodeRunner(source, BackPressure.NONE, Duration.ZERO, () -> false));
  }
}
