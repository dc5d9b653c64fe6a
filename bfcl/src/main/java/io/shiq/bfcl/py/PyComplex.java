package io.shiq.bfcl.py;

import java.util.Map;

/** A Python complex, as {@code repr} prints it (float_pow's result for a negative base and a fraction). */
public record PyComplex(double real, double imag) implements PyObject {
  @Override
  public String pyClassName() {
    return "complex";
  }

  @Override
  public Map<String, Object> publicAttributes() {
    return Map.of();
  }

  @Override
  public boolean pyEquals(Object other) {
    return other instanceof PyComplex c && c.real == real && c.imag == imag;
  }

  /** complex_repr: format 'r' without the ".0" a float repr adds; parentheses unless the real part is +0. */
  @Override
  public String pyRepr() {
    if (real == 0 && Math.copySign(1.0, real) == 1.0) {
      return part(imag) + "j";
    }
    String im = part(imag);
    if (!im.startsWith("-")) {
      im = "+" + im;
    }
    return "(" + part(real) + im + "j)";
  }

  private static String part(double x) {
    String s = PyFloat.repr(x);
    return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
  }
}
