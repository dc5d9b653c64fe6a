package io.shiq.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.shiq.schemas.registry.CompatibilityLevel;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/** The fast, registry-free half of the evolution check (the registry half runs in tests/). */
class SchemaHistoryTest {
  @Test
  void everyRecordTypeHasAReleasedHistory() {
    for (Class<? extends SpecificRecord> type : ShiqRecords.VALUE_TYPES) {
      assertFalse(SchemaHistory.released(type).isEmpty(), "no schema-history for " + type.getSimpleName());
    }
  }

  @Test
  void currentSchemasAreBackwardTransitiveCompatibleWithEveryRelease() {
    for (Class<? extends SpecificRecord> type : ShiqRecords.VALUE_TYPES) {
      List<Schema> released = SchemaHistory.released(type);
      List<String> violations =
          CompatibilityLevel.BACKWARD_TRANSITIVE.violations(ShiqRecords.schemaOf(type), released);
      assertEquals(List.of(), violations, type.getSimpleName() + " broke compatibility");
    }
  }
}
