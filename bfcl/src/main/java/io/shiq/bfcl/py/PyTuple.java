package io.shiq.bfcl.py;

import java.util.List;

/** A Python tuple: immutable, equal to another tuple of equal items (never to a list). */
public record PyTuple(List<Object> items) {
  public PyTuple {
    items = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(items));
  }

  public static PyTuple of(Object... items) {
    return new PyTuple(java.util.Arrays.asList(items));
  }
}
