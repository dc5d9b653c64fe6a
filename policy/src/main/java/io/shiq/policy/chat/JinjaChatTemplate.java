package io.shiq.policy.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jinjava.javax.el.CompositeELResolver;

/**
 * A Hugging Face chat template (Jinja) rendered with Jinjava the way transformers' {@code apply_chat_template}
 * renders it with Jinja2. What it takes to match Python's output:
 * <ul>
 *   <li>transformers' environment: {@code trim_blocks} and {@code lstrip_blocks} (the latter done by
 *       {@link JinjaCompat}: Jinjava's strips mid-line too); Jinjava's legacy overrides for
 *       Jinja2's whitespace control (<code>{{-</code> trims too), operator precedence and null loop values.</li>
 *   <li>Python's {@code str} methods on strings ({@link PythonStringMethods}).</li>
 *   <li>Syntax Jinjava reads differently, rewritten before parsing ({@link JinjaCompat}: {@code [::-1]}, keyword
 *       arguments with filters, {@code not x is defined}, {@code x|f is test}, Python string escapes,
 *       {@code loop.previtem/nextitem}, {@code {% generation %}}, the trailing newline); recursive macros on.</li>
 *   <li>transformers' additions and Python's semantics ({@link PythonBuiltins}): {@code tojson} as Python's
 *       {@code json.dumps} ({@link PythonJson}), {@code raise_exception(msg)} (throws
 *       {@link ChatTemplateException}), {@code strftime_now(fmt)}, {@code items}, {@code trim} as {@code str.strip},
 *       strings and dicts {@code is iterable}; and the tokenizer's special tokens ({@code bos_token}, {@code eos_token}, ...)
 *       as variables.</li>
 * </ul>
 * Errors never pass silently: a fatal Jinjava error throws {@link ChatTemplateException} naming the template,
 * the line and the message.
 *
 * <p>Checked against Jinja2 3.1 with transformers' settings on random conversations (with and without tools) for
 * the Qwen3, Llama 3.1, Gemma 2, DeepSeek-R1 and Hermes 3 (tool use) templates: identical text (Jinjava is more
 * lenient: iterating a missing {@code tools} gives nothing where Python raises). Differences left: Jinjava's null
 * stands for both None and Undefined (an undefined value {@code is none}; the {@code trim} filter and the
 * {@code iterable} test treat null as Undefined); its {@code ==} coerces types, so {@code '' == false} holds
 * (Python: no; Llama 2's template then drops an empty system prompt); {@code {{ true }}} and {@code {{ none }}}
 * print "true" and "" (Python: "True", "None"); printed lists and dicts are not Python's repr (Jinjava's
 * Python-like printer is left off: it escapes control characters inside strings, which would change content).
 *
 * <p>{@link #endOfTurnText()} is found by rendering {@code [user, assistant(SENTINEL), user]}: the text after the
 * sentinel starts with the end-of-turn marker; it is the tokenizer's {@code eos_token} when that is what follows
 * (Qwen: {@code <|im_end|>}), else a leading {@code <...>} tag (Gemma's {@code <end_of_turn>}, Llama 3's
 * {@code <|eot_id|>}), else "". Thread-safe: each render has its own interpreter.
 */
public final class JinjaChatTemplate implements ChatTemplate {
  private static final String PROBE_TOOL = "shiq_probe_tool";
  private static final List<String> SPECIAL_TOKEN_KEYS = List.of("bos_token", "eos_token", "unk_token",
      "pad_token", "sep_token", "cls_token", "mask_token");
  private static final Pattern TAG_AT_START = Pattern.compile("^(<\\|[^|\\s]+\\|>|<[^<>\\s]+>)");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;
  private final String source;
  private final String rewritten;
  private final Map<String, String> specialTokens;
  private final Jinjava jinjava;
  private volatile String endOfTurn; // found on first use: a template may refuse the probe conversation
  private volatile Boolean supportsTools;

  /**
   * @param source the template as Python sees it
   * @param name where it came from, for error messages (e.g. {@code tokenizer_config.json})
   * @param specialTokens variables transformers passes along, e.g. {@code eos_token -> <|im_end|>}
   */
  public JinjaChatTemplate(String source, String name, Map<String, String> specialTokens) {
    this.source = source;
    this.name = name;
    this.specialTokens = Map.copyOf(specialTokens);
    this.rewritten = JinjaCompat.rewrite(source);
    this.jinjava = newJinjava();
  }

