package io.shiq.ab.stats;

/**
 * Running sufficient statistics of a metric y and an optional covariate x: count, means, sums of squared deviations
 * (M2) and the co-moment C = sum (x - mean x)(y - mean y). Updated one pair at a time with Welford's method and
 * merged with Chan, Golub and LeVeque's pairwise formulas, both numerically stable (no sums of squares that cancel).
 * A metric without a covariate is added with {@link #add(double)}, which records x = 0 (the x statistics then stay 0).
 *
 * <p>Not thread-safe. {@link #state()} / {@link #of(State)} convert to and from a plain record for serialisation
 * (Jackson reads and writes records as JSON objects).
 */
public final class Moments {
  private long n;
  private double meanY;
  private double m2Y;
  private double meanX;
  private double m2X;
  private double cXY;

  /** The serialisable form of the statistics. */
  public record State(long n, double meanY, double m2Y, double meanX, double m2X, double cXY) {}

  public Moments() {}

  public static Moments of(State s) {
    Moments m = new Moments();
    if (s != null) {
      m.n = s.n();
      m.meanY = s.meanY();
      m.m2Y = s.m2Y();
      m.meanX = s.meanX();
      m.m2X = s.m2X();
      m.cXY = s.cXY();
    }
    return m;
  }

  public State state() {
    return new State(n, meanY, m2Y, meanX, m2X, cXY);
  }

  /** Adds an observation of y alone (x = 0). */
  public void add(double y) {
    add(y, 0);
  }

  /** Adds an observation of y with its covariate x. */
  public void add(double y, double x) {
    n++;
    double dx = x - meanX;
    meanX += dx / n;
    double dy = y - meanY;
    meanY += dy / n;
    double dyNew = y - meanY;
    m2Y += dy * dyNew;
    m2X += dx * (x - meanX);
    cXY += dx * dyNew;
  }

  /** The statistics of both samples together (neither is changed). */
  public Moments merge(Moments other) {
    Moments m = new Moments();
    if (other.n == 0) {
      return Moments.of(state());
    }
    if (n == 0) {
      return Moments.of(other.state());
    }
    long total = n + other.n;
    double dy = other.meanY - meanY;
    double dx = other.meanX - meanX;
    double w = (double) n * other.n / total;
    m.n = total;
    m.meanY = meanY + dy * other.n / total;
    m.meanX = meanX + dx * other.n / total;
    m.m2Y = m2Y + other.m2Y + dy * dy * w;
    m.m2X = m2X + other.m2X + dx * dx * w;
    m.cXY = cXY + other.cXY + dx * dy * w;
    return m;
  }

  public long n() {
    return n;
  }

  /** Mean of y (NaN when empty). */
  public double meanY() {
    return n == 0 ? Double.NaN : meanY;
  }

  /** Mean of x (NaN when empty). */
  public double meanX() {
    return n == 0 ? Double.NaN : meanX;
  }

  /** Sample variance of y, divisor n - 1 (NaN below 2 observations). */
  public double varianceY() {
    return n < 2 ? Double.NaN : Math.max(0, m2Y / (n - 1));
  }

  /** Sample variance of x, divisor n - 1 (NaN below 2 observations). */
  public double varianceX() {
    return n < 2 ? Double.NaN : Math.max(0, m2X / (n - 1));
  }

  /** Sample covariance of x and y, divisor n - 1 (NaN below 2 observations). */
  public double covariance() {
    return n < 2 ? Double.NaN : cXY / (n - 1);
  }

  /** Sum of squared deviations of y from its mean. */
  public double m2Y() {
    return m2Y;
  }

  /** Sum of squared deviations of x from its mean. */
  public double m2X() {
    return m2X;
  }

  /** Co-moment: sum of (x - mean x)(y - mean y). */
  public double cXY() {
    return cXY;
  }

  @Override
  public String toString() {
    return "Moments" + state();
  }
}
