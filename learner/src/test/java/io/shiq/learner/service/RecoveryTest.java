package io.shiq.learner.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.avro.LearnerMetrics;
import io.shiq.avro.PolicyVersion;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecoveryTest {
  private static Outbox outbox(long... steps) {
    Outbox box = new Outbox();
    for (long s : steps) {
      LearnerMetrics m = new LearnerMetrics();
      m.setStep(s);
      box.add(new Outbox.Entry(m, List.of()));
    }
    return box;
  }

  private static Optional<PolicyVersion> announced(long version, long step) {
    PolicyVersion v = new PolicyVersion();
    v.setVersion(version);
    v.setLearnerStep(step);
    return Optional.of(v);
  }

  @Test
  void newRunAsksNothingAndRedoesNothing() {
    Recovery r = Recovery.plan(0, 4, new Outbox(), Optional.empty(), () -> {
      throw new AssertionError("a new run must not look up the last reported step");
    });
    assertEquals(new Recovery(0, 0, List.of(), false), r);
  }

  @Test
  void resendsOnlyEntriesAfterTheLastReportedStep() {
    Recovery r = Recovery.plan(6, 4, outbox(5, 6), announced(1, 4), () -> 5);
    assertEquals(1, r.version());
    assertEquals(4, r.versionStep());
    assertEquals(List.of(6L), r.unsent().stream().map(e -> e.metrics().getStep()).toList());
    assertFalse(r.publishUnannounced());
  }

  @Test
  void publishesACheckpointedPublishStepThatWasNotAnnounced() {
    assertTrue(Recovery.plan(8, 4, outbox(8), announced(1, 4), () -> 8).publishUnannounced());
    assertFalse(Recovery.plan(8, 4, outbox(8), announced(2, 8), () -> 8).publishUnannounced());
    assertTrue(Recovery.plan(4, 4, new Outbox(), Optional.empty(), () -> 4).publishUnannounced());
  }
}
