package io.shiq.bfcl.py;

/** Python's {@code Ellipsis} ({@code ...}), which one of BFCL's long-context lists holds. */
public enum PyEllipsis {
  INSTANCE;

  @Override
  public String toString() {
    return "Ellipsis";
  }
}
