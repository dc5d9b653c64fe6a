package io.shiq.embedded;

import io.shiq.schemas.registry.embedded.EmbeddedSchemaRegistry;
import io.shiq.schemas.storage.Directories;
import io.shiq.schemas.kafka.KafkaClients;
import io.shiq.schemas.kafka.KafkaSettings;
import io.shiq.schemas.topic.TopicAdmin;
import io.shiq.schemas.topic.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The "embedded default": a real KRaft broker and the schema registry in this JVM, with every topic of the
 * architecture created. The demo and the tests start it in a few seconds; {@code shiq kafka} runs it as a
 * standalone service for separate processes.
 */
public final class EmbeddedStack implements AutoCloseable {

  /**
   * Where and how to start.
   *
   * @param dataDir      broker and registry state; null for a temporary directory removed on close
   * @param kafkaPort    client port (0: a free one)
   * @param controllerPort KRaft controller port (0: a free one)
   * @param registryPort schema registry HTTP port (0: a free one)
   * @param topics       topic names to create
   */
  public record Options(Path dataDir, int kafkaPort, int controllerPort, int registryPort, Topics topics) {
    public Options {
      checkPort("kafka port", kafkaPort);
      checkPort("controller port", controllerPort);
      checkPort("registry port", registryPort);
      if (topics == null) {
        topics = Topics.withDefaultPrefix();
      }
    }

    /** Temporary directory, free ports, default topic prefix: for tests. */
    public static Options ephemeral() {
      return new Options(null, 0, 0, 0, Topics.withDefaultPrefix());
    }

    private static void checkPort(String what, int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException(what + " must be in 0..65535, got " + port);
      }
    }
  }

  private final EmbeddedKafkaBroker broker;
  private final EmbeddedSchemaRegistry registry;
  private final Topics topics;
  private final Path tempDir;

  private EmbeddedStack(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry, Topics topics, Path tempDir) {
    this.broker = broker;
    this.registry = registry;
    this.topics = topics;
    this.tempDir = tempDir;
  }

  public static EmbeddedStack start(Options options) throws IOException {
    return start(options, EmbeddedSchemaRegistry.Security.NONE);
  }

  /** Starts the stack with a registry that serves HTTPS and/or asks for basic auth as {@code registrySecurity} says. */
  public static EmbeddedStack start(Options options, EmbeddedSchemaRegistry.Security registrySecurity)
      throws IOException {
    Path tempDir = options.dataDir() == null ? Files.createTempDirectory("shiq-kafka-") : null;
    Path dir = tempDir != null ? tempDir : options.dataDir();
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, options.kafkaPort(), options.controllerPort());
    EmbeddedSchemaRegistry registry = null;
    try {
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
        // (no KafkaClients yet: the registry it would point at starts below, on this broker)
        TopicAdmin.ensureAll(admin, options.topics());
      }
      registry = EmbeddedSchemaRegistry.start(broker.bootstrapServers(), Map.of(),
          EmbeddedSchemaRegistry.DEFAULT_TOPIC, options.registryPort(), registrySecurity);
      return new EmbeddedStack(broker, registry, options.topics(), tempDir);
    } catch (IOException | RuntimeException e) {
      if (registry != null) {
        registry.close();
      }
      broker.close();
      if (tempDir != null) {
        deleteRecursively(tempDir);
      }
      throw e;
    }
  }

  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  public String registryUrl() {
    return registry.url();
  }

  public EmbeddedKafkaBroker broker() {
    return broker;
  }

  public EmbeddedSchemaRegistry registry() {
    return registry;
  }

  public Topics topics() {
    return topics;
  }

  /** Where clients find this stack. */
  public KafkaSettings kafkaSettings() {
    return KafkaSettings.of(bootstrapServers(), registryUrl());
  }

  /** A client factory for this stack. */
  public KafkaClients clients() {
    return new KafkaClients(kafkaSettings());
  }

  @Override
  public void close() {
    registry.close();
    broker.close();
    if (tempDir != null) {
      deleteRecursively(tempDir);
    }
  }

  /** Unchecked: it runs in {@link #close()} and on a failed start, where the caller has no use for an IOException. */
  private static void deleteRecursively(Path root) {
    try {
      Directories.deleteRecursively(root);
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + root, e);
    }
  }
}
