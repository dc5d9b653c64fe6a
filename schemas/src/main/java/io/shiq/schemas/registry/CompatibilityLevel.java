package io.shiq.schemas.registry;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * Compatibility rules of the Confluent Schema Registry, checked with Avro's own reader/writer resolution.
 * BACKWARD: the new schema can read data written with the previous one; FORWARD: the previous schema can read
 * data written with the new one; FULL: both. The TRANSITIVE variants check against every earlier version,
 * the others only against the latest.
 */
public enum CompatibilityLevel {
  NONE(false, false, false),
  BACKWARD(true, false, false),
  BACKWARD_TRANSITIVE(true, false, true),
  FORWARD(false, true, false),
  FORWARD_TRANSITIVE(false, true, true),
  FULL(true, true, false),
  FULL_TRANSITIVE(true, true, true);

  private final boolean backward;
  private final boolean forward;
  private final boolean transitive;

  CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
    this.backward = backward;
    this.forward = forward;
    this.transitive = transitive;
  }

  /** The registry's default, as in Confluent's. */
  public static final CompatibilityLevel DEFAULT = BACKWARD;

  public static CompatibilityLevel parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("unknown compatibility level '" + text + "'; expected one of "
          + java.util.Arrays.toString(values()));
    }
  }

  /**
   * Checks {@code candidate} against the earlier versions of a subject (oldest first).
   *
   * @return one message per incompatibility; empty when compatible
   */
  public List<String> violations(Schema candidate, List<Schema> earlierOldestFirst) {
    List<String> messages = new ArrayList<>();
    if (this == NONE || earlierOldestFirst.isEmpty()) {
      return messages;
    }
    List<Schema> against = transitive
        ? earlierOldestFirst
        : List.of(earlierOldestFirst.get(earlierOldestFirst.size() - 1));
    for (int i = 0; i < against.size(); i++) {
      Schema earlier = against.get(i);
      String which = transitive ? "version " + (i + 1) : "the latest version";
      if (backward) {
        describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, earlier),
            "new schema cannot read data written with " + which, messages);
      }
      if (forward) {
        describe(SchemaCompatibility.checkReaderWriterCompatibility(earlier, candidate),
            which + " cannot read data written with the new schema", messages);
      }
    }
    return messages;
  }

  private static void describe(SchemaCompatibility.SchemaPairCompatibility pair, String what,
                               List<String> out) {
    if (pair.getType() == SchemaCompatibilityType.COMPATIBLE) {
      return;
    }
    for (Incompatibility inc : pair.getResult().getIncompatibilities()) {
      out.add(what + ": " + inc.getType() + " at " + inc.getLocation() + ": " + inc.getMessage());
    }
  }
}
