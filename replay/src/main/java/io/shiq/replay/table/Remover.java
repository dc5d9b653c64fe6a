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
      case "fifo" -> Ordered.FIFO;
      case "lifo" -> Ordered.LIFO;
      case "reservoir" -> new Reservoir();
      case "lowest-priority" -> Ordered.LOWEST_PRIORITY;
      default -> throw new IllegalArgumentException("replay.remover '" + name
          + "' unknown; choose fifo, lifo, reservoir or lowest-priority");
    };
  }

  /**
   * fifo, lifo and lowest-priority: evicts the entry that comes first in {@code order}. parse hands out these shared
   * instances, so that removers of the same name (and the configs holding them) stay equal.
   */
  record Ordered(String name, Comparator<Candidate> order) implements Remover {
    static final Ordered FIFO = new Ordered("fifo", Comparator.comparingLong(Candidate::insertOrder));
    static final Ordered LIFO = new Ordered("lifo", FIFO.order.reversed());
    static final Ordered LOWEST_PRIORITY = new Ordered("lowest-priority",
        Comparator.comparingDouble(Candidate::priority).thenComparingLong(Candidate::insertOrder));

    @Override
    public Optional<Candidate> victim(List<Candidate> t, long inserts, int capacity, SplittableRandom rnd) {
      return t.stream().min(order);
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
