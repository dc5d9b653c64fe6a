package io.shiq.bfcl.backend;

/**
 * One parameter of a ported method, as Python declares it: required, or with a default. A default is one shared
 * object, as in Python ({@code def f(tags=[])} shares its list between calls).
 */
public record Param(String name, boolean required, Object defaultValue) {
  public static Param req(String name) {
    return new Param(name, true, null);
  }

  public static Param opt(String name, Object defaultValue) {
    return new Param(name, false, defaultValue);
  }
}
