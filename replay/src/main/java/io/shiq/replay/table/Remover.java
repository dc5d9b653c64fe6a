package io.shiq.replay.table;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Chooses what leaves a full table when a new entry arrives (Reverb's removers): fifo evicts the oldest, lifo the
 * newest, lowest-priority the least useful; reservoir keeps a uniform sample of everything ever inserted (the new
 * entry is admitted with probability capacity / inserts, replacing a uniformly chosen one, and is otherwise dropped).
 */
public sealed interface Remover {
  /** The entry to evict, or empty to drop the incoming one instead (reservoir only). */
  Optional<Candidate> victim(List<Candidate> table, long totalInserts, int capacity, SplittableRandom rnd);

  String name();

  static Remover parse(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "fifo" -> new Fifo();
      case "lifo" -> new Lifo();
      case "reservoir" -> new Reservoir();
      case "lowest-priority" -> new LowestPriority();
      default -> throw new IllegalArgumentException("replay.remover '" + name
          + "' unknown; choose fifo, lifo, reservoir or lowest-priority");
    };
  }

  record Fifo() implements Remover {
    @Override
    public Optional<Candidate> victim(List<Candidate> t, long inserts, int capacity, SplittableRandom rnd) {
      return t.stream().min(Comparator.comparingLong(Candidate::insertOrder));
    }

    @Override
    public String name() {
      return "fifo";
    }
  }

  record Lifo() implements Remover {
    @Override
    public Optional<Candidate> victim(List<Candidate> t, long inserts, int capacity, SplittableRandom rnd) {
      return t.stream().max(Comparator.comparingLong(Candidate::insertOrder));
    }

    @Override
    public String name() {
      return "lifo";
    }
  }

  record LowestPriority() implements Remover {
    @Override
    public Optional<Candidate> victim(List<Candidate> t, long inserts, int capacity, SplittableRandom rnd) {
      return t.stream().min(Comparator.comparingDouble(Candidate::priority)
          .thenComparingLong(Candidate::insertOrder));
    }

    @Override
    public String name() {
      return "lowest-priority";
    }
  }

  record Reservoir() implements Remover {
    @Override
    public Optional<Candidate> victim(List<Candidate> t, long inserts, int capacity, SplittableRandom rnd) {
      // Algorithm R: the incoming item (number `inserts`) is kept with probability capacity / inserts.
      if (t.isEmpty() || rnd.nextDouble() * inserts >= capacity) {
        return Optional.empty();
      }
      return Optional.of(t.get(rnd.nextInt(t.size())));
    }

    @Override
    public String name() {
      return "reservoir";
    }
  }
}
