package io.shiq.bfcl.py.math;

import java.math.BigInteger;

/** A raw mpf: {@code (-1)**sign * man * 2**exp}, {@code bc} the bit count of {@code man}. */
record Mpf(int sign, BigInteger man, long exp, long bc) {
  static final Mpf FZERO = new Mpf(0, BigInteger.ZERO, 0, 0);
  static final Mpf FONE = new Mpf(0, BigInteger.ONE, 0, 1);
  static final Mpf FTEN = new Mpf(0, BigInteger.valueOf(5), 1, 3);
  static final Mpf FNAN = new Mpf(0, BigInteger.ZERO, -123, -1);
  static final Mpf FINF = new Mpf(0, BigInteger.ZERO, -456, -2);
  static final Mpf FNINF = new Mpf(1, BigInteger.ZERO, -789, -3);

  boolean special() {
    return man.signum() == 0 && exp != 0;
  }
}

