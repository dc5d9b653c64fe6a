package io.shiq.policy.chat;

import io.shiq.policy.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One conversation as the exact token ids the policy read and wrote: the concatenation of what the template rendered
 * and what the policy sampled, never re-tokenised text. A trajectory's log-probabilities are then those of the very
 * ids that were sampled, and the ids the learner scores are the ids the actor saw.
 *
 * <p>{@link #open} tokenises the opening's rendering (with the generation prompt). {@link #assistant} appends the
 * sampled ids as they are. {@link #next} appends the template text between the end of the last assistant turn and
 * the next generation prompt, found without re-rendering the conversation: it renders a fixed probe conversation
 * <pre>
 *   [user(PROBE), assistant(SENTINEL)] + newMessages      (same tools, add_generation_prompt=true)
 * </pre>
 * and takes the text after the last occurrence of {@link #SENTINEL}. That text begins with what closes an assistant
 * turn ({@link ChatTemplate#endOfTurnText()}, {@code <|im_end|>} for Qwen); when the policy's turn ended with a stop
 * token that text is already in the ids (it is the stop token) and is cut off (if it is not there, the template and
 * its end-of-turn disagree: {@link IllegalStateException}); when the turn was cut by the token budget, the
 * end-of-turn text stays in the delta, as template text, not as an action. The delta is tokenised on its own
 * ({@code encode(delta, false, false)}). An empty list of new messages gives the closing delta (no generation
 * prompt): see {@link #closing()}.
 *
 * <p>This is exact when the template renders each message independently of the messages after it (true for Qwen's
 * template around the probe: the probe's assistant is never last when new messages follow) and when the tokenizer
 * splits at the boundaries (special tokens such as {@code <|im_end|>} do in byte-level BPE). Where concatenation
 * differs from re-rendering and re-tokenising the whole conversation:
 * <ul>
 *   <li>a template that rewrites earlier turns: Qwen3's drops the {@code <think>..</think>} part of assistant
 *       messages before the last user query and adds an empty think block to the last assistant message; the ids
 *       here keep what the policy actually produced;</li>
 *   <li>a sampled turn that is not the tokenizer's own encoding of its text (the ids are the policy's);</li>
 *   <li>llama2.c's SentencePiece-style encode, which puts a dummy-prefix space in front of every piece it encodes,
 *       so each delta starts with a space token that a single encode of the whole text would not have.</li>
 * </ul>
 * BOS: a Jinja template writes {@code bos_token} itself (transformers tokenises its rendering without special
 * tokens), so none is added; the built-in template gets the tokenizer's BOS when it has one (llama2.c).
 */
public final class ChatTranscript {
  /** Stands for the assistant's content in the probe; no template writes it. */
  static final String SENTINEL = "\u27e6shiq-sentinel\u27e7";
  private static final ChatMessage PROBE_USER = ChatMessage.user("probe");

  private enum Phase { NEW, POLICY, ENVIRONMENT, CLOSED }

  private final ChatTemplate template;
  private final Tokenizer tokenizer;
  private final List<Object> tools;
  private final String endOfTurn;
  private final Set<Integer> stopTokens;
  private final boolean bos;
  private final List<ChatMessage> messages = new ArrayList<>();
  private int[] tokens = new int[0];
  private int size;
  private Phase phase = Phase.NEW;
  private boolean lastTurnStopped;

  /**
   * stopTokens: the ids that end a policy turn ({@link Tokenizer#stopTokens()} plus the id of the template's
   * end-of-turn text when it is one token).
   */
  public ChatTranscript(ChatTemplate template, Tokenizer tokenizer, List<Object> tools) {
    this.template = template;
    this.tokenizer = tokenizer;
    this.tools = tools == null ? List.of() : List.copyOf(tools);
    if (!this.tools.isEmpty() && !template.supportsTools()) {
      throw new IllegalArgumentException(template.id() + " does not render tools: describe them in a system message");
    }
    this.endOfTurn = template.endOfTurnText();
    Set<Integer> stops = new LinkedHashSet<>(tokenizer.stopTokens());
    if (!endOfTurn.isEmpty()) {
      int[] eot = tokenizer.encode(endOfTurn, false, false);
      if (eot.length == 1) {
        stops.add(eot[0]);
      }
    }
    this.stopTokens = Collections.unmodifiableSet(stops);
    this.bos = template instanceof BuiltinChatTemplate && tokenizer.bosId() >= 0;
  }

  /**
   * Token ids of {@code render(opening, tools, addGenerationPrompt=true)}, BOS in front only for the built-in
   * template on a tokenizer with one. Starts the transcript.
   */
  public int[] open(List<ChatMessage> opening) {
    require(Phase.NEW, "open");
    if (opening.isEmpty()) {
      throw new IllegalArgumentException("the opening has no messages");
    }
    int[] ids = tokenizer.encode(template.render(opening, tools, true), bos, false);
    messages.addAll(opening);
    append(ids);
    phase = Phase.POLICY;
    return ids;
  }

  /**
   * Records the policy's turn: its sampled token ids (including its stop token if it emitted one) and the text they
   * decode to (without the stop token). Call after {@link #open} and before {@link #next}.
   */
  public void assistant(int[] sampled, String text) {
    require(Phase.POLICY, "assistant");
    lastTurnStopped = sampled.length > 0 && stopTokens.contains(sampled[sampled.length - 1]);
    messages.add(ChatMessage.assistant(text));
    append(sampled);
    phase = Phase.ENVIRONMENT;
  }

  /**
   * Token ids that follow the last assistant turn up to and including the next generation prompt, for these new
   * (user/tool/system) messages; never re-tokenises earlier text. When the last assistant turn ended without a stop
   * token (token budget), the end-of-turn text is part of these ids. An empty list gives the closing delta (no
   * generation prompt) and ends the transcript.
   */
  public int[] next(List<ChatMessage> newMessages) {
    require(Phase.ENVIRONMENT, "next");
    List<ChatMessage> probe = new ArrayList<>(newMessages.size() + 2);
    probe.add(PROBE_USER);
    probe.add(ChatMessage.assistant(SENTINEL));
    probe.addAll(newMessages);
    String text = template.render(probe, tools, !newMessages.isEmpty());
    int at = text.lastIndexOf(SENTINEL);
    if (at < 0) {
      throw new IllegalStateException(template.id() + ": the rendering does not contain the assistant's content");
    }
    String delta = text.substring(at + SENTINEL.length());
    if (lastTurnStopped) {
      if (!delta.startsWith(endOfTurn)) {
        throw new IllegalStateException(template.id() + ": an assistant turn is closed by '"
            + delta.substring(0, Math.min(40, delta.length())) + "', not by its end-of-turn text '" + endOfTurn
            + "'");
      }
      delta = delta.substring(endOfTurn.length());
    }
    int[] ids = delta.isEmpty() ? new int[0] : tokenizer.encode(delta, false, false);
    messages.addAll(newMessages);
    append(ids);
    phase = newMessages.isEmpty() ? Phase.CLOSED : Phase.POLICY;
    return ids;
  }

  /** The closing delta, {@code next(List.of())}: what the template writes after the last assistant turn. */
  public int[] closing() {
    return next(List.of());
  }

  /** The conversation so far (opening, assistant texts, observations). */
  public List<ChatMessage> messages() {
    return List.copyOf(messages);
  }

  /** Every token id so far, in order (opening + sampled + {@link #next} deltas). */
  public int[] tokens() {
    return Arrays.copyOf(tokens, size);
  }

  public Set<Integer> stopTokens() {
    return stopTokens;
  }

  public ChatTemplate template() {
    return template;
  }

  private void require(Phase expected, String call) {
    if (phase != expected) {
      throw new IllegalStateException(call + "() called while the transcript expects "
          + switch (phase) {
            case NEW -> "open()";
            case POLICY -> "assistant()";
            case ENVIRONMENT -> "next()";
            case CLOSED -> "nothing more (it is closed)";
          });
    }
  }

  private void append(int[] ids) {
    if (size + ids.length > tokens.length) {
      tokens = Arrays.copyOf(tokens, Math.max(size + ids.length, tokens.length * 2));
    }
    System.arraycopy(ids, 0, tokens, size, ids.length);
    size += ids.length;
  }
}
