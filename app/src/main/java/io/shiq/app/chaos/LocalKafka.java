package io.shiq.app.chaos;

import io.shiq.embedded.EmbeddedKafkaBroker;
import io.shiq.schemas.kafka.KafkaClients;
import io.shiq.schemas.kafka.KafkaSettings;
import io.shiq.schemas.registry.embedded.EmbeddedSchemaRegistry;
import io.shiq.schemas.topic.TopicAdmin;
import io.shiq.schemas.topic.Topics;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The embedded KRaft broker and schema registry inside this process, on ports chosen once and a log directory kept
 * on disk, so that {@link #restartBroker} brings the same broker back where every client expects it: same ports, same
 * topics, offsets, transactions and committed state. The registry stays up while the broker is down (it answers from
 * memory; its topic is only written when a new schema is registered).
 */
final class LocalKafka implements AutoCloseable {
  private final Path dataDir;
  private final int port;
  private final int controllerPort;
  private final Topics topics;
  private EmbeddedKafkaBroker broker;
  private EmbeddedSchemaRegistry registry;

  private LocalKafka(Path dataDir, int port, int controllerPort, Topics topics) {
    this.dataDir = dataDir;
    this.port = port;
    this.controllerPort = controllerPort;
    this.topics = topics;
  }

  /** Starts the broker on free ports (kept for restarts), creates the topics and starts the registry. */
  static LocalKafka start(Path dataDir, Topics topics) throws IOException {
    LocalKafka k = new LocalKafka(dataDir, freePort(), freePort(), topics);
    k.broker = EmbeddedKafkaBroker.start(dataDir, k.port, k.controllerPort);
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, k.bootstrapServers()))) {
      TopicAdmin.ensureAll(admin, topics);
    }
    k.registry = EmbeddedSchemaRegistry.start(k.bootstrapServers(), EmbeddedSchemaRegistry.DEFAULT_TOPIC, 0);
    return k;
  }

  String bootstrapServers() {
    return "localhost:" + port;
  }

  String registryUrl() {
    return registry.url();
  }

  Topics topics() {
    return topics;
  }

  KafkaClients clients() {
    return new KafkaClients(KafkaSettings.of(bootstrapServers(), registryUrl()));
  }

  synchronized boolean brokerUp() {
    return broker != null;
  }

  /** A controlled shutdown of the broker (what a rolling restart does); the registry stays. */
  synchronized void stopBroker() {
    if (broker != null) {
      broker.close();
      broker = null;
    }
  }

  /** The broker again on the same ports and log directory; returns how long the start took. */
  synchronized Duration startBroker() throws IOException {
    if (broker == null) {
      broker = EmbeddedKafkaBroker.start(dataDir, port, controllerPort);
    }
    return broker.startTime();
  }

  @Override
  public synchronized void close() {
    if (registry != null) {
      registry.close();
    }
    stopBroker();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }
}
