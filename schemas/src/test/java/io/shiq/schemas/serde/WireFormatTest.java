package io.shiq.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.avro.Trajectory;
import io.shiq.schemas.registry.SchemaRegistryClient;
import java.time.Duration;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class WireFormatTest {

  @Test
  void headerIsMagicByteThenBigEndianId() {
    byte[] data = {0, 0x01, 0x02, 0x03, 0x04, 42};
    assertEquals(0x01020304, WireFormat.readSchemaId("t", data));
  }

  @Test
  void subjectsFollowTopicNameStrategy() {
    assertEquals("shiq.trajectories-value", WireFormat.subject("shiq.trajectories", false));
    assertEquals("shiq.trajectories-key", WireFormat.subject("shiq.trajectories", true));
  }

  @Test
  void shortRecordIsRejectedNamingTopic() {
    var e = assertThrows(SerializationException.class, () -> WireFormat.readSchemaId("shiq.rewards", new byte[] {0, 1}));
    assertTrue(e.getMessage().contains("shiq.rewards"), e.getMessage());
    assertTrue(e.getMessage().contains("too short"), e.getMessage());
  }

  @Test
  void wrongMagicByteIsRejectedBeforeAnyRegistryCall() {
    // The registry URL points nowhere: the magic byte must be checked before the registry is asked.
    SchemaRegistryClient nowhere = new SchemaRegistryClient("http://localhost:1", 1, Duration.ofMillis(1),
        Duration.ofMillis(200));
    AvroDeserializer<Trajectory> d = new AvroDeserializer<>(nowhere, Trajectory.class);
    var e = assertThrows(SerializationException.class,
        () -> d.deserialize("shiq.trajectories", new byte[] {7, 0, 0, 0, 1, 2, 3}));
    assertTrue(e.getMessage().contains("magic byte 0x07"), e.getMessage());
    assertTrue(e.getMessage().contains("shiq.trajectories"), e.getMessage());
  }

  @Test
  void missingRegistryUrlIsAConfigError() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> new AvroSerializer<Trajectory>().configure(java.util.Map.of(), false));
    assertTrue(e.getMessage().contains(SerdeConfig.SCHEMA_REGISTRY_URL), e.getMessage());
  }
}
