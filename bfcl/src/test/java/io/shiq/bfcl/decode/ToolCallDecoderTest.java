package io.shiq.bfcl.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiq.bfcl.data.BfclData;
import io.shiq.bfcl.data.BfclRecord;
import io.shiq.bfcl.exec.ExecutionSession;
import io.shiq.policy.TestData;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * BFCL's two decoders. The expected strings of the named cases were worked out by hand from BFCL's code at gorilla
 * 6ea57973 (QwenFCHandler.decode_execute and _extract_tool_calls in model_handler/local_inference/qwen_fc.py,
 * convert_to_function_call, default_decode_execute_prompting, ast_parse, resolve_ast_call, resolve_ast_by_type,
 * parse_nested_value and decoded_output_to_execution_list in model_handler/utils.py), each as its comment says, and
 * then confirmed by running those functions; bfcl_decode_cases.jsonl holds BFCL's own decodings of the shared
 * ground truths written in both styles and of random mutations of them (its first line says how it was made).
 */
class ToolCallDecoderTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final CallStyle FC = CallStyle.FUNCTION_CALLING;
  private static final CallStyle PR = CallStyle.PROMPTING;

  private static String block(String json) {
    return "<tool_call>\n" + json + "\n</tool_call>";
  }

  private static List<String> calls(String output, CallStyle style) {
    DecodedCalls d = ToolCallDecoder.decode(output, style);
    assertFalse(d.failed(), () -> output + " failed: " + d.error());
    return d.calls();
  }

  private static String error(String output, CallStyle style) {
    DecodedCalls d = ToolCallDecoder.decode(output, style);
    assertTrue(d.failed(), () -> output + " decoded to " + d.calls());
    assertTrue(d.calls().isEmpty());
    return d.error();
  }

  // ---- FUNCTION_CALLING: QwenFCHandler.decode_execute ----

  /** Each block's JSON becomes name(k=repr(v)) joined by "," without a space (convert_to_function_call). */
  @Test
  void fcSingleAndMultipleCalls() {
    assertEquals(List.of("cd(folder='document')"),
        calls(block("{\"name\": \"cd\", \"arguments\": {\"folder\": \"document\"}}"), FC));
    assertEquals(List.of("mv(source='a.txt',destination='temp')", "ls()"),
        calls(block("{\"name\": \"mv\", \"arguments\": {\"source\": \"a.txt\", \"destination\": \"temp\"}}") + "\n"
            + block("{\"name\": \"ls\", \"arguments\": {}}"), FC));
  }

  /**
   * repr of json.loads values: true -> True, null -> None, floats as float.__repr__ (1.0, 1e-07, -0.0, 2.5e+20), nested
   * dicts {'a': ...} and lists; str repr picks double quotes for a text with ' and no ".
   */
  @Test
  void fcValuesAreWrittenAsPythonReprOfTheJson() {
    assertEquals(List.of("f(d={'a': [1, {'b': None}], 'c': True},l=[1.0, 1e-07, -0.0, 2.5e+20, False])"),
        calls(block("{\"name\": \"f\", \"arguments\": {\"d\": {\"a\": [1, {\"b\": null}], \"c\": true}, "
            + "\"l\": [1.0, 1e-7, -0.0, 2.5e20, false]}}"), FC));
    assertEquals(List.of("f(n=12345678901234567890123,x=nan,y=inf)"),
        calls(block("{\"name\": \"f\", \"arguments\": {\"n\": 12345678901234567890123, \"x\": NaN, "
            + "\"y\": Infinity}}"), FC));
    assertEquals(List.of("ls(q='it\\'s \"x\"',r=\"it's\")"),
        calls(block("{\"name\": \"ls\", \"arguments\": {\"q\": \"it's \\\"x\\\"\", \"r\": \"it's\"}}"), FC));
  }

  /** Non-ASCII text, escaped or not in the JSON, is printable and so kept as it is by repr. */
  @Test
  void fcNonAscii() {
    assertEquals(List.of("post_tweet(content='café ☕ é',tags=['#été'])"),
        calls(block("{\"name\": \"post_tweet\", \"arguments\": {\"content\": \"café ☕ \\u00e9\", "
            + "\"tags\": [\"#été\"]}}"), FC));
  }

  /** Arguments given as a JSON string are read first (convert_to_function_call's json.loads of a str). */
  @Test
  void fcArgumentsAsAJsonString() {
    assertEquals(List.of("cd(folder='x')"),
        calls(block("{\"name\": \"cd\", \"arguments\": \"{\\\"folder\\\": \\\"x\\\"}\"}"), FC));
  }

  /**
   * Malformed FC output. No tags: _extract_tool_calls finds nothing, decode_execute returns [], which is empty, not an
   * error. A block that is not JSON is skipped (json.loads raises, the except passes). A JSON list in a block is not
   * a dict: ValueError. A dict without "arguments" or "name": KeyError. Arguments that are not a dict:
   * AttributeError on .items().
   */
  @Test
  void fcMalformed() {
    DecodedCalls none = ToolCallDecoder.decode("I think I should call nothing.", FC);
    assertTrue(none.empty() && !none.failed());
    assertEquals(List.of("ls()"), calls(block("{\"name\": \"cd\", \"arguments\": {\"folder\": \"a\"}") + "\n"
        + block("{\"name\": \"ls\", \"arguments\": {}}"), FC));
    String list = block("[{\"name\": \"cd\", \"arguments\": {\"folder\": \"a\"}}]");
    assertEquals("ValueError: Model did not return a list of function calls: " + list, error(list, FC));
    assertEquals("KeyError: 'arguments'", error(block("{\"name\": \"cd\"}"), FC));
    assertEquals("KeyError: 'name'", error(block("{\"arguments\": {}}"), FC));
    assertEquals("AttributeError: 'list' object has no attribute 'items'",
        error(block("{\"name\": \"cd\", \"arguments\": [1]}"), FC));
    // The tags must sit on their own lines: "\n</tool_call>" is part of the pattern.
    assertTrue(ToolCallDecoder.decode("<tool_call>\n{\"name\": \"ls\", \"arguments\": {}}</tool_call>", FC).empty());
  }

  /**
   * The regex takes the shortest match from the first "<tool_call>\n": an unclosed tag inside the reasoning swallows
   * the next block, whose JSON then fails and is skipped. BFCL's handler cuts the reasoning off before decoding.
   */
  @Test
  void fcAnUnclosedTagSwallowsTheNextBlock() {
    String out = "<think>\nmaybe <tool_call>\n</think>\n" + block("{\"name\": \"ls\", \"arguments\": {\"a\": true}}");
    assertTrue(ToolCallDecoder.decode(out, FC).empty());
  }

  // ---- PROMPTING: default_decode_execute_prompting ----

  @Test
  void promptingListsOfCalls() {
    List<String> both = List.of("cd(folder='document')", "mkdir(dir_name='temp')");
    assertEquals(both, calls("[cd(folder='document'), mkdir(dir_name='temp')]", PR));
    // Without brackets: they are added.
    assertEquals(both, calls("cd(folder='document'), mkdir(dir_name='temp')", PR));
    // Fences: "`\n " are stripped from both ends.
    assertEquals(List.of("cd(folder='document')"), calls("```\n[cd(folder='document')]\n```", PR));
    // A missing closing bracket is added too.
    assertEquals(List.of("cd(folder='document')"), calls("[cd(folder='document')", PR));
    // A comment swallows the "]" BFCL appends, and the text before it is a complete list.
    assertEquals(List.of("f(x=1)"), calls("  \n[f(x=1)] # comment\n", PR));
    assertEquals(List.of("a.b.c(x=1)"), calls("[a.b.c(x=1)]", PR));
  }

  /** resolve_ast_call keeps only the keyword arguments. */
  @Test
  void promptingDropsPositionalArguments() {
    assertEquals(List.of("mv(destination='temp')"), calls("[mv('a.txt', destination='temp')]", PR));
    assertEquals(List.of("sort()"), calls("sort('final_report.pdf')", PR));
  }

  /**
   * A nested call with keywords is written again as a call (its positional arguments dropped); one without keywords
   * becomes the text of the call (ast.unparse), a str; inside a list, the keyword call's dict is written by repr.
   */
  @Test
  void promptingNestedCalls() {
    assertEquals(List.of("f(x=g(a=1, b=[1, 2]), y='h(2)', z=[{'g': {'c': 3}}])"),
        calls("[f(x=g(a=1, b=[1, 2]), y=h(2), z=[g(c=3)])]", PR));
    assertEquals(List.of("f(x=g(k=2))"), calls("[f(x=g(1, 'a', k=2))]", PR));
    assertEquals(List.of("f(x='g()')"), calls("[f(x=g())]", PR));
    assertEquals(List.of("f(x='g((1,), {1: 2}, [h(y=1)])')"), calls("[f(x=g((1,), {1: 2}, [h(y=1)]))]", PR));
  }

  /**
   * Numbers: "-value.operand.value" whatever the unary operator, so +3 comes out -3 and -True -1; floats as repr
   * (1e400 is inf); a dict of all-dict values is written as a call of its first key, any other dict as {'k': v}
   * with str(k) in single quotes (1 and True are one key: {'1': 'b'}); a bare name is its own text.
   */
  @Test
  void promptingValues() {
    assertEquals(List.of("f(x=-5, y=-2.5, z=-3, w=-1)"), calls("[f(x=-5, y=-2.5, z=+3, w=-True)]", PR));
    assertEquals(List.of("f(x=inf, y=1.0, z=1e-07)"), calls("[f(x=1e400, y=1.0, z=1e-7)]", PR));
    assertEquals(List.of("f(d={'a': 1, 'b': {'c': 2}}, e=k(x=1), t=(1, 'a'), n=None, b=True, s=\"it's\")"),
        calls("[f(d={'a': 1, 'b': {'c': 2}}, e={'k': {'x': 1}}, t=(1, 'a'), n=None, b=True, s=\"it's\")]", PR));
    assertEquals(List.of("f(x={'1': 'b'})"), calls("[f(x={1: 'a', True: 'b'})]", PR));
    assertEquals(List.of("f(x=a())"), calls("[f(x={'a': {}})]", PR));
    assertEquals(List.of("f(x={'it's': 1})"), calls("[f(x={'it\\'s': 1})]", PR));
    assertEquals(List.of("f(x='abc')"), calls("[f(x=abc)]", PR));
    assertEquals(List.of("f(x='café', y='é')"), calls("[f(x='café', y='\\u00e9')]", PR));
  }

  /**
   * ast.parse accepts a repeated keyword argument (CPython rejects it only when compiling); resolve_ast_call's dict
   * keeps the first key's place and the last value.
   */
  @Test
  void promptingRepeatedKeywordsKeepTheFirstPlaceAndTheLastValue() {
    assertEquals(List.of("f(a=3, b=2)"), calls("[f(a=1, b=2, a=3)]", PR));
  }

  /** Errors BFCL raises: SyntaxError from ast.parse, AssertionError for a non-call item, and the value rules'. */
  @Test
  void promptingMalformed() {
    assertEquals("SyntaxError: invalid syntax. Perhaps you forgot a comma? (<unknown>, line 1)",
        error("I cannot do that.", PR));
    assertEquals("SyntaxError: closing parenthesis ')' does not match opening parenthesis '[' (<unknown>, line 1)",
        error("[cd(folder='document'))]", PR));
    assertTrue(error("[cd(folder='document'", PR).startsWith("SyntaxError: "));
    // A language tag after the fence stays in the text: "[python\n[cd(...)]" (Python reads a subscript of python in a
    // list never closed).
    assertTrue(error("```python\n[cd(folder='document')]\n```", PR).startsWith("SyntaxError: "));
    assertEquals("SyntaxError: invalid syntax (<unknown>, line 1)", error("[or", PR));
    assertTrue(error("[cd(folder='a'), 'text']", PR).startsWith("AssertionError"));
    assertEquals("IndexError: list index out of range", error("[f(x={})]", PR));
    assertEquals("Exception: Unsupported AST type: <class 'ast.Set'>", error("[f(x={1, 2})]", PR));
    assertEquals("TypeError: bad operand type for unary -: 'str'", error("[f(x=-'a')]", PR));
    assertEquals("AttributeError: 'UnaryOp' object has no attribute 'value'", error("[f(x=--1)]", PR));
  }

  @Test
  void promptingEmpty() {
    for (String empty : new String[] {"[]", "", "``` ```", "\n"}) {
      DecodedCalls d = ToolCallDecoder.decode(empty, PR);
      assertTrue(d.empty() && !d.failed(), empty);
    }
  }

  /** Pathological input: a named error or a plain result, never a StackOverflowError, in little time. */
  @Test
  void pathologicalInputIsANamedErrorNotACrash() {
    assertEquals("SyntaxError: too many nested parentheses (<unknown>, line 1)",
        error("[f(x=" + "[".repeat(100_000) + "]".repeat(100_000) + ")]", PR));
    assertTrue(error("[f(x=" + "-".repeat(100_000) + "1)]", PR).startsWith("SyntaxError"));
    assertTrue(error("[f(x='" + "a".repeat(5_000_000) + ")]", PR).startsWith("SyntaxError: unterminated"));
    String wide = "[f(x=[" + "1, ".repeat(200_000) + "1])]";
    assertEquals(1, calls(wide, PR).size());
    // Deep JSON: past Jackson's nesting limit json.loads fails too (RecursionError), and the block is skipped.
    String deep = block("{\"name\": \"f\", \"arguments\": {\"x\": " + "[".repeat(50_000) + "]".repeat(50_000) + "}}");
    assertTrue(ToolCallDecoder.decode(deep, FC).empty());
    String many = "<tool_call>\n".repeat(200_000) + "x";
    assertTrue(ToolCallDecoder.decode(many, FC).empty());
    assertEquals(1, calls("x".repeat(1_000_000) + block("{\"name\": \"ls\", \"arguments\": {}}"), FC).size());
  }

  /**
   * BFCL's own decodings of the shared ground truths in both styles and of random mutations of them: the same calls,
   * or a failure where BFCL raised.
   */
  @Test
  void bfclsOwnDecodingsAreReproduced() throws Exception {
    List<String> wrong = new ArrayList<>();
    int n = 0;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
        ToolCallDecoderTest.class.getResourceAsStream("bfcl_decode_cases.jsonl"), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.startsWith("#")) {
          continue;
        }
        JsonNode c = JSON.readTree(line);
        n++;
        DecodedCalls d = ToolCallDecoder.decode(c.get("output").asText(), CallStyle.valueOf(c.get("style").asText()));
        // Where both fail, the messages may differ: the parser rejects some texts that ast.parse reads and the
        // decoder then rejects (an attribute where a call should be), with a SyntaxError instead.
        String want = c.has("error") ? "error" : c.get("calls").toString();
        String got = d.failed() ? "error" : JSON.valueToTree(d.calls()).toString();
        if (!want.equals(got)) {
          wrong.add(c.get("style").asText() + " " + JSON.valueToTree(c.get("output").asText()) + "\n    BFCL: "
              + (c.has("error") ? c.get("error").asText() : want) + "\n    ours: " + (d.failed() ? d.error() : got));
        }
      }
    }
    assertEquals(822, n);
    assertTrue(wrong.isEmpty(), wrong.size() + " of " + n + " differ:\n" + String.join("\n", wrong));
  }

  // ---- decodeStep ----

  @Test
  void decodeStepReadsTheThreeFormsOfAResultStep() throws Exception {
    // A raw string: FC when it holds "<tool_call>", else prompting, unless the style is given.
    assertEquals(List.of("cd(folder='a')"), ToolCallDecoder.decodeStep(
        JSON.valueToTree(block("{\"name\": \"cd\", \"arguments\": {\"folder\": \"a\"}}")), null).calls());
    assertEquals(List.of("cd(folder='a')"),
        ToolCallDecoder.decodeStep(JSON.valueToTree("[cd(folder='a')]"), null).calls());
    assertTrue(ToolCallDecoder.decodeStep(JSON.valueToTree("[cd(folder='a')]"), FC).empty());
    // A list of strings: already decoded, kept as it is.
    assertEquals(List.of("cd(folder='a')", "ls(a=True)"),
        ToolCallDecoder.decodeStep(JSON.readTree("[\"cd(folder='a')\", \"ls(a=True)\"]"), PR).calls());
    assertTrue(ToolCallDecoder.decodeStep(JSON.readTree("[\"\"]"), null).empty());
    // FC-API: {name: arguments} with arguments as a JSON string or an object; several keys are several calls.
    assertEquals(List.of("cd(folder='a')", "mv(source='x',destination='y')", "ls()"),
        ToolCallDecoder.decodeStep(JSON.readTree("[{\"cd\": \"{\\\"folder\\\": \\\"a\\\"}\"}, "
            + "{\"mv\": {\"source\": \"x\", \"destination\": \"y\"}, \"ls\": {}}]"), null).calls());
    assertTrue(ToolCallDecoder.decodeStep(JSON.readTree("[{\"cd\": \"not json\"}]"), null).failed());
    assertTrue(ToolCallDecoder.decodeStep(JSON.readTree("[1]"), null).failed());
    assertTrue(ToolCallDecoder.decodeStep(JSON.readTree("[\"ls()\", {\"cd\": {}}]"), null).failed());
    assertTrue(ToolCallDecoder.decodeStep(JSON.readTree("[]"), null).empty());
  }

  // ---- render ----

  @Test
  void renderWritesTheGroundTruthInEachStyle() {
    assertEquals("<tool_call>\n{\"name\": \"cd\", \"arguments\": {\"folder\": \"document\"}}\n</tool_call>",
        ToolCallDecoder.render(List.of("cd(folder='document')"), FC));
    assertEquals("[cd(folder='document'), mkdir(dir_name='temp')]",
        ToolCallDecoder.render(List.of("cd(folder='document')", "mkdir(dir_name='temp')"), PR));
    // Positional arguments take their parameter names from the ported signatures.
    assertEquals("[sort(file_name='final_report.pdf')]", ToolCallDecoder.render(List.of("sort('final_report.pdf')"),
        PR));
    assertEquals("<tool_call>\n{\"name\": \"mean\", \"arguments\": {\"numbers\": [227.16, 2.552]}}\n</tool_call>\n"
            + "<tool_call>\n{\"name\": \"ls\", \"arguments\": {\"a\": true}}\n</tool_call>",
        ToolCallDecoder.render(List.of("mean([227.16,2.552])", "ls(a=True)"), FC));
    assertEquals("[]", ToolCallDecoder.render(List.of(), PR));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ToolCallDecoder.render(List.of("f(x=(1, 2))"), FC));
    assertTrue(e.getMessage().contains("f(x=(1, 2))"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ToolCallDecoder.render(List.of("f(x={1: 2})"), FC));
    assertThrows(IllegalArgumentException.class, () -> ToolCallDecoder.render(List.of("no_such_method('a')"), PR));
  }

  /**
   * render then decode gives back calls that execute exactly as the ground truth: on every shared record, in both
   * styles, turn by turn, the same result strings on a second set of instances.
   */
  @Test
  void renderedGroundTruthDecodesToCallsThatExecuteAlike() throws Exception {
    List<BfclRecord> records = BfclData.load(TestData.require("bfcl"), List.of());
    List<String> failures = new ArrayList<>();
    int calls = 0;
    int total = records.stream().mapToInt(r -> r.groundTruth().stream().mapToInt(List::size).sum()).sum();
    for (CallStyle style : CallStyle.values()) {
      for (BfclRecord r : records) {
        ExecutionSession truth = new ExecutionSession(r.initialConfig(), r.involvedClasses(), r.longContext());
        ExecutionSession decoded = new ExecutionSession(r.initialConfig(), r.involvedClasses(), r.longContext());
        for (int t = 0; t < r.groundTruth().size(); t++) {
          List<String> gt = r.groundTruth().get(t);
          DecodedCalls d = ToolCallDecoder.decode(ToolCallDecoder.render(gt, style), style);
          List<String> want = truth.execute(gt);
          List<String> got = decoded.execute(d.calls());
          calls += gt.size();
          if (d.failed() || !want.equals(got)) {
            failures.add(style + " " + r.id() + " turn " + t + ": " + (d.failed() ? d.error() : want + " vs " + got));
            break;
          }
        }
      }
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
    assertEquals(2 * total, calls);
  }
}
