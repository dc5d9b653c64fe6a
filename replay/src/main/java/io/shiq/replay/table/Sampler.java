package io.shiq.replay.table;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Picks which table entries go into a batch, without replacement within one batch. Reverb's samplers:
 * <ul>
 *   <li>uniform: every entry equally likely;</li>
 *   <li>prioritized: P(i) = p_i^alpha / sum_j p_j^alpha, with importance weights w_i = (N P(i))^-beta / max_j w_j;</li>
 *   <li>fifo: the oldest entries first; newest: the newest first (both deterministic).</li>
 * </ul>
 */
public sealed interface Sampler {
  /** One chosen entry with its sampling probability and importance weight. */
  record Pick(Candidate candidate, double probability, double importanceWeight) {}

  List<Pick> pick(List<Candidate> candidates, int n, SplittableRandom rnd);

  String name();

  static Sampler parse(String name, double alpha, double beta) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "uniform" -> new Uniform();
      case "prioritized" -> new Prioritized(alpha, beta);
      case "fifo" -> Ordered.FIFO;
      case "newest" -> Ordered.NEWEST;
      default -> throw new IllegalArgumentException("replay.sampler '" + name
          + "' unknown; choose uniform, prioritized, fifo or newest");
    };
  }

  record Uniform() implements Sampler {
    @Override
    public List<Pick> pick(List<Candidate> candidates, int n, SplittableRandom rnd) {
      List<Candidate> pool = new ArrayList<>(candidates);
      List<Pick> out = new ArrayList<>();
      double p = candidates.isEmpty() ? 0 : 1.0 / candidates.size();
      for (int i = 0; i < n && !pool.isEmpty(); i++) {
        out.add(new Pick(pool.remove(rnd.nextInt(pool.size())), p, 1.0));
      }
      return out;
    }

    @Override
    public String name() {
      return "uniform";
    }
  }

  record Prioritized(double alpha, double beta) implements Sampler {
    public Prioritized {
      if (alpha < 0 || beta < 0) {
        throw new IllegalArgumentException("replay.priority.alpha and replay.priority.beta must be >= 0");
      }
    }

    @Override
    public List<Pick> pick(List<Candidate> candidates, int n, SplittableRandom rnd) {
      int size = candidates.size();
      double[] weight = new double[size];
      double total = 0;
      for (int i = 0; i < size; i++) {
        weight[i] = Math.pow(Math.max(candidates.get(i).priority(), 1e-12), alpha);
        total += weight[i];
      }
      double minProbability = Double.MAX_VALUE;
      for (double w : weight) {
        minProbability = Math.min(minProbability, w / total);
      }
      double maxWeight = Math.pow(size * minProbability, -beta);
      boolean[] taken = new boolean[size];
      double remaining = total;
      List<Pick> out = new ArrayList<>();
      for (int k = 0; k < n && k < size; k++) {
        double u = rnd.nextDouble() * remaining;
        int chosen = -1;
        for (int i = 0; i < size; i++) {
          if (taken[i]) {
            continue;
          }
          chosen = i;
          u -= weight[i];
          if (u < 0) {
            break;
          }
        }
        taken[chosen] = true;
        remaining -= weight[chosen];
        double probability = weight[chosen] / total;
        out.add(new Pick(candidates.get(chosen), probability, Math.pow(size * probability, -beta) / maxWeight));
      }
      return out;
    }

    @Override
    public String name() {
      return "prioritized";
    }
  }

  /**
   * fifo and newest: the first n entries in {@code order}, each with probability and weight 1. parse hands out these
   * shared instances, so that samplers of the same name (and the configs holding them) stay equal.
   */
  record Ordered(String name, Comparator<Candidate> order) implements Sampler {
    static final Ordered FIFO = new Ordered("fifo", Comparator.comparingLong(Candidate::insertOrder));
    static final Ordered NEWEST = new Ordered("newest", FIFO.order.reversed());

    @Override
    public List<Pick> pick(List<Candidate> candidates, int n, SplittableRandom rnd) {
      return candidates.stream().sorted(order).limit(n).map(c -> new Pick(c, 1.0, 1.0)).toList();
    }
  }
}
