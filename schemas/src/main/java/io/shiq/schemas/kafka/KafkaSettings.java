package io.shiq.schemas.kafka;

import java.util.Map;
import java.util.TreeMap;

/**
 * Where a shiq process finds Kafka and the schema registry, and the client settings every one of its Kafka clients
 * shares (security: {@code security.protocol}, {@code ssl.*}, {@code sasl.*}; or any other client setting).
 *
 * @param bootstrapServers Kafka's {@code bootstrap.servers}
 * @param registryUrl      the Confluent-compatible schema registry
 * @param client           settings given to every producer, consumer, admin client and Kafka Streams application
 */
public record KafkaSettings(String bootstrapServers, String registryUrl, Map<String, String> client) {
  public static final String DEFAULT_BOOTSTRAP_SERVERS = "localhost:9092";
  public static final String DEFAULT_REGISTRY_URL = "http://localhost:8081";

  public KafkaSettings {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("bootstrap.servers is required (HOST:PORT[,HOST:PORT...])");
    }
    if (registryUrl == null || registryUrl.isBlank()) {
      throw new IllegalArgumentException("schema.registry.url is required (http://HOST:PORT)");
    }
    client = Map.copyOf(client == null ? Map.of() : client);
  }

  public static KafkaSettings of(String bootstrapServers, String registryUrl) {
    return new KafkaSettings(bootstrapServers, registryUrl, Map.of());
  }

  /** These settings with more client settings; later ones win. */
  public KafkaSettings withClient(Map<String, String> more) {
    Map<String, String> merged = new TreeMap<>(client);
    merged.putAll(more);
    return new KafkaSettings(bootstrapServers, registryUrl, merged);
  }
}
