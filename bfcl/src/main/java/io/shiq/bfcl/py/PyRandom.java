package io.shiq.bfcl.py;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.List;

/**
 * CPython's {@code random.Random} for the calls BFCL's backends make: the Mersenne Twister MT19937 seeded as
 * {@code random_seed(int)} seeds it (init_by_array over the 32-bit words of |seed|, least significant first), and
 * {@code random()}, {@code getrandbits}, {@code randint}/{@code randrange} (via {@code _randbelow}, rejection
 * sampling on bit_length bits), {@code choice} and {@code uniform} with CPython's exact algorithms
 * (Modules/_randommodule.c and Lib/random.py, Python 3.x), so that the same seed gives the same numbers.
 */
public final class PyRandom {
  private static final int N = 624;
  private static final int M = 397;
  private final int[] mt = new int[N];
  private int mti = N + 1;

  public PyRandom(long seed) {
    this(BigInteger.valueOf(seed));
  }

  /**
   * {@code random.Random(seed)} as Python 3.11 seeds it (Random.seed, version 2, before random_seed): an int or bool
   * by its absolute value; a str by the int of its UTF-8 bytes followed by their SHA-512 (big-endian), the encoding
   * refusing lone surrogates; a float by its hash as an unsigned 64-bit number; None (and a NaN, whose hash is its
   * identity) from the system's randomness, which no run reproduces, in Python either; other types refused.
   */
  public static PyRandom seeded(Object seed) {
    if (seed == null) {
      return new PyRandom(new BigInteger(624 * 32, new SecureRandom())); // CPython reads 624 words of urandom
    }
    if (PyTypes.isInt(seed)) {
      return new PyRandom(PyNumbers.toBigInteger(seed));
    }
    if (seed instanceof Double d) {
      if (d.isNaN()) {
        return new PyRandom(new BigInteger(64, new SecureRandom()));
      }
      return new PyRandom(new BigInteger(Long.toUnsignedString(PyHash.hashFloat(d))));
    }
    if (seed instanceof String s) {
      byte[] bytes = PyStr.encodeUtf8(s);
      byte[] digest;
      try {
        digest = MessageDigest.getInstance("SHA-512").digest(bytes);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
      byte[] all = new byte[bytes.length + digest.length];
      System.arraycopy(bytes, 0, all, 0, bytes.length);
      System.arraycopy(digest, 0, all, bytes.length, digest.length);
      return new PyRandom(new BigInteger(1, all));
    }
    throw PyException.typeError("The only supported seed types are: None,\nint, float, str, bytes, and bytearray.");
  }

  public PyRandom(BigInteger seed) {
    BigInteger n = seed.abs();
    int words = Math.max(1, (n.bitLength() + 31) / 32);
    int[] key = new int[words];
    for (int i = 0; i < words; i++) {
      key[i] = n.shiftRight(32 * i).intValue();
    }
    initByArray(key);
  }

  private void initGenrand(int s) {
    mt[0] = s;
    for (mti = 1; mti < N; mti++) {
      mt[mti] = 1812433253 * (mt[mti - 1] ^ (mt[mti - 1] >>> 30)) + mti;
    }
  }

  private void initByArray(int[] key) {
    initGenrand(19650218);
    int i = 1;
    int j = 0;
    for (int k = Math.max(N, key.length); k > 0; k--) {
      mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1664525)) + key[j] + j;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
      if (j >= key.length) {
        j = 0;
      }
    }
    for (int k = N - 1; k > 0; k--) {
      mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1566083941)) - i;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
    }
    mt[0] = 0x80000000;
  }

  /** genrand_uint32, as an unsigned value in a long. */
  long nextUint32() {
    int y;
    if (mti >= N) {
      int kk;
      for (kk = 0; kk < N - M; kk++) {
        y = (mt[kk] & 0x80000000) | (mt[kk + 1] & 0x7fffffff);
        mt[kk] = mt[kk + M] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
      }
      for (; kk < N - 1; kk++) {
        y = (mt[kk] & 0x80000000) | (mt[kk + 1] & 0x7fffffff);
        mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
      }
      y = (mt[N - 1] & 0x80000000) | (mt[0] & 0x7fffffff);
      mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
      mti = 0;
    }
    y = mt[mti++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y & 0xffffffffL;
  }

  /** {@code random()}: 53 random bits from two draws, in [0, 1). */
  public double random() {
    long a = nextUint32() >>> 5;
    long b = nextUint32() >>> 6;
    return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
  }

  /** {@code getrandbits(k)}: words of 32 bits, least significant first, the last one cut to what is left. */
  public BigInteger getrandbits(int k) {
    if (k < 0) {
      throw PyException.valueError("number of bits must be non-negative");
    }
    if (k == 0) {
      return BigInteger.ZERO;
    }
    if (k <= 32) {
      return BigInteger.valueOf(nextUint32() >>> (32 - k));
    }
    BigInteger result = BigInteger.ZERO;
    int words = (k - 1) / 32 + 1;
    int left = k;
    for (int i = 0; i < words; i++, left -= 32) {
      long r = nextUint32();
      if (left < 32) {
        r >>>= 32 - left;
      }
      result = result.or(BigInteger.valueOf(r).shiftLeft(32 * i));
    }
    return result;
  }

  /** {@code _randbelow_with_getrandbits(n)}. */
  BigInteger randbelow(BigInteger n) {
    int k = n.bitLength();
    BigInteger r = getrandbits(k);
    while (r.compareTo(n) >= 0) {
      r = getrandbits(k);
    }
    return r;
  }

  /** {@code randrange(start, stop)} (step 1). */
  public long randrange(long start, long stop) {
    long width = stop - start;
    if (width <= 0) {
      throw PyException.valueError("empty range in randrange(" + start + ", " + stop + ")");
    }
    return start + randbelow(BigInteger.valueOf(width)).longValue();
  }

  /** {@code randint(a, b)}: a &lt;= N &lt;= b. */
  public long randint(long a, long b) {
    return randrange(a, b + 1);
  }

  /** {@code choice(seq)}. */
  public <T> T choice(List<T> seq) {
    if (seq.isEmpty()) {
      throw PyException.indexError("Cannot choose from an empty sequence");
    }
    return seq.get(randbelow(BigInteger.valueOf(seq.size())).intValue());
  }

  /** {@code uniform(a, b)}: {@code a + (b - a) * random()}. */
  public double uniform(double a, double b) {
    return a + (b - a) * random();
  }
}
