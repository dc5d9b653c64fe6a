package io.shiq.policy.chat;

import static io.shiq.policy.chat.QwenChatTemplateTest.IM_END;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.policy.TestData;
import io.shiq.policy.tokenizer.HfTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Conversations as exact token ids with Qwen3's template: rendered deltas + sampled ids, never re-tokenised. */
class ChatTranscriptTest {
  private static final String CALL_2_3 = call(2, 3);

  private static HfTokenizer qwen;
  private static ChatTemplate template;
  private static List<Object> tools;

  @BeforeAll
  static void load() throws IOException {
    Path dir = TestData.require("qwen3-tokenizer");
    qwen = HfTokenizer.load(dir);
    template = ChatTemplate.forDirectory(dir);
    tools = QwenChatTemplateTest.tools();
  }

  @AfterAll
  static void close() {
    if (qwen != null) {
      qwen.close();
    }
  }

  private static String call(int a, int b) {
    return "<tool_call>\n{\"name\": \"add\", \"arguments\": {\"a\": " + a + ", \"b\": " + b + "}}\n</tool_call>";
  }

  /** What a policy would sample for {@code text}: its ids, then <|im_end|> as the stop token. */
  private static int[] sampled(String text) {
    int[] ids = qwen.encode(text, false, false);
    int[] out = Arrays.copyOf(ids, ids.length + 1);
    out[ids.length] = IM_END;
    return out;
  }

  @Test
  void stopTokensAreImEnd() {
    ChatTranscript t = new ChatTranscript(template, qwen, tools);
    assertEquals(Set.of(IM_END), t.stopTokens());
  }

  @Test
  void multiStepToolEpisodeEqualsTheTokenizedRendering() {
    ChatTranscript t = new ChatTranscript(template, qwen, tools);
    int[] opening = t.open(List.of(ChatMessage.user("What is 2+3?")));
    assertArrayEquals(qwen.encode(template.render(List.of(ChatMessage.user("What is 2+3?")), tools, true), false,
        false), opening);

    List<Integer> deltaStarts = new ArrayList<>();
    t.assistant(sampled(CALL_2_3), CALL_2_3);
    deltaStarts.add(t.tokens().length);
    int[] toolDelta = t.next(List.of(ChatMessage.tool("5")));
    // Cut right after the sampled <|im_end|>: the delta starts with the newline that follows it.
    assertArrayEquals(qwen.encode("\n<|im_start|>user\n<tool_response>\n5\n</tool_response><|im_end|>\n"
        + "<|im_start|>assistant\n", false, false), toolDelta);

    t.assistant(sampled("The answer is 5."), "The answer is 5.");
    deltaStarts.add(t.tokens().length);
    t.next(List.of(ChatMessage.user("And 4+4?")));

    String twoCalls = call(4, 4) + "\n" + call(1, 1);
    t.assistant(sampled(twoCalls), twoCalls);
    deltaStarts.add(t.tokens().length);
    int[] twoResults = t.next(List.of(ChatMessage.tool("8"), ChatMessage.tool("2"))); // one user turn, grouped
    assertArrayEquals(qwen.encode("\n<|im_start|>user\n<tool_response>\n8\n</tool_response>\n<tool_response>\n2\n"
        + "</tool_response><|im_end|>\n<|im_start|>assistant\n", false, false), twoResults);

    t.assistant(sampled("4+4 is 8."), "4+4 is 8.");

    int[] tokens = t.tokens();
    for (int start : deltaStarts) {
      assertEquals(IM_END, tokens[start - 1], "a next() delta starts right after <|im_end|>");
    }
    // The whole conversation rendered at once, then tokenised. A user message appended after the last assistant
    // makes every assistant message an earlier turn, which Qwen3's template renders plainly (the last assistant
    // turn after the last query would get an empty <think></think> block); the comparison stops at the last
    // assistant's <|im_end|>, where the transcript ends.
    List<ChatMessage> all = new ArrayList<>(t.messages());
    assertEquals(List.of(ChatMessage.user("What is 2+3?"), ChatMessage.assistant(CALL_2_3), ChatMessage.tool("5"),
        ChatMessage.assistant("The answer is 5."), ChatMessage.user("And 4+4?"), ChatMessage.assistant(twoCalls),
        ChatMessage.tool("8"), ChatMessage.tool("2"), ChatMessage.assistant("4+4 is 8.")), all);
    all.add(ChatMessage.user("x"));
    String full = template.render(all, tools, false);
    String end = "<|im_end|>\n<|im_start|>user\nx<|im_end|>\n";
    assertTrue(full.endsWith(end), full);
    String upToLastAssistant = full.substring(0, full.length() - end.length()) + "<|im_end|>";
    assertArrayEquals(qwen.encode(upToLastAssistant, false, false), tokens);

    assertArrayEquals(new int[] {198}, t.closing()); // "\n" after the final <|im_end|>
    assertThrows(IllegalStateException.class, () -> t.next(List.of(ChatMessage.user("more"))));
  }

