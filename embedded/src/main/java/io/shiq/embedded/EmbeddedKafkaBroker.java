package io.shiq.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker in KRaft mode (combined broker and controller roles), in this JVM.
 *
 * <p>Its log directory is formatted once (as {@code kafka-storage.sh format} does) and reused, so a restart on
 * the same directory keeps topics, offsets and the cluster id. Single-node settings: internal topics (consumer
 * offsets, transactions, share-group state) get replication factor 1, or consumer groups would wait forever for
 * replicas that do not exist.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final KafkaRaftServer server;
  private final String bootstrapServers;
  private final Path dataDir;
  private Duration startTime = Duration.ZERO;
  private volatile boolean closed;

  private EmbeddedKafkaBroker(KafkaRaftServer server, String bootstrapServers, Path dataDir) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
    this.dataDir = dataDir;
  }

  /**
   * Formats {@code dataDir} if needed and starts the broker.
   *
   * @param port           client port (0: a free one)
   * @param controllerPort KRaft controller port (0: a free one)
   */
  public static EmbeddedKafkaBroker start(Path dataDir, int port, int controllerPort) throws IOException {
    long t0 = System.nanoTime();
    Files.createDirectories(dataDir);
    int clientPort = port == 0 ? freePort() : port;
    int quorumPort = controllerPort == 0 ? freePort() : controllerPort;
    Path logDir = dataDir.resolve("kafka-logs");
    Properties props = serverProperties(logDir, clientPort, quorumPort);
    Path propsFile = dataDir.resolve("server.properties");
    try (OutputStream out = Files.newOutputStream(propsFile)) {
      props.store(out, "written by shiq's embedded broker; regenerated at every start");
    }
    format(propsFile, clusterId(logDir));
    KafkaConfig config = KafkaConfig.fromProps(props, false);
    KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
    try {
      server.startup();
    } catch (RuntimeException e) {
      server.shutdown();
      throw new IOException("embedded Kafka failed to start on port " + clientPort + " with data in " + dataDir
          + ": " + e.getMessage(), e);
    }
    String bootstrap = "localhost:" + clientPort;
    EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, bootstrap, dataDir);
    try {
      broker.awaitReady();
    } catch (IOException | RuntimeException e) {
      broker.close();
      throw e;
    }
    broker.startTime = Duration.ofNanos(System.nanoTime() - t0);
    LOG.info("embedded Kafka ready at {} in {} ms (data in {})", bootstrap, broker.startTime.toMillis(), dataDir);
    return broker;
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Wall time from the call to start until the broker answered a metadata request. */
  public Duration startTime() {
    return startTime;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.shutdown();
    server.awaitShutdown();
  }

  static Properties serverProperties(Path logDir, int clientPort, int controllerPort) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@localhost:" + controllerPort);
    p.put("listeners", "PLAINTEXT://localhost:" + clientPort + ",CONTROLLER://localhost:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://localhost:" + clientPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", logDir.toAbsolutePath().toString());
    p.put("num.partitions", "1");
    p.put("auto.create.topics.enable", "false");
    // One node: every internal topic must have replication factor 1 and min ISR 1.
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "5");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "5");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("min.insync.replicas", "1");
    p.put("default.replication.factor", "1");
    // Consumer groups rebalance at once instead of waiting 3 s for more members (demo, tests).
    p.put("group.initial.rebalance.delay.ms", "0");
    // Weight chunks are up to 1 MiB of payload plus the Avro envelope.
    p.put("message.max.bytes", Integer.toString(2 * 1024 * 1024));
    p.put("replica.fetch.max.bytes", Integer.toString(2 * 1024 * 1024));
    return p;
  }

  /** The cluster id already written in the log directory, or a new one. */
  private static String clusterId(Path logDir) throws IOException {
    Path meta = logDir.resolve("meta.properties");
    if (Files.exists(meta)) {
      Properties p = new Properties();
      try (InputStream in = Files.newInputStream(meta)) {
        p.load(in);
      }
      String id = p.getProperty("cluster.id");
      if (id != null) {
        return id;
      }
    }
    return Uuid.randomUuid().toString();
  }

  private static void format(Path propsFile, String clusterId) throws IOException {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int rc;
    try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      rc = StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", propsFile.toString(),
          "--ignore-formatted"}, out);
    } catch (RuntimeException e) {
      throw new IOException("formatting the Kafka log directory failed: " + e.getMessage() + "\n" + captured, e);
    }
    if (rc != 0) {
      throw new IOException("formatting the Kafka log directory failed (exit " + rc + "): " + captured);
    }
  }

  private void awaitReady() throws IOException {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000"))) {
      long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
      while (true) {
        try {
          if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (Exception e) {
          if (System.nanoTime() > deadline) {
            throw new IOException("embedded Kafka at " + bootstrapServers + " not ready after " + READY_TIMEOUT, e);
          }
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted waiting for embedded Kafka", e);
        }
      }
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }
}
