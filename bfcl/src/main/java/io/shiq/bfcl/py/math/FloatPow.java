package io.shiq.bfcl.py.math;

import io.shiq.bfcl.py.PyComplex;
import io.shiq.bfcl.py.PyException;
import io.shiq.bfcl.py.PyNumbers;
import io.shiq.bfcl.py.PyTypes;
import java.math.BigInteger;

/**
 * CPython's {@code **} on ints and floats: exact int powers, float_pow (Objects/floatobject.c) with the C library's
 * pow for the ordinary cases ({@link GlibcPow}, bit for bit), and the complex result {@code (iv+0j) ** (iw+0j)} that
 * a negative base to a fractional power gives.
 */
public final class FloatPow {
  private static final int WORK_BITS = 200;

  private FloatPow() {}

  /** {@code a ** b} (float results through CPython's float_pow; complex for a negative base and a fraction). */
  public static Object pow(Object a, Object b) {
    if (PyTypes.isInt(a) && PyTypes.isInt(b)) {
      BigInteger x = PyNumbers.toBigInteger(a);
      BigInteger n = PyNumbers.toBigInteger(b);
      if (n.signum() >= 0) {
        if (x.abs().compareTo(BigInteger.ONE) <= 0) {
          // 0, 1 and -1 to any power, without computing it
          return PyNumbers.intValue(x.signum() == 0 ? (n.signum() == 0 ? BigInteger.ONE : BigInteger.ZERO)
              : x.signum() > 0 || !n.testBit(0) ? BigInteger.ONE : BigInteger.ONE.negate());
        }
        if (n.bitLength() > 31) {
          throw new PyException("MemoryError", "");
        }
        return PyNumbers.intValue(x.pow(n.intValue()));
      }
      return floatPow(PyNumbers.toDouble(a), PyNumbers.toDouble(b));
    }
    if (PyNumbers.isIntOrFloat(a) && PyNumbers.isIntOrFloat(b)) {
      return floatPow(PyNumbers.toDouble(a), PyNumbers.toDouble(b));
    }
    throw PyException.typeError("unsupported operand type(s) for ** or pow(): '" + PyTypes.name(a) + "' and '"
        + PyTypes.name(b) + "'");
  }

  /** DOUBLE_IS_ODD_INTEGER: fmod(fabs(x), 2.0) == 1.0. */
  private static boolean isOddInteger(double w) {
    return Math.abs(w) % 2.0 == 1.0;
  }

  /** CPython's float_pow (Objects/floatobject.c). */
  private static Object floatPow(double iv, double iw) {
    if (iw == 0) {
      return 1.0;
    }
    if (Double.isNaN(iv)) {
      return iv;
    }
    if (Double.isNaN(iw)) {
      return iv == 1.0 ? 1.0 : iw;
    }
    if (Double.isInfinite(iw)) {
      double av = Math.abs(iv);
      if (av == 1.0) {
        return 1.0;
      } else if ((iw > 0.0) == (av > 1.0)) {
        return Math.abs(iw);
      } else {
        return 0.0;
      }
    }
    if (Double.isInfinite(iv)) {
      boolean odd = isOddInteger(iw);
      if (iw > 0.0) {
        return odd ? iv : Math.abs(iv);
      }
      return odd ? Math.copySign(0.0, iv) : 0.0;
    }
    if (iv == 0.0) {
      boolean odd = isOddInteger(iw);
      if (iw < 0.0) {
        throw PyException.zeroDivision("0.0 cannot be raised to a negative power");
      }
      return odd ? iv : 0.0;
    }
    boolean negate = false;
    if (iv < 0.0) {
      if (iw != Math.floor(iw)) {
        return complexPow(iv, iw);
      }
      iv = -iv;
      negate = isOddInteger(iw);
    }
    if (iv == 1.0) {
      return negate ? -1.0 : 1.0;
    }
    double ix = GlibcPow.pow(iv, iw);
    if (Double.isInfinite(ix)) {
      throw PyException.overflowError("(34, 'Numerical result out of range')");
    }
    return negate ? -ix : ix;
  }

  /** complex_pow of (iv+0j) ** (iw+0j) for a negative iv and a non-integral iw: _Py_c_pow. */
  private static Object complexPow(double iv, double iw) {
    double vabs = Math.abs(iv);
    double len = vabs == 1.0 ? 1.0 : GlibcPow.pow(vabs, iw);
    double phase = Math.PI * iw; // atan2(0.0, negative) is pi
    double[] cs = cosSin(phase);
    double re = len * cs[0];
    double im = len * cs[1];
    if (Double.isInfinite(re) || Double.isInfinite(im)) {
      throw PyException.overflowError("complex exponentiation");
    }
    return new PyComplex(re, im);
  }

  /** The fixed-point value {@code v * 2**-bits} (v &gt; 0, approximate) rounded to a double. */
  private static double fixedToDouble(BigInteger v, long bits) {
    if (v.signum() < 0) {
      return -fixedToDouble(v.negate(), bits);
    }
    if (v.signum() == 0) {
      return 0.0;
    }
    return PyNumbers.roundToDouble(v, -bits, true);
  }

  /**
   * cos(a) and sin(a), correctly rounded (by a Taylor series on mpmath's fixed-point pi): glibc's are within a hair
   * of half an ulp, so they agree but for rare cases.
   */
  private static double[] cosSin(double a) {
    if (a == 0) {
      return new double[] {1.0, a};
    }
    Mpf am = LibMpf.fromFloat(a);
    long mag = am.exp() + am.bc();
    long w = WORK_BITS + Math.max(0, mag) + Math.max(0, -am.exp()) + 20;
    BigInteger halfPi = LibElefun.piFixedUncached(w + 10).shiftRight(11);
    BigInteger x = LibMpf.toFixed(am, w);
    BigInteger k = LibIntMath.floorDiv(x.shiftLeft(1).add(halfPi), halfPi.shiftLeft(1));
    BigInteger r = x.subtract(k.multiply(halfPi));
    BigInteger r2 = LibIntMath.rshift(r.multiply(r), w);
    BigInteger one = BigInteger.ONE.shiftLeft((int) w);
    BigInteger cos = one;
    BigInteger sin = r;
    BigInteger ct = one;
    BigInteger st = r;
    for (int i = 1; ct.signum() != 0 || st.signum() != 0; i++) {
      ct = LibIntMath.rshift(ct.multiply(r2), w).divide(BigInteger.valueOf((2L * i - 1) * (2L * i))).negate();
      st = LibIntMath.rshift(st.multiply(r2), w).divide(BigInteger.valueOf((2L * i) * (2L * i + 1))).negate();
      cos = cos.add(ct);
      sin = sin.add(st);
    }
    double c = fixedToDouble(cos, w);
    double s = fixedToDouble(sin, w);
    return switch (k.mod(BigInteger.valueOf(4)).intValue()) {
      case 0 -> new double[] {c, s};
      case 1 -> new double[] {-s, c};
      case 2 -> new double[] {-c, -s};
      default -> new double[] {s, -c};
    };
  }
}
