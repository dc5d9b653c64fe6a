package io.shiq.policy.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jinja as Python runs it, on small templates: Python's str methods, the syntax rewrites, transformers' tojson and
 * raise_exception, and errors that name the template and line. Expected values are what Python/Jinja2 give.
 */
class JinjaChatTemplateTest {
  private static final Map<String, String> SPECIAL = Map.of("eos_token", "</s>", "bos_token", "<s>");

  /** Renders {@code {{ expr }}} with messages = [user(content)]. */
  private static String eval(String expr, String content) {
    return new JinjaChatTemplate("{{ " + expr + " }}", "test.jinja", SPECIAL)
        .render(List.of(ChatMessage.user(content)), List.of(), false);
  }

  private static String eval(String expr) {
    return eval(expr, "");
  }

  @Test
  void pythonStringMethods() {
    assertEquals("true", eval("messages[0].content.startswith('<tool_response>')", "<tool_response>x"));
    assertEquals("false", eval("messages[0].content.endswith('</tool_response>')", "<tool_response>x"));
    assertEquals("true", eval("'abc'.startswith(['x', 'ab'])"));
    assertEquals("true", eval("'abc'.endswith('c')"));
    // split(sep) keeps empty parts (Java's String.split would drop the trailing one and take a regex)
    assertEquals("4|", eval("'a,,b,'.split(',')|length ~ '|' ~ 'a,,b,'.split(',')[-1]"));
    assertEquals("a.b", eval("'a.b|c'.split('|')[0]"));
    assertEquals("a-b-c", eval("'-'.join('  a \\n b\\tc  '.split())")); // split() splits on whitespace runs
    assertEquals("a|b c", eval("'a b c'.split(' ', 1)|join('|')"));
    assertEquals("ans", eval("messages[0].content.split('</think>')[-1].lstrip('\\n')", "<think>r</think>\n\nans"));
    assertEquals("hi", eval("'xyhiyx'.strip('xy')"));
    assertEquals("hi  ", eval("'  hi  '.lstrip()"));
    assertEquals("\n\nhi", eval("'\\n\\nhi\\n'.rstrip('\\n')"));
    assertEquals("HI|hi|Hello World|Hello world", eval("'hI'.upper() ~ '|' ~ 'HI'.lower() ~ '|' ~ "
        + "'hello world'.title() ~ '|' ~ 'hELLO WORLD'.capitalize()"));
    assertEquals("b-a-a", eval("'a-a-a'.replace('a', 'b', 1)"));
    assertEquals("2|-1|3", eval("'abcab'.find('c') ~ '|' ~ 'abc'.find('z') ~ '|' ~ 'aXaXa'.count('a')"));
    assertEquals("c", eval("'abc'[-1]"));
  }

