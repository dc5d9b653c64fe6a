package io.shiq.ab.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.avro.Experiment;
import io.shiq.avro.ExperimentStatus;
import io.shiq.avro.GuardrailDirection;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ExperimentFileTest {
  private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");

  @Test
  void aFullDeclarationIsReadWithItsDefaults() {
    Experiment e = ExperimentFile.parse("""
        id: cand-v2
        description: new objective
        control: main
        arms:
          - {name: main, line: main, version: 12}
          - {name: candidate, weight: 3}
        minimumDetectableEffect: 0.05
        guardrails:
          - {metric: kl_to_control, atMost: 0.1}
          - {metric: success, atLeast: 0.2}
        cupedCovariate: user.prior_reward
        windowSeconds: 30
        """, "exp.yaml", NOW);
    assertEquals("cand-v2", e.getExperimentId());
    assertEquals(12L, e.getArms().get(0).getVersion());
    assertEquals("candidate", e.getArms().get(1).getLine(), "line defaults to the arm's name");
    assertNull(e.getArms().get(1).getVersion(), "no version: the latest of the line");
    assertEquals(3.0, e.getArms().get(1).getWeight());
    assertEquals("mean_reward", e.getPrimaryMetric());
    assertEquals(0.05, e.getAlpha());
    assertEquals(0.8, e.getPower());
    assertEquals(GuardrailDirection.AT_LEAST, e.getGuardrails().get(1).getDirection());
    assertEquals(30_000, e.getWindowMs());
    assertEquals(100, e.getMinEpisodesPerArm());
    assertEquals(NOW, e.getStartAt());
    assertEquals(ExperimentStatus.RUNNING, e.getStatus());
  }

  @Test
  void errorsNameTheFileAndTheField() {
    String base = "id: x\ncontrol: a\narms: [{name: a}, {name: b}]\nminimumDetectableEffect: 0.1\n";
    assertMessage(base.replace("control: a", "control: c"), "control 'c' is not one of the arms");
    assertMessage(base.replace("arms: [{name: a}, {name: b}]", "arms: [{name: a}]"), "arms: at least two");
    assertMessage(base + "alpha: 0.7\n", "alpha must be in (0, 0.5)");
    assertMessage(base + "primaryMetric: clicks\n", "primaryMetric must be mean_reward or success_rate");
    assertMessage(base + "guardrails: [{metric: kl_to_control}]\n", "guardrails[0]: give exactly one of");
    assertMessage(base + "colour: red\n", "unknown field 'colour'");
    assertMessage(base.replace("{name: b}", "{name: b, wieght: 2}"), "unknown field 'arms[1].wieght'");
    assertMessage(base.replace("{name: b}", "{name: a}"), "arms[1].name: arm 'a' is declared twice");
    assertMessage(base.replace("minimumDetectableEffect: 0.1\n", ""), "minimumDetectableEffect is required");
    assertMessage(base + "start: tomorrow\n", "start must be an ISO-8601 instant");
    assertMessage("id: [\n", "not valid YAML/JSON");
  }

  private static void assertMessage(String yaml, String expected) {
    var e = assertThrows(ExperimentFile.InvalidExperimentException.class,
        () -> ExperimentFile.parse(yaml, "exp.yaml", NOW));
    assertTrue(e.getMessage().startsWith("exp.yaml"), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
