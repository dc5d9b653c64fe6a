package io.shiq.bfcl.py.math;

import static io.shiq.bfcl.py.math.LibIntMath.lshift;
import static io.shiq.bfcl.py.math.LibIntMath.pow10;
import static io.shiq.bfcl.py.math.LibIntMath.rshift;
import static io.shiq.bfcl.py.math.Mpf.FINF;
import static io.shiq.bfcl.py.math.Mpf.FNAN;
import static io.shiq.bfcl.py.math.Mpf.FNINF;
import static io.shiq.bfcl.py.math.Mpf.FONE;
import static io.shiq.bfcl.py.math.Mpf.FTEN;
import static io.shiq.bfcl.py.math.Mpf.FZERO;

import io.shiq.bfcl.py.PyException;
import io.shiq.bfcl.py.PyNumbers;
import io.shiq.bfcl.py.PyStr;
import java.math.BigInteger;

/**
 * The raw-mpf functions of mpmath's {@code libmp/libmpf.py} (mpmath 1.3, pure-Python backend) that the ported
 * logarithm uses, operation by operation on the same integers: rounding ({@code normalize}), conversion from int,
 * float and str, add/mul/div/pow_int, and decimal printing ({@code to_str}).
 */
final class LibMpf {
  private LibMpf() {}

  // Rounding modes, as libmpf names them.
  static final char NEAREST = 'n';
  static final char FLOOR = 'f';
  static final char CEILING = 'c';
  static final char UP = 'u';
  static final char DOWN = 'd';
  /** libmpf's round_fast, the default of every libmp function called without a rounding mode. */
  static final char FAST = DOWN;

  /** Python's math.log(10, 2). */
  private static final double LOG2_10 = 3.3219280948873626;

  private static boolean shiftsDown(char rnd, int sign) {
    return switch (rnd) {
      case FLOOR -> sign == 0;
      case CEILING -> sign == 1;
      case DOWN -> true;
      case UP -> false;
      default -> throw new IllegalArgumentException("rounding " + rnd);
    };
  }

  /**
   * libmpf.normalize (and normalize1, which differs only in a shortcut for odd mantissas): rounds {@code man} to
   * {@code prec} bits in direction {@code rnd} and strips trailing zero bits. {@code man} is non-negative.
   */
  static Mpf normalize(int sign, BigInteger man, long exp, long prec, char rnd) {
    if (man.signum() == 0) {
      return FZERO;
    }
    long bc = man.bitLength();
    long n = bc - prec;
    if (n > 0) {
      if (rnd == NEAREST) {
        BigInteger t = rshift(man, n - 1);
        if (t.testBit(0) && (t.testBit(1) || man.getLowestSetBit() < n - 1)) {
          man = t.shiftRight(1).add(BigInteger.ONE);
        } else {
          man = t.shiftRight(1);
        }
      } else if (shiftsDown(rnd, sign)) {
        man = rshift(man, n);
      } else {
        man = rshift(man.negate(), n).negate();
      }
      exp += n;
    }
    int t = man.getLowestSetBit();
    if (t > 0) {
      man = man.shiftRight(t);
      exp += t;
    }
    return new Mpf(sign, man, exp, man.bitLength());
  }

  /** libmpf.from_man_exp: a signed mantissa; {@code prec} 0 keeps it exact. */
  static Mpf fromManExp(BigInteger man, long exp, long prec, char rnd) {
    int sign = man.signum() < 0 ? 1 : 0;
    man = man.abs();
    if (prec == 0) {
      if (man.signum() == 0) {
        return FZERO;
      }
      int t = man.getLowestSetBit();
      man = man.shiftRight(t);
      return new Mpf(sign, man, exp + t, man.bitLength());
    }
    return normalize(sign, man, exp, prec, rnd);
  }

  static Mpf fromInt(BigInteger n) {
    return fromManExp(n, 0, 0, FAST);
  }

  static Mpf fromInt(BigInteger n, long prec, char rnd) {
    return fromManExp(n, 0, prec, rnd);
  }

  /** libmpf.from_float: exact for every double (Python's frexp route gives the same value). */
  static Mpf fromFloat(double x) {
    if (Double.isNaN(x)) {
      return FNAN;
    }
    if (Double.isInfinite(x)) {
      return x > 0 ? FINF : FNINF;
    }
    if (x == 0) {
      return FZERO;
    }
    long bits = Double.doubleToRawLongBits(x);
    int e = (int) ((bits >>> 52) & 0x7ff);
    long frac = bits & 0xfffffffffffffL;
    long man = e == 0 ? frac : frac | (1L << 52);
    long exp = e == 0 ? -1074 : e - 1075;
    BigInteger m = BigInteger.valueOf(x < 0 ? -man : man);
    return fromManExp(m, exp, 53, FAST);
  }

