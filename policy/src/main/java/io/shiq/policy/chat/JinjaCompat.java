package io.shiq.policy.chat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites a Hugging Face chat template (Jinja2, as Python runs it) into text Jinjava parses the same way. Code is
 * rewritten ({@code {{ .. }}} and {@code {% .. %}}; string literals only for their escapes), text only by
 * lstrip_blocks:
 * <ul>
 *   <li>transformers' {@code lstrip_blocks}: spaces and tabs between the start of a line and a block or comment
 *       tag are removed here (not by Jinjava's option, which also strips {@code ", "} in
 *       {@code {% if i %}, {% endif %}}); <code>{%+</code> keeps them. Line numbers do not change.</li>
 *   <li>{@code X[::-1]} becomes {@code X|reverse}: Jinjava has slices but no step.</li>
 *   <li>A keyword argument whose value has a filter is parenthesised, {@code namespace(n=messages|length - 1)} to
 *       {@code namespace(n=(messages|length - 1))}: Jinjava binds the filter to the whole {@code n=messages}
 *       ("Cannot coerce NamedParameter to Long").</li>
 *   <li>String literals with escapes Jinjava lacks (&#92;xNN, &#92;uNNNN) are written with the
 *       character.</li>
 *   <li>{@code x|f is test} becomes {@code (x|f) is test}: Jinjava cannot parse a test right after a filter.</li>
 *   <li>{@code not X is test} becomes {@code not (X is test)}: in Jinja2 a test binds to its operand before
 *       {@code not} ({@code not tools is none}), Jinjava reads {@code (not tools) is none}.</li>
 *   <li>{@code loop.previtem} and {@code loop.nextitem}, which Jinjava's loop lacks, become
 *       {@code ((ITER)[loop.index0 - 1] if loop.index0 > 0 else none)} (and the same with {@code + 1} unless
 *       {@code loop.last}), ITER the enclosing {@code for}'s iterable (a loop with an {@code if} filter would
 *       index the unfiltered sequence: a known difference).</li>
 *   <li>transformers' {@code {% generation %}..{% endgeneration %}} (it marks assistant text, rendering it
 *       unchanged) becomes {@code {% if true %}..{% endif %}}, the same block whitespace rules included.</li>
 *   <li>One trailing newline of the template is dropped, as Jinja2 does ({@code keep_trailing_newline=False}).</li>
 *   <li><code>+%}</code> loses its sign (Jinjava does not parse it) and so still gets trim_blocks: a known difference.</li>
 * </ul>
 */
final class JinjaCompat {
  private static final Pattern REVERSE_SLICE = Pattern.compile("\\[\\s*:\\s*:\\s*-\\s*1\\s*]");
  private static final Pattern KEYWORD_ARG = Pattern.compile("(?s)(\\s*[A-Za-z_]\\w*\\s*=)(?!=)(\\s*)(.*?)(\\s*)");
  private static final Pattern GENERATION_TAG = Pattern.compile("^([-+]?\\s*)(end)?generation(\\s*[-+]?)$");
  private static final Pattern TAG_NAME = Pattern.compile("^[-+]?\\s*(\\w+)");
  private static final Pattern END_RAW = Pattern.compile("\\{%[-+]?\\s*endraw\\s*[-+]?%}");
  private static final char MARK = '\u0000';

  private JinjaCompat() {}

