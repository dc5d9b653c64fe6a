package io.shiq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.avro.Trajectory;
import io.shiq.schemas.registry.RegistryException;
import io.shiq.schemas.registry.RegistryUnreachableException;
import io.shiq.schemas.registry.SchemaRegistryClient;
import io.shiq.schemas.registry.embedded.EmbeddedSchemaRegistry;
import io.shiq.schemas.serde.AvroDeserializer;
import io.shiq.schemas.serde.AvroSerializer;
import io.shiq.schemas.topic.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Each kind of bad input gets a clear error that names the topic (and the registry URL where it matters). */
@ExtendWith(KafkaExtension.class)
class SerdeBadInputTest {
  private TestKafka kafka;
  private Topics topics;
  private SchemaRegistryClient client;
  private byte[] valid;

  @BeforeEach
  void setUp(TestKafka kafka) {
    this.kafka = kafka;
    this.topics = kafka.newTopics();
    this.client = kafka.registryClient();
    AvroSerializer<Trajectory> s = new AvroSerializer<>(client);
    s.configure(Map.of("schema.registry.url", kafka.registryUrl()), false);
    this.valid = s.serialize(topics.trajectories(), Samples.toolSession());
  }

  private Object decode(byte[] data) {
    return new AvroDeserializer<>(client, Trajectory.class).deserialize(topics.trajectories(), data);
  }

  @Test
  void validBytesDecode() {
    assertEquals(Samples.toolSession(), decode(valid));
  }

  @Test
  void wrongMagicByte() {
    byte[] bad = valid.clone();
    bad[0] = 1;
    var e = assertThrows(SerializationException.class, () -> decode(bad));
    assertTrue(e.getMessage().contains("magic byte 0x01") && e.getMessage().contains(topics.trajectories()),
        e.getMessage());
  }

  @Test
  void unknownSchemaId() {
    byte[] bad = valid.clone();
    bad[1] = 0x7f; // id 0x7f...... was never issued
    var e = assertThrows(SerializationException.class, () -> decode(bad));
    assertTrue(e.getMessage().contains("unknown schema id"), e.getMessage());
    assertTrue(e.getMessage().contains(kafka.registryUrl()), e.getMessage());
  }

  @Test
  void truncatedBytes() {
    byte[] bad = Arrays.copyOf(valid, valid.length / 2);
    var e = assertThrows(SerializationException.class, () -> decode(bad));
    assertTrue(e.getMessage().contains("truncated or corrupt") && e.getMessage().contains(topics.trajectories()),
        e.getMessage());
  }

  @Test
  void trailingGarbage() {
    byte[] bad = Arrays.copyOf(valid, valid.length + 3);
    var e = assertThrows(SerializationException.class, () -> decode(bad));
    assertTrue(e.getMessage().contains("left over"), e.getMessage());
  }

  @Test
  void corruptBody() {
    byte[] bad = valid.clone();
    Arrays.fill(bad, 5, Math.min(bad.length, 40), (byte) 0xFF); // varints that never end
    var e = assertThrows(SerializationException.class, () -> decode(bad));
    assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
  }

  @Test
  void incompatibleRegistrationIs409WithTheReason() {
    String subject = topics.trajectories() + "-value"; // already holds Trajectory (setUp), default BACKWARD
    Schema broken = SchemaEvolutionTest.withRequiredField(Trajectory.getClassSchema(), "mandatoryField");
    RegistryException e = assertThrows(RegistryException.class, () -> client.register(subject, broken));
    assertEquals(409, e.httpStatus());
    assertEquals(409, e.errorCode());
    assertTrue(e.getMessage().contains("mandatoryField") && e.getMessage().contains(subject), e.getMessage());
  }

  @Test
  void invalidSchemaIs422WithErrorCode42201() throws Exception {
    // Sent by hand: an Avro Schema object cannot hold an invalid schema.
    HttpRequest request = HttpRequest.newBuilder(URI.create(kafka.registryUrl() + "/subjects/invalid-"
            + UUID.randomUUID() + "-value/versions"))
        .header("Content-Type", SchemaRegistryClient.CONTENT_TYPE)
        .POST(HttpRequest.BodyPublishers.ofString("{\"schema\":\"{\\\"type\\\":\\\"nope\\\"}\"}"))
        .build();
    HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    assertEquals(422, response.statusCode(), response.body());
    assertTrue(response.body().contains("42201") && response.body().contains("nope"), response.body());
  }

  @Test
  void unreachableRegistryIsReportedWithItsUrlAfterBoundedRetries() throws Exception {
    EmbeddedSchemaRegistry gone = EmbeddedSchemaRegistry.start(kafka.bootstrapServers(),
        "_registry_" + UUID.randomUUID(), 0);
    String url = gone.url();
    gone.close();
    AvroSerializer<Trajectory> s = new AvroSerializer<>();
    s.configure(Map.of("schema.registry.url", url, "schema.registry.max.attempts", "2",
        "schema.registry.backoff.ms", "20"), false);
    var e = assertThrows(RegistryUnreachableException.class,
        () -> s.serialize(topics.trajectories(), Samples.toolSession()));
    assertTrue(e.getMessage().contains(url) && e.getMessage().contains("after 2 attempts"), e.getMessage());
    // The deserializer does not blame the record either: the same exception type comes through.
    AvroDeserializer<Trajectory> d = new AvroDeserializer<>(new SchemaRegistryClient(url, 2,
        Duration.ofMillis(20), Duration.ofSeconds(2)), Trajectory.class);
    assertThrows(RegistryUnreachableException.class, () -> d.deserialize(topics.trajectories(), valid));
  }
}
