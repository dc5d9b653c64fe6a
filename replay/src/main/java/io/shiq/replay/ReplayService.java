package io.shiq.replay;

import io.shiq.replay.topology.ReplayTopology;
import io.shiq.schemas.registry.SchemaRegistryClient;
import io.shiq.schemas.topic.TopicAdmin;
import io.shiq.schemas.topic.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/** Runs the replay topology as a Kafka Streams application against any Kafka cluster. */
public final class ReplayService implements AutoCloseable {
  private final ReplayConfig config;
  private final KafkaStreams streams;

  private ReplayService(ReplayConfig config, KafkaStreams streams) {
    this.config = config;
    this.streams = streams;
  }

  /** Creates missing topics, builds the topology and starts it. */
  public static ReplayService start(ReplayConfig config) {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()))) {
      TopicAdmin.ensureAll(admin, config.topics());
    }
    Properties p = new Properties();
    p.putAll(config.streams());
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.putIfAbsent(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "200");
    // Single-broker clusters (the embedded default) cannot replicate internal topics three ways.
    p.putIfAbsent(StreamsConfig.REPLICATION_FACTOR_CONFIG, "-1");
    p.putIfAbsent("producer.max.request.size", Integer.toString(16 * 1024 * 1024));
    KafkaStreams streams = new KafkaStreams(ReplayTopology.build(config,
        new SchemaRegistryClient(config.schemaRegistryUrl())), p);
    streams.start();
    return new ReplayService(config, streams);
  }

  public KafkaStreams streams() {
    return streams;
  }

  public ReplayConfig config() {
    return config;
  }

  public Topics topics() {
    return config.topics();
  }

  /** Sum of one replay metric over all tasks of this instance (e.g. inserts-total, samples-total). */
  public double metric(String name) {
    return streams.metrics().entrySet().stream().filter(e -> e.getKey().name().equals(name)
            && e.getKey().group().contains("shiq-replay"))
        .mapToDouble(e -> e.getValue().metricValue() instanceof Number n ? n.doubleValue() : 0).sum();
  }

  /**
   * Stops the topology, asking to leave the consumer group. Kafka Streams only acts on that for static members
   * ({@code consumer.group.instance.id}); a dynamic member stays until its session times out
   * ({@code consumer.session.timeout.ms}, 45 s by default), and a buffer restarted sooner waits that long for its
   * partitions.
   */
  public void close(Duration timeout) {
    streams.close(new KafkaStreams.CloseOptions().timeout(timeout).leaveGroup(true));
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }
}