  static Mpf pos(Mpf s, long prec, char rnd) {
    if (prec == 0 || s.special()) {
      return s;
    }
    return normalize(s.sign(), s.man(), s.exp(), prec, rnd);
  }

  static Mpf neg(Mpf s) {
    if (s.man().signum() == 0) {
      if (s.equals(FINF)) {
        return FNINF;
      }
      if (s.equals(FNINF)) {
        return FINF;
      }
      return s;
    }
    return new Mpf(1 - s.sign(), s.man(), s.exp(), s.bc());
  }

  static Mpf abs(Mpf s) {
    if (s.special()) {
      return s.equals(FNINF) ? FINF : s;
    }
    return s.sign() == 1 ? new Mpf(0, s.man(), s.exp(), s.bc()) : s;
  }

  static Mpf shift(Mpf s, long n) {
    if (s.man().signum() == 0) {
      return s;
    }
    return new Mpf(s.sign(), s.man(), s.exp() + n, s.bc());
  }

  static int signOf(Mpf s) {
    if (s.man().signum() == 0) {
      return s.equals(FINF) ? 1 : s.equals(FNINF) ? -1 : 0;
    }
    return s.sign() == 1 ? -1 : 1;
  }

  // ---- arithmetic (libmpf) ----

  /** libmpf.mpf_add; {@code prec} 0 is exact. */
  static Mpf add(Mpf s, Mpf t, long prec, char rnd, boolean sub) {
    int ssign = s.sign();
    BigInteger sman = s.man();
    long sexp = s.exp();
    long sbc = s.bc();
    int tsign = t.sign() ^ (sub ? 1 : 0);
    BigInteger tman = t.man();
    long texp = t.exp();
    long tbc = t.bc();
    if (sman.signum() != 0 && tman.signum() != 0) {
      long offset = sexp - texp;
      if (offset > 0) {
        if (offset > 100 && prec != 0) {
          long delta = sbc + sexp - tbc - texp;
          if (delta > prec + 4) {
            offset = prec + 4;
            sman = sman.shiftLeft((int) offset);
            sman = tsign == ssign ? sman.add(BigInteger.ONE) : sman.subtract(BigInteger.ONE);
            return normalize(ssign, sman, sexp - offset, prec, rnd);
          }
        }
        BigInteger man;
        if (ssign == tsign) {
          man = tman.add(lshift(sman, offset));
        } else {
          man = ssign == 1 ? tman.subtract(lshift(sman, offset)) : lshift(sman, offset).subtract(tman);
          if (man.signum() >= 0) {
            ssign = 0;
          } else {
            man = man.negate();
            ssign = 1;
          }
        }
        return normalize(ssign, man, texp, prec == 0 ? man.bitLength() : prec, rnd);
      } else if (offset < 0) {
        if (offset < -100 && prec != 0) {
          long delta = tbc + texp - sbc - sexp;
          if (delta > prec + 4) {
            offset = prec + 4;
            tman = tman.shiftLeft((int) offset);
            tman = ssign == tsign ? tman.add(BigInteger.ONE) : tman.subtract(BigInteger.ONE);
            return normalize(tsign, tman, texp - offset, prec, rnd);
          }
        }
        BigInteger man;
        if (ssign == tsign) {
          man = sman.add(lshift(tman, -offset));
        } else {
          man = tsign == 1 ? sman.subtract(lshift(tman, -offset)) : lshift(tman, -offset).subtract(sman);
          if (man.signum() >= 0) {
            ssign = 0;
          } else {
            man = man.negate();
            ssign = 1;
          }
        }
        return normalize(ssign, man, sexp, prec == 0 ? man.bitLength() : prec, rnd);
      }
      BigInteger man;
      if (ssign == tsign) {
        man = tman.add(sman);
      } else {
        man = ssign == 1 ? tman.subtract(sman) : sman.subtract(tman);
        if (man.signum() >= 0) {
          ssign = 0;
        } else {
          man = man.negate();
          ssign = 1;
        }
      }
      return normalize(ssign, man, texp, prec == 0 ? Math.max(1, man.bitLength()) : prec, rnd);
    }
    // Zeros and special numbers.
    if (sub) {
      t = neg(t);
    }
    if (sman.signum() == 0) {
      if (sexp != 0) {
        if (s.equals(t) || tman.signum() != 0 || texp == 0) {
          return s;
        }
        return FNAN;
      }
      if (tman.signum() != 0) {
        return normalize(t.sign(), tman, texp, prec == 0 ? tbc : prec, rnd);
      }
      return t;
    }
    if (texp != 0) {
      return t;
    }
    return normalize(ssign, sman, sexp, prec == 0 ? sbc : prec, rnd);
  }

