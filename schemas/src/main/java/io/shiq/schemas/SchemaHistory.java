package io.shiq.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * The released versions of each record's schema, kept as resources {@code schema-history/vN/<Record>.avsc}
 * (see the README there). A new schema must stay readable against all of them (BACKWARD_TRANSITIVE).
 */
public final class SchemaHistory {
  private static final int MAX_VERSIONS = 1000;

  private SchemaHistory() {}

  /** The released schemas of {@code type}, oldest first; empty if it was never released. */
  public static List<Schema> released(Class<? extends SpecificRecord> type) {
    List<Schema> out = new ArrayList<>();
    boolean started = false;
    for (int v = 1; v <= MAX_VERSIONS; v++) {
      String path = "schema-history/v" + v + "/" + type.getSimpleName() + ".avsc";
      try (InputStream in = SchemaHistory.class.getClassLoader().getResourceAsStream(path)) {
        if (in == null) {
          if (started || !versionExists(v)) {
            break;
          }
          continue; // the record did not exist yet in version v
        }
        started = true;
        out.add(new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + path, e);
      }
    }
    return out;
  }

  private static boolean versionExists(int v) {
    return SchemaHistory.class.getClassLoader().getResource("schema-history/v" + v + "/Trajectory.avsc") != null;
  }
}
