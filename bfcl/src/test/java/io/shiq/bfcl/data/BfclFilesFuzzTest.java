package io.shiq.bfcl.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.shiq.bfcl.check.MultiTurnChecker;
import io.shiq.bfcl.check.Verdict;
import io.shiq.policy.Fuzz;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * BFCL's files, read as they come: the multi-turn data with its ground truth and tool docs ({@link BfclData}), and
 * model result files (JSON lines of {id, result}, checked by {@link MultiTurnChecker} as {@code shiq bfcl check}
 * does). Random, mutated and restructured files load, or fail with an IOException naming the file and line; a result
 * always gets a verdict.
 */
class BfclFilesFuzzTest {
  private static final String RECORD = "{\"id\": \"multi_turn_base_0\", \"question\": [[{\"role\": \"user\", "
      + "\"content\": \"Add 1 and 2.\"}], [{\"role\": \"user\", \"content\": \"And the mean of 1, 2, 3?\"}]], "
      + "\"initial_config\": {\"MathAPI\": {}}, \"path\": [], \"involved_classes\": [\"MathAPI\"]}";
  private static final String ANSWER = "{\"id\": \"multi_turn_base_0\", \"ground_truth\": [[\"add(a=1, b=2)\"], "
      + "[\"mean(numbers=[1, 2, 3])\"]]}";
  private static final String DOCS = "{\"name\": \"add\", \"description\": \"Add two numbers.\", \"parameters\": "
      + "{\"type\": \"dict\", \"properties\": {\"a\": {\"type\": \"float\"}, \"b\": {\"type\": \"float\"}}}}\n"
      + "{\"name\": \"mean\", \"description\": \"Mean of numbers.\", \"parameters\": {\"type\": \"dict\"}}\n";
  private static final String RESULT = "{\"id\": \"multi_turn_base_0\", \"result\": [[[\"add(a=1, b=2)\"]], "
      + "[\"<tool_call>\\n{\\\"name\\\": \\\"mean\\\", \\\"arguments\\\": "
      + "{\\\"numbers\\\": [1, 2, 3]}}\\n</tool_call>\", "
      + "[{\"mean\": \"{\\\"numbers\\\": [1, 2]}\"}], \"[mean(numbers=[1, 2, 3])]\"]]}";
  private static final String[] TOKENS = {"{", "}", "[", "]", ",", ":", "\"", "\\", "\n", "null", "1", "-1", "1e999",
      "\"id\": ", "\"result\": ", "[[", "]]", "\"multi_turn_base_0\"", "\u00e9", "\ud800"};
  private static final String[] VALUES = {"null", "1", "\"x\"", "[]", "{}", "[[]]", "[\"add(a=1, b=2)\"]", "[[1]]",
      "{\"MathAPI\": 1}", "[\"NoSuchAPI\"]", "{\"0\": [\"add\"]}", "{\"x\": [\"add\"]}", "{\"1\": \"add\"}",
      "\"multi_turn_base_0\"", "\"mean(numbers=\"", "[{\"role\": 1}]", "\"<tool_call>\\n{}\\n</tool_call>\"",
      "[\"add(a=1, b=2)\", \"add(a=1, b=2)\"]", "true"};
  private static final BfclRecord TRUTH = new BfclRecord("multi_turn_base_0", "base", Map.of("MathAPI", Map.of()),
      List.of("MathAPI"), List.of(List.of("add(a=1, b=2)"), List.of("mean(numbers=[1, 2, 3])")));

  /** A data directory in BFCL's layout with the given record, answer and tool-doc files. */
  static Path dataDir(byte[] record, byte[] answer, byte[] docs) throws IOException {
    Path dir = Files.createTempDirectory("shiq-fuzz");
    String name = "BFCL_v4_multi_turn_base.json";
    Files.write(dir.resolve(name), record);
    Files.write(Files.createDirectories(dir.resolve("possible_answer")).resolve(name), answer);
    Files.write(Files.createDirectories(dir.resolve("multi_turn_func_doc")).resolve("math_api.json"), docs);
    return dir;
  }

