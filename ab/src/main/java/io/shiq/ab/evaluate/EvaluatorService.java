package io.shiq.ab.evaluate;

import io.shiq.schemas.kafka.KafkaClients;
import io.shiq.schemas.signing.PolicySigner;
import io.shiq.schemas.signing.PolicyVerifier;
import io.shiq.schemas.topic.TopicAdmin;
import io.shiq.schemas.topic.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/** Runs the evaluator topology as a Kafka Streams application (exactly-once) against any Kafka cluster. */
public final class EvaluatorService implements AutoCloseable {
  public static final String DEFAULT_APPLICATION_ID = "shiq-ab-evaluator";

  /**
   * @param applicationId  Streams application id (consumer group, state directory)
   * @param includeHistory also evaluate trajectories on trajectories.history
   * @param evaluateEvery  how often every experiment is evaluated
   * @param stateDir       Streams state directory (null: Kafka's default)
   * @param overrides      further Streams settings (they win)
   * @param signer         signs the rollbacks' announcements (null: unsigned)
   * @param trusted        when set, only announcements it verifies are taken as a rollback's source, so that a
   *                       forged announcement on policy.versions is never re-announced under the evaluator's signature
   */
  public record Settings(String applicationId, boolean includeHistory, Duration evaluateEvery, String stateDir,
                         Map<String, String> overrides, PolicySigner signer, PolicyVerifier trusted) {
    public Settings(String applicationId, boolean includeHistory, Duration evaluateEvery, String stateDir,
                    Map<String, String> overrides) {
      this(applicationId, includeHistory, evaluateEvery, stateDir, overrides, null, null);
    }
  }

  private final KafkaStreams streams;

  private EvaluatorService(KafkaStreams streams) {
    this.streams = streams;
  }

  public static EvaluatorService start(KafkaClients kafka, Topics topics, Settings settings) {
    try (Admin admin = kafka.admin()) {
      TopicAdmin.ensureAll(admin, topics);
    }
    Map<Object, Object> p = new HashMap<>();
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "200");
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, "-1"); // single-broker clusters cannot replicate three ways
    if (settings.stateDir() != null) {
      p.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir());
    }
    p.putAll(settings.overrides());
    KafkaStreams streams = new KafkaStreams(EvaluatorTopology.build(topics, kafka.registry(),
        settings.includeHistory(), settings.evaluateEvery(), settings.signer(), settings.trusted()),
        kafka.streams(settings.applicationId(), p));
    streams.start();
    return new EvaluatorService(streams);
  }

  public KafkaStreams streams() {
    return streams;
  }

  public boolean running() {
    return streams.state().isRunningOrRebalancing();
  }

  @Override
  public void close() {
    streams.close(Duration.ofSeconds(30));
  }
}
