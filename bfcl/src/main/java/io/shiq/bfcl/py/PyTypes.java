package io.shiq.bfcl.py;

import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Python type names of the Java stand-ins (see {@link PyRepr}), for error messages. */
public final class PyTypes {
  /** The stand-in classes and their Python names, tested in this order (before PyObject's own name). */
  private static final List<Map.Entry<Class<?>, String>> NAMES = List.of(Map.entry(Boolean.class, "bool"),
      Map.entry(Long.class, "int"), Map.entry(Integer.class, "int"), Map.entry(BigInteger.class, "int"),
      Map.entry(Short.class, "int"), Map.entry(Double.class, "float"), Map.entry(Float.class, "float"),
      Map.entry(String.class, "str"), Map.entry(PyTuple.class, "tuple"), Map.entry(List.class, "list"),
      Map.entry(Map.class, "dict"), Map.entry(Set.class, "set"), Map.entry(PyDecimal.class, "Decimal"),
      Map.entry(PyMpf.class, "mpf"), Map.entry(LocalDateTime.class, "datetime"), Map.entry(LocalDate.class, "date"),
      Map.entry(PyEllipsis.class, "ellipsis"));

  private PyTypes() {}

  public static String name(Object v) {
    if (v == null) {
      return "NoneType";
    }
    for (Map.Entry<Class<?>, String> e : NAMES) {
      if (e.getKey().isInstance(v)) {
        return e.getValue();
      }
    }
    if (v instanceof PyObject o) {
      return o.pyClassName();
    }
    return v.getClass().getSimpleName();
  }

  /** Python's int-like test: int and bool (bool is a subclass of int). */
  public static boolean isInt(Object v) {
    return v instanceof Long || v instanceof Integer || v instanceof BigInteger || v instanceof Short
        || v instanceof Boolean;
  }
}
