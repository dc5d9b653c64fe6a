package io.shiq.bfcl.py;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Python's float repr, repr/str and json.dumps, against what CPython 3.11 prints. */
class PyFormatTest {
  @Test
  void floatReprIsCPythonsShortestRoundTrip() throws Exception {
    int n = 0;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        PyFormatTest.class.getResourceAsStream("float_repr.tsv"), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\t");
        double x = Double.longBitsToDouble(Long.parseUnsignedLong(f[0], 16));
        assertEquals(f[1], PyFloat.repr(x), "bits " + f[0]);
        n++;
      }
    }
    assertEquals(32, n);
    assertEquals("nan", PyFloat.repr(Double.NaN));
    assertEquals("-inf", PyFloat.repr(Double.NEGATIVE_INFINITY));
  }

  @Test
  void reprOfValuesIsPythons() {
    // Expected strings are what CPython 3.11 prints for the same values.
    assertEquals("\"it's\"", PyRepr.repr("it's"));
    assertEquals("'say \"hi\"'", PyRepr.repr("say \"hi\""));
    assertEquals("'both \\' and \"'", PyRepr.repr("both ' and \""));
    assertEquals("'tab\\there\\nnew \\\\ \\x00 \\x7f é \\u200b 😀'",
        PyRepr.repr("tab\there\nnew \\ \u0000 \u007f é \u200b 😀"));
    Map<Object, Object> m = new LinkedHashMap<>();
    m.put("a", List.of(1L, 2.5, true, "x"));
    m.put(3L, null);
    assertEquals("{'a': [1, 2.5, True, 'x'], 3: None}", PyRepr.repr(m));
    assertEquals("(1,)", PyRepr.repr(PyTuple.of(1L)));
    assertEquals("()", PyRepr.repr(PyTuple.of()));
    assertEquals("set()", PyRepr.repr(new LinkedHashSet<>()));
    assertEquals("Decimal('1.50')", PyRepr.repr(new PyDecimal(new BigDecimal("1.50"))));
    assertEquals("1E+3", PyRepr.str(new PyDecimal(new BigDecimal("1E+3"))));
    assertEquals("abc", PyRepr.str("abc"));
    assertEquals("['abc']", PyRepr.str(new ArrayList<>(List.of("abc"))));
  }

  @Test
  void jsonDumpsIsPythons() {
    Map<Object, Object> m = new LinkedHashMap<>();
    m.put("name", "café \"q\" \u2028\n");
    m.put(1L, 1e-05);
    m.put(2.5, List.of(true, false));
    m.put(true, null);
    m.put("t", PyTuple.of(1L, 10.0));
    // json.dumps({"name": "café \"q\" \u2028\n", 1: 1e-05, 2.5: [True, False], True: None, "t": (1, 10.0)})
    assertEquals("{\"name\": \"caf\\u00e9 \\\"q\\\" \\u2028\\n\", \"1\": 1e-05, \"2.5\": [true, false], "
        + "\"true\": null, \"t\": [1, 10.0]}", PyJson.dumps(m));
    assertEquals("\"\\ud83d\\ude00\"", PyJson.dumps("😀"));
    PyException e = assertThrows(PyException.class, () -> PyJson.dumps(new LinkedHashSet<>(List.of(1L))));
    assertEquals("Object of type set is not JSON serializable", e.pyStr());
  }

  @Test
  void equalityIsPythons() {
    assertEquals(true, PyEquals.equal(1L, 1.0));
    assertEquals(true, PyEquals.equal(true, 1L));
    assertEquals(false, PyEquals.equal(List.of(1L), PyTuple.of(1L)));
    assertEquals(true, PyEquals.equal(Map.of("a", 1L, "b", 2L), new LinkedHashMap<>(Map.of("b", 2.0, "a", true))));
    assertEquals(true, PyEquals.equal(new LinkedHashSet<>(List.of(1L, 2L)), new LinkedHashSet<>(List.of(2L, 1.0))));
    assertEquals(false, PyEquals.equal("1", 1L));
    assertEquals(2.67, PyMath.round(2.675, 2));
    assertEquals(2L, PyMath.round(2.5));
  }

  @Test
  void fixedTwoDecimalsRoundTheBinaryValueHalfEven() {
    // format(v, '.2f') in CPython 3.11.7.
    Object[][] cases = {{0.125, "0.12"}, {2.675, "2.67"}, {-0.001, "-0.00"}, {1e22, "10000000000000000000000.00"},
        {0.005, "0.01"}, {1.005, "1.00"}, {123456789.125, "123456789.12"}, {-0.0, "-0.00"}, {5e-324, "0.00"},
        {0.015, "0.01"}, {10000.004999999999, "10000.00"}, {9007199254740993.0, "9007199254740992.00"},
        {BigInteger.TEN.pow(25), "10000000000000000905969664.00"}, {true, "1.00"}, {-7L, "-7.00"},
        {Double.POSITIVE_INFINITY, "inf"}, {Double.NaN, "nan"}};
    for (Object[] c : cases) {
      assertEquals(c[1], PyFloat.formatFixed(c[0], 2), String.valueOf(c[0]));
    }
  }

  @Test
  void intsOfMoreThan4300DigitsAreRefusedAsInCpython() {
    // CPython 3.11.7: str(10**4300 - 1) has 4300 digits; str(10**4300), str(-10**4300), repr([10**4300]),
    // json.dumps({"a": 10**4300}) and json.dumps({10**4300: 1}) raise this ValueError.
    BigInteger tooLong = BigInteger.TEN.pow(4300);
    assertEquals(4300, PyRepr.str(tooLong.subtract(BigInteger.ONE)).length());
    assertEquals(4301, PyJson.dumps(tooLong.subtract(BigInteger.ONE).negate()).length());
    List<Executable> conversions = List.of(() -> PyRepr.str(tooLong), () -> PyRepr.str(tooLong.negate()),
        () -> PyRepr.repr(List.of(tooLong)), () -> PyJson.dumps(Map.of("a", tooLong)),
        () -> PyJson.dumps(Map.of(tooLong, 1L)));
    for (Executable conversion : conversions) {
      PyException e = assertThrows(PyException.class, conversion);
      assertEquals("ValueError: Exceeds the limit (4300 digits) for integer string conversion; use "
          + "sys.set_int_max_str_digits() to increase the limit", e.type() + ": " + e.pyStr());
    }
  }
}
