package io.shiq.bfcl.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.bfcl.data.BfclData;
import io.shiq.bfcl.data.BfclRecord;
import io.shiq.policy.TestData;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The checker one turn at a time; MultiTurnCheckerTest checks the whole-entry verdicts it gives. */
class EpisodeCheckerTest {
  private static List<BfclRecord> records;
  private static BfclRecord base0;

  @BeforeAll
  static void load() throws Exception {
    records = BfclData.load(TestData.require("bfcl"), List.of());
    base0 = records.stream().filter(r -> r.id().equals("multi_turn_base_0")).findFirst().orElseThrow();
  }

  private static EpisodeChecker checker(BfclRecord r) {
    return new EpisodeChecker(r, b -> { });
  }

  /** Each ground-truth call as its own step: every turn passes (or is skipped where the ground truth is empty). */
  @Test
  void theGroundTruthStepByStepPassesEveryTurnOfEveryRecord() {
    for (BfclRecord r : records) {
      EpisodeChecker c = checker(r);
      for (List<String> turn : r.groundTruth()) {
        for (String call : turn) {
          assertEquals(1, c.step(List.of(call)).size());
        }
        assertEquals(turn.isEmpty() ? "skipped" : "pass", c.endTurn(), r.id() + " turn " + c.turnsEnded());
      }
      assertEquals(r.groundTruth().size(), c.turnsEnded());
      Verdict v = c.verdict();
      assertTrue(v.valid(), r.id() + ": " + v.errorMessage());
      assertFalse(v.turns().contains("not_checked"));
    }
  }

  /**
   * Leaving out the last call of a record's first turn fails that turn: the state differs, or (for a call that reads)
   * its result is missing.
   */
  @Test
  void leavingOutOneGroundTruthCallFailsTheTurn() {
    int checked = 0;
    for (BfclRecord r : records) {
      List<String> first = r.groundTruth().get(0);
      if (first.isEmpty()) {
        continue;
      }
      EpisodeChecker c = checker(r);
      for (String call : first.subList(0, first.size() - 1)) {
        c.step(List.of(call));
      }
      if (first.size() == 1) {
        // a step that changes nothing, so that the turn is not empty
        c.step(List.of(first.get(0).startsWith("pwd(") ? "ls()" : "pwd()"));
      }
      assertEquals("fail", c.endTurn(), r.id() + " without " + first.get(first.size() - 1));
      Verdict v = c.verdict();
      assertTrue(Set.of("multi_turn:instance_state_mismatch", "multi_turn:execution_response_mismatch")
          .contains(v.errorType()), r.id() + ": " + v.errorType());
      assertEquals("fail", v.turns().get(0));
      checked++;
    }
    assertTrue(checked > 50, "records checked: " + checked);
  }

  /** No step on a turn with ground truth: empty turn; later turns still run, the verdict keeps the first failure. */
  @Test
  void anEmptyTurnFailsAndTheFirstFailureStays() {
    EpisodeChecker c = checker(base0);
    assertEquals(List.of(), c.step(List.of()));
    assertEquals(List.of(), c.step(List.of("")));
    assertEquals("fail", c.endTurn());
    for (String call : base0.groundTruth().get(1)) {
      c.step(List.of(call));
    }
    String second = c.endTurn(); // checked on its own terms: the first turn's calls never ran, so the state differs
    assertEquals("fail", second);
    Verdict v = c.verdict();
    assertEquals("multi_turn:empty_turn_model_response", v.errorType());
    assertEquals("Model response list is empty for turn 0", v.errorMessage());
    assertEquals(List.of("fail", "not_checked", "not_checked", "not_checked"), v.turns());
    assertEquals(2, c.turnsEnded());
  }

  /** Results are BFCL's result strings, and steps accumulate for the response check across turns. */
  @Test
  void stepsReturnBfclsResultStrings() {
    EpisodeChecker c = checker(base0);
    assertEquals(List.of("{\"current_working_directory\": \"document\"}", "None"),
        c.step(List.of("cd(folder='document')", "mkdir(dir_name='temp')")));
    assertTrue(c.step(List.of("cd(folder='nowhere')")).get(0).startsWith("{\"error\": "));
  }

  @Test
  void forceTerminationDecidesTheVerdict() {
    EpisodeChecker c = checker(base0);
    for (String call : base0.groundTruth().get(0)) {
      c.step(List.of(call));
    }
    assertEquals("pass", c.endTurn());
    assertTrue(c.verdict().valid());
    assertEquals(List.of("pass", "not_checked", "not_checked", "not_checked"), c.verdict().turns());
    c.forceTerminated("Model has been forced to quit after 20 steps.");
    Verdict v = c.verdict();
    assertFalse(v.valid());
    assertEquals("multi_turn:force_terminated", v.errorType());
    assertEquals("Model has been forced to quit after 20 steps.", v.errorMessage());
    assertEquals(List.of("not_checked", "not_checked", "not_checked", "not_checked"), v.turns());
  }

  @Test
  void nothingRunsAfterTheLastTurn() {
    EpisodeChecker c = checker(base0);
    List<String> statuses = new ArrayList<>();
    for (List<String> turn : base0.groundTruth()) {
      c.step(turn);
      statuses.add(c.endTurn());
    }
    assertEquals(List.of("pass", "pass", "pass", "pass"), statuses);
    assertThrows(IllegalStateException.class, () -> c.step(List.of("ls()")));
    assertThrows(IllegalStateException.class, c::endTurn);
  }
}
