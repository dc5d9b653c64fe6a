package io.shiq.ab.stats;

/** A confidence interval or one look of a confidence sequence; NaN bounds when it is not defined yet. */
public record Interval(double low, double high) {
  public static final Interval UNDEFINED = new Interval(Double.NaN, Double.NaN);

  public boolean contains(double v) {
    return low <= v && v <= high;
  }

  public double width() {
    return high - low;
  }
}
