package io.shiq.bfcl.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiq.policy.Fuzz;
import java.util.List;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A model's output is the most outside of inputs: whatever the text (Qwen's {@code <tool_call>} JSON blocks, a
 * pythonic call list) or the result-file step, decoding returns calls or a failure naming BFCL's error, and never
 * throws. A failure must not be a bug of ours caught by the decoder's last resort ("cannot decode: " + a
 * NullPointerException or the like).
 */
class ToolCallDecoderFuzzTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String QWEN = "<think>\nfirst the file\n</think>\n\n<tool_call>\n{\"name\": \"cd\", "
      + "\"arguments\": "
      + "{\"folder\": \"document\"}}\n</tool_call>\n<tool_call>\n{\"name\": \"mean\", \"arguments\": {\"numbers\": "
      + "[1, 2.5, -3e2, 12345678901234567890], \"opts\": {\"a\": null, \"b\": [true, false]}}}\n</tool_call>";
  private static final String PYTHONIC = "```\n[cd(folder='document'), mv(source='a.txt', destination=\"t\"), "
      + "f(x=-1.5, y=[1, {'k': {'a': 2}}], z=g(h=1), w=abc, v=(1, 2), u=None)]\n```";
  private static final String STEP = "[{\"cd\": \"{\\\"folder\\\": \\\"document\\\"}\"}, "
      + "{\"mean\": {\"numbers\": [1, 2]}}]";
  private static final String[] TOKENS = {"<tool_call>\n", "\n</tool_call>", "<tool_call>", "{", "}", "[", "]", "(",
      ")", ",", ":", "=", "\"", "'", "\\", "\"name\": ", "\"arguments\": ", "null", "NaN", "-Infinity", "1e999",
      "99999999999999999999", "{}", "[]", "-", "+", "`", "\n", "{\"a\": {}}", "[".repeat(1100), "{\"a\":".repeat(1100)};
  /** The exceptions of our own bugs, which decode's catch-all would turn into a failure message. */
  private static final Pattern BUG = Pattern.compile("cannot decode: java\\.lang\\.(NullPointer|ClassCast|"
      + "ArrayIndexOutOfBounds|StringIndexOutOfBounds|IndexOutOfBounds|NegativeArraySize|Arithmetic|IllegalState|"
      + "NumberFormat|UnsupportedOperation)");

  static DecodedCalls decode(String text, CallStyle style) {
    DecodedCalls calls = (DecodedCalls) Fuzz.decode(text.length(), () -> ToolCallDecoder.decode(text, style)).value();
    check(calls, text);
    return calls;
  }

  static void check(DecodedCalls calls, Object input) {
    assertNotNull(calls);
    if (calls.failed()) {
      assertFalse(calls.error().isBlank(), "a failure without a message for " + input);
      assertFalse(BUG.matcher(calls.error()).find(), calls.error());
    }
  }

  @Provide
  Arbitrary<String> outputs() {
    return Arbitraries.oneOf(Fuzz.randomText("<>/tool_call\n{}[]()\":,'=-.0123456789aeflnrstu "),
        Fuzz.mutationsOf(QWEN, TOKENS), Fuzz.mutationsOf(PYTHONIC, TOKENS));
  }

  @Provide
  Arbitrary<String> qwenCallBlocks() {
    String block = "{\"name\": \"mean\", \"arguments\": {\"numbers\": [1, 2.5, -3e2], "
        + "\"o\": {\"a\": null, \"b\": true}}}";
    return Fuzz.jsonMutationsOf(block, "null", "1", "-0.0", "1e308", "\"x\"", "[]", "{}", "[1, [2]]", "{\"k\": [{}]}",
        "true", "12345678901234567890123", "\"NaN\"", "{\"name\": \"f\", \"arguments\": {}}")
        .map(json -> "<tool_call>\n" + json + "\n</tool_call>");
  }

  @Provide
  Arbitrary<String> steps() {
    return Arbitraries.oneOf(Fuzz.jsonMutationsOf(STEP, "null", "1", "\"x\"", "\"<tool_call>\\n{}\\n</tool_call>\"",
            "\"[f(x=1)]\"", "[]", "{}", "[\"cd(folder='a')\"]", "{\"f\": 1}", "{\"f\": \"[1]\"}",
            "{\"f\": \"{\\\"a\\\"\"}",
            "true", "1e999"),
        Fuzz.mutationsOf(STEP, TOKENS));
  }

  private static JsonNode readJson(String text) {
    try {
      return JSON.readTree(text);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Property
  void modelOutputsDecodeOrFailByName(@ForAll("outputs") String text) {
    decode(text, CallStyle.FUNCTION_CALLING);
    decode(text, CallStyle.PROMPTING);
  }

  @Property
  void restructuredToolCallsDecodeOrFailByName(@ForAll("qwenCallBlocks") String text) {
    decode(text, CallStyle.FUNCTION_CALLING);
  }

  @Property
  void resultFileStepsDecodeOrFailByName(@ForAll("steps") String text) {
    JsonNode step;
    try {
      step = JSON.readTree(text);
    } catch (java.io.IOException notJson) {
      return; // the result file's reader rejects these (BfclResultFileFuzzTest)
    }
    for (CallStyle style : new CallStyle[] {null, CallStyle.PROMPTING, CallStyle.FUNCTION_CALLING}) {
      check((DecodedCalls) Fuzz.decode(text.length(), () -> ToolCallDecoder.decodeStep(step, style)).value(), text);
    }
  }

  @Example
  void theValidOutputsDecode() {
    assertEquals(2, decode(QWEN, CallStyle.FUNCTION_CALLING).calls().size());
    assertEquals(3, decode(PYTHONIC, CallStyle.PROMPTING).calls().size());
    assertEquals(List.of("cd(folder='document')", "mean(numbers=[1, 2])"),
        ToolCallDecoder.decodeStep(readJson(STEP), null).calls());
  }
}
