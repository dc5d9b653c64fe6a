package io.shiq.bfcl.py.math;

import static io.shiq.bfcl.py.math.LibIntMath.floorDiv;
import static io.shiq.bfcl.py.math.LibIntMath.isqrtFast;
import static io.shiq.bfcl.py.math.LibIntMath.lshift;
import static io.shiq.bfcl.py.math.LibIntMath.rshift;
import static io.shiq.bfcl.py.math.LibMpf.CEILING;
import static io.shiq.bfcl.py.math.LibMpf.NEAREST;
import static io.shiq.bfcl.py.math.LibMpf.UP;
import static io.shiq.bfcl.py.math.LibMpf.fromManExp;
import static io.shiq.bfcl.py.math.LibMpf.normalize;
import static io.shiq.bfcl.py.math.LibMpf.pos;
import static io.shiq.bfcl.py.math.LibMpf.shift;
import static io.shiq.bfcl.py.math.LibMpf.toFixed;
import static io.shiq.bfcl.py.math.Mpf.FINF;
import static io.shiq.bfcl.py.math.Mpf.FNAN;
import static io.shiq.bfcl.py.math.Mpf.FNINF;
import static io.shiq.bfcl.py.math.Mpf.FZERO;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;

/**
 * The parts of mpmath's {@code libmp/libelefun.py} (mpmath 1.3, pure-Python backend) that the ported logarithm uses:
 * the constants ln 2, ln 10 and pi with their process-wide memo ({@code constant_memo}), and {@code mpf_log} (Taylor
 * series with cached points up to 2500 bits, AGM beyond).
 */
final class LibElefun {
  private LibElefun() {}

  private static final int LOG_TAYLOR_PREC = 2500;
  private static final int LOG_TAYLOR_SHIFT = 9;
  private static final int LOG_AGM_MAG_PREC_RATIO = 20;
  private static final BigInteger TWO = BigInteger.TWO;
  private static final BigInteger CHUD_A = BigInteger.valueOf(13591409);
  private static final BigInteger CHUD_B = BigInteger.valueOf(545140134);
  private static final BigInteger CHUD_C = BigInteger.valueOf(640320);
  private static final BigInteger CHUD_D = BigInteger.valueOf(12);
  private static final int[] CACHE_PREC_STEPS = cachePrecSteps();
  private static final Map<List<Integer>, BigInteger[]> LOG_TAYLOR_CACHE = new ConcurrentHashMap<>();
  private static final Memo LN2 = new Memo(p -> machin(new long[][] {{18, 26}, {-2, 4801}, {8, 8749}}, p));
  private static final Memo LN10 = new Memo(p -> machin(new long[][] {{46, 31}, {34, 49}, {20, 161}}, p));
  private static final Memo PI = new Memo(LibElefun::piFixedUncached);

  /** libelefun.constant_memo: one process-wide memo per constant, as in Python. */
  private static final class Memo {
    private final LongFunction<BigInteger> f;
    private long memoPrec = -1;
    private BigInteger memoVal;

    Memo(LongFunction<BigInteger> f) {
      this.f = f;
    }

    synchronized BigInteger get(long prec) {
      if (prec <= memoPrec) {
        return rshift(memoVal, memoPrec - prec);
      }
      long newprec = (long) (prec * 1.05 + 10);
      memoVal = f.apply(newprec);
      memoPrec = newprec;
      return rshift(memoVal, newprec - prec);
    }
  }

  static BigInteger ln2Fixed(long prec) {
    return LN2.get(prec);
  }

  static BigInteger piFixed(long prec) {
    return PI.get(prec);
  }

  /** bsp_acot(q, a, b, hyperbolic=True): p, q, r. */
  private static BigInteger[] bspAcot(BigInteger q, long a, long b) {
    if (b - a == 1) {
      BigInteger a1 = BigInteger.valueOf(2 * a + 3);
      return new BigInteger[] {BigInteger.ONE, a1.multiply(q.multiply(q)), a1};
    }
    long m = Math.floorDiv(a + b, 2);
    BigInteger[] x = bspAcot(q, a, m);
    BigInteger[] y = bspAcot(q, m, b);
    return new BigInteger[] {y[1].multiply(x[0]).add(x[2].multiply(y[0])), x[1].multiply(y[1]),
        x[2].multiply(y[2])};
  }

  /** acot_fixed(a, prec, hyperbolic=True). */
  private static BigInteger acothFixed(long a, long prec) {
    long n = (long) (0.35 * prec / Math.log(a) + 20);
    BigInteger[] pqr = bspAcot(BigInteger.valueOf(a), 0, n);
    return floorDiv(pqr[0].add(pqr[1]).shiftLeft((int) prec), pqr[1].multiply(BigInteger.valueOf(a)));
  }

  /** machin(coefs, prec, hyperbolic=True). */
  private static BigInteger machin(long[][] coefs, long prec) {
    int extraprec = 10;
    BigInteger s = BigInteger.ZERO;
    for (long[] c : coefs) {
      s = s.add(BigInteger.valueOf(c[0]).multiply(acothFixed(c[1], prec + extraprec)));
    }
    return s.shiftRight(extraprec);
  }

