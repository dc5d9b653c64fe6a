package io.shiq.bfcl.py;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Python's container operations, against what CPython 3.11.7 gives. */
class PyContainersTest {
  @Test
  void dictLookupsUsePythonsKeyEquality() {
    Map<Object, Object> d = new LinkedHashMap<>(Map.of(1L, 2L));
    assertEquals(2L, PyContainers.dictGet(d, 1.0, null));
    assertEquals(2L, PyContainers.getItem(d, true));
    PyContainers.setItem(d, 1.0, 3L); // the key 1 keeps its identity
    assertEquals(Map.of(1L, 3L), d);
    assertTrue(PyContainers.contains(d, true));
    assertEquals("unhashable type: 'list'", error(() -> PyContainers.getItem(d, List.of(1L))));
    assertEquals("unhashable type: 'list'", error(() -> PyContainers.findKey(d, PyTuple.of(1L, List.of(2L)))));
  }

  @Test
  void subscriptsAndMembershipRaiseAsPython() {
    assertEquals("c", PyContainers.getItem("abc", -1L));
    assertEquals("string indices must be integers, not 'str'", error(() -> PyContainers.getItem("abc", "x")));
    assertEquals("list indices must be integers or slices, not float", error(() -> PyContainers.getItem(
        List.of(1L), 0.0)));
    assertEquals("tuple indices must be integers or slices, not str", error(() -> PyContainers.getItem(
        PyTuple.of(1L), "a")));
    assertEquals("'int' object is not subscriptable", error(() -> PyContainers.getItem(5L, 0L)));
    assertEquals("list index out of range", error(() -> PyContainers.getItem(List.of(1L, 2L), 5L)));
    assertEquals("argument of type 'int' is not iterable", error(() -> PyContainers.contains(5L, 1L)));
    assertEquals("'in <string>' requires string as left operand, not int", error(() -> PyContainers.contains("x",
        1L)));
    assertEquals("unhashable type: 'list'", error(() -> PyContainers.contains(Set.of(1L), List.of(1L))));
    assertFalse(PyContainers.contains(List.of("a"), "b"));
    assertEquals("object of type 'int' has no len()", error(() -> PyContainers.len(5L)));
  }

  private static String error(Supplier<Object> op) {
    return assertThrows(PyException.class, op::get).pyStr();
  }
}