  /** libmpf.python_mpf_mul; {@code prec} 0 is exact. */
  static Mpf mul(Mpf s, Mpf t, long prec, char rnd) {
    int sign = s.sign() ^ t.sign();
    BigInteger man = s.man().multiply(t.man());
    if (man.signum() != 0) {
      if (prec != 0) {
        return normalize(sign, man, s.exp() + t.exp(), prec, rnd);
      }
      return new Mpf(sign, man, s.exp() + t.exp(), man.bitLength());
    }
    boolean sSpecial = s.special();
    boolean tSpecial = t.special();
    if (!sSpecial && !tSpecial) {
      return FZERO;
    }
    if (s.equals(FNAN) || t.equals(FNAN)) {
      return FNAN;
    }
    if (tSpecial) {
      Mpf x = s;
      s = t;
      t = x;
    }
    if (t.equals(FZERO)) {
      return FNAN;
    }
    return signOf(s) * signOf(t) == 1 ? FINF : FNINF;
  }

  /** libmpf.mpf_div: ZeroDivisionError (with no message) for a zero divisor. */
  static Mpf div(Mpf s, Mpf t, long prec, char rnd) {
    BigInteger sman = s.man();
    BigInteger tman = t.man();
    if (sman.signum() == 0 || tman.signum() == 0) {
      if (s.equals(FZERO)) {
        if (t.equals(FZERO)) {
          throw PyException.zeroDivision("");
        }
        if (t.equals(FNAN)) {
          return FNAN;
        }
        return FZERO;
      }
      if (t.equals(FZERO)) {
        throw PyException.zeroDivision("");
      }
      boolean sSpecial = s.special();
      boolean tSpecial = t.special();
      if (sSpecial && tSpecial) {
        return FNAN;
      }
      if (s.equals(FNAN) || t.equals(FNAN)) {
        return FNAN;
      }
      if (!tSpecial) {
        return signOf(s) * signOf(t) == 1 ? FINF : FNINF;
      }
      return FZERO;
    }
    int sign = s.sign() ^ t.sign();
    if (tman.equals(BigInteger.ONE)) {
      return normalize(sign, sman, s.exp() - t.exp(), prec, rnd);
    }
    long extra = prec - s.bc() + t.bc() + 5;
    if (extra < 5) {
      extra = 5;
    }
    BigInteger[] qr = lshift(sman, extra).divideAndRemainder(tman);
    BigInteger quot = qr[0];
    if (qr[1].signum() != 0) {
      quot = quot.shiftLeft(1).add(BigInteger.ONE);
      extra += 1;
    }
    return normalize(sign, quot, s.exp() - t.exp() - extra, prec, rnd);
  }

  private static char reciprocalRnd(char rnd) {
    return switch (rnd) {
      case DOWN -> UP;
      case UP -> DOWN;
      case FLOOR -> CEILING;
      case CEILING -> FLOOR;
      default -> NEAREST;
    };
  }

