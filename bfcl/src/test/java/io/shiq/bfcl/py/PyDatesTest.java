package io.shiq.bfcl.py;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** datetime.strptime for the two formats the backends parse, against CPython 3.11.7. */
class PyDatesTest {
  @Test
  void strptimeFollowsCpythonPatterns() {
    assertEquals("2024-01-15T00:00", PyDates.strptime("\u0662\u0660\u0662\u0664-01-1\u0665", "%Y-%m-%d")
        .toString());
    assertEquals("2024-01-01T01:02:03", PyDates.strptime("2024-01-01\u001c1:2:3", "%Y-%m-%d %H:%M:%S")
        .toString());
    assertEquals("2024-01-01T01:02:03", PyDates.strptime("2024-01-01\u3000 1:2:3", "%Y-%m-%d %H:%M:%S")
        .toString());
    PyException e = assertThrows(PyException.class, () -> PyDates.strptime("2024-1-1 x", "%Y-%m-%d"));
    assertEquals("unconverted data remains:  x", e.pyStr());
  }

  @Test
  void strptimeErrorsAreCpythons() {
    assertEquals("2024-01-05T00:00", PyDates.strptime("2024-1-5", "%Y-%m-%d").toString());
    // Tangsa digits (Unicode 14) are decimal digits to Python's \d.
    assertEquals("2024-01-01T00:00", PyDates.strptime("\uD81A\uDEC2\uD81A\uDEC0\uD81A\uDEC2\uD81A\uDEC4-01-01",
        "%Y-%m-%d").toString());
    assertEquals("ValueError: day is out of range for month", error("2024-02-30", "%Y-%m-%d"));
    assertEquals("ValueError: year 0 is out of range", error("0000-01-01", "%Y-%m-%d"));
    assertEquals("ValueError: second must be in 0..59", error("2024-01-01 00:00:60", "%Y-%m-%d %H:%M:%S"));
    assertEquals("ValueError: time data '2024-13-01' does not match format '%Y-%m-%d'",
        error("2024-13-01", "%Y-%m-%d"));
    assertEquals("TypeError: strptime() argument 1 must be str, not None", error(null, "%Y-%m-%d"));
    assertEquals("TypeError: strptime() argument 1 must be str, not list", error(List.of("x"), "%Y-%m-%d"));
  }

  private static String error(Object data, String format) {
    PyException e = assertThrows(PyException.class, () -> PyDates.strptime(data, format));
    return e.type() + ": " + e.pyStr();
  }
}