  static String rewrite(String source) {
    String s = source.endsWith("\r\n") ? source.substring(0, source.length() - 2)
        : source.endsWith("\n") ? source.substring(0, source.length() - 1) : source;
    StringBuilder out = new StringBuilder(s.length() + 64);
    Deque<String> loops = new ArrayDeque<>(); // the iterables of the enclosing for loops, innermost first
    int i = 0;
    while (i < s.length()) {
      int open = nextOpening(s, i);
      if (open < 0) {
        out.append(s, i, s.length());
        break;
      }
      out.append(s, i, open);
      char kind = s.charAt(open + 1);
      if (kind != '{') {
        if (open + 2 < s.length() && s.charAt(open + 2) == '+') {
          // {%+ and {#+ turn lstrip_blocks off for this tag; Jinjava does not know the sign
          s = s.substring(0, open + 2) + s.substring(open + 3);
        } else {
          lstrip(s, open, out);
        }
      }
      if (kind == '#') {
        int end = s.indexOf("#}", open + 2);
        end = end < 0 ? s.length() : end + 2;
        out.append(s, open, end);
        i = end;
        continue;
      }
      String close = kind == '{' ? "}}" : "%}";
      int end = codeEnd(s, open + 2, close);
      String body = s.substring(open + 2, end);
      Matcher name = TAG_NAME.matcher(body);
      String tag = kind == '%' && name.find() ? name.group(1) : "";
      if (tag.equals("raw")) {
        Matcher endRaw = END_RAW.matcher(s);
        int stop = endRaw.find(end) ? endRaw.end() : s.length();
        out.append(s, open, stop);
        i = stop;
        continue;
      }
      if (kind == '%' && body.endsWith("+")) {
        body = body.substring(0, body.length() - 1); // +%}: Jinjava does not know the sign (and trims anyway)
      }
      out.append(s, open, open + 2).append(rewriteCode(body, tag, loops)).append(close);
      i = Math.min(s.length(), end + 2);
    }
    return out.toString();
  }

  /**
   * Jinja2's lstrip_blocks: spaces and tabs from the start of a line up to a block or comment tag are removed.
   * (Jinjava's own option strips them before any tag, also after text on the same line: "a, {% endif %}".)
   */
  private static void lstrip(String s, int tag, StringBuilder out) {
    int k = tag - 1;
    while (k >= 0 && (s.charAt(k) == ' ' || s.charAt(k) == '\t')) {
      k--;
    }
    if (k < 0 || s.charAt(k) == '\n') {
      out.setLength(out.length() - (tag - 1 - k));
    }
  }

  private static int nextOpening(String s, int from) {
    for (int i = s.indexOf('{', from); i >= 0 && i + 1 < s.length(); i = s.indexOf('{', i + 1)) {
      char c = s.charAt(i + 1);
      if (c == '{' || c == '%' || c == '#') {
        return i;
      }
    }
    return -1;
  }

