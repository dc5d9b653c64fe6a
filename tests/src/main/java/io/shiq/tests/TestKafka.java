package io.shiq.tests;

import io.shiq.schemas.kafka.KafkaClients;
import io.shiq.schemas.kafka.KafkaSettings;
import io.shiq.schemas.registry.SchemaRegistryClient;
import io.shiq.schemas.registry.embedded.EmbeddedSchemaRegistry;
import io.shiq.schemas.topic.TopicAdmin;
import io.shiq.schemas.topic.Topics;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * A real Kafka broker for tests (a Testcontainers container or the embedded KRaft broker) and the schema
 * registry on it. Shared by every test class of a JVM; tests isolate themselves with {@link #newTopics()}.
 */
public final class TestKafka implements AutoCloseable {
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private final String kind;
  private final String bootstrapServers;
  private final EmbeddedSchemaRegistry registry;
  private final AutoCloseable closer;

  TestKafka(String kind, String bootstrapServers, EmbeddedSchemaRegistry registry, AutoCloseable closer) {
    this.kind = kind;
    this.bootstrapServers = bootstrapServers;
    this.registry = registry;
    this.closer = closer;
  }

  /** "embedded" or "testcontainers". */
  public String kind() {
    return kind;
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public String registryUrl() {
    return registry.url();
  }

  public EmbeddedSchemaRegistry registry() {
    return registry;
  }

  /** A fresh client (its own caches) for the shared registry. */
  public SchemaRegistryClient registryClient() {
    return new SchemaRegistryClient(registry.url());
  }

  /** Every topic of the architecture under a prefix unique to this call, created on the broker. */
  public Topics newTopics() {
    Topics topics = new Topics("t" + SEQUENCE.incrementAndGet() + "-" + Long.toString(System.nanoTime(), 36) + ".");
    try (Admin admin = admin()) {
      TopicAdmin.ensureAll(admin, topics);
    }
    return topics;
  }

  public KafkaSettings kafkaSettings() {
    return KafkaSettings.of(bootstrapServers, registry.url());
  }

  /** A client factory (with a fresh registry client) for this broker and registry. */
  public KafkaClients clients() {
    return new KafkaClients(kafkaSettings());
  }

  public Admin admin() {
    return clients().admin();
  }

  public Properties producerProps() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put("schema.registry.url", registry.url());
    return p;
  }

  public Properties consumerProps(String group) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put("schema.registry.url", registry.url());
    return p;
  }

  @Override
  public void close() throws Exception {
    closer.close();
  }
}
