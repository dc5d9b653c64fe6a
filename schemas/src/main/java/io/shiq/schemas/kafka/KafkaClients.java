package io.shiq.schemas.kafka;

import io.shiq.schemas.registry.RegistryConnection;
import io.shiq.schemas.registry.SchemaRegistryClient;
import io.shiq.schemas.serde.AvroDeserializer;
import io.shiq.schemas.serde.AvroSerde;
import io.shiq.schemas.serde.AvroSerializer;
import io.shiq.schemas.serde.SerdeConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Builds every Kafka client, Streams configuration and Avro serde of a shiq process from one {@link KafkaSettings}:
 * the bootstrap servers and shared client settings (security) go into each, so a setting is given once. Callers pass
 * only what is particular to their client (an isolation level, a transactional id), as {@code *Config} constants.
 */
public final class KafkaClients {
  private final KafkaSettings settings;
  private final SchemaRegistryClient registry;

  public KafkaClients(KafkaSettings settings) {
    this.settings = settings;
    this.registry = new SchemaRegistryClient(settings.registryUrl(),
        RegistryConnection.from(settings.client(), settings.registryUrl()));
  }

  public static KafkaClients of(String bootstrapServers, String registryUrl) {
    return new KafkaClients(KafkaSettings.of(bootstrapServers, registryUrl));
  }

  public KafkaSettings settings() {
    return settings;
  }

  /** The registry client every serde of this factory shares (it caches schema ids). */
  public SchemaRegistryClient registry() {
    return registry;
  }

  public Admin admin() {
    return Admin.create(common(Map.of()));
  }

  /**
   * A producer. Defaults: {@code acks=all} and idempotence (nothing a shiq service writes may be lost or
   * duplicated by a retry); {@code overrides} win.
   */
  public <K, V> KafkaProducer<K, V> producer(Serializer<K> keys, Serializer<V> values, Map<String, ?> overrides) {
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.putAll(overrides);
    return new KafkaProducer<>(common(p), keys, values);
  }

  /** A producer of Avro records keyed by string, in the Confluent wire format. */
  public KafkaProducer<String, SpecificRecord> avroProducer(Map<String, ?> overrides) {
    return producer(new StringSerializer(), serializer(), overrides);
  }

  /**
   * A consumer. Default: no auto-commit, since every shiq consumer either assigns its partitions and keeps its own
   * position (learner checkpoints, weight subscribers) or commits explicitly; {@code overrides} win.
   */
  public <K, V> KafkaConsumer<K, V> consumer(Deserializer<K> keys, Deserializer<V> values,
                                             Map<String, ?> overrides) {
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.putAll(overrides);
    return new KafkaConsumer<>(common(c), keys, values);
  }

  /** A consumer of string keys and raw values (decoded by the caller, so a bad record can be dead-lettered). */
  public KafkaConsumer<String, byte[]> rawConsumer(Map<String, ?> overrides) {
    return consumer(new StringDeserializer(), new ByteArrayDeserializer(), overrides);
  }

  /**
   * A Kafka Streams configuration: the shared settings apply to its internal producers, consumers and admin client
   * (Streams passes unprefixed client settings to all of them); {@code overrides} win.
   */
  public Properties streams(String applicationId, Map<?, ?> overrides) {
    Properties p = new Properties();
    p.putAll(common(Map.of()));
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    p.putAll(overrides);
    return p;
  }

  /** An Avro value serializer (subject {@code <topic>-value}). */
  public <T extends SpecificRecord> AvroSerializer<T> serializer() {
    return AvroSerializer.forValues(registry);
  }

  /** An Avro value deserializer to {@code type}. */
  public <T extends SpecificRecord> AvroDeserializer<T> deserializer(Class<T> type) {
    return new AvroDeserializer<>(registry, type);
  }

  /** An Avro value serde of {@code type}. */
  public <T extends SpecificRecord> AvroSerde<T> serde(Class<T> type) {
    return AvroSerde.forValues(registry, type);
  }

  /** What a reflectively built serde needs: {@code schema.registry.url} and the registry's security settings. */
  public Map<String, String> serdeConfig() {
    Map<String, String> c = new HashMap<>();
    settings.client().forEach((k, v) -> {
      if (RegistryConnection.isRegistryKey(k)) {
        c.put(k, v);
      }
    });
    c.put(SerdeConfig.SCHEMA_REGISTRY_URL, settings.registryUrl());
    return Map.copyOf(c);
  }

  private Map<String, Object> common(Map<String, ?> particular) {
    Map<String, Object> p = new HashMap<>();
    // The registry's own settings (basic.auth.*, schema.registry.ssl.*) are not Kafka's: a Kafka client would only
    // warn about them as unknown.
    settings.client().forEach((k, v) -> {
      if (!RegistryConnection.isRegistryKey(k)) {
        p.put(k, v);
      }
    });
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    p.putAll(particular);
    return p;
  }
}
