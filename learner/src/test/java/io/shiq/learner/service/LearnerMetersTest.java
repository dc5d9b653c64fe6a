package io.shiq.learner.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.shiq.learner.train.StepStats;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LearnerMetersTest {
  @Test
  void metersFollowTheListenerEvents() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    LearnerListener meters = new LearnerMeters(registry, "l1");
    meters.onWait(0.5);
    meters.onSkip("test");
    meters.onVersion(3);
    StepStats stats = new StepStats(1, 0.25, 0.5, 0.01, 0.1, 1, 1e-4, 100, 2, 10, Map.of());
    meters.onStep(new LearnerService.StepReport(1, 4, "b1", 7, stats, 0.5, 2.0, 3, 1.5));
    assertEquals(1, registry.get("shiq.learner.steps").counter().count());
    assertEquals(200, registry.get("shiq.learner.tokens").counter().count(), 1e-9);
    assertEquals(2, registry.get("shiq.learner.trajectories").counter().count());
    assertEquals(1, registry.get("shiq.learner.batches.skipped").counter().count());
    assertEquals(0.5, registry.get("shiq.learner.wait.seconds").counter().count(), 1e-9);
    assertEquals(2.0, registry.get("shiq.learner.compute.seconds").counter().count(), 1e-9);
    assertEquals(0.25, registry.get("shiq.learner.loss").gauge().value(), 1e-9);
    assertEquals(3, registry.get("shiq.learner.consumer.lag").gauge().value(), 1e-9);
    assertEquals(1.5, registry.get("shiq.learner.policy.version.lag").gauge().value(), 1e-9);
    assertEquals(4, registry.get("shiq.learner.policy.version").gauge().value(), 1e-9);
    meters.onClose();
    assertNull(registry.find("shiq.learner.steps").counter());
  }
}
