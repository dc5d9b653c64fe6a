package io.shiq.bfcl.py;

import static io.shiq.bfcl.py.PyNumbers.intValue;
import static io.shiq.bfcl.py.PyNumbers.isIntOrFloat;
import static io.shiq.bfcl.py.PyNumbers.toBigInteger;
import static io.shiq.bfcl.py.PyNumbers.toDouble;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Python's arithmetic operators on the ports' values: ints of any size stay exact; a float on either side makes a
 * float, the int converted as {@link PyNumbers#toDouble} converts it; int/int true division is correctly rounded;
 * str, list and tuple concatenate and repeat; anything else raises the TypeError CPython raises. The augmented forms
 * differ from the plain ones where Python's do: {@code list += iterable} extends the list in place, and errors name
 * the augmented operator.
 */
public final class PyOperators {
  private PyOperators() {}

  /** {@code a + b}. */
  public static Object add(Object a, Object b) {
    if (PyTypes.isInt(a) && PyTypes.isInt(b)) {
      if (!(a instanceof BigInteger) && !(b instanceof BigInteger)) {
        long x = toBigInteger(a).longValue();
        long y = toBigInteger(b).longValue();
        long r = x + y;
        if (((x ^ r) & (y ^ r)) >= 0) { // no overflow: the common case without BigInteger
          return r;
        }
      }
      return intValue(toBigInteger(a).add(toBigInteger(b)));
    }
    if (isIntOrFloat(a) && isIntOrFloat(b)) {
      return toDouble(a) + toDouble(b);
    }
    if (a instanceof String s && b instanceof String t) {
      return s + t;
    }
    if (a instanceof PyTuple s && b instanceof PyTuple t) {
      List<Object> items = new ArrayList<>(s.items());
      items.addAll(t.items());
      return new PyTuple(items);
    }
    if (a instanceof List<?> s && b instanceof List<?> t) {
      List<Object> items = new ArrayList<>(s);
      items.addAll(t);
      return items;
    }
    if (a instanceof String || a instanceof List || a instanceof PyTuple) {
      throw cannotConcatenate(a, b);
    }
    throw PyException.unsupportedOperands("+", a, b);
  }

  /** {@code a += b}: as {@code a + b}, but a list extends itself with the items of any iterable. */
  @SuppressWarnings("unchecked")
  public static Object iadd(Object a, Object b) {
    if (isIntOrFloat(a) && isIntOrFloat(b)) {
      return add(a, b);
    }
    if (a instanceof List<?> l) {
      ((List<Object>) l).addAll(PyContainers.iterate(b));
      return l;
    }
    if (a instanceof String && b instanceof String || a instanceof PyTuple && b instanceof PyTuple) {
      return add(a, b);
    }
    if (a instanceof String || a instanceof PyTuple) {
      throw cannotConcatenate(a, b);
    }
    throw PyException.unsupportedOperands("+=", a, b);
  }

  private static PyException cannotConcatenate(Object a, Object b) {
    String type = PyTypes.name(a);
    return PyException.typeError("can only concatenate " + type + " (not \"" + PyTypes.name(b) + "\") to " + type);
  }

  /** {@code a - b}. */
  public static Object sub(Object a, Object b) {
    return subtract(a, b, "-");
  }

  /** {@code a -= b}. */
  public static Object isub(Object a, Object b) {
    return subtract(a, b, "-=");
  }

  private static Object subtract(Object a, Object b, String op) {
    if (PyTypes.isInt(a) && PyTypes.isInt(b)) {
      return intValue(toBigInteger(a).subtract(toBigInteger(b)));
    }
    if (isIntOrFloat(a) && isIntOrFloat(b)) {
      return toDouble(a) - toDouble(b);
    }
    throw PyException.unsupportedOperands(op, a, b);
  }

  /** {@code a * b}, including sequence repetition and its TypeError for a count that is not an int. */
  public static Object mul(Object a, Object b) {
    if (PyTypes.isInt(a) && PyTypes.isInt(b)) {
      return intValue(toBigInteger(a).multiply(toBigInteger(b)));
    }
    if (isIntOrFloat(a) && isIntOrFloat(b)) {
      return toDouble(a) * toDouble(b);
    }
    // PyNumber_Multiply: no number slot applies, so the left sequence repeats, else the right one.
    if (isSequence(a)) {
      return repeat(a, b);
    }
    if (isSequence(b)) {
      return repeat(b, a);
    }
    throw PyException.unsupportedOperands("*", a, b);
  }

  private static boolean isSequence(Object v) {
    return v instanceof String || v instanceof List || v instanceof PyTuple;
  }

  private static Object repeat(Object seq, Object count) {
    if (!PyTypes.isInt(count)) {
      throw PyException.typeError("can't multiply sequence by non-int of type '" + PyTypes.name(count) + "'");
    }
    int n = toBigInteger(count).max(BigInteger.ZERO).min(BigInteger.valueOf(Integer.MAX_VALUE)).intValue();
    if (seq instanceof String s) {
      return s.repeat(n);
    }
    List<?> items = seq instanceof PyTuple t ? t.items() : (List<?>) seq;
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.addAll(items);
    }
    return seq instanceof PyTuple ? new PyTuple(out) : out;
  }

  /** {@code a / b}: int/int is the exact quotient rounded once to a float, as CPython's long_true_divide. */
  public static Object trueDiv(Object a, Object b) {
    if (PyTypes.isInt(a) && PyTypes.isInt(b)) {
      BigInteger x = toBigInteger(a);
      BigInteger y = toBigInteger(b);
      if (y.signum() == 0) {
        throw PyException.zeroDivision("division by zero");
      }
      boolean negative = (x.signum() < 0) != (y.signum() < 0);
      if (x.signum() == 0) {
        return negative ? -0.0 : 0.0;
      }
      double q = PyNumbers.ratioToDouble(x.abs(), y.abs(), 0);
      if (Double.isInfinite(q)) {
        throw PyException.overflowError("integer division result too large for a float");
      }
      return negative ? -q : q;
    }
    if (isIntOrFloat(a) && isIntOrFloat(b)) {
      double x = toDouble(a);
      double y = toDouble(b);
      if (y == 0) {
        throw PyException.zeroDivision("float division by zero");
      }
      return x / y;
    }
    throw PyException.unsupportedOperands("/", a, b);
  }
}
