package io.shiq.bfcl.py;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Python's str methods, against what CPython 3.11.7 gives. */
class PyStrTest {
  @Test
  void isdigitTakesDecimalDigitsOfEveryScriptAndOtherDigits() {
    assertTrue(PyStr.isDigit("\u0661\u0662"));
    assertTrue(PyStr.isDigit("1\u00b2"));
    assertFalse(PyStr.isDigit(""));
    assertFalse(PyStr.isDigit("-1"));
    assertFalse(PyStr.isDigit("\u2469")); // circled ten: Numeric_Type=Numeric, not Digit
    assertTrue(PyStr.isDigit("\uD81A\uDEC3")); // U+16AC3, a Tangsa digit: Unicode 14, which Java 17 does not know
  }

  @Test
  void splitsLinesAndWordsAsPython() {
    assertEquals(List.of("a", "b", "", "c", "d", "e"), PyStr.splitlines("a\r\nb\n\rc\u2028d\u0085e\n"));
    assertEquals(List.of(), PyStr.splitlines(""));
    assertEquals(List.of(""), PyStr.splitlines("\n"));
    assertEquals(List.of("a", "b", "c"), PyStr.split(" a\u3000b\u00a0\u001fc \t"));
    assertEquals(List.of(), PyStr.split("  \n "));
    assertEquals(List.of("", "a", "", "b", ""), PyStr.split("/a//b/", '/'));
  }

  @Test
  void stripJoinAndLowerAsPython() {
    assertEquals("a b", PyStr.strip("\u001c\u3000a b\u2029 "));
    assertEquals("a, b", PyStr.join(", ", List.of("a", "b")));
    // ", ".join(["a", 1]) and (1).lower() in CPython 3.11.7
    assertEquals("sequence item 1: expected str instance, int found",
        assertThrows(PyException.class, () -> PyStr.join(", ", List.of("a", 1L))).pyStr());
    assertEquals("'int' object has no attribute 'lower'",
        assertThrows(PyException.class, () -> PyStr.lower(1L)).pyStr());
    assertEquals("-007", PyStr.zfill("-7", 4));
  }
}
