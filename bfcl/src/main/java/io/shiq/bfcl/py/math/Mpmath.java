package io.shiq.bfcl.py.math;

import io.shiq.bfcl.py.PyException;
import io.shiq.bfcl.py.PyMpf;
import io.shiq.bfcl.py.PyNumbers;
import io.shiq.bfcl.py.PyRepr;
import io.shiq.bfcl.py.PyStr;
import io.shiq.bfcl.py.PyTypes;
import java.math.BigInteger;

/**
 * mpmath's {@code mp} context as BFCL's MathAPI uses it: setting {@code mp.dps}, converting the arguments
 * ({@code ctx.convert}), {@code ln} and the division of two logarithms, and the texts of the mpf or mpc result.
 *
 * <p>With {@link LibIntMath}, {@link LibMpf}, {@link LibElefun} and {@link LibMpc}, this is the part of mpmath 1.3
 * (pure-Python backend, {@code libmp}) that {@code mpmath.log(value) / mpmath.log(base)} runs, ported operation by
 * operation on the same integers, so that results carry the same bits as Python's: raw mpf values
 * {@code (sign, man, exp, bc)}, their rounding ({@code normalize}), conversion from int, float and str, add/mul/div,
 * {@code mpf_log} (Taylor series with cached points up to 2500 bits, AGM beyond), the constants ln 2, ln 10 and pi
 * with mpmath's memo ({@code constant_memo}), the complex logarithm of a negative real, complex division, and
 * decimal printing ({@code to_str}). mpmath is Copyright (c) 2005-2021 Fredrik Johansson and mpmath contributors,
 * BSD 3-Clause (see the module's NOTICE file).
 */
public final class Mpmath {
  /** Beyond this many bits (about 20 million digits) Python would run for hours; this port refuses. */
  private static final long MAX_BITS = 1L << 26;

  private Mpmath() {}

  /**
   * {@code mpmath.mp.dps = precision; mpmath.log(value) / mpmath.log(base)}: the quotient (an mpc when either
   * logarithm is complex) with the texts Python prints for it at that precision.
   */
  public static PyMpf logQuotient(Object value, Object base, Object precision) {
    // mpmath.mp.dps = precision: prec = dps_to_prec(n), dps = max(1, int(n))
    BigInteger n = PyNumbers.toInt(precision);
    double bits = PyNumbers.toDouble(PyNumbers.intValue(n.add(BigInteger.ONE))) * 3.3219280948873626;
    if (Double.isInfinite(bits)) {
      throw PyException.overflowError("cannot convert float infinity to integer");
    }
    long prec = Math.max(1, (long) Math.rint(bits));
    if (prec > MAX_BITS) {
      throw new IllegalStateException("mpmath precision of " + prec + " bits is beyond this port");
    }
    long dps = Math.max(1, n.longValue());
    Object lv = ln(convert(value, prec), prec);
    Object lb = ln(convert(base, prec), prec);
    Object r;
    if (lv instanceof Mpf x && lb instanceof Mpf y) {
      r = LibMpf.div(x, y, prec, LibMpf.NEAREST);
    } else if (lv instanceof Mpc z && lb instanceof Mpf y) {
      r = LibMpc.divMpcMpf(z, y, prec, LibMpf.NEAREST);
    } else if (lv instanceof Mpf x && lb instanceof Mpc w) {
      r = LibMpc.divMpfMpc(x, w, prec, LibMpf.NEAREST);
    } else {
      r = LibMpc.divMpc((Mpc) lv, (Mpc) lb, prec, LibMpf.NEAREST);
    }
    return r instanceof Mpf x ? value(x, dps, prec) : value((Mpc) r, dps, prec);
  }

  /** mpmath's ctx.convert of an argument: ints and floats exactly, strings rounded to the working precision. */
  private static Mpf convert(Object x, long prec) {
    if (PyTypes.isInt(x)) {
      return LibMpf.fromInt(PyNumbers.toBigInteger(x));
    }
    if (x instanceof Double d) {
      return LibMpf.fromFloat(d);
    }
    if (x instanceof String s) {
      try {
        return LibMpf.fromStr(s, prec, LibMpf.NEAREST);
      } catch (PyException e) {
        if (!e.type().equals("ValueError")) {
          throw e;
        }
      }
      if (PyStr.lower(s).contains("j")) {
        // _convert_fallback parses a complex literal; its logarithm needs mpmath's atan, not ported.
        throw new UnsupportedOperationException("mpmath complex string arguments are not ported: " + s);
      }
    }
    throw PyException.typeError("cannot create mpf from " + PyRepr.repr(x));
  }

  /** ctx.ln: mpf_log, or mpc_log when the argument is negative (ComplexResult). */
  private static Object ln(Mpf x, long prec) {
    try {
      return LibElefun.log(x, prec, LibMpf.NEAREST);
    } catch (LibElefun.ComplexResult e) {
      return LibMpc.logOfReal(x, prec, LibMpf.NEAREST);
    }
  }

  /** mpf.__str__ and __repr__ at the given context (dps for str, prec for repr). */
  private static PyMpf value(Mpf x, long dps, long prec) {
    return new PyMpf(LibMpf.toStr(x, dps), "mpf('" + LibMpf.toStr(x, LibMpf.reprDps(prec)) + "')");
  }

  /** mpc.__str__ and __repr__. */
  private static PyMpf value(Mpc z, long dps, long prec) {
    String rs = LibMpf.toStr(z.re(), dps);
    String str = z.im().sign() == 1 ? rs + " - " + LibMpf.toStr(LibMpf.neg(z.im()), dps) + "j"
        : rs + " + " + LibMpf.toStr(z.im(), dps) + "j";
    long rd = LibMpf.reprDps(prec);
    String repr = "mpc(real='" + LibMpf.toStr(z.re(), rd) + "', imag='" + LibMpf.toStr(z.im(), rd) + "')";
    return new PyMpf("(" + str + ")", repr);
  }
}
