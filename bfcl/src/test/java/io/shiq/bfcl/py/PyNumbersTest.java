package io.shiq.bfcl.py;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** int() and float() of str, against what CPython 3.11.7 gives for the same text. */
class PyNumbersTest {
  @Test
  void intOfDigitStrings() {
    assertEquals(12L, PyNumbers.intValue(PyNumbers.parseInt("\u0661\u0662")));
    assertEquals(new BigInteger("123456789012345678901234567890"),
        PyNumbers.intValue(PyNumbers.parseInt("123456789012345678901234567890")));
  }

  @Test
  void intOfStrIsCpythons() {
    assertEquals(-1000L, PyNumbers.intValue(PyNumbers.parseInt(" -1_000 ")));
    assertEquals(7L, PyNumbers.intValue(PyNumbers.parseInt("\u3000 7 \u3000")));
    // Only ASCII white space is stripped: U+001C stays (str.isspace() is true for it, int() refuses it).
    for (String s : new String[] {"\u001c1", "1__0", "_1", "1_", "+", "", "0x10", "1.5", "\u00b2"}) {
      assertEquals("invalid literal for int() with base 10: " + PyRepr.repr(s), intError(s), PyRepr.repr(s));
    }
    String limit = "Exceeds the limit (4300 digits) for integer string conversion: value has 4301 digits; use "
        + "sys.set_int_max_str_digits() to increase the limit";
    assertEquals(limit, intError("1".repeat(4301)));
    assertEquals(limit, intError("1".repeat(4301) + "x")); // the digit count is checked before what follows
    // A bad underscore ends the digits, and the literal is invalid; its repr is cut to 200 characters (%.200R).
    assertEquals("invalid literal for int() with base 10: '" + "1".repeat(199), intError("1".repeat(4301) + "_"));
    assertEquals("invalid literal for int() with base 10: '" + "x".repeat(199), intError("x".repeat(300)));
  }

  @Test
  void floatOfStrIsCpythons() {
    assertEquals(1.5, PyNumbers.parseFloat("1.5"));
    assertEquals(-105000000000.0, PyNumbers.parseFloat(" -1_0.5e1_0 "));
    assertEquals(1.5, PyNumbers.parseFloat("\u0661.\u0665"));
    assertEquals(1.5, PyNumbers.parseFloat("\u20281.5\u2029"));
    assertEquals(Double.POSITIVE_INFINITY, PyNumbers.parseFloat("inf"));
    assertEquals(Double.NEGATIVE_INFINITY, PyNumbers.parseFloat("-Infinity"));
    assertEquals(Double.NaN, PyNumbers.parseFloat("+nan"));
    assertEquals(1.0, PyNumbers.parseFloat("1."));
    assertEquals(0.5, PyNumbers.parseFloat(".5"));
    assertEquals(Double.POSITIVE_INFINITY, PyNumbers.parseFloat("1e400"));
    for (String s : new String[] {"\u001c1", "1\u001c", "1__0", "1_.5", "._5", "1e", ".", "1d", "0x1p3", "nan1",
        "\u00e9"}) {
      PyException e = assertThrows(PyException.class, () -> PyNumbers.parseFloat(s), PyRepr.repr(s));
      assertEquals("could not convert string to float: " + PyRepr.repr(s), e.pyStr());
    }
  }

  @Test
  void intAndFloatOfOtherValues() {
    assertEquals(BigInteger.valueOf(-2), PyNumbers.toInt(-2.9));
    assertEquals("cannot convert float NaN to integer",
        assertThrows(PyException.class, () -> PyNumbers.toInt(Double.NaN)).pyStr());
    assertEquals("OverflowError", assertThrows(PyException.class,
        () -> PyNumbers.toInt(Double.POSITIVE_INFINITY)).type());
    assertEquals("int() argument must be a string, a bytes-like object or a real number, not 'NoneType'",
        assertThrows(PyException.class, () -> PyNumbers.toInt(null)).pyStr());
    assertEquals("float() argument must be a string or a real number, not 'list'",
        assertThrows(PyException.class, () -> PyNumbers.toFloat(java.util.List.of())).pyStr());
    assertEquals("int too large to convert to float",
        assertThrows(PyException.class, () -> PyNumbers.toDouble(BigInteger.TEN.pow(400))).pyStr());
  }

  private static String intError(String s) {
    return assertThrows(PyException.class, () -> PyNumbers.parseInt(s), PyRepr.repr(s)).pyStr();
  }
}
