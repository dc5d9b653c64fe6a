package io.shiq.bfcl.py.math;

import io.shiq.bfcl.py.PyDecimal;
import io.shiq.bfcl.py.PyException;
import io.shiq.bfcl.py.PyNumbers;
import io.shiq.bfcl.py.PySpecialDecimal;
import io.shiq.bfcl.py.PyTypes;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * CPython's {@code decimal} square root: {@code getcontext().prec = precision} and {@code Decimal(x).sqrt()} for an
 * int or float x, by the algorithm of Lib/_pydecimal.py ({@code Decimal.sqrt}: an exact integer square root of the
 * scaled coefficient, rounded half to even), which the C implementation's results equal.
 */
public final class DecimalSqrt {
  /** decimal's MAX_PREC on a 64-bit build. */
  private static final long MAX_PREC = 999999999999999999L;
  /** Beyond this many digits Python would run for hours (or run out of memory); this port raises MemoryError. */
  private static final long MAX_DIGITS = 1L << 26;

  private DecimalSqrt() {}

  /**
   * {@code getcontext().prec = precision; Decimal(number).sqrt()}: the precision must be an int (TypeError), fit a C
   * ssize_t (OverflowError) and lie in [1, MAX_PREC] (ValueError); the result is a {@link PyDecimal}, or a
   * {@link PySpecialDecimal} for NaN, Infinity and -0.
   */
  public static Object sqrt(Object number, Object precision) {
    if (!PyTypes.isInt(precision)) {
      throw PyException.typeError("'" + PyTypes.name(precision) + "' object cannot be interpreted as an integer");
    }
    BigInteger p = PyNumbers.toBigInteger(precision);
    if (p.bitLength() > 63) {
      throw PyException.overflowError("Python int too large to convert to C ssize_t");
    }
    if (p.signum() <= 0 || p.longValue() > MAX_PREC) {
      throw PyException.valueError("valid range for prec is [1, MAX_PREC]");
    }
    if (p.longValue() > MAX_DIGITS) {
      throw new PyException("MemoryError", "");
    }
    return sqrt(number, p.longValue());
  }

  /** Decimal(x).sqrt() in a context of {@code prec} digits, {@code x} an int or float (not negative). */
  static Object sqrt(Object number, long prec) {
    if (number instanceof Double d) {
      if (Double.isNaN(d)) {
        return new PySpecialDecimal("NaN");
      }
      if (Double.isInfinite(d)) {
        return new PySpecialDecimal("Infinity"); // only +inf gets here: number < 0 was refused before
      }
      if (d == 0 && Math.copySign(1.0, d) < 0) {
        return new PySpecialDecimal("-0"); // sqrt(-0) is -0, exponent 0 // 2
      }
    }
    // Decimal(int) and Decimal(float) are exact; BigDecimal keeps the same coefficient and exponent (the smallest
    // exponent for a float, 0 for an integral one).
    BigDecimal v = PyTypes.isInt(number) ? new BigDecimal(PyNumbers.toBigInteger(number))
        : new BigDecimal((Double) number);
    BigInteger coefficient = v.unscaledValue();
    long exp = -(long) v.scale();
    if (coefficient.signum() == 0) {
      return new PyDecimal(BigDecimal.valueOf(0, (int) -Math.floorDiv(exp, 2)));
    }
    long precision = prec + 1;
    long e = exp >> 1;
    int digits = coefficient.toString().length();
    BigInteger c;
    long l;
    if ((exp & 1) != 0) {
      c = coefficient.multiply(BigInteger.TEN);
      l = (digits >> 1) + 1;
    } else {
      c = coefficient;
      l = (digits + 1) >> 1;
    }
    long shift = precision - l;
    boolean exact;
    BigInteger hundred = BigInteger.valueOf(100);
    if (shift >= 0) {
      c = c.multiply(hundred.pow(Math.toIntExact(shift)));
      exact = true;
    } else {
      BigInteger[] qr = c.divideAndRemainder(hundred.pow(Math.toIntExact(-shift)));
      c = qr[0];
      exact = qr[1].signum() == 0;
    }
    e -= shift;
    BigInteger n = BigInteger.TEN.pow(Math.toIntExact(precision));
    while (true) {
      BigInteger q = c.divide(n);
      if (n.compareTo(q) <= 0) {
        break;
      }
      n = n.add(q).shiftRight(1);
    }
    exact = exact && n.multiply(n).equals(c);
    if (exact) {
      if (shift >= 0) {
        n = n.divide(BigInteger.TEN.pow(Math.toIntExact(shift)));
      } else {
        n = n.multiply(BigInteger.TEN.pow(Math.toIntExact(-shift)));
      }
      e += shift;
    } else if (n.mod(BigInteger.valueOf(5)).signum() == 0) {
      n = n.add(BigInteger.ONE);
    }
    BigDecimal ans = new BigDecimal(n, Math.toIntExact(-e));
    return new PyDecimal(ans.round(new MathContext(Math.toIntExact(prec), RoundingMode.HALF_EVEN)));
  }
}
