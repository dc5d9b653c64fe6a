package io.shiq.bfcl.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shiq.bfcl.decode.CallStyle;
import io.shiq.bfcl.prompt.SystemPrompts;
import io.shiq.policy.TestData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records as BFCL's inference sees them. bfcl_inference_inputs.jsonl holds, for every shared record, what BFCL's own
 * code (gorilla 6ea57973: load_dataset_entry's populate_test_cases_with_predefined_functions and
 * add_language_specific_hint_to_function_doc, formulate_system_prompt, inference_multi_turn_prompting's held-out
 * message) made of it; its first line says how it was made.
 */
class BfclTaskTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Path dir;
  private static List<BfclTask> tasks;

  @BeforeAll
  static void load() throws IOException {
    dir = TestData.require("bfcl");
    tasks = BfclData.loadTasks(dir, List.of());
  }

  private static BfclTask task(String id) {
    return tasks.stream().filter(t -> t.record().id().equals(id)).findFirst().orElseThrow();
  }

  private static List<String> names(List<ObjectNode> docs) {
    return docs.stream().map(d -> d.get("name").asText()).toList();
  }

  /** miss_func_0 holds "sort" back to turn 3, whose question is empty. */
  @Test
  void heldOutFunctionsOfMissFunc0() {
    BfclTask t = task("multi_turn_miss_func_0");
    assertEquals(List.of(3), List.copyOf(t.heldOut().keySet()));
    assertEquals(List.of("sort"), names(t.heldOut().get(3)));
    assertFalse(names(t.functions()).contains("sort"));
    assertTrue(names(t.functions()).contains("cat"));
    assertTrue(t.questions().get(3).isEmpty());
    assertEquals(5, t.turns());

    // DEFAULT_USER_PROMPT_FOR_ADDITIONAL_FUNCTION_PROMPTING.format(functions=[sort doc]): Python's str() of the list
    // of the doc as json.loads read it, then "\n" and the FC text. The held-out doc has no Python hint.
    String sortDoc = "[{'name': 'sort', 'description': 'This tool belongs to the Gorilla file system. It is a simple "
        + "file system that allows users to perform basic file operations such as navigating directories, creating "
        + "files and directories, reading and writing to files, etc. Tool description: Sort the contents of a file "
        + "line by line.', 'parameters': {'type': 'dict', 'properties': {'file_name': {'type': 'string', "
        + "'description': 'The name of the file appeared at current directory to sort. '}}, 'required': "
        + "['file_name']}, 'response': {'type': 'dict', 'properties': {'sorted_content': {'type': 'string', "
        + "'description': 'The sorted content of the file.'}}}}]";
    assertEquals(List.of(new BfclTask.Message("user", sortDoc
            + "\nI have updated some more functions you can choose from. What about now?")),
        t.turnMessages(3, CallStyle.PROMPTING));
    assertEquals(List.of(new BfclTask.Message("user",
            "I have updated some more functions you can choose from. What about now?")),
        t.turnMessages(3, CallStyle.FUNCTION_CALLING));
    assertEquals(t.questions().get(0), t.turnMessages(0, CallStyle.PROMPTING));
    assertEquals("user", t.turnMessages(0, CallStyle.FUNCTION_CALLING).get(0).role());
  }

  /** Offered docs: the sum of the involved classes' docs, in involved order, less the held-out ones. */
  @Test
  void functionsAreTheDocsOfTheInvolvedClassesLessTheHeldOut() throws IOException {
    for (BfclTask t : tasks) {
      List<String> expected = new ArrayList<>();
      for (String c : t.record().involvedClasses()) {
        for (JsonNode doc : BfclData.lines(dir.resolve("multi_turn_func_doc").resolve(BfclData.FUNC_DOC_FILES.get(c)))
            .values()) {
          expected.add(doc.get("name").asText());
        }
      }
      int heldOut = t.heldOut().values().stream().mapToInt(List::size).sum();
      t.heldOut().values().forEach(docs -> expected.removeAll(names(docs)));
      assertEquals(expected, names(t.functions()), t.record().id());
      assertEquals(expected.size(), t.functions().size());
      assertEquals(t.record().category().equals("miss_func") ? 1 : 0, heldOut, t.record().id());
      assertEquals(t.record().groundTruth().size(), t.turns());
      for (ObjectNode f : t.functions()) {
        assertTrue(f.get("description").asText().endsWith(" Note that the provided function is in Python 3 syntax."),
            f.toString());
      }
    }
  }

  /** Per record, the offered function names, the system prompt and the held-out messages BFCL's code made. */
  @Test
  void bfclsOwnInferenceInputsAreReproduced() throws Exception {
    Map<String, BfclTask> byId = new HashMap<>();
    tasks.forEach(t -> byId.put(t.record().id(), t));
    int n = 0;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
        BfclTaskTest.class.getResourceAsStream("bfcl_inference_inputs.jsonl"), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.startsWith("#")) {
          continue;
        }
        JsonNode want = JSON.readTree(line);
        BfclTask t = byId.get(want.get("id").asText());
        String id = t.record().id();
        assertEquals(JSON.convertValue(want.get("functions"), List.class), names(t.functions()), id);
        String prompt = SystemPrompts.defaultPrompting(t.functions());
        assertEquals(want.get("system_prompt_sha256").asText(), HexFormat.of().formatHex(
            MessageDigest.getInstance("SHA-256").digest(prompt.getBytes(StandardCharsets.UTF_8))), id);
        assertEquals(want.get("held_out_messages").size(), t.heldOut().size(), id);
        for (Map.Entry<String, JsonNode> h : (Iterable<Map.Entry<String, JsonNode>>) want.get("held_out_messages")
            ::fields) {
          assertEquals(h.getValue().asText(),
              t.turnMessages(Integer.parseInt(h.getKey()), CallStyle.PROMPTING).get(0).content(), id);
        }
        n++;
      }
    }
    assertEquals(64, n);
  }

  @Test
  void errorsNameTheFileLineAndField(@TempDir Path tmp) throws IOException {
    Path bad = tmp.resolve("bfcl");
    Files.createDirectories(bad.resolve("possible_answer"));
    Files.createDirectories(bad.resolve("multi_turn_func_doc"));
    String file = "BFCL_v4_multi_turn_base.json";
    Files.writeString(bad.resolve(file), "{\"id\": \"multi_turn_base_0\", \"question\": [[{\"role\": \"user\"}]], "
        + "\"initial_config\": {}, \"involved_classes\": [\"MathAPI\"]}\n");
    Files.writeString(bad.resolve("possible_answer").resolve(file),
        "{\"id\": \"multi_turn_base_0\", \"ground_truth\": [[\"mean(numbers=[1])\"]]}\n");
    Files.copy(dir.resolve("multi_turn_func_doc/math_api.json"), bad.resolve("multi_turn_func_doc/math_api.json"));
    IOException e = assertThrows(IOException.class, () -> BfclData.loadTasks(bad, List.of()));
    assertTrue(e.getMessage().contains(file + " line 1") && e.getMessage().contains("'question'"), e.getMessage());
    Files.writeString(bad.resolve(file), "{\"id\": \"multi_turn_base_0\", \"question\": [[]], "
        + "\"initial_config\": {}, \"involved_classes\": [\"WebSearchAPI\"]}\n");
    e = assertThrows(IOException.class, () -> BfclData.loadTasks(bad, List.of()));
    assertTrue(e.getMessage().contains(file + " line 1") && e.getMessage().contains("'involved_classes'"),
        e.getMessage());
  }
}
