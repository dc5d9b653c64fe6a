package io.shiq.bfcl.exec;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.policy.Fuzz;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The call strings of BFCL's ground truth and of models: random text and mutated calls parse, or fail with a
 * {@link CallSyntaxError} naming the offset; never another exception, a stack overflow or a hang.
 */
class CallParserFuzzTest {
  /** Calls with every kind of literal the parser reads. */
  private static final String[] VALID = {
      "cd(folder='document')",
      "f(1, x=[1.5, -2, 0x1F, 0o17, 0b101, 1_000, 1e-5, .5], y={'a': (1,), 2: {3, 4}}, z=None, t=True)",
      "mv('a.txt', destination=\"temp\", note='''multi\\nline''', raw=r'\\d+', u=u'\\u00e9\\x41\\101\\N{BULLET}')",
      "g(h(x=2), k=+3, m=-(4), n=[[], (), {}], s='a' \"b\", # comment\n  e='\\U0001F600')",
  };
  private static final String[] TOKENS = {"(", ")", "[", "]", "{", "}", ",", ":", "=", "'", "\"", "'''", "\\", "\\x",
      "\\u", "\\N{", "#", "\n", "-", "+", ".", "_", "0x", "0o", "1e", "9".repeat(40), "r'", "f'", "b'", "*", "**",
      "True", "None", "lambda", "\u0663", "\u00e9", "(".repeat(300), "[".repeat(1200), "-".repeat(3000)};

  static Fuzz.Outcome parse(String text) {
    Fuzz.decode(text.length(), () -> CallParser.parseAst(text), CallSyntaxError.class);
    return Fuzz.decode(text.length(), () -> CallParser.parse(text), CallSyntaxError.class);
  }

  @Provide
  Arbitrary<String> randomCalls() {
    return Fuzz.randomText("abcxyz_019.eE+-()[]{},:='\"\\#\n rfuxN");
  }

  @Provide
  Arbitrary<String> mutatedCalls() {
    return Arbitraries.oneOf(java.util.Arrays.stream(VALID).map(v -> Fuzz.mutationsOf(v, TOKENS)).toList());
  }

  @Property
  void randomTextParsesOrFailsByName(@ForAll("randomCalls") String text) {
    parse(text);
  }

  @Property
  void mutatedCallsParseOrFailByName(@ForAll("mutatedCalls") String text) {
    parse(text);
  }

  @Example
  void theValidCallsParse() {
    for (String v : VALID) {
      assertTrue(parse(v).value() instanceof Expr.Call, v);
    }
  }

  /**
   * Found reading the parser for this test (mutatedCalls inserts such digits too): a digit of another script passed
   * Character.isDigit, then failed Double.parseDouble with a NumberFormatException. Python reads ASCII digits only.
   */
  @Example
  void digitsOfOtherScriptsAreASyntaxError() {
    for (String text : new String[] {"f(x=\u0663.5)", "f(x=1\u0663)", "f(x=1.\u0663)", "f(x=1e\u0663)"}) {
      assertTrue(parse(text).failed(), text);
    }
  }
}