  /** libmpf.mpf_pow_int. */
  static Mpf powInt(Mpf s, long n, long prec, char rnd) {
    if (s.special()) {
      if (s.equals(FINF)) {
        return n > 0 ? s : n == 0 ? FNAN : FZERO;
      }
      if (s.equals(FNINF)) {
        return n > 0 ? ((n & 1) == 1 ? FNINF : FINF) : n == 0 ? FNAN : FZERO;
      }
      return FNAN;
    }
    if (n == 0) {
      return FONE;
    }
    if (n == 1) {
      return pos(s, prec, rnd);
    }
    if (n == 2) {
      if (s.man().signum() == 0) {
        return FZERO;
      }
      BigInteger man = s.man().multiply(s.man());
      if (man.equals(BigInteger.ONE)) {
        return new Mpf(0, BigInteger.ONE, s.exp() + s.exp(), 1);
      }
      return normalize(0, man, s.exp() + s.exp(), prec, rnd);
    }
    if (n == -1) {
      return div(FONE, s, prec, rnd);
    }
    if (n < 0) {
      Mpf inverse = powInt(s, -n, prec + 5, reciprocalRnd(rnd));
      return div(FONE, inverse, prec, rnd);
    }
    int resultSign = (int) (s.sign() & n);
    BigInteger man = s.man();
    long exp = s.exp();
    long bc = s.bc();
    if (man.equals(BigInteger.ONE)) {
      return new Mpf(resultSign, BigInteger.ONE, exp * n, 1);
    }
    if (bc * n < 1000) {
      man = man.pow((int) n);
      return normalize(resultSign, man, exp * n, prec, rnd);
    }
    boolean roundsDown = rnd == NEAREST || shiftsDown(rnd, resultSign);
    long workprec = prec + 4L * (64 - Long.numberOfLeadingZeros(n)) + 4;
    BigInteger pm = BigInteger.ONE;
    long pe = 0;
    while (true) {
      if ((n & 1) == 1) {
        pm = pm.multiply(man);
        pe = pe + exp;
        long pbc = pm.bitLength();
        if (pbc > workprec) {
          pm = roundsDown ? rshift(pm, pbc - workprec) : rshift(pm.negate(), pbc - workprec).negate();
          pe += pbc - workprec;
        }
        n -= 1;
        if (n == 0) {
          break;
        }
      }
      man = man.multiply(man);
      exp = exp + exp;
      bc = man.bitLength();
      if (bc > workprec) {
        man = roundsDown ? rshift(man, bc - workprec) : rshift(man.negate(), bc - workprec).negate();
        exp += bc - workprec;
      }
      n = n / 2;
    }
    return normalize(resultSign, pm, pe, prec, rnd);
  }

  static BigInteger toFixed(Mpf s, long prec) {
    long offset = s.exp() + prec;
    BigInteger man = s.sign() == 1 ? s.man().negate() : s.man();
    return lshift(man, offset);
  }

  /** libmpf.to_int with the default rounding (toward zero). */
  static BigInteger toInt(Mpf s) {
    if (s.special()) {
      throw PyException.valueError("cannot convert inf or nan to int");
    }
    if (s.exp() >= 0) {
      return lshift(s.sign() == 1 ? s.man().negate() : s.man(), s.exp());
    }
    BigInteger m = rshift(s.man(), -s.exp());
    return s.sign() == 1 ? m.negate() : m;
  }

  /** libmpf.from_str (decimal literals, "p/q", inf and nan), rounding to {@code prec} bits. */
  static Mpf fromStr(String text, long prec, char rnd) {
    String x = PyStr.lower(PyStr.strip(text));
    switch (x) {
      case "inf", "+inf" -> {
        return FINF;
      }
      case "-inf" -> {
        return FNINF;
      }
      case "nan" -> {
        return FNAN;
      }
      default -> { }
    }
    if (x.contains("/")) {
      String[] pq = x.split("/", -1);
      if (pq.length != 2) {
        throw PyException.valueError("too many values to unpack (expected 2)");
      }
      BigInteger p = PyNumbers.parseInt(PyStr.rstrip(pq[0], 'l'));
      BigInteger q = PyNumbers.parseInt(PyStr.rstrip(pq[1], 'l'));
      return div(fromInt(p), fromInt(q), prec, rnd);
    }
    // str_to_man_exp
    x = PyStr.rstrip(PyStr.lower(x), 'l');
    PyNumbers.parseFloat(x); // float(x) validates the literal
    String[] parts = x.split("e", -1);
    long exp;
    if (parts.length == 1) {
      exp = 0;
    } else {
      x = parts[0];
      exp = PyNumbers.parseInt(parts[1]).longValueExact();
    }
    String[] dot = x.split("\\.", -1);
    if (dot.length == 2) {
      String b = PyStr.rstrip(dot[1], '0');
      exp -= b.length();
      x = dot[0] + b;
    }
    BigInteger man = PyNumbers.parseInt(x);
    if (Math.abs(exp) > 400) {
      Mpf s = fromInt(man, prec + 10, FAST);
      return mul(s, powInt(FTEN, exp, prec + 10, FAST), prec, rnd);
    }
    if (exp >= 0) {
      return fromInt(man.multiply(pow10(exp)), prec, rnd);
    }
    return div(fromInt(man), fromInt(pow10(-exp)), prec, rnd);
  }

