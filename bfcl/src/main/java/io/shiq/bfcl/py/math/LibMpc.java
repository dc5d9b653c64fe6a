package io.shiq.bfcl.py.math;

import static io.shiq.bfcl.py.math.LibElefun.log;
import static io.shiq.bfcl.py.math.LibElefun.pi;
import static io.shiq.bfcl.py.math.LibMpf.FAST;
import static io.shiq.bfcl.py.math.LibMpf.abs;
import static io.shiq.bfcl.py.math.LibMpf.add;
import static io.shiq.bfcl.py.math.LibMpf.div;
import static io.shiq.bfcl.py.math.LibMpf.mul;
import static io.shiq.bfcl.py.math.LibMpf.neg;
import static io.shiq.bfcl.py.math.LibMpf.signOf;
import static io.shiq.bfcl.py.math.Mpf.FINF;
import static io.shiq.bfcl.py.math.Mpf.FNAN;
import static io.shiq.bfcl.py.math.Mpf.FNINF;
import static io.shiq.bfcl.py.math.Mpf.FZERO;

/**
 * The complex functions of mpmath's {@code libmp/libmpc.py} (mpmath 1.3) that the ported logarithm uses: the
 * logarithm of a negative real and complex division.
 */
final class LibMpc {
  private LibMpc() {}

  static Mpc logOfReal(Mpf x, long prec, char rnd) {
    Mpf re;
    if (x.man().signum() == 0) {
      // log_hypot with both parts inf/nan/0
      re = x.equals(FZERO) ? FNINF : x.equals(FNAN) ? FNAN : FINF;
    } else {
      re = log(abs(x), prec, rnd);
    }
    Mpf im;
    if (!x.equals(FNAN)) {
      im = signOf(x) >= 0 ? FZERO : pi(prec, rnd);
    } else {
      im = FNAN;
    }
    return new Mpc(re, im);
  }

  /** libmpc.mpc_div_mpf. */
  static Mpc divMpcMpf(Mpc z, Mpf p, long prec, char rnd) {
    return new Mpc(div(z.re(), p, prec, rnd), div(z.im(), p, prec, rnd));
  }

  /** libmpc.mpc_mpf_div: p / z for a real p. */
  static Mpc divMpfMpc(Mpf p, Mpc z, long prec, char rnd) {
    Mpf a = z.re();
    Mpf b = z.im();
    Mpf m = add(mul(a, a, 0, FAST), mul(b, b, 0, FAST), prec + 10, FAST, false);
    Mpf re = div(mul(a, p, 0, FAST), m, prec, rnd);
    Mpf im = div(neg(mul(b, p, 0, FAST)), m, prec, rnd);
    return new Mpc(re, im);
  }

  /** libmpc.mpc_div. */
  static Mpc divMpc(Mpc z, Mpc w, long prec, char rnd) {
    Mpf a = z.re();
    Mpf b = z.im();
    Mpf c = w.re();
    Mpf d = w.im();
    long wp = prec + 10;
    Mpf mag = add(mul(c, c, 0, FAST), mul(d, d, 0, FAST), wp, FAST, false);
    Mpf t = add(mul(a, c, 0, FAST), mul(b, d, 0, FAST), wp, FAST, false);
    Mpf u = add(mul(b, c, 0, FAST), mul(a, d, 0, FAST), wp, FAST, true);
    return new Mpc(div(t, mag, prec, rnd), div(u, mag, prec, rnd));
  }
}