  @Test
  void compatibilityRewrites() {
    assertEquals("cba", eval("'abc'[::-1]"));
    assertEquals("tool user ", new JinjaChatTemplate("{% for m in messages[::-1] %}{{ m.role }} {% endfor %}", "t",
        SPECIAL).render(List.of(ChatMessage.user("a"), ChatMessage.tool("b")), List.of(), false));
    // A keyword value with a filter: Jinjava alone fails with "Cannot coerce NamedParameter to Long".
    String ns = "{%- set ns = namespace(flag=true, last=messages|length - 1) %}{{ ns.last }} {{ ns.flag }}";
    assertEquals("1 true", new JinjaChatTemplate(ns, "t", SPECIAL)
        .render(List.of(ChatMessage.user("a"), ChatMessage.user("b")), List.of(), false));
    // `not x is test` is `not (x is test)` in Jinja2
    assertEquals("false|true|false", eval("not messages is defined ~ '|' ~ not nothing is defined ~ '|' ~ "
        + "not messages[0].content is string"));
    // Jinja2 drops one trailing newline of the template; {% generation %} renders its body unchanged.
    assertEquals("a\nb", new JinjaChatTemplate("a\n{% generation %}b{% endgeneration %}\n", "t", SPECIAL)
        .render(List.of(ChatMessage.user("")), List.of(), false));
    // lstrip_blocks strips only from the start of a line; text before a tag on the same line stays.
    assertEquals("a, b|x\ny", new JinjaChatTemplate("{% for m in messages %}{% if not loop.first %}, {% endif %}"
        + "{{ m.content }}{% endfor %}|x\n   {% if true %}\ny{% endif %}", "t", SPECIAL)
        .render(List.of(ChatMessage.user("a"), ChatMessage.user("b")), List.of(), false));
    assertEquals("true", eval("messages|length is divisibleby(1)")); // a test after a filter
    assertEquals("A\u00e9\\/", eval("'\\x41\\u00e9\\/'")); // Python's escapes; an unknown one stays as written
    // loop.previtem/nextitem (Jinjava's loop lacks them), Jinja2's items filter, recursive macros
    String loopItems = "{% for m in messages %}{% if loop.previtem and loop.previtem.role != 'tool' %}[{% endif %}"
        + "{{ m.content }}{% if loop.nextitem %},{% endif %}{% endfor %}|"
        + "{% for k, v in {'a': 1, 'b': 2}|items %}{{ k }}={{ v }} {% endfor %}|"
        + "{% macro depth(n) %}{% if n > 0 %}({{ depth(n - 1) }}){% endif %}{% endmacro %}{{ depth(3) }}";
    assertEquals("a,[b,c|a=1 b=2 |((()))", new JinjaChatTemplate(loopItems, "t", SPECIAL).render(
        List.of(ChatMessage.user("a"), ChatMessage.tool("b"), ChatMessage.tool("c")), List.of(), false));
    // Only code is rewritten: text and string literals keep [::-1].
    assertEquals("x[::-1] [::-1]", JinjaCompat.rewrite("x[::-1] {{ '[::-1]' }}").replace("{{ '", "").replace("' }}",
        ""));
    assertEquals("{% for m in messages|reverse %}", JinjaCompat.rewrite("{% for m in messages[::-1] %}"));
    assertEquals("{%- set ns = namespace(a=true, b=(x|length - 1)) %}",
        JinjaCompat.rewrite("{%- set ns = namespace(a=true, b=x|length - 1) %}"));
    assertEquals("{% if not (tools is none) and not (x.y is defined) %}",
        JinjaCompat.rewrite("{% if not tools is none and not x.y is defined %}"));
  }

  @Test
  void jinjaTestsAndLoopVariables() {
    String t = "{% for m in messages %}{{ loop.index0 }}{% if loop.first %}F{% endif %}{% if loop.last %}L{% endif %}"
        + "{% if not loop.first %}<{{ messages[loop.index0 - 1].role }}>{% endif %}"
        + "{% if m.content is string %}s{% endif %}{% if m.reasoning_content is defined %}D{% endif %}"
        + "{% if m.content is not none %}n{% endif %}{% if '</think>' in m.content %}T{% endif %};{% endfor %}"
        + "{{ bos_token }}{{ eos_token }}{% if add_generation_prompt %}G{% endif %}";
    assertEquals("0Fsn;1L<user>snT;<s></s>G", new JinjaChatTemplate(t, "t", SPECIAL)
        .render(List.of(ChatMessage.user("a"), ChatMessage.assistant("r</think>b")), List.of(), true));
    assertEquals("true|true", eval("'abc' is iterable ~ '|' ~ messages[0] is iterable")); // as in Python
    assertEquals("N", eval("'N' if none is none else 'x'"));
    assertEquals("\u0001x", eval("'\\u0001x \\n'|trim")); // str.strip(): control characters stay
    assertEquals("\u0001\"'\\", eval("messages[0].content", "\u0001\"'\\")); // content printed as it is
  }