  /** Index of {@code close} that ends the code starting at {@code from}, skipping string literals. */
  private static int codeEnd(String s, int from, String close) {
    int i = from;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '\'' || c == '"') {
        i = stringEnd(s, i);
      } else if (s.startsWith(close, i)) {
        return i;
      } else {
        i++;
      }
    }
    return s.length();
  }

  /** Index just past the string literal that starts at {@code at}. */
  private static int stringEnd(String s, int at) {
    char quote = s.charAt(at);
    int i = at + 1;
    while (i < s.length() && s.charAt(i) != quote) {
      i += s.charAt(i) == '\\' ? 2 : 1;
    }
    return Math.min(s.length(), i + 1);
  }

  static String rewriteCode(String code, String tag) {
    return rewriteCode(code, tag, new ArrayDeque<>());
  }

  private static String rewriteCode(String code, String tag, Deque<String> loops) {
    List<String> literals = new ArrayList<>();
    StringBuilder masked = new StringBuilder(code.length());
    for (int i = 0; i < code.length(); ) {
      char c = code.charAt(i);
      if (c == '\'' || c == '"') {
        int end = stringEnd(code, i);
        masked.append(MARK).append(literals.size()).append(MARK);
        literals.add(literal(code.substring(i, end)));
        i = end;
      } else {
        masked.append(c);
        i++;
      }
    }
    String m = masked.toString();
    Matcher generation = GENERATION_TAG.matcher(m);
    if (generation.matches()) {
      m = generation.group(1) + (generation.group(2) == null ? "if true" : "endif") + generation.group(3);
    }
    m = REVERSE_SLICE.matcher(m).replaceAll("|reverse");
    m = filterBeforeTest(m);
    m = notBeforeTest(m);
    if (!tag.equals("macro") && !tag.equals("call")) {
      m = parenthesiseKeywordFilters(m);
    }
    if (tag.equals("endfor") && !loops.isEmpty()) {
      loops.pop();
    }
    String iterable = tag.equals("for") ? forIterable(m) : null;
    if (!loops.isEmpty()) {
      String seq = loops.peek();
      m = PREVITEM.matcher(m).replaceAll(Matcher.quoteReplacement(
          "((" + seq + ")[loop.index0 - 1] if loop.index0 > 0 else none)"));
      m = NEXTITEM.matcher(m).replaceAll(Matcher.quoteReplacement(
          "((" + seq + ")[loop.index0 + 1] if not loop.last else none)"));
    }
    if (iterable != null) {
      loops.push(restore(iterable, literals));
    }
    return restore(m, literals);
  }

  private static final Pattern PREVITEM = Pattern.compile("(?<![\\w.])loop\\.previtem(?!\\w)");
  private static final Pattern NEXTITEM = Pattern.compile("(?<![\\w.])loop\\.nextitem(?!\\w)");
  private static final Pattern FOR = Pattern.compile("(?s)^[-+]?\\s*for\\s+.*?\\sin\\s+(.*?)"
      + "(?:\\s+if\\s+.*|\\s+recursive\\s*)?\\s*[-+]?$");

  /** The iterable of {@code for x in ITER [if cond] [recursive]} (masked code). */
  private static String forIterable(String masked) {
    Matcher f = FOR.matcher(masked);
    return f.matches() ? f.group(1).trim() : null;
  }

  /** The masked code with its string literals put back. */
  private static String restore(String m, List<String> literals) {
    StringBuilder out = new StringBuilder(m.length() + 16);
    for (int i = 0; i < m.length(); i++) {
      char c = m.charAt(i);
      if (c == MARK) {
        int end = m.indexOf(MARK, i + 1);
        out.append(literals.get(Integer.parseInt(m.substring(i + 1, end))));
        i = end;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }


  private static final Pattern IS = Pattern.compile("(?<![\\w.])is(?!\\w)");

  /** {@code x|f is test} to {@code (x|f) is test}: Jinjava cannot parse a test right after a filter. */
  static String filterBeforeTest(String code) {
    List<int[]> spans = new ArrayList<>();
    Matcher is = IS.matcher(code);
    while (is.find()) {
      int end = is.start();
      while (end > 0 && Character.isWhitespace(code.charAt(end - 1))) {
        end--;
      }
      int start = operandStart(code, end);
      if (start < end && code.substring(start, end).indexOf('|') >= 0) {
        spans.add(new int[] {start, end});
      }
    }
    StringBuilder out = new StringBuilder(code);
    for (int k = spans.size() - 1; k >= 0; k--) {
      out.insert(spans.get(k)[1], ')').insert(spans.get(k)[0], '(');
    }
    return out.toString();
  }

  /** Start of the operand (primary, postfixes and filters) that ends at {@code end}, scanning backwards. */
  private static int operandStart(String code, int end) {
    int i = end;
    while (i > 0) {
      char c = code.charAt(i - 1);
      if (c == ')' || c == ']' || c == '}') {
        i = opening(code, i - 1);
      } else if (c == MARK) {
        i = code.lastIndexOf(MARK, i - 2);
      } else if (Character.isLetterOrDigit(c) || c == '_' || c == '.') {
        i--;
        continue;
      } else {
        break;
      }
      if (i <= 0) {
        break;
      }
    }
    // a filter: "x | f" continues the operand to the left of the pipe
    int j = i;
    while (j > 0 && Character.isWhitespace(code.charAt(j - 1))) {
      j--;
    }
    if (j > 0 && code.charAt(j - 1) == '|' && i < end) {
      int k = j - 1;
      while (k > 0 && Character.isWhitespace(code.charAt(k - 1))) {
        k--;
      }
      return operandStart(code, k);
    }
    return i;
  }

  private static int opening(String code, int close) {
    int depth = 0;
    for (int i = close; i >= 0; i--) {
      char c = code.charAt(i);
      if (c == ')' || c == ']' || c == '}') {
        depth++;
      } else if ((c == '(' || c == '[' || c == '{') && --depth == 0) {
        return i;
      }
    }
    return 0;
  }

  private static final Pattern NOT = Pattern.compile("\\bnot\\s+");
  private static final java.util.Set<String> KEYWORDS = java.util.Set.of("and", "or", "else", "if", "is", "in",
      "not");

  /** {@code not X is [not] test [arg]} to {@code not (X is [not] test [arg])}, X a primary with postfixes. */
  static String notBeforeTest(String code) {
    Matcher not = NOT.matcher(code);
    int from = 0;
    while (not.find(from)) {
      from = not.end();
      if (not.start() > 0 && (Character.isJavaIdentifierPart(code.charAt(not.start() - 1))
          || code.charAt(not.start() - 1) == '.')) {
        continue;
      }
      int operandEnd = postfixes(code, primary(code, not.end()));
      if (operandEnd <= not.end()) {
        continue;
      }
      int at = skipSpace(code, operandEnd);
      if (!word(code, at).equals("is")) {
        continue;
      }
      at = skipSpace(code, at + 2);
      if (word(code, at).equals("not")) {
        at = skipSpace(code, at + 3);
      }
      String test = word(code, at);
      if (test.isEmpty()) {
        continue;
      }
      int end = at + test.length();
      int next = skipSpace(code, end);
      if (next < code.length() && code.charAt(next) == '(') {
        end = matching(code, next) + 1;
      } else if (next > end && next < code.length() && !KEYWORDS.contains(word(code, next))
          && "%}-+|)],".indexOf(code.charAt(next)) < 0) {
        end = postfixes(code, primary(code, next));
      }
      end = Math.min(end, code.length());
      String operand = code.substring(not.end(), operandEnd);
      if (operand.indexOf('|') >= 0) {
        operand = "(" + operand + ")"; // Jinjava cannot parse a test right after a filter
      }
      code = code.substring(0, not.end()) + "(" + operand + code.substring(operandEnd, end) + ")" + code.substring(end);
      not = NOT.matcher(code);
    }
    return code;
  }

  /** End of the primary expression (name, number, masked string literal, bracketed group) at {@code at}. */
  private static int primary(String code, int at) {
    if (at >= code.length()) {
      return at;
    }
    char c = code.charAt(at);
    if (c == MARK) {
      return code.indexOf(MARK, at + 1) + 1;
    }
    if (c == '(' || c == '[' || c == '{') {
      return Math.min(code.length(), closing(code, at) + 1);
    }
    int i = at;
    while (i < code.length() && (Character.isLetterOrDigit(code.charAt(i)) || code.charAt(i) == '_'
        || code.charAt(i) == '.' && i > at && Character.isDigit(code.charAt(at)))) {
      i++;
    }
    return i;
  }

  /** End of {@code .name}, {@code [..]}, {@code (..)} and {@code |filter(..)} after an operand ending at {@code at}. */
  private static int postfixes(String code, int at) {
    int i = at;
    while (i < code.length()) {
      char c = code.charAt(i);
      if (c == '.') {
        i = primary(code, i + 1);
      } else if (c == '[' || c == '(') {
        i = Math.min(code.length(), closing(code, i) + 1);
      } else {
        int j = skipSpace(code, i);
        if (j < code.length() && code.charAt(j) == '|') {
          i = primary(code, skipSpace(code, j + 1));
        } else {
          return i;
        }
      }
    }
    return i;
  }

  private static int closing(String code, int open) {
    int depth = 0;
    for (int i = open; i < code.length(); i++) {
      char c = code.charAt(i);
      if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if ((c == ')' || c == ']' || c == '}') && --depth == 0) {
        return i;
      }
    }
    return code.length();
  }

  private static int skipSpace(String code, int at) {
    int i = at;
    while (i < code.length() && Character.isWhitespace(code.charAt(i))) {
      i++;
    }
    return i;
  }

  private static String word(String code, int at) {
    int i = at;
    while (i < code.length() && (Character.isLetterOrDigit(code.charAt(i)) || code.charAt(i) == '_')) {
      i++;
    }
    boolean endsWord = i >= code.length() || !Character.isJavaIdentifierPart(code.charAt(i));
    return endsWord ? code.substring(at, i) : "";
  }

  /**
   * A string literal with Python's escapes (&#92;xNN, &#92;uNNNN, an unknown escape kept as written) rewritten with
   * only the escapes Jinjava reads (backslash, quotes, n, t, r).
   */
  static String literal(String quoted) {
    if (quoted.indexOf('\\') < 0 || quoted.length() < 2) {
      return quoted;
    }
    char quote = quoted.charAt(0);
    String body = quoted.substring(1, quoted.length() - 1);
    StringBuilder value = new StringBuilder(body.length());
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c != '\\' || i + 1 >= body.length()) {
        value.append(c);
        continue;
      }
      char e = body.charAt(++i);
      int hex = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;
      if (hex > 0 && i + hex < body.length() && body.substring(i + 1, i + 1 + hex).matches("[0-9a-fA-F]+")) {
        value.appendCodePoint(Integer.parseInt(body.substring(i + 1, i + 1 + hex), 16));
        i += hex;
        continue;
      }
      switch (e) {
        case 'n' -> value.append('\n');
        case 't' -> value.append('\t');
        case 'r' -> value.append('\r');
        case 'b' -> value.append('\b');
        case 'f' -> value.append('\f');
        case 'v' -> value.append('\u000b');
        case 'a' -> value.append('\u0007');
        case '0' -> value.append('\0');
        case '\\', '\'', '"' -> value.append(e);
        case '\n' -> { } // a line continuation
        default -> value.append('\\').append(e); // Python keeps an unknown escape as written
      }
    }
    StringBuilder out = new StringBuilder(value.length() + 8).append(quote);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        case '\r' -> out.append("\\r");
        default -> {
          if (c == quote) {
            out.append('\\');
          }
          out.append(c);
        }
      }
    }
    return out.append(quote).toString();
  }

  /** In every call {@code f(.., k=v, ..)}, writes {@code k=(v)} when {@code v} has a filter. */
  private static String parenthesiseKeywordFilters(String code) {
    StringBuilder out = new StringBuilder(code.length() + 8);
    int i = 0;
    while (i < code.length()) {
      char c = code.charAt(i);
      if (c != '(') {
        out.append(c);
        i++;
        continue;
      }
      int close = matching(code, i);
      String inner = parenthesiseKeywordFilters(code.substring(i + 1, close));
      boolean call = out.length() > 0 && Character.isJavaIdentifierPart(out.charAt(out.length() - 1));
      out.append('(').append(call ? keywordArgs(inner) : inner);
      if (close < code.length()) {
        out.append(')');
      }
      i = close + 1;
    }
    return out.toString();
  }

  private static String keywordArgs(String args) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < args.length(); i++) {
      char c = args.charAt(i);
      if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        depth--;
      } else if (c == ',' && depth == 0) {
        parts.add(args.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(args.substring(start));
    StringBuilder out = new StringBuilder(args.length() + 8);
    for (int k = 0; k < parts.size(); k++) {
      String part = parts.get(k);
      Matcher kw = KEYWORD_ARG.matcher(part);
      if (kw.matches() && part.indexOf('|') >= 0 && !kw.group(3).isEmpty()) {
        part = kw.group(1) + kw.group(2) + "(" + kw.group(3) + ")" + kw.group(4);
      }
      out.append(k == 0 ? "" : ",").append(part);
    }
    return out.toString();
  }

  /** Index of the ')' matching the '(' at {@code open} (or the end of the code). */
  private static int matching(String code, int open) {
    int depth = 0;
    for (int i = open; i < code.length(); i++) {
      char c = code.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')' && --depth == 0) {
        return i;
      }
    }
    return code.length();
  }
}
