package io.shiq.replay.topology;

import io.shiq.avro.Trajectory;
import io.shiq.schemas.registry.SchemaRegistryClient;
import io.shiq.schemas.serde.AvroBinary;
import io.shiq.schemas.serde.WireFormat;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Avro bodies of trajectories in the current schema. A record written with the current schema already is one: its
 * bytes after the 5-byte header are used as they are; a record of an older schema version is re-encoded once.
 */
final class TrajectoryBodies {
  private final SchemaRegistryClient registry;
  private final Map<Integer, Boolean> current = new ConcurrentHashMap<>();
  private final SpecificDatumWriter<Trajectory> writer = new SpecificDatumWriter<>(Trajectory.getClassSchema());

  TrajectoryBodies(SchemaRegistryClient registry) {
    this.registry = registry;
  }

  /** The body of {@code confluentBytes} (already decoded as {@code decoded}) in the current schema. */
  byte[] body(String topic, byte[] confluentBytes, Trajectory decoded) {
    int id = WireFormat.readSchemaId(topic, confluentBytes);
    if (current.computeIfAbsent(id, i -> registry.schemaById(i).equals(Trajectory.getClassSchema()))) {
      return Arrays.copyOfRange(confluentBytes, WireFormat.HEADER_SIZE, confluentBytes.length);
    }
    return encode(decoded);
  }

  byte[] encode(Trajectory t) {
    try {
      return AvroBinary.encode(writer, t, 1024);
    } catch (IOException e) {
      throw new SerializationException("cannot encode trajectory " + t.getTrajectoryId(), e);
    }
  }
}
