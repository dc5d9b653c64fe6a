package io.shiq.schemas.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class CompatibilityLevelTest {
  private static Schema record(String fields) {
    return new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[" + fields + "]}");
  }

  private static final Schema V1 = record("{\"name\":\"a\",\"type\":\"int\"}");

  @Test
  void addingAFieldWithADefaultIsBackwardCompatible() {
    Schema v2 = record("{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"string\",\"default\":\"x\"}");
    assertEquals(List.of(), CompatibilityLevel.BACKWARD.violations(v2, List.of(V1)));
    assertEquals(List.of(), CompatibilityLevel.FULL_TRANSITIVE.violations(v2, List.of(V1)));
  }

  @Test
  void addingARequiredFieldIsNotBackwardCompatibleAndTheFieldIsNamed() {
    Schema v2 = record("{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"string\"}");
    List<String> v = CompatibilityLevel.BACKWARD.violations(v2, List.of(V1));
    assertEquals(1, v.size(), v.toString());
    assertTrue(v.get(0).contains("READER_FIELD_MISSING_DEFAULT_VALUE") && v.get(0).contains("b"), v.get(0));
    // FORWARD only asks whether old readers can read new data: they ignore the extra field.
    assertEquals(List.of(), CompatibilityLevel.FORWARD.violations(v2, List.of(V1)));
    assertEquals(List.of(), CompatibilityLevel.NONE.violations(v2, List.of(V1)));
  }

  @Test
  void transitiveChecksEveryEarlierVersionNotOnlyTheLatest() {
    Schema v2 = record("");
    Schema v3 = record("{\"name\":\"a\",\"type\":\"string\",\"default\":\"\"}");
    // v3 reads v2 data (field a from its default) but not v1 data (a is an int there).
    assertEquals(List.of(), CompatibilityLevel.BACKWARD.violations(v3, List.of(V1, v2)));
    List<String> transitive = CompatibilityLevel.BACKWARD_TRANSITIVE.violations(v3, List.of(V1, v2));
    assertEquals(1, transitive.size(), transitive.toString());
    assertTrue(transitive.get(0).contains("version 1"), transitive.get(0));
  }

  @Test
  void levelsParseCaseInsensitivelyAndRejectUnknownNames() {
    assertEquals(CompatibilityLevel.BACKWARD_TRANSITIVE, CompatibilityLevel.parse("backward_transitive"));
    var e = assertThrows(IllegalArgumentException.class, () -> CompatibilityLevel.parse("SIDEWAYS"));
    assertTrue(e.getMessage().contains("SIDEWAYS"));
  }
}
