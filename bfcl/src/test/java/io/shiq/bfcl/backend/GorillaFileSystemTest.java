package io.shiq.bfcl.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import io.shiq.bfcl.exec.ExecutionSession;
import io.shiq.bfcl.py.PyEquals;
import io.shiq.bfcl.py.PyException;
import io.shiq.bfcl.py.PyJson;
import io.shiq.bfcl.py.PyRepr;
import io.shiq.bfcl.py.PyValues;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link GorillaFileSystem} against BFCL's Python: the shared records' ground-truth calls against golden/, and the
 * Python-made edge cases of GorillaFileSystemEdgeCases.jsonl (see the README beside it).
 */
class GorillaFileSystemTest {
  private static final String CLASS = "GorillaFileSystem";

  /**
   * Each shared record that involves the file system, run as {@link BackendTestSupport#goldenTests} runs it: results
   * and canonical states equal golden/.
   */
  @TestFactory
  Stream<DynamicTest> goldenRecords() throws IOException {
    return BackendTestSupport.goldenTests(CLASS, c -> {
      assertEquals(18, c.records(), "records");
      assertTrue(c.calls() > 0 && c.states() > 0, "calls and states");
    });
  }

  /** The cases of GorillaFileSystemEdgeCases.jsonl: calls, scenario-loading errors, _parse_positions, objects. */
  @TestFactory
  Stream<DynamicTest> pythonEdgeCases() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : BackendTestSupport.resourceLines("GorillaFileSystemEdgeCases.jsonl")) {
      String kind = c.get("kind").asText();
      switch (kind) {
        case "calls" -> tests.add(dynamicTest("calls " + c.get("name").asText(), () -> replayCalls(c)));
        case "load_error" -> tests.add(dynamicTest("load " + c.get("name").asText(), () -> loadError(c)));
        case "parse_positions" -> tests.add(dynamicTest("_parse_positions '" + c.get("positions").asText() + "'",
            () -> parsePositions(c)));
        case "objects" -> tests.add(dynamicTest("File and Directory", () -> objects(c)));
        default -> throw new IllegalStateException("unknown case kind " + kind);
      }
    }
    assertEquals(7 + 8 + 13 + 1, tests.size(), "cases in the resource");
    return tests.stream();
  }

  private static void replayCalls(JsonNode c) {
    Map<String, Object> config = BackendTestSupport.python(c.get("config"));
    ExecutionSession session = new ExecutionSession(Map.of(CLASS, config), List.of(CLASS),
        c.get("long_context").asBoolean());
    List<String> calls = textList(c.get("calls"));
    List<String> results = textList(c.get("results"));
    for (int i = 0; i < calls.size(); i++) {
      assertEquals(results.get(i), session.execute(calls.get(i)), "call " + i + ": " + calls.get(i));
    }
    assertEquals(PyJson.dumps(PyValues.fromJson(c.get("state")), true),
        BackendTestSupport.canonicalState(session.instances().get(CLASS)), "state after the calls");
  }

  private static void loadError(JsonNode c) {
    Map<String, Object> config = BackendTestSupport.python(c.get("config"));
    GorillaFileSystem fs = new GorillaFileSystem();
    PyException e = assertThrows(PyException.class, () -> fs.loadScenario(config, c.get("long_context").asBoolean()));
    assertEquals(c.get("error").asText(), e.type() + ": " + e.pyStr());
  }

  private static void parsePositions(JsonNode c) {
    String positions = c.get("positions").asText();
    if (c.get("error").isNull()) {
      assertEquals(PyValues.fromJson(c.get("result")),
          new ArrayList<Object>(GorillaFileSystem.parsePositions(positions)));
    } else {
      PyException e = assertThrows(PyException.class, () -> GorillaFileSystem.parsePositions(positions));
      assertEquals(c.get("error").asText(), e.type() + ": " + e.pyStr());
    }
  }

  private static void objects(JsonNode c) {
    Map<String, Object> config = BackendTestSupport.python(c.get("config"));
    GorillaFileSystem g1 = load(config);
    GorillaFileSystem g2 = load(config);
    GorillaFileSystem.Directory root1 = g1.currentDirectory();
    GorillaFileSystem.Directory docs = (GorillaFileSystem.Directory) root1.contents().get("docs");
    LocalDateTime now = LocalDateTime.of(2024, 1, 1, 0, 0);
    JsonNode eq = c.get("equal");
    assertEquals(eq.get("root_eq_same_config").asBoolean(), PyEquals.equal(root1, g2.currentDirectory()));
    assertEquals(eq.get("file_eq_same").asBoolean(), PyEquals.equal(file("a", "x"), file("a", "x")));
    assertEquals(eq.get("file_eq_other_content").asBoolean(), PyEquals.equal(file("a", "x"), file("a", "y")));
    assertEquals(eq.get("file_eq_directory").asBoolean(), PyEquals.equal(file("a", ""), dir("a", null)));
    assertEquals(eq.get("directory_eq_file").asBoolean(), PyEquals.equal(dir("a", null), file("a", "")));
    assertEquals(eq.get("directory_eq_other_parent").asBoolean(), PyEquals.equal(dir("a", docs), dir("a", null)));
    assertEquals(eq.get("file_eq_str").asBoolean(), PyEquals.equal(file("a", "x"), "a"));
    g2.invoke("touch", List.of("new.txt"), Map.of());
    assertEquals(eq.get("root_eq_after_touch").asBoolean(), PyEquals.equal(root1, g2.currentDirectory()));
    JsonNode repr = c.get("repr");
    assertEquals(repr.get("docs").asText(), PyRepr.repr(docs));
    assertEquals(repr.get("root").asText(), PyRepr.repr(root1));
    assertEquals(repr.get("file").asText(), PyRepr.repr(root1.contents().get("notes.txt")));
    assertEquals(repr.get("orphan").asText(), PyRepr.repr(dir("o", null)));
    assertEquals(repr.get("int_file").asText(), new GorillaFileSystem.File(5L, 7L, now).pyRepr());
  }

  // --------------------------------------------------------------------------------------------- direct checks

  @Test
  void stateHasPythonsAttributesInAssignmentOrder() {
    GorillaFileSystem fs = new GorillaFileSystem();
    assertTrue(fs.state().isEmpty(), "vars() before _load_scenario has only private names");
    fs.loadScenario(new LinkedHashMap<>(), true);
    assertEquals(List.of("long_context", "root"), new ArrayList<>(fs.state().keySet()));
    assertEquals(true, fs.state().get("long_context"));
    GorillaFileSystem.Directory root = (GorillaFileSystem.Directory) fs.state().get("root");
    assertEquals("/", root.name());
    assertNull(root.parent());
    // The default root has no scenario directories below it, so long context does not populate it.
    assertTrue(root.contents().isEmpty());
    assertEquals(List.of("name", "contents"), new ArrayList<>(root.publicAttributes().keySet()));
  }

  /** Values from BFCL's Python: GorillaFileSystem() with no scenario loaded has neither root nor _current_dir. */
  @Test
  void callsBeforeLoadingFailAsInPython() {
    GorillaFileSystem fs = new GorillaFileSystem();
    PyException e = assertThrows(PyException.class, () -> fs.invoke("pwd", List.of(), Map.of()));
    assertEquals("AttributeError: 'GorillaFileSystem' object has no attribute '_current_dir'",
        e.type() + ": " + e.pyStr());
    e = assertThrows(PyException.class, () -> fs.invoke("find", List.of(), Map.of("path", "/")));
    assertEquals("AttributeError: 'GorillaFileSystem' object has no attribute 'root'", e.type() + ": " + e.pyStr());
    assertEquals(Map.of("error", "wc: invalid mode 'q'"), fs.invoke("wc", List.of("x", "q"), Map.of()));
  }

  @Test
  void declaresEveryPublicMethodOfThePythonClass() {
    assertEquals(List.of("pwd", "ls", "cd", "mkdir", "touch", "echo", "cat", "find", "wc", "sort", "grep", "du",
        "tail", "diff", "mv", "rm", "rmdir", "cp"), new ArrayList<>(new GorillaFileSystem().methodNames()));
  }

  @Test
  void movedDirectorySharesItsContentsDictAndCopiedOneOnlyTheChildren() {
    GorillaFileSystem fs = load(Map.of("root", Map.of("r", Map.of("type", "directory", "contents", new LinkedHashMap<>(
        Map.of("a", Map.of("type", "directory", "contents", Map.of("f", Map.of("type", "file", "content", "x"))),
            "b", Map.of("type", "directory", "contents", Map.of())))))));
    GorillaFileSystem.Directory r = fs.currentDirectory();
    GorillaFileSystem.Directory a = (GorillaFileSystem.Directory) r.contents().get("a");
    fs.invoke("cp", List.of("a", "c"), Map.of());
    GorillaFileSystem.Directory c = (GorillaFileSystem.Directory) r.contents().get("c");
    assertFalse(a.contents() == c.contents());
    assertSame(a.contents().get("f"), c.contents().get("f"));
    fs.invoke("mv", List.of("a", "b"), Map.of());
    GorillaFileSystem.Directory moved = (GorillaFileSystem.Directory) ((GorillaFileSystem.Directory) r.contents()
        .get("b")).contents().get("a");
    assertSame(a.contents(), moved.contents());
    assertSame(r.contents().get("b"), moved.parent());
  }

  @Test
  void filesAreStampedWithTheClock() {
    GorillaFileSystem fs = new GorillaFileSystem();
    fs.setClock(Clock.fixed(Instant.parse("2024-05-06T07:08:09Z"), ZoneOffset.UTC));
    fs.loadScenario(new LinkedHashMap<>(), false);
    fs.invoke("touch", List.of("f"), Map.of());
    GorillaFileSystem.File f = (GorillaFileSystem.File) fs.currentDirectory().contents().get("f");
    assertEquals(LocalDateTime.of(2024, 5, 6, 7, 8, 9), f.lastModified());
    fs.setClock(Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC));
    fs.invoke("echo", List.of("text", "f"), Map.of());
    assertEquals(LocalDateTime.of(2025, 1, 1, 0, 0), f.lastModified());
    assertEquals("text", f.content());
  }

  // --------------------------------------------------------------------------------------------------- helpers

  private static GorillaFileSystem load(Map<String, Object> config) {
    GorillaFileSystem fs = new GorillaFileSystem();
    fs.loadScenario(PyValues.deepCopy(config), false);
    return fs;
  }

  private static GorillaFileSystem.File file(String name, String content) {
    return new GorillaFileSystem.File(name, content, LocalDateTime.of(2024, 1, 1, 0, 0));
  }

  private static GorillaFileSystem.Directory dir(String name, GorillaFileSystem.Directory parent) {
    return new GorillaFileSystem.Directory(name, parent);
  }

  private static List<String> textList(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(x -> out.add(x.asText()));
    return out;
  }
}
