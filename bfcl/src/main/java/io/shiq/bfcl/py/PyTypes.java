package io.shiq.bfcl.py;

import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Python type names of the Java stand-ins (see {@link PyRepr}), for error messages. */
public final class PyTypes {
  private PyTypes() {}

  public static String name(Object v) {
    if (v == null) {
      return "NoneType";
    }
    if (v instanceof Boolean) {
      return "bool";
    }
    if (v instanceof Long || v instanceof Integer || v instanceof BigInteger || v instanceof Short) {
      return "int";
    }
    if (v instanceof Double || v instanceof Float) {
      return "float";
    }
    if (v instanceof String) {
      return "str";
    }
    if (v instanceof PyTuple) {
      return "tuple";
    }
    if (v instanceof List) {
      return "list";
    }
    if (v instanceof Map) {
      return "dict";
    }
    if (v instanceof Set) {
      return "set";
    }
    if (v instanceof PyDecimal) {
      return "Decimal";
    }
    if (v instanceof PyMpf) {
      return "mpf";
    }
    if (v instanceof LocalDateTime) {
      return "datetime";
    }
    if (v instanceof LocalDate) {
      return "date";
    }
    if (v instanceof PyEllipsis) {
      return "ellipsis";
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
