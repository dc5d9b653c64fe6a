package io.shiq.replay.table;

import java.util.Locale;

/**
 * How a batch splits between fresh trajectories (not yet trained on) and historical ones. When fresh ones are short,
 * WAIT emits nothing until enough arrive; FILL_FROM_HISTORY tops the batch up with historical ones.
 */
public record Mixer(double freshFraction, Shortfall shortfall) {
  public enum Shortfall { WAIT, FILL_FROM_HISTORY }

  public Mixer {
    if (!(freshFraction >= 0 && freshFraction <= 1)) {
      throw new IllegalArgumentException("replay.fresh.fraction must be in [0, 1], got " + freshFraction);
    }
  }

  public static Shortfall parseShortfall(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "wait" -> Shortfall.WAIT;
      case "fill" -> Shortfall.FILL_FROM_HISTORY;
      default -> throw new IllegalArgumentException("replay.fresh.shortfall '" + s + "' unknown; choose wait or fill");
    };
  }

  /** Counts of fresh and historical items for a batch of {@code size}, or null when the batch must wait. */
  public int[] split(int size, int freshAvailable, int historicalAvailable) {
    int wantFresh = (int) Math.round(size * freshFraction);
    int fresh = Math.min(wantFresh, freshAvailable);
    if (fresh < wantFresh && shortfall == Shortfall.WAIT) {
      return null;
    }
    int historical = size - fresh;
    if (historical > historicalAvailable) {
      int extraFresh = Math.min(freshAvailable - fresh, historical - historicalAvailable);
      fresh += extraFresh;
      historical = size - fresh;
      if (historical > historicalAvailable) {
        return null;
      }
    }
    return new int[] {fresh, historical};
  }
}
