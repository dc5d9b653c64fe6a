package io.shiq.envs.bfcl;

import io.shiq.avro.Role;
import io.shiq.bfcl.backend.Backend;
import io.shiq.bfcl.check.EpisodeChecker;
import io.shiq.bfcl.check.Verdict;
import io.shiq.bfcl.data.BfclTask;
import io.shiq.bfcl.decode.CallStyle;
import io.shiq.bfcl.decode.DecodedCalls;
import io.shiq.bfcl.decode.ToolCallDecoder;
import io.shiq.bfcl.prompt.SystemPrompts;
import io.shiq.envs.Environment;
import io.shiq.policy.chat.ChatMessage;
import io.shiq.policy.chat.ChatTemplate;
import io.shiq.policy.chat.ChatTranscript;
import io.shiq.policy.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One BFCL record played by a policy, step by step, as BFCL's multi-turn inference loop plays it
 * ({@code inference_multi_turn_prompting} in {@code base_handler.py}): each policy step is decoded; a step that decodes
 * to no call (or does not decode: malformed output is never an exception) ends the turn; a step with calls executes
 * them on the model's instances and shows the results as tool messages; more than the step limit force-quits the
 * entry. At the end of every turn the ground truth's turn runs on its own instances and BFCL's checks decide.
 *
 * <p>Rewards sit on the turn's last policy step: 1 when the turn passes the state and response checks, else 0. A
 * turn whose ground truth is empty (BFCL does not check it: a missing parameter or a held-out function) rewards
 * doing what the ground truth does there, calling nothing. Intermediate steps get no reward.
 *
 * <p>A held-out function's turn shows BFCL's prompting-path message with the new docs in its text (what BFCL's
 * open-model handlers, Qwen's FC one included, send): the tools rendered at the start stay as they were, so the
 * token prefix never changes.
 */
public final class BfclEpisode implements Environment.Episode {
  private final BfclTask task;
  private final CallStyle style;
  private final ChatTranscript transcript;
  private final EpisodeChecker checker;
  private final int stepLimit;
  private final int[] openingTokens;
  private final String openingText;
  private final List<List<List<String>>> decoded = new ArrayList<>();
  private final List<List<String>> raw = new ArrayList<>();
  private final List<String> turnStatus = new ArrayList<>();
  private List<List<String>> turnDecoded = new ArrayList<>();
  private List<String> turnRaw = new ArrayList<>();
  private boolean turnCalled;
  private int turn;
  private int steps;
  private int totalSteps;
  private int malformed;
  private boolean done;
  private boolean forceQuit;

  BfclEpisode(BfclTask task, ChatTemplate template, Tokenizer tokenizer, CallStyle style, List<Object> tools,
              Consumer<Backend> configure, int stepLimit) {
    this.task = task;
    this.style = style;
    this.stepLimit = stepLimit;
    this.transcript = new ChatTranscript(template, tokenizer, tools);
    this.checker = new EpisodeChecker(task.record(), configure);
    List<BfclTask.Message> first = task.turnMessages(0, CallStyle.PROMPTING);
    if (style == CallStyle.PROMPTING) {
      first = SystemPrompts.withSystemPrompt(first, SystemPrompts.defaultPrompting(task.functions()));
    }
    List<ChatMessage> opening = chat(first);
    this.openingTokens = transcript.open(opening);
    StringBuilder text = new StringBuilder();
    for (ChatMessage m : opening) {
      text.append(m.role()).append(": ").append(m.content()).append('\n');
    }
    this.openingText = text.toString();
  }

  @Override
  public String taskId() {
    return task.record().id();
  }

  @Override
  public List<Environment.Observation> opening() {
    return List.of(new Environment.Observation(Role.USER, openingTokens, openingText));
  }

  /** The template's stop tokens: where a policy step ends. */
  public java.util.Set<Integer> stopTokens() {
    return transcript.stopTokens();
  }

  @Override
  public Environment.Step act(int[] tokens, String text) {
    if (done) {
      throw new IllegalStateException(taskId() + ": the episode is over");
    }
    transcript.assistant(tokens, text);
    String response = style == CallStyle.FUNCTION_CALLING ? afterThinking(text) : text;
    DecodedCalls calls = ToolCallDecoder.decode(response, style);
    turnRaw.add(response);
    if (calls.failed() || calls.empty()) {
      if (calls.failed()) {
        malformed++;
      }
      turnDecoded.add(List.of());
      return endTurn();
    }
    turnDecoded.add(calls.calls());
    turnCalled = true;
    List<String> results = checker.step(calls.calls());
    steps++;
    totalSteps++;
    if (steps > stepLimit) {
      // BFCL's force quit ends the entry: its result then has fewer turns than the ground truth, which the checker
      // fails as force-terminated; on the last turn the counts still agree and the turn is checked as usual.
      forceQuit = true;
      if (turn + 1 < task.questions().size()) {
        checker.forceTerminated("Model has been forced to quit after " + stepLimit + " steps.");
        closeTurn();
        done = true;
        return new Environment.Step(List.of(), 0.0, true);
      }
      return endTurn();
    }
    List<ChatMessage> toolMessages = new ArrayList<>();
    for (String r : results) {
      toolMessages.add(ChatMessage.tool(r));
    }
    int[] next = transcript.next(toolMessages);
    return new Environment.Step(List.of(new Environment.Observation(Role.TOOL, next, String.join("\n", results))),
        null, false);
  }

  private Environment.Step endTurn() {
    boolean called = turnCalled;
    String status = checker.endTurn();
    turnStatus.add(status);
    closeTurn();
    double reward = switch (status) {
      case "pass" -> 1.0;
      case "skipped" -> called ? 0.0 : 1.0;
      default -> 0.0;
    };
    turn++;
    steps = 0;
    if (turn >= task.questions().size()) {
      done = true;
      return new Environment.Step(List.of(), reward, true);
    }
    List<ChatMessage> next = chat(task.turnMessages(turn, CallStyle.PROMPTING));
    int[] tokens = transcript.next(next);
    StringBuilder text = new StringBuilder();
    for (ChatMessage m : next) {
      text.append(m.content()).append('\n');
    }
    return new Environment.Step(List.of(new Environment.Observation(Role.USER, tokens, text.toString())), reward,
        false);
  }

  private void closeTurn() {
    decoded.add(turnDecoded);
    raw.add(turnRaw);
    turnDecoded = new ArrayList<>();
    turnRaw = new ArrayList<>();
    turnCalled = false;
  }

  /** The task this episode plays. */
  public BfclTask task() {
    return task;
  }

  /** Whether the record is over (its last turn ended, or BFCL's step limit force-quit it). */
  public boolean done() {
    return done;
  }

  /** Per turn played, per step, the decoded call strings (empty for a step that decoded to none): BFCL's result. */
  public List<List<List<String>>> result() {
    return Collections.unmodifiableList(decoded);
  }

  /** Per turn played, per step, the policy's raw text. */
  public List<List<String>> rawResult() {
    return Collections.unmodifiableList(raw);
  }

  /** Per turn ended: pass, fail or skipped. */
  public List<String> turnStatus() {
    return Collections.unmodifiableList(turnStatus);
  }

  /**
   * BFCL's verdict on the entry: the checker's when every turn was played; force-terminated when the episode was
   * cut before its last turn (the context filled up, or the policy ran out of turns), as BFCL fails an entry whose
   * result has fewer turns than its ground truth.
   */
  public Verdict verdict() {
    if (!done && !forceQuit) {
      forceQuit = true;
      checker.forceTerminated("Episode cut after " + turn + " of " + task.questions().size() + " turns.");
    }
    return checker.verdict();
  }

  @Override
  public Map<String, String> metadata() {
    Verdict v = verdict();
    Map<String, String> m = new LinkedHashMap<>();
    m.put("bfcl.category", task.record().category());
    m.put("bfcl.valid", Boolean.toString(v.valid()));
    if (v.errorType() != null) {
      m.put("bfcl.error_type", v.errorType());
    }
    m.put("bfcl.turns", String.join(",", v.turns()));
    m.put("bfcl.turn_rewards", String.join(",", turnStatus));
    m.put("bfcl.steps", Integer.toString(totalSteps));
    m.put("bfcl.malformed_steps", Integer.toString(malformed));
    m.put("bfcl.call_style", style.name());
    return m;
  }

  /**
   * What BFCL's Qwen handler decodes: the text after the last {@code </think>} with its leading newlines dropped
   * ({@code _parse_query_response_prompting} in {@code qwen_fc.py}); the reasoning is not a response.
   */
  static String afterThinking(String text) {
    int at = text.lastIndexOf("</think>");
    if (at < 0) {
      return text;
    }
    String rest = text.substring(at + "</think>".length());
    int i = 0;
    while (i < rest.length() && rest.charAt(i) == '\n') {
      i++;
    }
    return rest.substring(i);
  }

  private static List<ChatMessage> chat(List<BfclTask.Message> messages) {
    List<ChatMessage> out = new ArrayList<>();
    for (BfclTask.Message m : messages) {
      out.add(new ChatMessage(m.role(), m.content()));
    }
    return out;
  }

  /** The conversation as messages and exact tokens so far. */
  public ChatTranscript transcript() {
    return transcript;
  }
}
