package io.shiq.bfcl.backend;

/** What a ported method does with its bound arguments; returns a Python value (see io.shiq.bfcl.py.PyRepr). */
@FunctionalInterface
public interface Body {
  Object call(Args args);
}
