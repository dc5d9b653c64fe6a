package io.shiq.replay;

import io.shiq.replay.topology.ReplayTopology;
import io.shiq.schemas.kafka.KafkaClients;
import io.shiq.schemas.topic.TopicAdmin;
import io.shiq.schemas.topic.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerConfig;
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
    KafkaClients kafka = new KafkaClients(config.kafka());
    try (Admin admin = kafka.admin()) {
      TopicAdmin.ensureAll(admin, config.topics());
    }
    Map<Object, Object> settings = new HashMap<>();
    settings.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    settings.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "200");
    // Single-broker clusters (the embedded default) cannot replicate internal topics three ways.
    settings.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, "-1");
    settings.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
        Integer.toString(16 * 1024 * 1024));
    settings.putAll(config.streams()); // the user's options win
    // ... except the registry client's settings, which are not Kafka Streams' (its serdes got them above).
    settings.keySet().removeIf(k -> io.shiq.schemas.registry.RegistryConnection.isRegistryKey(k.toString()));
    KafkaStreams streams = new KafkaStreams(ReplayTopology.build(config, kafka.registry()),
        kafka.streams(config.applicationId(), settings));
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
