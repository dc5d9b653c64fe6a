package io.shiq.bfcl.py;

import java.math.BigDecimal;

/**
 * A Python {@code decimal.Decimal}: repr {@code Decimal('1.50')}, str {@code 1.50}, its digits as Python keeps
 * them.
 */
public record PyDecimal(BigDecimal value) {
  @Override
  public String toString() {
    return PyRepr.str(this);
  }
}
