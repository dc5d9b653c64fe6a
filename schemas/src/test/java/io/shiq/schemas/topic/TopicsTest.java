package io.shiq.schemas.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TopicsTest {
  @Test
  void namesCarryThePrefix() {
    Topics t = new Topics("team-a.");
    assertEquals("team-a.trajectories", t.trajectories());
    assertEquals("team-a.policy.versions", t.policyVersions());
    assertEquals("shiq.replay.batches", Topics.withDefaultPrefix().replayBatches());
  }

  @Test
  void everyRoleIsDeclaredOnceWithAUniqueName() {
    Set<String> names = new HashSet<>();
    for (TopicSpec spec : Topics.ALL) {
      assertTrue(names.add(spec.role()), "duplicate topic " + spec.role());
    }
    assertEquals(12, names.size());
  }

  @Test
  void policyAnnouncementsArePerArmCompacted() {
    assertEquals("compact", Topics.POLICY_VERSIONS.configs().get("cleanup.policy"));
    assertEquals("compact", Topics.REPLAY_PRIORITIES.configs().get("cleanup.policy"));
    assertEquals("delete", Topics.TRAJECTORIES.configs().get("cleanup.policy"));
    assertEquals("-1", Topics.TRAJECTORIES_HISTORY.configs().get("retention.ms"));
    assertEquals("compact", Topics.EXPERIMENTS.configs().get("cleanup.policy"));
    assertEquals("delete", Topics.EXPERIMENT_DECISIONS.configs().get("cleanup.policy"));
  }

  @Test
  void badSpecsAndPrefixesFailNamingTheField() {
    var e = assertThrows(IllegalArgumentException.class, () -> new Topics("bad prefix/"));
    assertTrue(e.getMessage().contains("bad prefix/"));
    var p = assertThrows(IllegalArgumentException.class,
        () -> new TopicSpec("x", 0, false, -1, null, ""));
    assertTrue(p.getMessage().contains("partitions"));
  }
}
