package io.shiq.app.chaos;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * When {@code shiq chaos} does what, drawn from its seed before the run so that a seed names one schedule: faults
 * at intervals drawn from the kill-interval range, the first round holding one fault of each kind (learner, replay
 * buffer, an actor, the broker) in a random order so that even a short run exercises all of them, then kinds drawn at
 * random; and the bad records injected at random times in the first 70% of the run.
 */
record FaultSchedule(List<Fault> faults, List<Injection> injections) {

  /** What a fault does. */
  enum Kind { KILL_LEARNER, KILL_REPLAY, KILL_ACTOR, RESTART_BROKER }

  /**
   * @param atSeconds since the start of the chaos phase
   * @param actor     which actor (KILL_ACTOR), else -1
   * @param downSeconds how long the killed role (or the broker) stays down before it is started again
   */
  record Fault(double atSeconds, Kind kind, int actor, double downSeconds) {
    String describe() {
      String what = switch (kind) {
        case KILL_LEARNER -> "kill -9 learner";
        case KILL_REPLAY -> "kill -9 replay";
        case KILL_ACTOR -> "kill -9 actor-" + actor;
        case RESTART_BROKER -> "restart broker";
      };
      return String.format(Locale.ROOT, "%6.1f s  %-18s down %.1f s", atSeconds, what, downSeconds);
    }
  }

  /** One bad record to produce at {@code atSeconds}. */
  record Injection(double atSeconds, BadRecords.Kind kind) {}

  /**
   * @param seconds length of the chaos phase
   * @param minInterval shortest time between two faults, seconds
   * @param maxInterval longest time between two faults, seconds
   */
  static FaultSchedule plan(long seed, double seconds, double minInterval, double maxInterval, int actors) {
    if (minInterval <= 0 || maxInterval < minInterval) {
      throw new IllegalArgumentException("--kill-interval: need 0 < MIN <= MAX, got " + minInterval + ".."
          + maxInterval);
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    List<Kind> firstRound = new ArrayList<>(List.of(Kind.values()));
    Collections.shuffle(firstRound, new java.util.Random(rnd.nextLong()));
    List<Fault> faults = new ArrayList<>();
    double t = between(rnd, minInterval, maxInterval) / 2;
    for (int i = 0; t < seconds; i++) {
      Kind kind = i < firstRound.size() ? firstRound.get(i) : Kind.values()[rnd.nextInt(Kind.values().length)];
      int actor = kind == Kind.KILL_ACTOR ? 1 + rnd.nextInt(actors) : -1;
      double down = kind == Kind.RESTART_BROKER ? between(rnd, 2, 5) : between(rnd, 0.5, 3);
      faults.add(new Fault(t, kind, actor, down));
      t += between(rnd, minInterval, maxInterval);
    }
    List<Injection> injections = new ArrayList<>();
    for (BadRecords.Kind kind : BadRecords.Kind.values()) {
      injections.add(new Injection(between(rnd, 0.05, 0.7) * seconds, kind));
    }
    injections.sort(Comparator.comparingDouble(Injection::atSeconds));
    return new FaultSchedule(List.copyOf(faults), List.copyOf(injections));
  }

  /** Whether every kind of fault is in the schedule (a run too short for the first round misses some). */
  boolean coversEveryKind() {
    return faults.stream().map(Fault::kind).distinct().count() == Kind.values().length;
  }

  private static double between(SplittableRandom rnd, double lo, double hi) {
    return lo + (hi - lo) * rnd.nextDouble();
  }
}
