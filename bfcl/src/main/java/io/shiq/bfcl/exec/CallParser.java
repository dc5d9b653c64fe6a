package io.shiq.bfcl.exec;

import io.shiq.bfcl.py.PyNumbers;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses the call strings BFCL evaluates ({@code cd(folder='document')}, {@code f(1, x=[1.5, -2], y={'a': (1,)})},
 * nested calls) into {@link Expr} trees: positional and keyword arguments; str (single, double and triple quotes,
 * r/u/f prefixes without placeholders, every escape Python knows, adjacent literals joined), int (with _, 0x, 0o, 0b),
 * float, True/False/None, list, tuple, set and dict literals, unary minus and plus, dotted names, comments. Anything
 * else is a {@link CallSyntaxError} naming its offset, with the SyntaxError text CPython gives for the common
 * mistakes; so is nesting deeper than CPython allows (200 brackets), which keeps the recursion off the stack's end.
 */
public final class CallParser {
  private final String src;
  private int pos;
  /** Open brackets, for CPython's "'(' was never closed" and mismatch messages. */
  private final List<Character> open = new ArrayList<>();
  /** CPython's tokenizer refuses more open brackets than this (MAXLEVEL). */
  private static final int MAX_OPEN_BRACKETS = 200;
  /**
   * Nested expressions (brackets and unary signs) the recursive descent follows before it gives up, so that no input
   * can exhaust the Java stack; CPython's parser gives up too (with a MemoryError) a few thousand levels down.
   */
  private static final int MAX_DEPTH = 1000;
  private int depth;
  /**
   * Whether to make the checks CPython makes only when it compiles (eval does, ast.parse does not): a keyword
   * argument repeated.
   */
  private final boolean compileChecks;
  /** Python's reserved words other than True, False and None: never a name. */
  private static final java.util.Set<String> RESERVED = java.util.Set.of("and", "as", "assert", "async", "await",
      "break", "class", "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if",
      "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with",
      "yield");
  private static final java.util.Set<String> CONSTANTS = java.util.Set.of("True", "False", "None");

  private CallParser(String src, boolean compileChecks) {
    this.src = src;
    this.compileChecks = compileChecks;
  }

  /** Parses one expression (the whole text) as eval() reads it. */
  public static Expr parse(String text) {
    return parse(text, true);
  }

  /**
   * Parses one expression as {@code ast.parse(text, mode="eval")} reads it: as {@link #parse}, but a keyword argument
   * may be repeated (the Call then lists it twice), since CPython rejects that only when it compiles.
   */
  public static Expr parseAst(String text) {
    return parse(text, false);
  }

  private static Expr parse(String text, boolean compileChecks) {
    CallParser p = new CallParser(text, compileChecks);
    p.skipSpace();
    if (p.pos >= text.length()) {
      throw p.error(p.pos, "empty call string", "invalid syntax (<string>, line 0)");
    }
    Expr e = p.expression();
    p.skipSpace();
    if (p.pos < text.length()) {
      char c = text.charAt(p.pos);
      if (c == ')' || c == ']' || c == '}') {
        throw p.error(p.pos, "unmatched '" + c + "'", "unmatched '" + c + "' (<string>, line 1)");
      }
      throw p.error(p.pos, "unexpected text after the expression", "invalid syntax (<string>, line 1)");
    }
    return e;
  }

  private CallSyntaxError error(int at, String what, String python) {
    return new CallSyntaxError(src, at, what, python);
  }

  private CallSyntaxError invalid(int at, String what) {
    return error(at, what, "invalid syntax (<string>, line 1)");
  }