  // ---- printing (libmpf.to_str) ----

  /** to_digits_exp(s, dps): sign, digits (rounded toward zero), decimal exponent. */
  private static Object[] toDigitsExp(Mpf s, long dps) {
    String sign = "";
    if (s.sign() == 1) {
      sign = "-";
      s = neg(s);
    }
    if (s.man().signum() == 0) {
      return new Object[] {"", "0", 0L};
    }
    long bitprec = (long) (dps * LOG2_10) + 10;
    long expFrom1 = s.exp() + s.bc();
    long exponent = 0;
    if (Math.abs(expFrom1) > 3500) {
      long e = s.exp();
      long expprec = (64 - Long.numberOfLeadingZeros(Math.abs(e))) + 5;
      Mpf tmp = fromInt(BigInteger.valueOf(e));
      tmp = mul(tmp, LibElefun.ln2(expprec, FAST), 0, FAST);
      tmp = div(tmp, LibElefun.ln10(expprec, FAST), expprec, FAST);
      long b = toInt(tmp).longValueExact();
      s = div(s, powInt(FTEN, b, bitprec, FAST), bitprec, FAST);
      exponent = b;
    }
    long fixprec = Math.max(bitprec - s.exp() - s.bc(), 0);
    long fixdps = (long) (fixprec / LOG2_10 + 0.5);
    BigInteger sf = toFixed(s, fixprec);
    BigInteger sd = rshift(sf.multiply(pow10(fixdps)), fixprec);
    String digits = sd.toString();
    exponent += digits.length() - fixdps - 1;
    return new Object[] {sign, digits, exponent};
  }

  /** libmpf.to_str(s, dps) with its defaults. */
  static String toStr(Mpf s, long dps) {
    if (s.man().signum() == 0) {
      if (s.equals(FZERO)) {
        return dps != 0 ? "0.0" : ".0";
      }
      if (s.equals(FINF)) {
        return "+inf";
      }
      if (s.equals(FNINF)) {
        return "-inf";
      }
      if (s.equals(FNAN)) {
        return "nan";
      }
      throw PyException.valueError("");
    }
    long minFixed = Math.min(-Math.floorDiv(dps, 3), -5);
    long maxFixed = dps;
    Object[] sde = toDigitsExp(s, dps + 3);
    String sign = (String) sde[0];
    String digits = (String) sde[1];
    long exponent = (Long) sde[2];
    if (dps == 0) {
      if ("56789".indexOf(digits.charAt(0)) >= 0) {
        exponent += 1;
      }
      digits = ".0";
    } else {
      int d = (int) dps;
      if (digits.length() > d && "56789".indexOf(digits.charAt(d)) >= 0) {
        digits = digits.substring(0, d);
        int i = d - 1;
        while (i >= 0 && digits.charAt(i) == '9') {
          i -= 1;
        }
        if (i >= 0) {
          digits = digits.substring(0, i) + (char) (digits.charAt(i) + 1) + "0".repeat(d - i - 1);
        } else {
          digits = "1" + "0".repeat(d - 1);
          exponent += 1;
        }
      } else if (digits.length() > d) {
        digits = digits.substring(0, d);
      }
      int split;
      if (minFixed < exponent && exponent < maxFixed) {
        if (exponent < 0) {
          digits = "0".repeat((int) -exponent) + digits;
          split = 1;
        } else {
          split = (int) exponent + 1;
          if (split > d) {
            digits += "0".repeat(split - d);
          }
        }
        exponent = 0;
      } else {
        split = 1;
      }
      digits = digits.substring(0, Math.min(split, digits.length())) + "."
          + (split < digits.length() ? digits.substring(split) : "");
      digits = PyStr.rstrip(digits, '0');
      if (digits.endsWith(".")) {
        digits += "0";
      }
    }
    if (exponent == 0 && dps != 0) {
      return sign + digits;
    }
    if (exponent >= 0) {
      return sign + digits + "e+" + exponent;
    }
    return sign + digits + "e" + exponent;
  }

  /** libmpf.prec_to_dps. */
  static long precToDps(long n) {
    return Math.max(1, (long) Math.rint(n / 3.3219280948873626) - 1);
  }

  /** libmpf.repr_dps. */
  static long reprDps(long n) {
    long dps = precToDps(n);
    return dps == 15 ? 17 : dps + 3;
  }
}
