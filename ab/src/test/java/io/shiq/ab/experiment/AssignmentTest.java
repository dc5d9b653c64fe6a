package io.shiq.ab.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.avro.Experiment;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AssignmentTest {
  private static Experiment experiment(String id, String arms) {
    return ExperimentFile.parse("id: " + id + "\ncontrol: a\narms: " + arms + "\nminimumDetectableEffect: 0.1\n",
        "test", Instant.EPOCH);
  }

  @Test
  void assignmentIsStickyAndFollowsTheShares() {
    Experiment e = experiment("split", "[{name: a, weight: 1}, {name: b, weight: 3}]");
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 40_000; i++) {
      String arm = Assignment.armFor(e, "session-" + i).getName();
      assertEquals(arm, Assignment.armFor(e, "session-" + i).getName(), "sticky");
      counts.merge(arm, 1, Integer::sum);
    }
    double shareB = counts.get("b") / 40_000.0;
    // 0.75 +- 4.4 standard deviations (sd = sqrt(0.75 * 0.25 / 40000) = 0.0022)
    assertEquals(0.75, shareB, 0.01, counts.toString());
  }

  @Test
  void experimentsAreSaltedIndependently() {
    Experiment one = experiment("one", "[{name: a}, {name: b}]");
    Experiment two = experiment("two", "[{name: a}, {name: b}]");
    int same = 0;
    for (int i = 0; i < 10_000; i++) {
      same += Assignment.armFor(one, "s" + i).getName().equals(Assignment.armFor(two, "s" + i).getName()) ? 1 : 0;
    }
    assertTrue(Math.abs(same - 5_000) < 300, "independent assignments agree half the time: " + same);
    assertNotEquals(Assignment.unit("one/s1"), Assignment.unit("two/s1"));
    double u = Assignment.unit("x");
    assertTrue(u >= 0 && u < 1);
  }
}