  @Test
  void tojsonIsPythonsJsonDumps() {
    Map<String, Object> tool = new LinkedHashMap<>();
    tool.put("name", "météo");
    tool.put("z", List.of(1, 2.5, 1e-5, 1e16, true));
    tool.put("a", Map.of());
    tool.put("quote", "say \"hi\"\n\t\u0001");
    tool.put("none", null);
    JinjaChatTemplate t = new JinjaChatTemplate(
        "{% for t in tools %}{{ t|tojson }}\n{{ t|tojson(indent=2) }}{% endfor %}", "t", SPECIAL);
    String json = "{\"name\": \"météo\", \"z\": [1, 2.5, 1e-05, 1e+16, true], \"a\": {}, "
        + "\"quote\": \"say \\\"hi\\\"\\n\\t\\u0001\", \"none\": null}";
    String indented = "{\n  \"name\": \"météo\",\n  \"z\": [\n    1,\n    2.5,\n    1e-05,\n    1e+16,\n    true\n  ],\n"
        + "  \"a\": {},\n  \"quote\": \"say \\\"hi\\\"\\n\\t\\u0001\",\n  \"none\": null\n}";
    assertEquals(json + "\n" + indented, t.render(List.of(ChatMessage.user("")), List.of(tool), false));
    assertEquals("[\"\\u00e9\", 0.1]", eval("['é', 0.1]|tojson(ensure_ascii=true)"));
    assertEquals("100.0|-0.0|1.5e-07|123456789.0", PythonJson.pythonFloat(100.0) + "|" + PythonJson.pythonFloat(-0.0)
        + "|" + PythonJson.pythonFloat(1.5e-7) + "|" + PythonJson.pythonFloat(123456789.0));
  }

  @Test
  void raiseExceptionAndFatalErrorsThrowNamingTheTemplate() {
    JinjaChatTemplate raising = new JinjaChatTemplate(
        "{% if messages[0].role != 'user' %}{{ raise_exception('Conversation must start with a user') }}{% endif %}",
        "raising.jinja", SPECIAL);
    ChatTemplateException e = assertThrows(ChatTemplateException.class,
        () -> raising.render(List.of(ChatMessage.system("s")), List.of(), false));
    assertTrue(e.getMessage().contains("raising.jinja") && e.getMessage().contains("Conversation must start with a user"),
        e.getMessage());

    JinjaChatTemplate broken = new JinjaChatTemplate("line one\n{{ 'two' }}\n{{ messages[ }}", "broken.jinja", SPECIAL);
    e = assertThrows(ChatTemplateException.class, () -> broken.render(List.of(ChatMessage.user("u")), List.of(),
        false));
    assertTrue(e.getMessage().startsWith("jinja:broken.jinja: line 3: "), e.getMessage());
  }

  @Test
  void endOfTurnIsWhatFollowsAnAssistantMessage() {
    String gemma = "{% for m in messages %}<start_of_turn>{{ m.role }}\n{{ m.content }}<end_of_turn>\n{% endfor %}";
    assertEquals("<end_of_turn>", new JinjaChatTemplate(gemma, "g", Map.of("eos_token", "<eos>")).endOfTurnText());
    String chatml = "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}{{ eos_token }}\n{% endfor %}";
    JinjaChatTemplate t = new JinjaChatTemplate(chatml, "c", Map.of("eos_token", "<|im_end|>"));
    assertEquals("<|im_end|>", t.endOfTurnText());
    assertEquals(false, t.supportsTools());
  }

  @Test
  void forDirectoryFindsTheTemplateOrFallsBackToBuiltin(@TempDir Path dir) throws IOException {
    assertInstanceOf(BuiltinChatTemplate.class, ChatTemplate.forDirectory(dir));
    Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"</s>\"}");
    assertInstanceOf(BuiltinChatTemplate.class, ChatTemplate.forDirectory(dir));
    Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": {\"content\": \"</s>\"}, "
        + "\"chat_template\": [{\"name\": \"tool_use\", \"template\": \"T\"}, "
        + "{\"name\": \"default\", \"template\": \"D{{ eos_token }}\"}]}");
    ChatTemplate named = ChatTemplate.forDirectory(dir);
    assertEquals("jinja:tokenizer_config.json#default", named.id());
    assertEquals("D</s>", named.render(List.of(ChatMessage.user("u")), List.of(), false));
    Files.writeString(dir.resolve("chat_template.jinja"), "J\n");
    ChatTemplate file = ChatTemplate.forDirectory(dir);
    assertEquals("jinja:chat_template.jinja", file.id());
    assertEquals("J", file.render(List.of(ChatMessage.user("u")), List.of(), false));
  }
}
