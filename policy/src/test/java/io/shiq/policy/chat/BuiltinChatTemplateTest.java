package io.shiq.policy.chat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.policy.TestData;
import io.shiq.policy.tokenizer.Llama2cTokenizer;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The plain-text template for models without one, with llama2.c's 512-token stories tokenizer. */
class BuiltinChatTemplateTest {
  private final BuiltinChatTemplate template = new BuiltinChatTemplate();

  @Test
  void rendersPlainText() {
    assertEquals("System: Be kind.\nUser: Hi\nAssistant: Hello\nTool: 5\nAssistant: ",
        template.render(List.of(ChatMessage.system("Be kind."), ChatMessage.user("Hi"), ChatMessage.assistant("Hello"),
            ChatMessage.tool("5")), List.of(), true));
    assertEquals("", template.endOfTurnText());
    assertFalse(template.supportsTools());
    assertEquals("builtin", template.id());
  }

  @Test
  void transcriptWithLlama2cTokenizer() {
    Llama2cTokenizer tok = Llama2cTokenizer.load(TestData.require("stories260k").resolve("tok512.bin"), 512);
    ChatTranscript t = new ChatTranscript(template, tok, List.of());
    assertTrue(t.stopTokens().contains(Llama2cTokenizer.EOS));

    int[] opening = t.open(List.of(ChatMessage.user("Tell me a story.")));
    assertEquals(Llama2cTokenizer.BOS, opening[0]);
    assertArrayEquals(tok.encode("User: Tell me a story.\nAssistant: ", true, false), opening);
    assertEquals("User: Tell me a story.\nAssistant: ", tok.decode(opening).stripLeading());

    int[] story = tok.encode("Once upon a time", false, false);
    int[] sampled = IntStream.concat(Arrays.stream(story), IntStream.of(Llama2cTokenizer.EOS)).toArray();
    t.assistant(sampled, "Once upon a time");
    int[] delta = t.next(List.of(ChatMessage.user("More.")));
    // EOS ends the turn and has no text: the delta is the template text after the assistant's content.
    assertArrayEquals(tok.encode("\nUser: More.\nAssistant: ", false, false), delta);
    assertEquals(opening.length + sampled.length + delta.length, t.tokens().length);
    assertArrayEquals(delta, Arrays.copyOfRange(t.tokens(), t.tokens().length - delta.length, t.tokens().length));
  }
}