  /** bs_chudnovsky(a, b): g, p, q. */
  private static BigInteger[] bsChudnovsky(long a, long b) {
    if (b - a == 1) {
      BigInteger bb = BigInteger.valueOf(b);
      BigInteger g = BigInteger.valueOf(6 * b - 5).multiply(BigInteger.valueOf(2 * b - 1))
          .multiply(BigInteger.valueOf(6 * b - 1));
      BigInteger p = floorDiv(bb.pow(3).multiply(CHUD_C.pow(3)), BigInteger.valueOf(24));
      BigInteger q = g.multiply(CHUD_A.add(CHUD_B.multiply(bb)));
      if ((b & 1) == 1) {
        q = q.negate();
      }
      return new BigInteger[] {g, p, q};
    }
    long mid = Math.floorDiv(a + b, 2);
    BigInteger[] x = bsChudnovsky(a, mid);
    BigInteger[] y = bsChudnovsky(mid, b);
    return new BigInteger[] {x[0].multiply(y[0]), x[1].multiply(y[1]),
        x[2].multiply(y[1]).add(y[2].multiply(x[0]))};
  }

  static BigInteger piFixedUncached(long prec) {
    long n = (long) (prec / 3.3219280948 / 14.181647462 + 2);
    BigInteger[] gpq = bsChudnovsky(0, n);
    BigInteger p = gpq[1];
    BigInteger q = gpq[2];
    BigInteger sqrtC = isqrtFast(CHUD_C.shiftLeft((int) (2 * prec)));
    return floorDiv(p.multiply(CHUD_C).multiply(sqrtC), q.add(CHUD_A.multiply(p)).multiply(CHUD_D));
  }

  /** def_mpf_constant: the mpf of a fixed-point constant. */
  private static Mpf constant(Memo fixed, long prec, char rnd) {
    long wp = prec + 20;
    BigInteger v = fixed.get(wp);
    if (rnd == UP || rnd == CEILING) {
      v = v.add(BigInteger.ONE);
    }
    return normalize(0, v, -wp, prec, rnd);
  }

  static Mpf pi(long prec, char rnd) {
    return constant(PI, prec, rnd);
  }

  static Mpf ln2(long prec, char rnd) {
    return constant(LN2, prec, rnd);
  }

  static Mpf ln10(long prec, char rnd) {
    return constant(LN10, prec, rnd);
  }

  // ---- logarithm (libelefun) ----

  private static int[] cachePrecSteps() {
    List<Integer> steps = new ArrayList<>(List.of(22, 22));
    int bits = 32 - Integer.numberOfLeadingZeros(LOG_TAYLOR_PREC);
    for (int k = 1; k <= bits; k++) {
      int v = Math.min(1 << k, LOG_TAYLOR_PREC) + 20;
      for (int i = 0; i < 1 << (k - 1); i++) {
        steps.add(v);
      }
    }
    return steps.stream().mapToInt(Integer::intValue).toArray();
  }

  /** log_taylor(x, prec, r): fixed-point log of x near 1, after r square roots. */
  static BigInteger logTaylor(BigInteger x, long prec, int r) {
    for (int i = 0; i < r; i++) {
      x = isqrtFast(lshift(x, prec));
    }
    BigInteger one = BigInteger.ONE.shiftLeft((int) prec);
    BigInteger v = floorDiv(lshift(x.subtract(one), prec), x.add(one));
    boolean negative = v.signum() < 0;
    if (negative) {
      v = v.negate();
    }
    BigInteger s = lshift(atanhSeries(v, prec), 1 + r);
    return negative ? s.negate() : s;
  }

  /**
   * The series both log_taylor functions sum, written out in each of them in mpmath: v + v**3/3 + v**5/5 + ... in
   * fixed point, with the terms at 4k+1 and 4k+3 in two sums, the second multiplied by v**2 at the end, and the same
   * floor divisions and shifts.
   */
  private static BigInteger atanhSeries(BigInteger v, long prec) {
    BigInteger v2 = rshift(v.multiply(v), prec);
    BigInteger v4 = rshift(v2.multiply(v2), prec);
    BigInteger s0 = v;
    BigInteger s1 = floorDiv(v, BigInteger.valueOf(3));
    v = rshift(v.multiply(v4), prec);
    long k = 5;
    while (v.signum() != 0) {
      s0 = s0.add(floorDiv(v, BigInteger.valueOf(k)));
      k += 2;
      s1 = s1.add(floorDiv(v, BigInteger.valueOf(k)));
      v = rshift(v.multiply(v4), prec);
      k += 2;
    }
    s1 = rshift(s1.multiply(v2), prec);
    return s0.add(s1);
  }

