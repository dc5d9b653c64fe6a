package io.shiq.envs.bfcl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.avro.Role;
import io.shiq.avro.Turn;
import io.shiq.bfcl.data.BfclData;
import io.shiq.bfcl.data.BfclTask;
import io.shiq.bfcl.decode.CallStyle;
import io.shiq.bfcl.decode.ToolCallDecoder;
import io.shiq.envs.Environment;
import io.shiq.policy.TestData;
import io.shiq.policy.chat.ChatMessage;
import io.shiq.policy.chat.ChatTemplates;
import io.shiq.policy.tokenizer.HfTokenizer;
import io.shiq.policy.tokenizer.Llama2cTokenizer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bfcl environment with scripted policies: the ground truth played step by step passes every turn of every
 * shared record (both call styles); a skipped call fails its turn; the action mask covers exactly what the policy
 * wrote; malformed output ends the turn; BFCL's step limit force-quits.
 */
class BfclEnvironmentTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-09-01T10:30:00Z"), ZoneOffset.UTC);
  private static List<BfclTask> tasks;
  private static HfTokenizer qwen;
  private static BfclEnvironment fc;
  private static BfclEnvironment prompting;

  @BeforeAll
  static void load() throws Exception {
    tasks = BfclData.loadTasks(TestData.require("bfcl"), List.of());
    qwen = HfTokenizer.load(TestData.require("qwen3-tokenizer"));
    fc = new BfclEnvironment(tasks, ChatTemplates.of(qwen), qwen, CLOCK, 20);
    Path stories = TestData.require("stories260k");
    Llama2cTokenizer tok = Llama2cTokenizer.load(stories.resolve("tok512.bin"), 512);
    prompting = new BfclEnvironment(tasks, ChatTemplates.of(tok), tok, CLOCK, 20);
  }

  @AfterAll
  static void close() {
    qwen.close();
  }

  private static BfclTask task(String id) {
    return tasks.stream().filter(t -> t.record().id().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void styleFollowsTheTemplate() {
    assertEquals(CallStyle.FUNCTION_CALLING, fc.style());
    assertEquals(CallStyle.PROMPTING, prompting.style());
  }

  @Test
  void groundTruthPassesEveryTurnOfEveryRecordInBothStyles() throws Exception {
    for (BfclEnvironment env : List.of(fc, prompting)) {
      for (BfclTask task : tasks) {
        BfclSessionReplay.Rebuilt r = BfclSessionReplay.rebuild(env, task,
            BfclSessionReplay.expert(task, env.style()));
        String where = task.record().id() + " (" + env.style() + ")";
        assertTrue(r.episode().done(), where);
        assertTrue(r.episode().verdict().valid(), where + ": " + r.episode().verdict());
        List<Double> rewards = turnRewards(r.turns());
        assertEquals(task.questions().size(), rewards.size(), where);
        rewards.forEach(x -> assertEquals(1.0, x, where + " " + rewards));
      }
    }
  }

  @Test
  void skippingOneCallFailsThatTurn() throws Exception {
    BfclTask task = task("multi_turn_base_0");
    List<List<String>> steps = new ArrayList<>(BfclSessionReplay.expert(task, CallStyle.FUNCTION_CALLING));
    List<String> turn0 = new ArrayList<>(task.record().groundTruth().get(0));
    turn0.remove(2); // the mv: the state differs from the ground truth's after turn 0
    steps.set(0, List.of(ToolCallDecoder.render(turn0, CallStyle.FUNCTION_CALLING), "Done."));
    BfclSessionReplay.Rebuilt r = BfclSessionReplay.rebuild(fc, task, steps);
    List<Double> rewards = turnRewards(r.turns());
    assertEquals(0.0, rewards.get(0));
    assertFalse(r.episode().verdict().valid());
    assertEquals("multi_turn:instance_state_mismatch", r.episode().verdict().errorType());
    assertEquals("false", r.episode().metadata().get("bfcl.valid"));
  }

  /**
   * Three user turns, two of them with tool calls: token ids are the opening, the sampled tokens and the template's
   * deltas, in order; the action mask is true exactly on the sampled ones (their end-of-turn token included).
   */
  @Test
  void actionMaskCoversExactlyWhatThePolicyWrote() throws Exception {
    BfclTask task = task("multi_turn_base_12");
    assertEquals(3, task.questions().size());
    List<List<String>> steps = BfclSessionReplay.expert(task, CallStyle.FUNCTION_CALLING);
    BfclSessionReplay.Rebuilt r = BfclSessionReplay.rebuild(fc, task, steps);
    int endOfTurn = fc.endOfTurnToken();
    assertEquals(qwen.specialTokens().get("<|im_end|>"), endOfTurn);
    List<Integer> all = new ArrayList<>();
    int policyTurns = 0;
    int toolTurns = 0;
    int userTurns = 0;
    for (Turn t : r.turns()) {
      boolean policy = t.getRole() == Role.ASSISTANT;
      assertEquals(t.getTokenIds().size(), t.getActionMask().size());
      for (boolean m : t.getActionMask()) {
        assertEquals(policy, m, "mask of a " + t.getRole() + " turn");
      }
      if (policy) {
        policyTurns++;
        assertEquals(endOfTurn, t.getTokenIds().get(t.getTokenIds().size() - 1));
        assertArrayEquals(qwen.encode(t.getText(), false, false), Arrays.copyOf(t.getTokenIds().stream()
            .mapToInt(Integer::intValue).toArray(), t.getTokenIds().size() - 1));
      } else if (t.getRole() == Role.TOOL) {
        toolTurns++;
      } else {
        userTurns++;
      }
      all.addAll(t.getTokenIds());
    }
    // 3 turns: (calls, closing) x non-empty turns; tool results after every call step; opening + 2 user turns.
    long callTurns = task.record().groundTruth().stream().filter(g -> !g.isEmpty()).count();
    assertEquals(2 * callTurns + (3 - callTurns), policyTurns);
    assertEquals(callTurns, toolTurns);
    assertEquals(3, userTurns);

    // The same ids as the template's rendering of the final conversation. Qwen3's template writes the last
    // assistant message with an empty <think> block when it follows the last user query, so a user message is
    // appended (every assistant message then renders plainly) and the rendering is cut after the last <|im_end|>.
    List<ChatMessage> conversation = new ArrayList<>(r.episode().transcript().messages());
    conversation.add(ChatMessage.user("next"));
    String text = fc.template().render(conversation, toolList(task), false);
    String expected = text.substring(0, text.lastIndexOf("<|im_end|>", text.lastIndexOf("<|im_end|>") - 1)
        + "<|im_end|>".length());
    assertArrayEquals(qwen.encode(expected, false, false), all.stream().mapToInt(Integer::intValue).toArray());
  }

  @Test
  void malformedOutputEndsTheTurnAndIsRecorded() throws Exception {
    BfclTask task = task("multi_turn_base_0");
    BfclEpisode e = prompting.start(task);
    Environment.Step s = e.act(prompting.tokenizer().encode("[cd(folder='document'", false, false),
        "[cd(folder='document'");
    assertEquals(0.0, s.reward());
    assertFalse(s.done());
    assertEquals(Role.USER, s.next().get(0).role());
    assertEquals("1", e.metadata().get("bfcl.malformed_steps"));
    assertEquals(List.of(List.<String>of()), e.result().get(0));
  }

  @Test
  void moreThanTwentyStepsForceQuitTheEntry() {
    BfclTask task = task("multi_turn_base_0");
    BfclEpisode e = fc.start(task);
    String call = ToolCallDecoder.render(List.of("ls()"), CallStyle.FUNCTION_CALLING);
    int[] tokens = withEnd(qwen.encode(call, false, false));
    Environment.Step s = null;
    for (int i = 0; i <= 20; i++) {
      s = e.act(tokens, call);
      if (i < 20) {
        assertNull(s.reward());
        assertFalse(s.done());
      }
    }
    assertTrue(s.done());
    assertEquals(0.0, s.reward());
    assertEquals("multi_turn:force_terminated", e.verdict().errorType());
  }

  private static int[] withEnd(int[] body) {
    int[] t = Arrays.copyOf(body, body.length + 1);
    t[body.length] = fc.endOfTurnToken();
    return t;
  }

  private static List<Object> toolList(BfclTask task) {
    List<Object> out = new ArrayList<>();
    for (var doc : task.functions()) {
      out.add(new com.fasterxml.jackson.databind.ObjectMapper().convertValue(doc, java.util.LinkedHashMap.class));
    }
    return out;
  }

  /** The reward of each turn's last policy step, in order. */
  private static List<Double> turnRewards(List<Turn> turns) {
    List<Double> out = new ArrayList<>();
    for (Turn t : turns) {
      if (t.getRole() == Role.ASSISTANT && t.getReward() != null) {
        out.add(t.getReward());
      }
    }
    return out;
  }
}
