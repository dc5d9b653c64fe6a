package io.shiq.bfcl.py;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** CPython's hash() of floats, which seeds random.Random(float). */
class PyHashTest {
  @Test
  void floatHashIsCpythons() {
    // [hash(x) for x in [2.5, -1.0, 1e300, inf, -0.0, 0.5, 1e-300, -2.0**61, 12345.678, -1.5]] in CPython 3.11.7.
    double[] xs = {2.5, -1.0, 1e300, Double.POSITIVE_INFINITY, -0.0, 0.5, 1e-300, -2305843009213693952.0, 12345.678,
        -1.5};
    long[] want = {1152921504606846978L, -2L, 1224995262755759164L, 314159L, 0L, 1152921504606846976L,
        482449582752280463L, -2L, 1563361560246628409L, -1152921504606846977L};
    for (int i = 0; i < xs.length; i++) {
      assertEquals(want[i], PyHash.hashFloat(xs[i]), "hash(" + xs[i] + ")");
    }
    // hash(1.5), hash(-0.1), hash(1e300), hash(-1.0), hash(0.0) printed by CPython 3.11.7.
    assertEquals(1152921504606846977L, PyHash.hashFloat(1.5));
    assertEquals(-230584300921369408L, PyHash.hashFloat(-0.1));
    assertEquals(-2L, PyHash.hashFloat(-1.0));
    assertEquals(0L, PyHash.hashFloat(0.0));
    assertEquals(141053L, PyHash.hashFloat(141053.0));
    // Values printed by CPython 3.11: hash(1.5), hash(-2.5), hash(1e300), hash(-1.0), hash(0.1).
    assertEquals(1152921504606846977L, PyHash.hashFloat(1.5));
    assertEquals(-1152921504606846978L, PyHash.hashFloat(-2.5));
    assertEquals(-2L, PyHash.hashFloat(-1.0));
    assertEquals(1224995262755759164L, PyHash.hashFloat(1e300));
    assertEquals(3L, PyHash.hashFloat(3.0));
    assertEquals(230584300921369408L, PyHash.hashFloat(0.1));
    assertEquals(314159L, PyHash.hashFloat(Double.POSITIVE_INFINITY));
  }
}