  /** log_taylor_cached(x, prec): x in (0.5, 2) as a fixed-point number, prec at most LOG_TAYLOR_PREC. */
  static BigInteger logTaylorCached(BigInteger x, long prec) {
    BigInteger n = rshift(x, prec - LOG_TAYLOR_SHIFT);
    int cachedPrec = CACHE_PREC_STEPS[(int) prec];
    long dprec = cachedPrec - prec;
    BigInteger[] cached = LOG_TAYLOR_CACHE.computeIfAbsent(List.of(n.intValueExact(), cachedPrec), key -> {
      BigInteger a = lshift(n, cachedPrec - LOG_TAYLOR_SHIFT);
      return new BigInteger[] {a, logTaylor(a, cachedPrec, 8)};
    });
    BigInteger a = rshift(cached[0], dprec);
    BigInteger logA = rshift(cached[1], dprec);
    BigInteger u = floorDiv(lshift(x.subtract(a), prec), a);
    BigInteger v = floorDiv(lshift(u, prec), TWO.shiftLeft((int) prec).add(u));
    BigInteger s = atanhSeries(v, prec).shiftLeft(1);
    return logA.add(s);
  }

  /** agm_fixed(a, b, prec). */
  private static BigInteger agmFixed(BigInteger a, BigInteger b) {
    int i = 0;
    BigInteger eight = BigInteger.valueOf(8);
    while (true) {
      BigInteger anew = a.add(b).shiftRight(1);
      if (i > 4 && a.subtract(anew).abs().compareTo(eight) < 0) {
        return a;
      }
      b = isqrtFast(a.multiply(b));
      a = anew;
      i += 1;
    }
  }

  /** log_agm(x, prec): -log(x) for 0 &lt; x &lt; 1 in fixed point. */
  private static BigInteger logAgm(BigInteger x, long prec) {
    BigInteger x2 = rshift(x.multiply(x), prec);
    BigInteger s = x2;
    BigInteger a = x2;
    BigInteger b = x2;
    while (a.signum() != 0) {
      b = rshift(b.multiply(x2), prec);
      a = rshift(a.multiply(b), prec);
      s = s.add(a);
    }
    s = s.add(BigInteger.ONE.shiftLeft((int) prec));
    s = rshift(s.multiply(s), prec - 2);
    s = rshift(s.multiply(isqrtFast(lshift(x, prec))), prec);
    BigInteger t = x;
    a = x;
    b = x;
    while (a.signum() != 0) {
      b = rshift(b.multiply(x2), prec);
      a = rshift(a.multiply(b), prec);
      t = t.add(a);
    }
    t = BigInteger.ONE.shiftLeft((int) prec).add(t.shiftLeft(1));
    t = rshift(t.multiply(t), prec);
    BigInteger p = agmFixed(s, t);
    return floorDiv(lshift(piFixed(prec), prec), p);
  }

  /** Signals libelefun's ComplexResult (the logarithm of a negative number). */
  static final class ComplexResult extends RuntimeException {
    ComplexResult() {
      super("logarithm of a negative number", null, false, false);
    }
  }

  /** libelefun.mpf_log. */
  static Mpf log(Mpf x, long prec, char rnd) {
    int sign = x.sign();
    BigInteger man = x.man();
    long exp = x.exp();
    long bc = x.bc();
    if (man.signum() == 0) {
      if (x.equals(FZERO)) {
        return FNINF;
      }
      if (x.equals(FINF)) {
        return FINF;
      }
      if (x.equals(FNAN)) {
        return FNAN;
      }
    }
    if (sign == 1) {
      throw new ComplexResult();
    }
    long wp = prec + 20;
    if (man.equals(BigInteger.ONE)) {
      if (exp == 0) {
        return FZERO;
      }
      return fromManExp(BigInteger.valueOf(exp).multiply(ln2Fixed(wp)), -wp, prec, rnd);
    }
    long mag = exp + bc;
    long absMag = Math.abs(mag);
    if (absMag <= 1) {
      long tsign = 1 - absMag;
      BigInteger tman = tsign != 0 ? BigInteger.ONE.shiftLeft((int) bc).subtract(man)
          : man.subtract(BigInteger.ONE.shiftLeft((int) (bc - 1)));
      long tbc = tman.bitLength();
      long cancellation = bc - tbc;
      if (cancellation > wp) {
        Mpf t = normalize((int) tsign, tman, absMag - bc, tbc, NEAREST);
        return pos(t, prec, rnd); // mpf_perturb with rounding to nearest
      }
      wp += cancellation;
    }
    if (absMag > 10000) {
      if (64 - Long.numberOfLeadingZeros(absMag) > wp) {
        return fromManExp(BigInteger.valueOf(exp).multiply(ln2Fixed(wp)), -wp, prec, rnd);
      }
    }
    BigInteger m;
    if (wp <= LOG_TAYLOR_PREC) {
      m = logTaylorCached(lshift(man, wp - bc), wp);
      if (mag != 0) {
        m = m.add(BigInteger.valueOf(mag).multiply(ln2Fixed(wp)));
      }
    } else {
      long optimalMag = Math.floorDiv(-wp, LOG_AGM_MAG_PREC_RATIO);
      long n = optimalMag - mag;
      Mpf xs = shift(x, n);
      wp += -optimalMag;
      m = logAgm(toFixed(xs, wp), wp).negate();
      m = m.subtract(BigInteger.valueOf(n).multiply(ln2Fixed(wp)));
    }
    return fromManExp(m, -wp, prec, rnd);
  }
}