  @Test
  void turnCutByTheTokenBudgetGetsItsEndOfTurnFromTheDelta() {
    ChatTranscript t = new ChatTranscript(template, qwen, tools);
    t.open(List.of(ChatMessage.user("Count to ten.")));
    int[] cut = qwen.encode("One, two, three", false, false); // no stop token: the budget ran out
    t.assistant(cut, "One, two, three");
    int before = t.tokens().length;
    int[] delta = t.next(List.of(ChatMessage.user("Go on.")));
    assertEquals(IM_END, delta[0]);
    assertArrayEquals(qwen.encode("<|im_end|>\n<|im_start|>user\nGo on.<|im_end|>\n<|im_start|>assistant\n", false,
        false), delta);
    assertArrayEquals(delta, Arrays.copyOfRange(t.tokens(), before, t.tokens().length));

    t.assistant(qwen.encode("four", false, false), "four");
    assertArrayEquals(new int[] {IM_END, 198}, t.closing());
  }

  @Test
  void tokensAreOpeningThenSampledThenDeltasInOrder() {
    ChatTranscript t = new ChatTranscript(template, qwen, List.of());
    int[] opening = t.open(List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi")));
    int[] sampled = sampled("Hello.");
    t.assistant(sampled, "Hello.");
    int[] delta = t.next(List.of(ChatMessage.user("Bye")));
    int[] expected = IntStream.concat(IntStream.concat(Arrays.stream(opening), Arrays.stream(sampled)),
        Arrays.stream(delta)).toArray();
    assertArrayEquals(expected, t.tokens());
    assertArrayEquals(qwen.encode("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
        + "<|im_start|>assistant\n", false, false), opening);
  }

  @Test
  void callsOutOfOrderAndMismatchedEndOfTurnFail() {
    ChatTranscript t = new ChatTranscript(template, qwen, tools);
    assertThrows(IllegalStateException.class, () -> t.assistant(new int[] {1}, "x"));
    assertThrows(IllegalStateException.class, () -> t.next(List.of(ChatMessage.user("x"))));
    t.open(List.of(ChatMessage.user("q")));
    assertThrows(IllegalStateException.class, () -> t.open(List.of(ChatMessage.user("q"))));

    // A template whose claimed end of turn is not what it writes after an assistant message.
    ChatTemplate wrong = new ChatTemplate() {
      @Override
      public String render(List<ChatMessage> messages, List<Object> tls, boolean addGenerationPrompt) {
        return template.render(messages, tls, addGenerationPrompt);
      }

      @Override
      public String endOfTurnText() {
        return "<|endoftext|>";
      }

      @Override
      public boolean supportsTools() {
        return true;
      }

      @Override
      public String id() {
        return "wrong-end";
      }
    };
    ChatTranscript w = new ChatTranscript(wrong, qwen, tools);
    w.open(List.of(ChatMessage.user("q")));
    w.assistant(new int[] {151643}, "a"); // <|endoftext|>: a stop token of this template
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.next(List.of(ChatMessage.tool("r"))));
    assertTrue(e.getMessage().contains("wrong-end") && e.getMessage().contains("<|im_end|>"), e.getMessage());
  }

  @Test
  void toolsNeedATemplateThatRendersThem() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ChatTranscript(new BuiltinChatTemplate(), qwen, tools));
    assertTrue(e.getMessage().contains("builtin"), e.getMessage());
  }
}
