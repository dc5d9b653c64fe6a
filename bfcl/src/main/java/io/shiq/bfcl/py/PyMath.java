package io.shiq.bfcl.py;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Python's numeric built-ins where Java's differ. */
public final class PyMath {
  private PyMath() {}

  /**
   * {@code round(x, ndigits)} for a float: the exact binary value rounded half-to-even at {@code ndigits} decimals,
   * then the nearest double (CPython's float_round via correctly rounded dtoa), so round(2.675, 2) == 2.67.
   */
  public static double round(double x, int ndigits) {
    if (Double.isNaN(x) || Double.isInfinite(x) || x == 0) {
      return x;
    }
    double r = new BigDecimal(x).setScale(ndigits, RoundingMode.HALF_EVEN).doubleValue();
    return r == 0 ? Math.copySign(0.0, x) : r;
  }

  /** {@code round(x)} for a float: an int, half-to-even. */
  public static long round(double x) {
    if (Double.isNaN(x) || Double.isInfinite(x)) {
      throw PyException.valueError(Double.isNaN(x) ? "cannot convert float NaN to integer"
          : "cannot convert float infinity to integer");
    }
    return new BigDecimal(x).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
  }

  /** Python's {@code //} on ints: floor division. */
  public static long floorDiv(long a, long b) {
    if (b == 0) {
      throw PyException.zeroDivision("integer division or modulo by zero");
    }
    return Math.floorDiv(a, b);
  }

  /** Python's {@code %} on ints: the sign of the divisor. */
  public static long mod(long a, long b) {
    if (b == 0) {
      throw PyException.zeroDivision("integer modulo by zero");
    }
    return Math.floorMod(a, b);
  }
}
