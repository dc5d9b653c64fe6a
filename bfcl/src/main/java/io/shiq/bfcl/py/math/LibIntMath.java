package io.shiq.bfcl.py.math;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The integer functions of mpmath's {@code libmp/libintmath.py} (mpmath 1.3, pure-Python backend) that the ported
 * logarithm uses, with Python's semantics: floor division, shifts by any amount, giant_steps and isqrt_fast_python.
 */
final class LibIntMath {
  private LibIntMath() {}

  private static final BigInteger ONE_800 = BigInteger.ONE.shiftLeft(800);
  private static final BigInteger ONE_400 = BigInteger.ONE.shiftLeft(400);
  private static final BigInteger ONE_200 = BigInteger.ONE.shiftLeft(200);
  private static final BigInteger ONE_100 = BigInteger.ONE.shiftLeft(100);

  /** Python's floor division. */
  static BigInteger floorDiv(BigInteger a, BigInteger b) {
    BigInteger[] qr = a.divideAndRemainder(b);
    if (qr[1].signum() != 0 && (qr[1].signum() != b.signum())) {
      return qr[0].subtract(BigInteger.ONE);
    }
    return qr[0];
  }

  /** Python's {@code x << n} for any n (a negative n shifts right, flooring). */
  static BigInteger lshift(BigInteger x, long n) {
    return n >= 0 ? x.shiftLeft(Math.toIntExact(n)) : x.shiftRight(Math.toIntExact(-n));
  }

  static BigInteger rshift(BigInteger x, long n) {
    return lshift(x, -n);
  }

  static BigInteger pow10(long n) {
    return BigInteger.TEN.pow(Math.toIntExact(n));
  }

  /** libintmath.giant_steps(start, target, 2). */
  static List<Long> giantSteps(long start, long target) {
    List<Long> l = new ArrayList<>();
    l.add(target);
    while (l.get(l.size() - 1) > start * 2) {
      l.add(Math.floorDiv(l.get(l.size() - 1), 2) + 2);
    }
    Collections.reverse(l);
    return l;
  }

  /** libintmath.isqrt_fast_python: approximate floor square root, exactly as mpmath computes it. */
  static BigInteger isqrtFast(BigInteger x) {
    if (x.compareTo(ONE_800) < 0) {
      // int(x**0.5): pow(float(x), 0.5), correctly rounded as sqrt is.
      BigInteger y = BigInteger.valueOf((long) Math.sqrt(x.doubleValue()));
      if (y.bitLength() >= 63) {
        y = new BigDecimal(Math.sqrt(x.doubleValue())).toBigInteger();
      }
      if (x.compareTo(ONE_100) >= 0) {
        y = y.add(x.divide(y)).shiftRight(1);
        if (x.compareTo(ONE_200) >= 0) {
          y = y.add(x.divide(y)).shiftRight(1);
          if (x.compareTo(ONE_400) >= 0) {
            y = y.add(x.divide(y)).shiftRight(1);
          }
        }
      }
      return y;
    }
    long bc = x.bitLength();
    int guardBits = 10;
    x = x.shiftLeft(2 * guardBits);
    bc += 2 * guardBits;
    bc += bc & 1;
    long hbc = bc / 2;
    long startprec = Math.min(50, hbc);
    // r = int(2.0**(2*startprec) * (x >> (bc-2*startprec)) ** -0.5)
    double top = rshift(x, bc - 2 * startprec).doubleValue();
    double r0 = Math.scalb(GlibcPow.pow(top, -0.5), (int) (2 * startprec)); // CPython float ** -> C pow
    BigInteger r = new BigDecimal(r0).toBigInteger();
    long pp = startprec;
    long p = startprec;
    for (long step : giantSteps(startprec, hbc)) {
      p = step;
      BigInteger r2 = rshift(r.multiply(r), 2 * pp - p);
      BigInteger xr2 = rshift(rshift(x, bc - p).multiply(r2), p);
      r = rshift(r.multiply(BigInteger.valueOf(3).shiftLeft((int) p).subtract(xr2)), pp + 1);
      pp = p;
    }
    return rshift(r.multiply(rshift(x, hbc)), p + guardBits);
  }
}
