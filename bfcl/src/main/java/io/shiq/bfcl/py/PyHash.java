package io.shiq.bfcl.py;

import java.math.BigDecimal;
import java.math.BigInteger;

/** CPython's {@code hash()} where a port depends on its value. */
public final class PyHash {
  /** _PyHASH_MODULUS on a 64-bit build: the Mersenne prime 2**61 - 1. */
  private static final BigInteger MODULUS = BigInteger.ONE.shiftLeft(61).subtract(BigInteger.ONE);

  private PyHash() {}

  /**
   * {@code hash(x)} of a float (Python/pyhash.c {@code _Py_HashDouble}): |x| as a fraction reduced modulo 2**61 - 1,
   * the sign of x, -1 made -2; the infinities hash to +-314159. A NaN hashes by object identity since Python 3.10,
   * which no value reproduces: refused here.
   */
  public static long hashFloat(double x) {
    if (Double.isNaN(x)) {
      throw new IllegalArgumentException("hash(nan) is the object's identity in Python 3.10+");
    }
    if (Double.isInfinite(x)) {
      return x > 0 ? 314159 : -314159;
    }
    BigDecimal exact = new BigDecimal(Math.abs(x));
    BigInteger unscaled = exact.unscaledValue();
    int scale = exact.scale();
    BigInteger h;
    if (scale <= 0) {
      h = unscaled.multiply(BigInteger.TEN.pow(-scale)).mod(MODULUS);
    } else {
      // unscaled / 10**scale: 10 has an inverse modulo the prime.
      h = unscaled.multiply(BigInteger.TEN.pow(scale).modInverse(MODULUS)).mod(MODULUS);
    }
    long r = x < 0 ? -h.longValue() : h.longValue();
    return r == -1 ? -2 : r;
  }
}
