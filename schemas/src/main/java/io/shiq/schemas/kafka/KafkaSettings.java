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

  /** Settings whose values are secrets: shown as [hidden], as Kafka's own config dumps do. */
  public static boolean isSecret(String key) {
    String k = key.toLowerCase(java.util.Locale.ROOT);
    return k.contains("password") || k.contains("jaas") || k.contains("secret") || k.contains("user.info")
        || k.contains("token") || k.endsWith(".key");
  }

  /** The client settings with secret values replaced by [hidden]: what may be logged or printed. */
  public Map<String, String> redactedClient() {
    Map<String, String> out = new TreeMap<>();
    client.forEach((k, v) -> out.put(k, isSecret(k) ? "[hidden]" : v));
    return out;
  }

  @Override
  public String toString() {
    return "KafkaSettings[bootstrapServers=" + bootstrapServers + ", registryUrl="
        + io.shiq.schemas.registry.RegistryConnection.redact(registryUrl) + ", client=" + redactedClient() + "]";
  }

  /** These settings with more client settings; later ones win. */
  public KafkaSettings withClient(Map<String, String> more) {
    Map<String, String> merged = new TreeMap<>(client);
    merged.putAll(more);
    return new KafkaSettings(bootstrapServers, registryUrl, merged);
  }
}
