package io.shiq.bfcl.py;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Python's arithmetic operators, against what CPython 3.11.7 gives. */
class PyOperatorsTest {
  @Test
  void plainOperators() {
    assertEquals("ababab", PyOperators.mul("ab", 3L));
    assertEquals(List.of(1L, 1L, 1L), PyOperators.mul(3L, List.of(1L)));
    assertEquals(3.5, PyOperators.trueDiv(7L, 2L));
    assertEquals(-0.0, PyOperators.trueDiv(0L, -5L));
    assertEquals(1.0, PyOperators.trueDiv(BigInteger.TWO.pow(1100), BigInteger.TWO.pow(1100)));
    assertEquals(Long.MIN_VALUE, PyOperators.add(Long.MIN_VALUE + 1, -1L));
    assertEquals(BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE), PyOperators.add(Long.MAX_VALUE, true));
    assertEquals("can only concatenate list (not \"tuple\") to list", error(() -> PyOperators.add(List.of(1L),
        PyTuple.of(1L))));
    assertEquals("unsupported operand type(s) for +: 'int' and 'str'", error(() -> PyOperators.add(1L, "a")));
    assertEquals("can't multiply sequence by non-int of type 'float'", error(() -> PyOperators.mul(List.of(1L),
        2.0)));
    assertEquals("division by zero", error(() -> PyOperators.trueDiv(1L, 0L)));
    assertEquals("float division by zero", error(() -> PyOperators.trueDiv(1.0, 0L)));
    assertEquals("integer division result too large for a float", error(() -> PyOperators.trueDiv(
        BigInteger.TEN.pow(400), 3L)));
    assertEquals("int too large to convert to float", error(() -> PyOperators.mul(BigInteger.TEN.pow(400), 1.0)));
  }

  @Test
  void augmentedOperators() {
    List<Object> list = new ArrayList<>(List.of(1L));
    assertSame(list, PyOperators.iadd(list, "ab")); // list += str extends the list in place
    assertEquals(List.of(1L, "a", "b"), list);
    assertEquals("can only concatenate tuple (not \"list\") to tuple", error(() -> PyOperators.iadd(PyTuple.of(1L),
        List.of(2L))));
    assertEquals("can only concatenate str (not \"NoneType\") to str", error(() -> PyOperators.iadd("a", null)));
    assertEquals("unsupported operand type(s) for -=: 'NoneType' and 'int'", error(() -> PyOperators.isub(null,
        1L)));
    assertEquals("unsupported operand type(s) for +=: 'dict' and 'int'", error(() -> PyOperators.iadd(Map.of(),
        1L)));
    assertEquals("'int' object is not iterable", error(() -> PyOperators.iadd(new ArrayList<>(), 1L)));
  }

  private static String error(Supplier<Object> op) {
    return assertThrows(PyException.class, op::get).pyStr();
  }
}
