package io.shiq.bfcl.py;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/** Python's numeric built-ins where Java's differ. */
public final class PyMath {
  private PyMath() {}

  /**
   * {@code round(x, ndigits)} for a float: the exact binary value rounded half-to-even at {@code ndigits} decimals,
   * then the nearest double (CPython's float_round via correctly rounded dtoa), so round(2.675, 2) == 2.67.
   */
  public static double round(double x, int ndigits) {
    return roundFloat(x, BigInteger.valueOf(ndigits));
  }

  /** {@code round(x)} for a float: an int, half-to-even. */
  public static long round(double x) {
    if (Double.isNaN(x) || Double.isInfinite(x)) {
      throw PyException.valueError(Double.isNaN(x) ? "cannot convert float NaN to integer"
          : "cannot convert float infinity to integer");
    }
    return new BigDecimal(x).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
  }

  /** {@code round(number, ndigits)} of an int or float; {@code ndigits} None (null) or an int. */
  public static Object round(Object number, Object ndigits) {
    if (PyTypes.isInt(number)) {
      BigInteger x = PyNumbers.toBigInteger(number);
      if (ndigits == null) {
        return PyNumbers.intValue(x);
      }
      BigInteger n = index(ndigits);
      if (n.signum() >= 0) {
        return PyNumbers.intValue(x);
      }
      // int.__round__ with a negative ndigits: to the nearest multiple of 10**-n, ties to even.
      if (n.negate().compareTo(BigInteger.valueOf(x.abs().toString().length() + 1)) > 0) {
        return 0L;
      }
      BigInteger p = BigInteger.TEN.pow(n.negate().intValueExact());
      BigDecimal q = new BigDecimal(x).divide(new BigDecimal(p)).setScale(0, RoundingMode.HALF_EVEN);
      return PyNumbers.intValue(q.toBigIntegerExact().multiply(p));
    }
    if (number instanceof Double d) {
      if (ndigits == null) {
        if (Double.isNaN(d)) {
          throw PyException.valueError("cannot convert float NaN to integer");
        }
        if (Double.isInfinite(d)) {
          throw PyException.overflowError("cannot convert float infinity to integer");
        }
        return PyNumbers.intValue(new BigDecimal(d).setScale(0, RoundingMode.HALF_EVEN).toBigIntegerExact());
      }
      return roundFloat(d, index(ndigits));
    }
    throw PyException.typeError("type " + PyTypes.name(number) + " doesn't define __round__ method");
  }

  /** float___round___impl with an ndigits: NaN and infinities as they are, the ndigits range checks, double_round. */
  private static double roundFloat(double d, BigInteger n) {
    if (!Double.isFinite(d)) {
      return d;
    }
    // NDIGITS_MAX and NDIGITS_MIN of float___round___impl
    if (n.compareTo(BigInteger.valueOf(323)) > 0) {
      return d;
    }
    if (n.compareTo(BigInteger.valueOf(-308)) < 0) {
      return 0.0 * d;
    }
    // double_round: the correctly rounded decimal (ties to even), read back.
    double out = new BigDecimal(d).setScale(n.intValue(), RoundingMode.HALF_EVEN).doubleValue();
    if (Double.isInfinite(out)) {
      throw PyException.overflowError("rounded value too large to represent");
    }
    return out == 0 ? Math.copySign(0.0, d) : out;
  }

  /** operator.index: an int (a bool counts), else TypeError. */
  private static BigInteger index(Object v) {
    if (PyTypes.isInt(v)) {
      return PyNumbers.toBigInteger(v);
    }
    throw PyException.typeError("'" + PyTypes.name(v) + "' object cannot be interpreted as an integer");
  }

  /** {@code abs(x)} of an int or float. */
  public static Object abs(Object x) {
    if (PyTypes.isInt(x)) {
      return PyNumbers.intValue(PyNumbers.toBigInteger(x).abs());
    }
    if (x instanceof Double || x instanceof Float) {
      return Math.abs(((Number) x).doubleValue());
    }
    throw PyException.typeError("bad operand type for abs(): '" + PyTypes.name(x) + "'");
  }

  /** {@code sum(iterable)} (start 0), item by item as CPython 3.11 adds them (3.12 compensates float sums). */
  public static Object sum(Object iterable) {
    if (iterable instanceof String) {
      throw PyException.typeError("sum() can't sum strings [use ''.join(seq) instead]");
    }
    Object acc = 0L;
    for (Object x : PyContainers.iterate(iterable)) {
      acc = PyOperators.add(acc, x);
    }
    return acc;
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
