package io.shiq.policy.chat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiq.policy.TestData;
import io.shiq.policy.tokenizer.HfTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Qwen3's own chat template (tokenizer_config.json) rendered as transformers renders it, and its token ids. */
class QwenChatTemplateTest {
  /** A BFCL-style function doc; JSON object order is kept (Jackson reads objects into LinkedHashMaps). */
  static final String ADD_TOOL = "{\"name\": \"add\", \"description\": \"Add two numbers.\", \"parameters\": "
      + "{\"type\": \"dict\", \"properties\": {\"a\": {\"type\": \"integer\"}, \"b\": {\"type\": \"integer\"}}, "
      + "\"required\": [\"a\", \"b\"]}}";
  static final int IM_START = 151644;
  static final int IM_END = 151645;

  private static HfTokenizer qwen;
  private static ChatTemplate template;

  @BeforeAll
  static void load() throws IOException {
    Path dir = TestData.require("qwen3-tokenizer");
    qwen = HfTokenizer.load(dir);
    template = ChatTemplate.forDirectory(dir);
  }

  @AfterAll
  static void close() {
    if (qwen != null) {
      qwen.close();
    }
  }

  static List<Object> tools() throws IOException {
    return List.of(new ObjectMapper().readValue(ADD_TOOL, Object.class));
  }

  @Test
  void isTheDirectorysJinjaTemplate() {
    assertInstanceOf(JinjaChatTemplate.class, template);
    assertEquals("jinja:tokenizer_config.json", template.id());
    assertEquals("<|im_end|>", template.endOfTurnText());
    assertTrue(template.supportsTools());
  }

  @Test
  void rendersToolsPromptExactly() throws IOException {
    String rendered = template.render(List.of(ChatMessage.system("You are a helpful assistant."),
        ChatMessage.user("What is 2+3?")), tools(), true);
    assertEquals(resourceText("qwen3-tools-prompt.txt"), rendered);
  }

  @Test
  void tokenIdsOfTheRenderingAreTheGoldenIds() throws IOException {
    String rendered = template.render(List.of(ChatMessage.system("You are a helpful assistant."),
        ChatMessage.user("What is 2+3?")), tools(), true);
    int[] ids = qwen.encode(rendered, false, false);
    // qwen3-tools-prompt.ids was derived by qwen3_golden_ids.py (next to it): byte-level BPE by hand from
    // tokenizer.json's added tokens, pre-tokenizer regex, merges and vocab; no transformers involved.
    assertArrayEquals(resourceIds("qwen3-tools-prompt.ids"), ids);
    // The end, "<|im_start|>user\nWhat is 2+3?<|im_end|>\n<|im_start|>assistant\n", by looking the pieces up in
    // tokenizer.json: added tokens <|im_start|>=151644, <|im_end|>=151645; vocab "user"=872, "Ċ" (newline)=198,
    // "What"=3838, "Ġis"=374; digits are pre-tokenized one by one (\p{N}), so " 2" is "Ġ"=220 then "2"=17;
    // "+"=10, "3"=18, "?"=30, "assistant"=77091.
    int[] tail = {IM_START, 872, 198, 3838, 374, 220, 17, 10, 18, 30, IM_END, 198, IM_START, 77091, 198};
    assertArrayEquals(tail, Arrays.copyOfRange(ids, ids.length - tail.length, ids.length));
    assertArrayEquals(new int[] {IM_START, 8948, 198}, Arrays.copyOf(ids, 3)); // <|im_start|> "system" "\n"
  }

  @Test
  void rewritesEarlierThinkingAndGroupsToolResults() {
    // Exercises the template's loop.first/last, messages[loop.index0 - 1].role, `is defined`/`is none`,
    // '</think>' in content, split('</think>')[-1].lstrip('\n'), rstrip/strip, messages[::-1] and namespace().
    String call = "<tool_call>\n{\"name\": \"add\", \"arguments\": {\"a\": 2, \"b\": 3}}\n</tool_call>";
    List<ChatMessage> messages = List.of(
        ChatMessage.system("S"),
        ChatMessage.user("Hi"),
        ChatMessage.assistant("<think>\nplan\n</think>\n\nHello!"),
        ChatMessage.user("Add 2 and 3"),
        ChatMessage.assistant(call),
        ChatMessage.tool("5"),
        ChatMessage.tool("ok"),
        ChatMessage.assistant("<think>\nsum\n</think>\n\nIt is 5."));
    String expected = "<|im_start|>system\nS<|im_end|>\n"
        + "<|im_start|>user\nHi<|im_end|>\n"
        + "<|im_start|>assistant\nHello!<|im_end|>\n" // before the last user query: thinking dropped
        + "<|im_start|>user\nAdd 2 and 3<|im_end|>\n"
        + "<|im_start|>assistant\n" + call + "<|im_end|>\n"
        + "<|im_start|>user\n<tool_response>\n5\n</tool_response>\n<tool_response>\nok\n</tool_response><|im_end|>\n"
        + "<|im_start|>assistant\n<think>\nsum\n</think>\n\nIt is 5.<|im_end|>\n"; // last: thinking kept
    assertEquals(expected, template.render(messages, List.of(), false));
    // A tool response sent as a user message is not the user's query: the assistant turn before it keeps its
    // thinking, which a real query after it would drop.
    String thought = "<think>\nr1\n</think>\n\na";
    assertEquals("<|im_start|>user\nq<|im_end|>\n<|im_start|>assistant\n<think>\nr1\n</think>\n\na<|im_end|>\n"
            + "<|im_start|>user\n<tool_response>r</tool_response><|im_end|>\n<|im_start|>assistant\n",
        template.render(List.of(ChatMessage.user("q"), ChatMessage.assistant(thought),
            ChatMessage.user("<tool_response>r</tool_response>")), List.of(), true));
    assertEquals("<|im_start|>user\nq<|im_end|>\n<|im_start|>assistant\na<|im_end|>\n"
            + "<|im_start|>user\nr<|im_end|>\n<|im_start|>assistant\n",
        template.render(List.of(ChatMessage.user("q"), ChatMessage.assistant(thought), ChatMessage.user("r")),
            List.of(), true));
  }

  static String resourceText(String name) throws IOException {
    try (InputStream in = QwenChatTemplateTest.class.getResourceAsStream("/chat/" + name)) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return text.substring(text.indexOf('\n') + 1); // the first line says how the file was made
    }
  }

  static int[] resourceIds(String name) throws IOException {
    return Arrays.stream(resourceText(name).trim().split("\\s+")).mapToInt(Integer::parseInt).toArray();
  }
}