  private void skipSpace() {
    while (pos < src.length()) {
      char c = src.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
        pos++;
      } else if (c == '\\' && pos + 1 < src.length() && src.charAt(pos + 1) == '\n') {
        pos += 2; // explicit line continuation
      } else if (c == '#') {
        while (pos < src.length() && src.charAt(pos) != '\n') {
          pos++; // a comment runs to the end of its line
        }
      } else {
        return;
      }
    }
  }

  private boolean peek(char c) {
    skipSpace();
    return pos < src.length() && src.charAt(pos) == c;
  }

  private Expr expression() {
    if (++depth > MAX_DEPTH) {
      throw error(pos, "expression nested deeper than " + MAX_DEPTH + " levels", "");
    }
    try {
      return expressionAt();
    } finally {
      depth--;
    }
  }

  private Expr expressionAt() {
    skipSpace();
    if (pos >= src.length()) {
      throw unexpectedEnd();
    }
    int start = pos;
    char c = src.charAt(pos);
    if (c == '-' || c == '+') {
      pos++;
      return new Expr.Unary(c, expression(), start);
    }
    if (c == '(') {
      return parenthesized();
    }
    if (c == '[') {
      open(pos++);
      List<Expr> items = items(']');
      return new Expr.ListExpr(items, start);
    }
    if (c == '{') {
      return braces();
    }
    if (isDigit(c) || (c == '.' && pos + 1 < src.length() && isDigit(src.charAt(pos + 1)))) {
      return number();
    }
    if (c == '\'' || c == '"') {
      return strings();
    }
    if (Character.isLetter(c) || c == '_') {
      int nameStart = pos;
      String word = identifier();
      if (pos < src.length() && (src.charAt(pos) == '\'' || src.charAt(pos) == '"')
          && word.matches("(?i)r|u|f|fr|rf|b|br|rb")) {
        pos = nameStart;
        return strings();
      }
      StringBuilder dotted = new StringBuilder(word);
      while (peek('.')) {
        pos++;
        skipSpace();
        int partStart = pos;
        String part = identifier();
        if (CONSTANTS.contains(part)) {
          throw invalid(partStart, part + " after a '.'");
        }
        dotted.append('.').append(part);
      }
      if (peek('(')) {
        return call(dotted.toString(), nameStart);
      }
      if (dotted.indexOf(".") < 0) {
        switch (word) {
          case "True":
            return new Expr.Literal(Boolean.TRUE, nameStart);
          case "False":
            return new Expr.Literal(Boolean.FALSE, nameStart);
          case "None":
            return new Expr.Literal(null, nameStart);
          default:
            return new Expr.Name(word, nameStart);
        }
      }
      throw invalid(nameStart, "attribute access is not supported");
    }
    throw invalid(pos, "unexpected character '" + c + "'");
  }

  private CallSyntaxError unexpectedEnd() {
    if (!open.isEmpty()) {
      char o = open.get(open.size() - 1);
      return error(pos, "'" + o + "' was never closed", "'" + o + "' was never closed (<string>, line 1)");
    }
    return invalid(pos, "the text ends inside an expression");
  }

  private void open(int at) {
    if (open.size() >= MAX_OPEN_BRACKETS) {
      throw error(at, "more than " + MAX_OPEN_BRACKETS + " nested brackets",
          "too many nested parentheses (<string>, line 1)");
    }
    open.add(src.charAt(at));
  }

  /** Consumes the closing bracket {@code close}, with CPython's message when another one stands there. */
  private void close(char close) {
    skipSpace();
    if (pos >= src.length()) {
      throw unexpectedEnd();
    }
    char c = src.charAt(pos);
    if (c == close) {
      open.remove(open.size() - 1);
      pos++;
      return;
    }
    if (c == ')' || c == ']' || c == '}') {
      char o = open.get(open.size() - 1);
      throw error(pos, "'" + c + "' closes '" + o + "'", "closing parenthesis '" + c
          + "' does not match opening parenthesis '" + o + "' (<string>, line 1)");
    }
    throw error(pos, "expected ',' or '" + close + "'",
        "invalid syntax. Perhaps you forgot a comma? (<string>, line 1)");
  }

  private String identifier() {
    int start = pos;
    if (pos < src.length() && (Character.isLetter(src.charAt(pos)) || src.charAt(pos) == '_')) {
      pos++;
      while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
        pos++;
      }
      String word = src.substring(start, pos);
      if (RESERVED.contains(word)) {
        throw invalid(start, "'" + word + "' is a reserved word");
      }
      return word;
    }
    throw invalid(pos, "a name was expected");
  }

  /** Comma-separated expressions up to {@code close}; a trailing comma is allowed. */
  private List<Expr> items(char close) {
    List<Expr> items = new ArrayList<>();
    while (!peek(close)) {
      if (pos >= src.length()) {
        throw unexpectedEnd();
      }
      items.add(expression());
      if (peek(',')) {
        pos++;
      } else {
        break;
      }
    }
    close(close);
    return items;
  }

  private Expr parenthesized() {
    int start = pos;
    open(pos++);
    if (peek(')')) {
      close(')');
      return new Expr.TupleExpr(List.of(), start);
    }
    Expr first = expression();
    if (!peek(',')) {
      close(')');
      return first; // (x) is x
    }
    List<Expr> items = new ArrayList<>();
    items.add(first);
    pos++;
    items.addAll(items(')'));
    return new Expr.TupleExpr(items, start);
  }

  private Expr braces() {
    int start = pos;
    open(pos++);
    if (peek('}')) {
      close('}');
      return new Expr.DictExpr(List.of(), List.of(), start);
    }
    Expr first = expression();
    if (!peek(':')) {
      List<Expr> items = new ArrayList<>();
      items.add(first);
      if (peek(',')) {
        pos++;
        items.addAll(items('}'));
      } else {
        close('}');
      }
      return new Expr.SetExpr(items, start);
    }
    List<Expr> keys = new ArrayList<>();
    List<Expr> values = new ArrayList<>();
    Expr key = first;
    while (true) {
      if (!peek(':')) {
        throw invalid(pos, "':' expected in a dict");
      }
      pos++;
      keys.add(key);
      values.add(expression());
      if (!peek(',')) {
        break;
      }
      pos++;
      if (peek('}')) {
        break;
      }
      key = expression();
    }
    close('}');
    return new Expr.DictExpr(keys, values, start);
  }

  private Expr call(String target, int start) {
    open(pos++); // '('
    List<Expr> args = new ArrayList<>();
    List<String> keywords = new ArrayList<>();
    List<Expr> keywordValues = new ArrayList<>();
    while (!peek(')')) {
      if (pos >= src.length()) {
        throw unexpectedEnd();
      }
      int argStart = pos;
      if (Character.isLetter(src.charAt(pos)) || src.charAt(pos) == '_') {
        int save = pos;
        String name = identifier();
        skipSpace();
        if (pos < src.length() && src.charAt(pos) == '=' && (pos + 1 >= src.length() || src.charAt(pos + 1) != '=')) {
          pos++;
          if (CONSTANTS.contains(name)) {
            throw error(argStart, "cannot assign to " + name, "cannot assign to " + name + " (<string>, line 1)");
          }
          if (compileChecks && keywords.contains(name)) {
            throw error(argStart, "keyword argument repeated: " + name, "keyword argument repeated: " + name
                + " (<string>, line 1)");
          }
          keywords.add(name);
          keywordValues.add(expression());
          if (peek(',')) {
            pos++;
            continue;
          }
          break;
        }
        pos = save;
      }
      if (src.charAt(pos) == '*') {
        throw invalid(pos, "* and ** arguments are not supported");
      }
      Expr value = expression();
      if (!keywords.isEmpty()) {
        throw error(argStart, "positional argument follows keyword argument",
            "positional argument follows keyword argument (<string>, line 1)");
      }
      args.add(value);
      if (peek(',')) {
        pos++;
      } else {
        break;
      }
    }
    close(')');
    return new Expr.Call(target, args, keywords, keywordValues, start);
  }

  private Expr number() {
    int start = pos;
    String text;
    if (src.startsWith("0x", pos) || src.startsWith("0X", pos) || src.startsWith("0o", pos)
        || src.startsWith("0O", pos) || src.startsWith("0b", pos) || src.startsWith("0B", pos)) {
      int radix = switch (Character.toLowerCase(src.charAt(pos + 1))) {
        case 'x' -> 16;
        case 'o' -> 8;
        default -> 2;
      };
      pos += 2;
      int digits = pos;
      while (pos < src.length() && ((src.charAt(pos) < 128 && Character.digit(src.charAt(pos), radix) >= 0)
          || src.charAt(pos) == '_')) {
        pos++;
      }
      text = src.substring(digits, pos).replace("_", "");
      if (text.isEmpty()) {
        throw invalid(start, "digits expected");
      }
      return new Expr.Literal(integer(new BigInteger(text, radix)), start);
    }
    boolean isFloat = false;
    while (pos < src.length() && (isDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
      pos++;
    }
    if (pos < src.length() && src.charAt(pos) == '.') {
      isFloat = true;
      pos++;
      while (pos < src.length() && (isDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
        pos++;
      }
    }
    if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
      int save = pos;
      pos++;
      if (pos < src.length() && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) {
        pos++;
      }
      if (pos < src.length() && isDigit(src.charAt(pos))) {
        isFloat = true;
        while (pos < src.length() && isDigit(src.charAt(pos))) {
          pos++;
        }
      } else {
        pos = save;
      }
    }
    if (pos < src.length() && (Character.isLetter(src.charAt(pos)) || src.charAt(pos) == '_')) {
      throw error(pos, "invalid number literal", "invalid decimal literal (<string>, line 1)");
    }
    text = src.substring(start, pos);
    if (text.contains("__") || text.endsWith("_") || text.contains("_.") || text.contains("._")
        || text.matches(".*_[eE].*")) {
      throw error(start, "misplaced '_' in a number", "invalid decimal literal (<string>, line 1)");
    }
    text = text.replace("_", "");
    if (isFloat) {
      return new Expr.Literal(Double.parseDouble(text), start);
    }
    if (text.length() > 1 && text.startsWith("0") && !text.matches("0+")) {
      throw error(start, "leading zeros in a decimal integer", "leading zeros in decimal integer literals are not "
          + "permitted; use an 0o prefix for octal integers (<string>, line 1)");
    }
    return new Expr.Literal(integer(new BigInteger(text)), start);
  }

  /**
   * Python's number literals take ASCII digits only; Character.isDigit takes every script's, which Double.parseDouble
   * then refuses with a NumberFormatException.
   */
  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** A Python int as the ports hold one (see {@link PyNumbers#intValue}). */
  private static Object integer(BigInteger v) {
    return PyNumbers.intValue(v);
  }

  /** One or more adjacent string literals, joined. */
  private Expr strings() {
    int start = pos;
    StringBuilder out = new StringBuilder();
    do {
      stringLiteral(out);
      skipSpace();
    } while (pos < src.length() && (src.charAt(pos) == '\'' || src.charAt(pos) == '"' || prefixedString()));
    return new Expr.Literal(out.toString(), start);
  }

  private boolean prefixedString() {
    int i = pos;
    while (i < src.length() && i - pos < 2 && "rRuUfFbB".indexOf(src.charAt(i)) >= 0) {
      i++;
    }
    return i > pos && i < src.length() && (src.charAt(i) == '\'' || src.charAt(i) == '"');
  }

  private void stringLiteral(StringBuilder out) {
    int start = pos;
    boolean raw = false;
    boolean format = false;
    while ("rRuUfFbB".indexOf(src.charAt(pos)) >= 0) {
      char p = Character.toLowerCase(src.charAt(pos));
      if (p == 'b') {
        throw invalid(pos, "bytes literals are not supported");
      }
      raw |= p == 'r';
      format |= p == 'f';
      pos++;
    }
    char q = src.charAt(pos);
    boolean triple = src.startsWith(String.valueOf(q).repeat(3), pos);
    pos += triple ? 3 : 1;
    while (true) {
      if (pos >= src.length()) {
        throw error(start, "unterminated string literal", triple
            ? "unterminated triple-quoted string literal (detected at line 1) (<string>, line 1)"
            : "unterminated string literal (detected at line 1) (<string>, line 1)");
      }
      char c = src.charAt(pos);
      if (c == q && (!triple || src.startsWith(String.valueOf(q).repeat(3), pos))) {
        pos += triple ? 3 : 1;
        return;
      }
      if (c == '\n' && !triple) {
        throw error(start, "unterminated string literal",
            "unterminated string literal (detected at line 1) (<string>, line 1)");
      }
      if (format && (c == '{' || c == '}')) {
        if (pos + 1 < src.length() && src.charAt(pos + 1) == c) {
          out.append(c);
          pos += 2;
          continue;
        }
        throw invalid(pos, "f-string placeholders are not supported");
      }
      if (c == '\\' && pos + 1 < src.length()) {
        if (raw) {
          out.append(c).append(src.charAt(pos + 1));
          pos += 2;
        } else {
          escape(out);
        }
        continue;
      }
      out.append(c);
      pos++;
    }
  }

  private void escape(StringBuilder out) {
    int at = pos;
    char e = src.charAt(pos + 1);
    pos += 2;
    switch (e) {
      case '\n' -> { }
      case '\\' -> out.append('\\');
      case '\'' -> out.append('\'');
      case '"' -> out.append('"');
      case 'a' -> out.append('\u0007');
      case 'b' -> out.append('\b');
      case 'f' -> out.append('\f');
      case 'n' -> out.append('\n');
      case 'r' -> out.append('\r');
      case 't' -> out.append('\t');
      case 'v' -> out.append('\u000b');
      case 'x' -> out.appendCodePoint(hex(at, 2, "\\xXX"));
      case 'u' -> out.appendCodePoint(hex(at, 4, "\\uXXXX"));
      case 'U' -> out.appendCodePoint(hex(at, 8, "\\UXXXXXXXX"));
      case 'N' -> {
        int close = src.indexOf('}', pos);
        if (pos >= src.length() || src.charAt(pos) != '{' || close < 0) {
          throw error(at, "malformed \\N character escape", "(unicode error) 'unicodeescape' codec can't decode "
              + "bytes in position 0-1: malformed \\N character escape (<string>, line 1)");
        }
        String name = src.substring(pos + 1, close);
        try {
          out.appendCodePoint(Character.codePointOf(name));
        } catch (IllegalArgumentException unknown) {
          throw error(at, "unknown Unicode character name", "(unicode error) 'unicodeescape' codec can't decode "
              + "bytes in position 0-" + (close - at) + ": unknown Unicode character name (<string>, line 1)");
        }
        pos = close + 1;
      }
      default -> {
        if (e >= '0' && e <= '7') {
          int value = e - '0';
          for (int i = 0; i < 2 && pos < src.length() && src.charAt(pos) >= '0' && src.charAt(pos) <= '7'; i++) {
            value = value * 8 + (src.charAt(pos++) - '0');
          }
          out.appendCodePoint(value);
        } else {
          out.append('\\').append(e); // Python keeps unknown escapes as written
        }
      }
    }
  }

  private int hex(int at, int digits, String form) {
    if (pos + digits > src.length()) {
      throw truncated(at, form);
    }
    String h = src.substring(pos, pos + digits);
    for (char c : h.toCharArray()) {
      if (Character.digit(c, 16) < 0) {
        throw truncated(at, form);
      }
    }
    pos += digits;
    long v = Long.parseLong(h, 16);
    if (v > Character.MAX_CODE_POINT) {
      throw error(at, "illegal Unicode character", "(unicode error) 'unicodeescape' codec can't decode bytes in "
          + "position 0-" + (digits + 1) + ": illegal Unicode character (<string>, line 1)");
    }
    return (int) v;
  }

  private CallSyntaxError truncated(int at, String form) {
    return error(at, "truncated " + form + " escape", "(unicode error) 'unicodeescape' codec can't decode bytes in "
        + "position 0-" + (pos - at) + ": truncated " + form + " escape (<string>, line 1)");
  }
}
