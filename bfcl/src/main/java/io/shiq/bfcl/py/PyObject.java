package io.shiq.bfcl.py;

import java.util.Map;

/**
 * A Python object kept in a backend's state (a file system's Directory and File): its class name and public
 * attributes are what the canonical state JSON holds; its {@code __eq__} and {@code __repr__} are the class's own.
 */
public interface PyObject {
  String pyClassName();

  /**
   * Public attributes (names not starting with "_"), in Python values; leave out what the canonical state leaves out
   * (a directory's parent link).
   */
  Map<String, Object> publicAttributes();

  /**
   * The class's {@code __eq__}. Python's default is identity; the ported classes that define {@code __eq__}
   * override this.
   */
  default boolean pyEquals(Object other) {
    return this == other;
  }

  /** The class's {@code __repr__}; Python's default prints an address, which no two runs share. */
  default String pyRepr() {
    return "<" + pyClassName() + " object>";
  }
}
