package io.shiq.bfcl.exec;

import java.util.List;
import java.util.Map;

/** Test access to the executor's evaluation of call-free expressions. */
final class Evaluate {
  private Evaluate() {}

  static Object literal(Expr e) {
    return new ExecutionSession(Map.of(), List.of(), false).evaluateForTest(e);
  }
}