  static void delete(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  static Fuzz.Outcome loadTasks(byte[] record, byte[] answer, byte[] docs) throws IOException {
    Path dir = dataDir(record, answer, docs);
    try {
      return Fuzz.decode(record.length + answer.length + docs.length, () -> BfclData.loadTasks(dir, List.of()),
          IOException.class).naming(dir);
    } finally {
      delete(dir);
    }
  }

  /** What {@code shiq bfcl check} does with a result file: its lines, then a verdict for each. */
  static Fuzz.Outcome check(byte[] results) throws IOException {
    Path file = Files.createTempFile("shiq-fuzz", ".jsonl");
    try {
      Files.write(file, results);
      return Fuzz.decode(results.length, () -> {
        int verdicts = 0;
        for (JsonNode line : BfclData.lines(file).values()) {
          Verdict v = MultiTurnChecker.check(TRUTH, line.path("result"));
          assertNotNull(v.errorType() == null ? v.id() : v.errorMessage(), "a failed verdict names its error");
          verdicts++;
        }
        return verdicts;
      }, IOException.class).naming(file);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Provide
  Arbitrary<byte[]> recordFiles() {
    return Arbitraries.oneOf(Fuzz.mutationsOf(utf8(RECORD), TOKENS),
        Fuzz.jsonMutationsOf(RECORD, VALUES).map(s -> utf8(s)), Fuzz.randomBytes());
  }

  @Provide
  Arbitrary<byte[]> answerFiles() {
    return Arbitraries.oneOf(Fuzz.mutationsOf(utf8(ANSWER), TOKENS),
        Fuzz.jsonMutationsOf(ANSWER, VALUES).map(s -> utf8(s)));
  }

  @Provide
  Arbitrary<byte[]> docFiles() {
    return Arbitraries.oneOf(Fuzz.mutationsOf(utf8(DOCS), TOKENS), Fuzz.randomBytes());
  }

  @Provide
  Arbitrary<byte[]> resultFiles() {
    return Arbitraries.oneOf(Fuzz.randomBytes(), Fuzz.mutationsOf(utf8(RESULT + "\n" + RESULT), TOKENS),
        Fuzz.jsonMutationsOf(RESULT, VALUES).map(s -> utf8(s)));
  }

  @Property
  void recordFilesLoadOrFailByName(@ForAll("recordFiles") byte[] record) throws IOException {
    loadTasks(record, utf8(ANSWER), utf8(DOCS));
  }

  @Property
  void answerFilesLoadOrFailByName(@ForAll("answerFiles") byte[] answer) throws IOException {
    loadTasks(utf8(RECORD), answer, utf8(DOCS));
  }

  @Property
  void toolDocFilesLoadOrFailByName(@ForAll("docFiles") byte[] docs) throws IOException {
    loadTasks(utf8(RECORD), utf8(ANSWER), docs);
  }

  @Property
  void resultFilesGetVerdictsOrFailByName(@ForAll("resultFiles") byte[] results) throws IOException {
    check(results);
  }

  /** Found by recordFiles: an initial_config that is not an object was a ClassCastException. */
  @Example
  void anInitialConfigThatIsNotAnObjectIsNamed() throws IOException {
    String message = loadTasks(utf8(RECORD.replace("{\"MathAPI\": {}}", "1")), utf8(ANSWER), utf8(DOCS)).error()
        .getMessage();
    assertTrue(message.contains("BFCL_v4_multi_turn_base.json line 1: field 'initial_config'"), message);
  }

  /** Found by answerFiles: bytes that are not UTF-8 failed as "Input length = 1", naming no file. */
  @Example
  void textThatIsNotUtf8IsNamedWithItsLine() throws IOException {
    byte[] answer = java.util.Arrays.copyOf(utf8(ANSWER + "\n"), ANSWER.length() + 2);
    answer[answer.length - 1] = (byte) 0xFF;
    String message = loadTasks(utf8(RECORD), answer, utf8(DOCS)).error().getMessage();
    assertTrue(message.contains("BFCL_v4_multi_turn_base.json: not UTF-8 text at or after line 1"), message);
  }

  @Example
  void theValidFilesLoadAndPass() throws IOException {
    assertEquals(1, ((List<?>) loadTasks(utf8(RECORD), utf8(ANSWER), utf8(DOCS)).value()).size());
    assertEquals(2, check(utf8(RESULT + "\n\n" + RESULT)).value());
    Path file = Files.createTempFile("shiq-fuzz", ".jsonl");
    try {
      Files.write(file, utf8(RESULT));
      assertTrue(MultiTurnChecker.check(TRUTH, BfclData.lines(file).get(1).get("result")).valid());
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