  /**
   * The template of a model directory: {@code chat_template.jinja}, else {@code tokenizer_config.json}'s
   * {@code chat_template} (for a list of named templates: "default", else the first); empty when neither is there.
   */
  public static Optional<JinjaChatTemplate> find(Path dir) throws IOException {
    Path config = dir.resolve("tokenizer_config.json");
    JsonNode json = Files.isRegularFile(config) ? JSON.readTree(config.toFile()) : JSON.createObjectNode();
    Map<String, String> special = new LinkedHashMap<>();
    for (String key : SPECIAL_TOKEN_KEYS) {
      JsonNode t = json.path(key);
      String text = t.isTextual() ? t.asText() : t.isObject() ? t.path("content").asText(null) : null;
      if (text != null) {
        special.put(key, text);
      }
    }
    Path jinja = dir.resolve("chat_template.jinja");
    if (Files.isRegularFile(jinja)) {
      return Optional.of(new JinjaChatTemplate(Files.readString(jinja), jinja.getFileName().toString(), special));
    }
    JsonNode template = json.path("chat_template");
    String name = config.getFileName().toString();
    if (template.isTextual()) {
      return Optional.of(new JinjaChatTemplate(template.asText(), name, special));
    }
    if (template.isArray() && template.size() > 0) {
      JsonNode chosen = template.get(0);
      for (JsonNode t : template) {
        if ("default".equals(t.path("name").asText())) {
          chosen = t;
        }
      }
      return Optional.of(new JinjaChatTemplate(chosen.path("template").asText(),
          name + "#" + chosen.path("name").asText(), special));
    }
    return Optional.empty();
  }

  @Override
  public String render(List<ChatMessage> messages, List<Object> tools, boolean addGenerationPrompt) {
    Map<String, Object> context = new HashMap<>(specialTokens);
    List<Map<String, Object>> msgs = new ArrayList<>(messages.size());
    messages.forEach(m -> msgs.add(m.toTemplateMap()));
    context.put("messages", msgs);
    context.put("tools", tools == null || tools.isEmpty() ? null : jsonLike(tools));
    context.put("add_generation_prompt", addGenerationPrompt);
    RenderResult result;
    try {
      result = jinjava.renderForResult(rewritten, context);
    } catch (RuntimeException e) {
      throw failure(e);
    }
    for (TemplateError error : result.getErrors()) {
      if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
        Throwable raised = raisedBy(error.getException());
        if (raised != null) {
          throw new ChatTemplateException(id() + ": the template raised an exception: " + raised.getMessage());
        }
        throw new ChatTemplateException(id() + ": line " + error.getLineno() + ": " + error.getMessage(),
            error.getException());
      }
    }
    return result.getOutput();
  }

  @Override
  public String endOfTurnText() {
    if (endOfTurn == null) {
      endOfTurn = findEndOfTurn();
    }
    return endOfTurn;
  }

  @Override
  public boolean supportsTools() {
    if (supportsTools == null) {
      Map<String, Object> tool = Map.of("name", PROBE_TOOL, "description", "", "parameters", Map.of());
      supportsTools = render(List.of(ChatMessage.user("probe")), List.of(tool), false).contains(PROBE_TOOL);
    }
    return supportsTools;
  }

  @Override
  public String id() {
    return "jinja:" + name;
  }

  /** The template as given (before the compatibility rewrite). */
  public String source() {
    return source;
  }

  @Override
  public String toString() {
    return id();
  }

  private String findEndOfTurn() {
    String text = render(List.of(ChatMessage.user("probe"), ChatMessage.assistant(ChatTranscript.SENTINEL),
        ChatMessage.user("probe")), List.of(), false);
    int at = text.lastIndexOf(ChatTranscript.SENTINEL);
    if (at < 0) {
      throw new ChatTemplateException(id() + ": the template does not write an assistant message's content");
    }
    String after = text.substring(at + ChatTranscript.SENTINEL.length());
    String eos = specialTokens.get("eos_token");
    if (eos != null && !eos.isEmpty() && after.startsWith(eos)) {
      return eos;
    }
    Matcher tag = TAG_AT_START.matcher(after);
    return tag.find() ? tag.group(1) : "";
  }

  private static Jinjava newJinjava() {
    JinjavaConfig config = JinjavaConfig.newBuilder()
        .withEnableRecursiveMacroCalls(true) // Hermes' json_to_python_type calls itself
        .withMaxMacroRecursionDepth(64)
        .withTrimBlocks(true)
        .withLstripBlocks(false) // JinjaCompat does Jinja2's (Jinjava's strips before tags mid-line too)
        .withLegacyOverrides(LegacyOverrides.newBuilder()
            .withUseTrimmingForNotesAndExpressions(true)
            .withParseWhitespaceControlStrictly(true)
            .withUseNaturalOperatorPrecedence(true)
            .withKeepNullableLoopValues(true)
            .build())
        .withElResolver(new CompositeELResolver() {
          {
            add(new PythonStringMethods());
            add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_WRITE);
          }
        })
        .build();
    Jinjava jinjava = new Jinjava(config);
    PythonBuiltins.install(jinjava);
    return jinjava;
  }

  private static Throwable raisedBy(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof PythonBuiltins.RaisedByTemplate) {
        return t;
      }
    }
    return null;
  }

  private ChatTemplateException failure(RuntimeException e) {
    Throwable raised = raisedBy(e);
    if (raised != null) {
      return new ChatTemplateException(id() + ": the template raised an exception: " + raised.getMessage());
    }
    return new ChatTemplateException(id() + ": " + e.getMessage(), e);
  }

  /** Tools as plain maps and lists (Jackson trees converted), so the template reads them like Python dicts. */
  private static List<Object> jsonLike(List<Object> tools) {
    List<Object> out = new ArrayList<>(tools.size());
    for (Object t : tools) {
      out.add(t instanceof JsonNode node ? JSON.convertValue(node, Object.class) : t);
    }
    return out;
  }
}
