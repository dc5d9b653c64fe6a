package io.shiq.bfcl.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.bfcl.py.PyRepr;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallParserTest {
  private static Expr.Call call(String s) {
    return (Expr.Call) CallParser.parse(s);
  }

  /** The Python value of a literal expression, through the executor's evaluation (no backend needed). */
  private static String value(String s) {
    Expr e = CallParser.parse(s);
    return PyRepr.repr(Evaluate.literal(e));
  }

  @Test
  void callsWithPositionalAndKeywordArguments() {
    Expr.Call c = call("cd(folder='document')");
    assertEquals("cd", c.name());
    assertEquals(List.of("folder"), c.keywords());
    c = call("  mv( 'a.txt' , destination = \"temp\" , )");
    assertEquals(1, c.args().size());
    assertEquals(List.of("destination"), c.keywords());
    c = call("f(g(1, h(x=2)), y=(4), z=(5, 6))");
    assertEquals("g", ((Expr.Call) c.args().get(0)).name());
    assertTrue(c.keywordValues().get(0) instanceof Expr.Literal, "(4) is 4");
    assertTrue(c.keywordValues().get(1) instanceof Expr.TupleExpr);
  }

  @Test
  void literalsAreReadAsPythonReadsThem() {
    assertEquals("['a', \"b'c\", 'd\"e', '\\n\\t\\\\', 'é', 'x\\x01', 'AB']",
        value("['a', \"b'c\", 'd\"e', '\\n\\t\\\\', '\\u00e9', 'x\\1', 'A' \"B\"]"));
    assertEquals("[-5, 3.5, -0.25, 1e-05, 1000000.0, 255, 8, 5, 1000000, True, False, None]",
        value("[-5, 3.5, -.25, 1e-5, 1E6, 0xff, 0o10, 0b101, 1_000_000, True, False, None]"));
    assertEquals("{'a': (1,), 'b': {1, 2}, 'c': [], 'd': {}}", value("{'a': (1,), 'b': {1, 2}, 'c': [], 'd': {}}"));
    assertEquals("'raw\\\\n'", value("r'raw\\n'"));
    assertEquals("'triple \"quoted\"\\nline'", value("'''triple \"quoted\"\nline'''"));
    assertEquals("'snowman ☃'", value("'snowman \\N{SNOWMAN}'"));
    assertEquals("123456789012345678901234567890", value("123456789012345678901234567890"));
  }

  @Test
  void malformedTextNamesItsOffsetAndGivesCPythonsMessage() {
    // The python messages are CPython 3.11's for eval() of the same text.
    CallSyntaxError e = assertThrows(CallSyntaxError.class, () -> CallParser.parse("cd(folder='x'"));
    assertEquals("'(' was never closed (<string>, line 1)", e.pythonMessage());
    e = assertThrows(CallSyntaxError.class, () -> CallParser.parse("cd(\"abc)"));
    assertEquals("unterminated string literal (detected at line 1) (<string>, line 1)", e.pythonMessage());
    assertEquals(3, e.offset());
    e = assertThrows(CallSyntaxError.class, () -> CallParser.parse("cd(a=1, 2)"));
    assertEquals("positional argument follows keyword argument (<string>, line 1)", e.pythonMessage());
    e = assertThrows(CallSyntaxError.class, () -> CallParser.parse("cd(a=1, a=2)"));
    assertEquals("keyword argument repeated: a (<string>, line 1)", e.pythonMessage());
    e = assertThrows(CallSyntaxError.class, () -> CallParser.parse("cd(x=1))"));
    assertEquals("unmatched ')' (<string>, line 1)", e.pythonMessage());
    e = assertThrows(CallSyntaxError.class, () -> CallParser.parse("cd(x=[1,2)"));
    assertEquals("closing parenthesis ')' does not match opening parenthesis '[' (<string>, line 1)",
        e.pythonMessage());
    e = assertThrows(CallSyntaxError.class, () -> CallParser.parse("cd(x=1 2)"));
    assertEquals("invalid syntax. Perhaps you forgot a comma? (<string>, line 1)", e.pythonMessage());
    e = assertThrows(CallSyntaxError.class, () -> CallParser.parse(""));
    assertEquals("invalid syntax (<string>, line 0)", e.pythonMessage());
    e = assertThrows(CallSyntaxError.class, () -> CallParser.parse("cd(x=1 + 2)"));
    assertTrue(e.getMessage().contains("offset 7"), e.getMessage());
  }

  /**
   * What ast.parse and eval share beyond the common cases (CPython 3.11): comments, reserved words, CPython's limit
   * of 200 nested brackets; the repeated keyword that only eval (compiling) rejects; underscores only between digits.
   */
  @Test
  void pythonsOtherRulesAndLimits() {
    assertEquals(List.of("x"), call("f(x=1) # a comment (with a bracket\n").keywords());
    CallSyntaxError e = assertThrows(CallSyntaxError.class, () -> CallParser.parse("f(x=or)"));
    assertEquals("invalid syntax (<string>, line 1)", e.pythonMessage());
    e = assertThrows(CallSyntaxError.class, () -> CallParser.parse("f(True=1)"));
    assertEquals("cannot assign to True (<string>, line 1)", e.pythonMessage());
    e = assertThrows(CallSyntaxError.class, () -> CallParser.parse("[".repeat(201) + "]".repeat(201)));
    assertEquals("too many nested parentheses (<string>, line 1)", e.pythonMessage());
    assertEquals("[[[]]]", value("[".repeat(3) + "]".repeat(3)));
    CallParser.parse("[".repeat(200) + "]".repeat(200));
    assertThrows(CallSyntaxError.class, () -> CallParser.parse("-".repeat(100_000) + "1"));
    assertThrows(CallSyntaxError.class, () -> CallParser.parse("f(a=1, a=2)"));
    Expr.Call twice = (Expr.Call) CallParser.parseAst("f(a=1, a=2)");
    assertEquals(List.of("a", "a"), twice.keywords());
    e = assertThrows(CallSyntaxError.class, () -> CallParser.parse("f(x=1_)"));
    assertEquals("invalid decimal literal (<string>, line 1)", e.pythonMessage());
    assertEquals("1000.5", value("1_000.5"));
  }
}
