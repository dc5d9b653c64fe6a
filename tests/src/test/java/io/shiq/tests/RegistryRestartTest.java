package io.shiq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.avro.LearnerMetrics;
import io.shiq.avro.PolicyVersion;
import io.shiq.avro.Trajectory;
import io.shiq.schemas.registry.CompatibilityLevel;
import io.shiq.schemas.registry.SchemaRegistryClient;
import io.shiq.schemas.registry.embedded.EmbeddedSchemaRegistry;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The embedded registry keeps its state in a compacted topic: a restarted registry answers the same ids. */
@ExtendWith(KafkaExtension.class)
class RegistryRestartTest {

  @Test
  void idsVersionsAndLevelsSurviveARestart(TestKafka kafka) throws Exception {
    String stateTopic = "_registry_" + UUID.randomUUID();
    int trajectoryId;
    int policyId;
    try (EmbeddedSchemaRegistry first = EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), stateTopic, 0)) {
      SchemaRegistryClient c = first.client();
      trajectoryId = c.register("a-value", Trajectory.getClassSchema());
      policyId = c.register("b-value", PolicyVersion.getClassSchema());
      c.register("b2-value", PolicyVersion.getClassSchema());
      c.setCompatibility("a-value", CompatibilityLevel.FULL_TRANSITIVE);
      c.setCompatibility(null, CompatibilityLevel.FORWARD);
    }
    try (EmbeddedSchemaRegistry second = EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), stateTopic, 0)) {
      SchemaRegistryClient c = second.client(); // fresh client: no cache
      assertEquals(Trajectory.getClassSchema(), c.schemaById(trajectoryId));
      assertEquals(PolicyVersion.getClassSchema(), c.schemaById(policyId));
      assertEquals(trajectoryId, c.register("a-value", Trajectory.getClassSchema()), "same id, no new version");
      assertEquals(List.of(1), c.versions("a-value"));
      assertEquals(List.of("a-value", "b-value", "b2-value"), c.subjects());
      assertEquals(CompatibilityLevel.FULL_TRANSITIVE, c.compatibility("a-value"));
      assertEquals(CompatibilityLevel.FORWARD, c.compatibility(null));
      int next = c.register("c-value", LearnerMetrics.getClassSchema());
      assertTrue(next > Math.max(trajectoryId, policyId), "new ids never reuse old ones: " + next);
    }
  }
}
