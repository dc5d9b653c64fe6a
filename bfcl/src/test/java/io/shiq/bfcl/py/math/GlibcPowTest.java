package io.shiq.bfcl.py.math;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** GlibcPow against glibc's pow where that differs from the correctly rounded value. */
class GlibcPowTest {
  @Test
  void glibcPowKnownNearHalfwayCases() {
    // CPython 3.11.7 on glibc 2.36 (x86-64, FMA): x ** y differs from the correctly rounded value in these cases.
    assertEquals(4.863100524403323e-07, GlibcPow.pow(4.518391746930911, -9.638537571319716));
    assertEquals(0.09321310008723022, GlibcPow.pow(3.2451337989966325, -2.015761577734276));
    assertEquals(3.3045593900128344e+133, GlibcPow.pow(6.687536879524499, 161.78914776277406));
  }
}
