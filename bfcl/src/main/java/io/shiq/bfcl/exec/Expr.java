package io.shiq.bfcl.exec;

import java.util.List;

/** A parsed call-string expression: the subset of Python that BFCL's call strings use. */
public sealed interface Expr {
  /** Offset of the expression in the source text. */
  int offset();

  /** A literal: str, int, float, bool or None (as Python values). */
  record Literal(Object value, int offset) implements Expr {}

  /** A bare name other than True/False/None (Python raises NameError when it is evaluated). */
  record Name(String name, int offset) implements Expr {}

  record ListExpr(List<Expr> items, int offset) implements Expr {}

  record TupleExpr(List<Expr> items, int offset) implements Expr {}

  record SetExpr(List<Expr> items, int offset) implements Expr {}

  record DictExpr(List<Expr> keys, List<Expr> values, int offset) implements Expr {}

  /** {@code -x} / {@code +x} on a number. */
  record Unary(char op, Expr operand, int offset) implements Expr {}

  /** {@code name(args, key=value)}; {@code target} is the dotted name as written ("cd", "a.b.cd"). */
  record Call(String target, List<Expr> args, List<String> keywords, List<Expr> keywordValues, int offset)
      implements Expr {
    /** The function name: the last part of the dotted target. */
    public String name() {
      return target.substring(target.lastIndexOf('.') + 1);
    }
  }
}
