package io.shiq.ab.stats;

/**
 * Sample ratio mismatch: Pearson's chi-square goodness-of-fit test of the episodes each arm received against the
 * declared traffic shares (Fabijan et al., "Diagnosing sample ratio mismatch in online controlled experiments",
 * KDD 2019). A small p-value means the assignment or the logging is broken, and no verdict on the metrics can be
 * trusted.
 */
public final class Srm {
  private Srm() {}

  /** The chi-square statistic and its p-value with (arms with a positive share - 1) degrees of freedom. */
  public record Result(double chiSquare, int df, double pValue) {}

  /**
   * Tests {@code counts[i]} against {@code expectedShares[i]} (normalised here; they need not sum to 1). An arm
   * with share 0 that received episodes makes the p-value 0. With no episodes, or fewer than two arms with a
   * positive share, the p-value is 1.
   */
  public static Result test(long[] counts, double[] expectedShares) {
    if (counts.length != expectedShares.length) {
      throw new IllegalArgumentException(counts.length + " counts for " + expectedShares.length + " shares");
    }
    double shareSum = 0;
    long total = 0;
    int positive = 0;
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] < 0 || !(expectedShares[i] >= 0) || Double.isInfinite(expectedShares[i])) {
        throw new IllegalArgumentException("counts must be >= 0 and shares finite and >= 0");
      }
      shareSum += expectedShares[i];
      total += counts[i];
      positive += expectedShares[i] > 0 ? 1 : 0;
    }
    if (total == 0 || positive < 2) {
      return new Result(0, Math.max(1, positive - 1), 1);
    }
    double chi2 = 0;
    for (int i = 0; i < counts.length; i++) {
      double expected = total * expectedShares[i] / shareSum;
      if (expected == 0) {
        if (counts[i] > 0) {
          return new Result(Double.POSITIVE_INFINITY, positive - 1, 0);
        }
        continue;
      }
      double d = counts[i] - expected;
      chi2 += d * d / expected;
    }
    return new Result(chi2, positive - 1, ChiSquare.upperTailP(chi2, positive - 1));
  }

  /** The p-value of {@link #test}. */
  public static double pValue(long[] counts, double[] expectedShares) {
    return test(counts, expectedShares).pValue();
  }
}
