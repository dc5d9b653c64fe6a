package io.shiq.bfcl.py;

/**
 * A Python exception raised by a ported BFCL backend or by the executor: its Python type name and its {@code str()},
 * which is what BFCL's executor puts after "Error during execution: ".
 */
public final class PyException extends RuntimeException {
  private final String type;

  public PyException(String type, String message) {
    super(message, null, false, false);
    this.type = type;
  }

  /** The Python class name ({@code KeyError}, {@code TypeError}, ...). */
  public String type() {
    return type;
  }

  /** {@code str(e)}: the message (for a KeyError, the repr of the key, as Python prints it). */
  public String pyStr() {
    return getMessage();
  }

  public static PyException typeError(String message) {
    return new PyException("TypeError", message);
  }

  public static PyException valueError(String message) {
    return new PyException("ValueError", message);
  }

  /** {@code KeyError(key)}: Python's str() of a KeyError is the repr of its key. */
  public static PyException keyError(Object key) {
    return new PyException("KeyError", PyRepr.repr(key));
  }

  public static PyException indexError(String message) {
    return new PyException("IndexError", message);
  }

  public static PyException attributeError(String message) {
    return new PyException("AttributeError", message);
  }

  public static PyException zeroDivision(String message) {
    return new PyException("ZeroDivisionError", message);
  }

  public static PyException overflowError(String message) {
    return new PyException("OverflowError", message);
  }

  /** {@code obj.name} on an object without that attribute: "'list' object has no attribute 'keys'". */
  public static PyException noAttribute(Object obj, String name) {
    return attributeError("'" + PyTypes.name(obj) + "' object has no attribute '" + name + "'");
  }

  /** A binary operator that neither operand supports: "unsupported operand type(s) for +: 'int' and 'str'". */
  public static PyException unsupportedOperands(String op, Object a, Object b) {
    return typeError("unsupported operand type(s) for " + op + ": '" + PyTypes.name(a) + "' and '" + PyTypes.name(b)
        + "'");
  }

  public static PyException nameError(String name) {
    return new PyException("NameError", "name '" + name + "' is not defined");
  }

  /** A plain {@code Exception(message)}, as BFCL raises for refused calls. */
  public static PyException exception(String message) {
    return new PyException("Exception", message);
  }
}
