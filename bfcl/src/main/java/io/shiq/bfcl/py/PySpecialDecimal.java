package io.shiq.bfcl.py;

import java.util.Map;

/** A Decimal that {@link PyDecimal} cannot hold (NaN, Infinity, -0), as its repr prints it. */
public record PySpecialDecimal(String text) implements PyObject {
  @Override
  public String pyClassName() {
    return "Decimal";
  }

  @Override
  public Map<String, Object> publicAttributes() {
    return Map.of();
  }

  @Override
  public String pyRepr() {
    return "Decimal('" + text + "')";
  }
}
