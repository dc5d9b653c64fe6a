package io.shiq.envs.bfcl;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shiq.bfcl.backend.Backend;
import io.shiq.bfcl.data.BfclTask;
import io.shiq.bfcl.decode.CallStyle;
import io.shiq.envs.Environment;
import io.shiq.policy.chat.ChatTemplate;
import io.shiq.policy.tokenizer.Tokenizer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * BFCL's multi-turn categories as an environment. An episode is one record: its user turns in order; within a turn
 * the policy calls tools as often as it likes (each step's results come back as tool messages) until it answers
 * without a decodable call or passes BFCL's step limit; the ground truth runs beside it on its own instances, and
 * each turn ends with BFCL's state and response checks. See {@link BfclEpisode} for the rewards.
 *
 * <p>How the model is prompted follows BFCL's handlers: a template that renders tools itself (Qwen's) gets the
 * function docs as {@code tools} and is decoded in function-calling style ({@code <tool_call>{json}</tool_call>}, as
 * BFCL's Qwen FC handler); any other template gets BFCL's default system prompt and is decoded in prompting style
 * ({@code [f(a=1)]}).
 */
public final class BfclEnvironment implements Environment {
  public static final String ID = "bfcl";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<BfclTask> tasks;
  private final ChatTemplate template;
  private final Tokenizer tokenizer;
  private final Consumer<Backend> configure;
  private final int stepLimit;
  private final CallStyle style;

  /**
   * @param tasks     the records episodes are drawn from (seed modulo their count, in order)
   * @param clock     the backends' clock (BFCL's classes read the time in a few places; fixed in tests)
   * @param stepLimit steps per turn before BFCL force-quits the entry ({@code MAXIMUM_STEP_LIMIT}, 20)
   */
  public BfclEnvironment(List<BfclTask> tasks, ChatTemplate template, Tokenizer tokenizer, Clock clock,
                         int stepLimit) {
    if (tasks.isEmpty()) {
      throw new IllegalArgumentException("no BFCL records to play");
    }
    this.tasks = List.copyOf(tasks);
    this.template = template;
    this.tokenizer = tokenizer;
    this.configure = clock == null ? b -> { } : b -> b.setClock(clock);
    this.stepLimit = stepLimit;
    this.style = template.supportsTools() ? CallStyle.FUNCTION_CALLING : CallStyle.PROMPTING;
  }

  @Override
  public String id() {
    return ID;
  }

  public CallStyle style() {
    return style;
  }

  public List<BfclTask> tasks() {
    return tasks;
  }

  public Tokenizer tokenizer() {
    return tokenizer;
  }

  public ChatTemplate template() {
    return template;
  }

  /** Where a policy step stops: the tokenizer's stop tokens and the template's end-of-turn token. */
  public java.util.Set<Integer> stepStopTokens() {
    java.util.Set<Integer> out = new java.util.TreeSet<>(tokenizer.stopTokens());
    out.add(endOfTurnToken());
    return java.util.Set.copyOf(out);
  }

  @Override
  public java.util.Optional<java.util.Set<Integer>> stopTokens() {
    return java.util.Optional.of(stepStopTokens());
  }

  /**
   * The token that ends a policy step: the template's end-of-turn text when it is one token (Qwen's
   * {@code <|im_end|>}), else the tokenizer's first end-of-sequence id (the built-in template ends turns with EOS).
   */
  public int endOfTurnToken() {
    String text = template.endOfTurnText();
    if (!text.isEmpty()) {
      int[] ids = tokenizer.encode(text, false, false);
      if (ids.length == 1) {
        return ids[0];
      }
    }
    if (tokenizer.eosIds().isEmpty()) {
      throw new IllegalStateException("tokenizer " + tokenizer.id() + " has no end-of-sequence token and template "
          + template.id() + " no one-token end of turn: a policy step could never end");
    }
    return tokenizer.eosIds().get(0);
  }

  @Override
  public BfclEpisode start(long seed) {
    return start(tasks.get((int) Math.floorMod(seed, (long) tasks.size())));
  }

  /** An episode of one given record. */
  public BfclEpisode start(BfclTask task) {
    return new BfclEpisode(task, template, tokenizer, style, tools(task), configure, stepLimit);
  }

  /** The function docs as the template's {@code tools} (function-calling style), in BFCL's order; none otherwise. */
  private List<Object> tools(BfclTask task) {
    if (style != CallStyle.FUNCTION_CALLING) {
      return List.of();
    }
    List<Object> out = new ArrayList<>();
    for (ObjectNode doc : task.functions()) {
      @SuppressWarnings("unchecked")
      Map<String, Object> m = JSON.convertValue(doc, LinkedHashMap.class);
      out.add(m);
    }
    return out;
  }
}
