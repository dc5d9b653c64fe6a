package io.shiq.schemas.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class KafkaClientsTest {
  /** SASL without a JAAS configuration: every client that receives the shared settings refuses to start. */
  private static final KafkaSettings SASL = KafkaSettings.of("127.0.0.1:1", "http://127.0.0.1:1")
      .withClient(Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN"));

  @Test
  void theSharedClientSettingsReachEveryKindOfClient() {
    KafkaClients kafka = new KafkaClients(SASL);
    assertRefusedForJaas(() -> kafka.producer(new ByteArraySerializer(), new ByteArraySerializer(), Map.of()).close());
    assertRefusedForJaas(() -> kafka.avroProducer(Map.of()).close());
    assertRefusedForJaas(() -> kafka.consumer(new ByteArrayDeserializer(), new ByteArrayDeserializer(), Map.of())
        .close());
    assertRefusedForJaas(() -> kafka.admin().close());
  }

  private static void assertRefusedForJaas(Executable build) {
    KafkaException e = assertThrows(KafkaException.class, build);
    StringBuilder causes = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      causes.append(t.getMessage()).append(" / ");
    }
    assertTrue(causes.toString().contains("JAAS"), causes.toString());
  }

  @Test
  void streamsConfigurationsCarryBootstrapClientSettingsAndTheCallersOverrides() {
    Properties p = new KafkaClients(SASL).streams("app-1", Map.of(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "2",
        "security.protocol", "SASL_SSL"));
    assertEquals("127.0.0.1:1", p.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
    assertEquals("app-1", p.get(StreamsConfig.APPLICATION_ID_CONFIG));
    assertEquals("PLAIN", p.get("sasl.mechanism"));
    assertEquals("SASL_SSL", p.get("security.protocol"), "the caller's setting wins");
    assertEquals("2", p.get(StreamsConfig.NUM_STREAM_THREADS_CONFIG));
  }

  @Test
  void settingsNameWhatIsMissing() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KafkaSettings.of(" ", "http://localhost:8081"));
    assertTrue(e.getMessage().contains("bootstrap.servers"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> KafkaSettings.of("localhost:9092", null));
    assertTrue(e.getMessage().contains("schema.registry.url"), e.getMessage());
  }

  @Test
  void laterClientSettingsWin() {
    KafkaSettings s = SASL.withClient(Map.of(ProducerConfig.CLIENT_ID_CONFIG, "x", "sasl.mechanism", "SCRAM-SHA-512"));
    assertEquals("SCRAM-SHA-512", s.client().get("sasl.mechanism"));
    assertEquals("x", s.client().get(ProducerConfig.CLIENT_ID_CONFIG));
    assertEquals("SASL_PLAINTEXT", s.client().get("security.protocol"));
  }
}
