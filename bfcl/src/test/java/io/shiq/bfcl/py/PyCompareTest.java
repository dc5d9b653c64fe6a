package io.shiq.bfcl.py;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Python's comparison operators and the sorting order, against what CPython 3.11.7 gives. */
class PyCompareTest {
  private static final double NAN = Double.NaN;
  private static final double INF = Double.POSITIVE_INFINITY;

  @Test
  void aNanMakesEveryOperatorFalse() {
    assertFalse(PyCompare.lessThan(NAN, 1L));
    assertFalse(PyCompare.lessThan(1L, NAN));
    assertFalse(PyCompare.lessEqual(NAN, NAN));
    assertFalse(PyCompare.greaterEqual(NAN, 1L));
    assertFalse(PyCompare.lessThan(BigInteger.TEN.pow(400), NAN));
    // [1] < [nan] and [nan] < [1]: the first differing items decide, with the same operator.
    assertFalse(PyCompare.lessThan(List.of(1L), List.of(NAN)));
    assertFalse(PyCompare.lessThan(List.of(NAN), List.of(1L)));
  }

  @Test
  void numbersCompareExactly() {
    assertTrue(PyCompare.lessThan(BigInteger.TEN.pow(500), INF));
    assertTrue(PyCompare.lessThan(-INF, BigInteger.TEN.pow(500).negate()));
    assertTrue(PyCompare.lessThan(true, 2L));
    // 2**53 + 1 > 2.0**53 is True: no conversion of the int to a float, which would make them equal.
    assertTrue(PyCompare.greaterThan(9007199254740993L, 9007199254740992.0));
    assertFalse(PyEquals.equal(BigInteger.TEN.pow(500), INF));
    assertFalse(PyEquals.equal(BigInteger.TEN.pow(400), NAN));
  }

  @Test
  void sequencesAndStrings() {
    assertTrue(PyCompare.lessEqual(PyTuple.of(1L, 2L), PyTuple.of(1L, 2L)));
    assertTrue(PyCompare.lessThan(List.of(1L, 2L), List.of(1L, 2L, 0L)));
    assertTrue(PyCompare.greaterThan("\uD83D\uDE00", "\uFFFF")); // by code point, not UTF-16 unit
  }

  @Test
  void unorderableValuesRaiseNamingTheOperator() {
    assertEquals("'<' not supported between instances of 'str' and 'int'", error(() -> PyCompare.lessThan("a", 1L)));
    assertEquals("'>' not supported between instances of 'str' and 'int'",
        error(() -> PyCompare.greaterThan("a", 1L)));
    assertEquals("'<' not supported between instances of 'list' and 'tuple'",
        error(() -> PyCompare.lessThan(List.of(1L), PyTuple.of(1L))));
    assertEquals("'>=' not supported between instances of 'NoneType' and 'NoneType'",
        error(() -> PyCompare.greaterEqual(null, null)));
  }

  @Test
  void sortingOrderIsTotal() {
    List<Object> values = new ArrayList<>(List.of(INF, NAN, BigInteger.TEN.pow(500), 1L, -INF, 0.5));
    values.sort(PyCompare::compare);
    assertEquals(List.of(-INF, 0.5, 1L, BigInteger.TEN.pow(500), NAN, INF), values);
  }

  private static String error(Runnable r) {
    return assertThrows(PyException.class, r::run).pyStr();
  }
}
