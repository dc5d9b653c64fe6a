package io.shiq.bfcl.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shiq.bfcl.data.BfclData;
import io.shiq.bfcl.data.BfclTask;
import io.shiq.bfcl.data.BfclTask.Message;
import io.shiq.policy.TestData;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * BFCL's default system prompt. system_prompt_multi_turn_base_0.txt is what BFCL's own formulate_system_prompt
 * (gorilla 6ea57973, DEFAULT_SYSTEM_PROMPT_FORMAT) wrote for multi_turn_base_0's functions as load_dataset_entry
 * gives them.
 */
class SystemPromptsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theDefaultPromptIsBfclsOwnForMultiTurnBase0() throws Exception {
    BfclTask t = BfclData.loadTasks(TestData.require("bfcl"), List.of("base")).get(0);
    assertEquals("multi_turn_base_0", t.record().id());
    String want;
    try (InputStream in = SystemPromptsTest.class.getResourceAsStream("system_prompt_multi_turn_base_0.txt")) {
      want = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertEquals(want, SystemPrompts.defaultPrompting(t.functions()));
  }

  /**
   * Worked out from formulate_system_prompt by hand: persona and task with no space between, the empty
   * parameter-type sentence leaving two spaces, json.dumps(indent=4) with ensure_ascii, and a closing "\n".
   */
  @Test
  void thePromptsShapeOnASmallDoc() throws Exception {
    ObjectNode doc = (ObjectNode) JSON.readTree("{\"name\": \"f\", \"description\": \"caf\u00e9\", \"parameters\": "
        + "{\"type\": \"dict\", \"properties\": {}, \"required\": []}}");
    String p = SystemPrompts.defaultPrompting(List.of(doc));
    assertTrue(p.startsWith("You are an expert in composing functions.You are given a question"), p);
    assertTrue(p.contains("func_name2(params)].  You SHOULD NOT include any other text in the response.\n\n"), p);
    assertTrue(p.endsWith("Here is a list of functions in json format that you can invoke.\n[\n    {\n"
        + "        \"name\": \"f\",\n        \"description\": \"caf\\u00e9\",\n        \"parameters\": {\n"
        + "            \"type\": \"dict\",\n            \"properties\": {},\n            \"required\": []\n"
        + "        }\n    }\n]\n"), p);
  }

  /** system_prompt_pre_processing_chat_model: prepended, or merged before an existing system message. */
  @Test
  void theSystemPromptGoesFirst() {
    List<Message> turn = List.of(new Message("user", "hi"));
    assertEquals(List.of(new Message("system", "SYS"), new Message("user", "hi")),
        SystemPrompts.withSystemPrompt(turn, "SYS"));
    List<Message> withSystem = List.of(new Message("system", "be brief"), new Message("user", "hi"));
    assertEquals(List.of(new Message("system", "SYS\n\nbe brief"), new Message("user", "hi")),
        SystemPrompts.withSystemPrompt(withSystem, "SYS"));
    assertThrows(IllegalArgumentException.class, () -> SystemPrompts.withSystemPrompt(List.of(), "SYS"));
  }
}
