package io.shiq.app.chaos;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.app.ShiqCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultScheduleTest {

  @Test
  void aSeedNamesOneScheduleAndTheFirstRoundHasEveryKind() {
    FaultSchedule a = FaultSchedule.plan(7, 24, 5, 6, 2);
    assertEquals(a, FaultSchedule.plan(7, 24, 5, 6, 2), "same seed, same schedule");
    assertNotEquals(a, FaultSchedule.plan(8, 24, 5, 6, 2));
    for (long seed = 0; seed < 50; seed++) {
      FaultSchedule s = FaultSchedule.plan(seed, 24, 5, 6, 2);
      assertTrue(s.coversEveryKind(), "seed " + seed + ": " + s.faults());
      EnumSet<FaultSchedule.Kind> first = EnumSet.noneOf(FaultSchedule.Kind.class);
      s.faults().subList(0, 4).forEach(f -> first.add(f.kind()));
      assertEquals(EnumSet.allOf(FaultSchedule.Kind.class), first, "one of each kind first");
      double last = 0;
      for (FaultSchedule.Fault f : s.faults()) {
        assertTrue(f.atSeconds() < 24 && f.atSeconds() > last, f.describe());
        assertTrue(f.kind() != FaultSchedule.Kind.KILL_ACTOR || f.actor() >= 1 && f.actor() <= 2, f.describe());
        last = f.atSeconds();
      }
      assertEquals(List.of(BadRecords.Kind.values()), s.injections().stream().map(FaultSchedule.Injection::kind)
          .sorted().toList(), "every bad record once");
      assertTrue(s.injections().stream().allMatch(i -> i.atSeconds() <= 0.7 * 24));
    }
    assertTrue(!FaultSchedule.plan(1, 10, 8, 9, 2).coversEveryKind(), "too short for a round");
  }

  @Test
  void killIntervalIsARange() {
    assertArrayEquals(new double[] {5, 6.5}, ChaosCommand.parseInterval("5..6.5"));
    assertThrows(IllegalArgumentException.class, () -> ChaosCommand.parseInterval("5-6"));
    assertThrows(IllegalArgumentException.class, () -> FaultSchedule.plan(1, 60, 6, 5, 2));
  }

  @Test
  void chaosAndSoakHaveHelp() {
    for (List<String> args : List.of(List.of("chaos", "--help"), List.of("bench", "soak", "--help"))) {
      StringWriter out = new StringWriter();
      var cl = ShiqCommand.commandLine();
      cl.setOut(new PrintWriter(out));
      assertEquals(0, cl.execute(args.toArray(String[]::new)), String.join(" ", args));
      assertTrue(out.toString().contains("--minutes"), out.toString());
    }
  }
}
