package io.shiq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.avro.Trajectory;
import io.shiq.schemas.SchemaHistory;
import io.shiq.schemas.ShiqRecords;
import io.shiq.schemas.registry.CompatibilityLevel;
import io.shiq.schemas.registry.RegistryException;
import io.shiq.schemas.registry.SchemaRegistryClient;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Registers the released schemas (schema-history/vN) and then the current ones under BACKWARD_TRANSITIVE,
 * through the registry over HTTP: an incompatible edit of shiq.avdl fails this test.
 */
@ExtendWith(KafkaExtension.class)
class SchemaEvolutionTest {

  @Test
  void currentSchemasRegisterOnTopOfEveryReleaseUnderBackwardTransitive(TestKafka kafka) {
    SchemaRegistryClient client = kafka.registryClient();
    String run = UUID.randomUUID().toString().substring(0, 8);
    for (Class<? extends SpecificRecord> type : ShiqRecords.VALUE_TYPES) {
      String subject = "evolution-" + run + "-" + type.getSimpleName() + "-value";
      client.setCompatibility(subject, CompatibilityLevel.BACKWARD_TRANSITIVE);
      List<Schema> released = SchemaHistory.released(type);
      assertFalse(released.isEmpty(), type.getSimpleName());
      for (Schema schema : released) {
        client.register(subject, schema);
      }
      Schema current = ShiqRecords.schemaOf(type);
      var check = client.testCompatibility(subject, current, "latest");
      assertTrue(check.compatible(), type.getSimpleName() + ": " + check.messages());
      client.register(subject, current);
    }
  }

  @Test
  void policyVersionsSignatureFieldsAreReleasedInV3OnTopOfV1AndV2(TestKafka kafka) {
    List<Schema> released = SchemaHistory.released(io.shiq.avro.PolicyVersion.class);
    assertTrue(released.size() >= 3, "v1, v2 and v3 of PolicyVersion: " + released.size());
    for (int v = 0; v < 3; v++) {
      boolean signed = released.get(v).getField("signature") != null;
      assertEquals(v == 2, signed, "signature first released in v3, found in v" + (v + 1) + ": " + signed);
    }
    for (String name : List.of("signature", "signingKeyId")) {
      Schema.Field f = released.get(2).getField(name);
      assertTrue(f.hasDefaultValue() && f.defaultVal() == org.apache.avro.JsonProperties.NULL_VALUE, name);
      assertEquals(f, ShiqRecords.schemaOf(io.shiq.avro.PolicyVersion.class).getField(name), name);
    }
    SchemaRegistryClient client = kafka.registryClient();
    String subject = "evolution-signed-" + UUID.randomUUID().toString().substring(0, 8) + "-value";
    client.setCompatibility(subject, CompatibilityLevel.BACKWARD_TRANSITIVE);
    for (Schema schema : released.subList(0, 3)) {
      client.register(subject, schema);
    }
    client.register(subject, io.shiq.avro.PolicyVersion.getClassSchema());
    // and a v3 reader still reads what a v1 writer wrote: the new fields come out null
    assertTrue(CompatibilityLevel.BACKWARD_TRANSITIVE.violations(released.get(2), released.subList(0, 2)).isEmpty());
  }

  @Test
  void anIncompatibleChangeIsRefusedWith409AndTheReason(TestKafka kafka) {
    SchemaRegistryClient client = kafka.registryClient();
    String subject = "evolution-bad-" + UUID.randomUUID() + "-value";
    client.setCompatibility(subject, CompatibilityLevel.BACKWARD_TRANSITIVE);
    client.register(subject, Trajectory.getClassSchema());
    Schema broken = withRequiredField(Trajectory.getClassSchema(), "reviewerId");
    var check = client.testCompatibility(subject, broken, "latest");
    assertFalse(check.compatible());
    assertTrue(check.messages().toString().contains("reviewerId"), check.messages().toString());
    RegistryException e = assertThrows(RegistryException.class, () -> client.register(subject, broken));
    assertEquals(409, e.httpStatus());
    assertTrue(e.getMessage().contains("reviewerId"), e.getMessage());
    assertTrue(e.getMessage().contains("BACKWARD_TRANSITIVE"), e.getMessage());
    assertEquals(CompatibilityLevel.BACKWARD_TRANSITIVE, client.compatibility(subject));
  }

  /** The schema plus a string field without default: old data cannot be read with it. */
  static Schema withRequiredField(Schema schema, String name) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : schema.getFields()) {
      fields.add(new Schema.Field(f, f.schema()));
    }
    fields.add(new Schema.Field(name, Schema.create(Schema.Type.STRING), "added without a default", (Object) null));
    return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
  }
}
