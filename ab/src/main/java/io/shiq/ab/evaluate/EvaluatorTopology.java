package io.shiq.ab.evaluate;

import io.shiq.avro.Experiment;
import io.shiq.avro.PolicyVersion;
import io.shiq.avro.Trajectory;
import io.shiq.schemas.registry.SchemaRegistryClient;
import io.shiq.schemas.serde.AvroDeserializer;
import io.shiq.schemas.serde.AvroSerializer;
import io.shiq.schemas.signing.PolicySigner;
import io.shiq.schemas.signing.PolicyVerifier;
import io.shiq.schemas.topic.Topics;
import java.time.Duration;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The A/B evaluator as a Kafka Streams topology:
 * <ol>
 *   <li>global stores of the experiments (compacted {@code experiments}) and of the announced policy versions;</li>
 *   <li>trajectories (fresh, and history when asked) are decoded, and those served for a known experiment become
 *       observations keyed by experiment id, through a one-partition repartition topic so that all of an
 *       experiment's episodes meet in one task whatever partition they were produced to;</li>
 *   <li>the evaluator keeps one {@link io.shiq.ab.monitor.ExperimentMonitor} per experiment in a changelogged
 *       store, updated record by record, and on a wall-clock punctuation evaluates every experiment: results per arm
 *       and window to {@code eval.results}, decisions to {@code experiments.decisions}, a rollback's announcement to
 *       {@code policy.versions} and the experiment's new status to {@code experiments}.</li>
 * </ol>
 * With exactly-once processing, a store update, its input offset and the records it caused commit together: a
 * restarted evaluator continues from the same statistics and never emits a decision twice.
 */
public final class EvaluatorTopology {
  static final String EXPERIMENTS = "ab-experiments";
  static final String VERSIONS = "ab-versions";
  static final String MONITORS = "ab-monitors";
  static final String PROGRESS = "ab-progress";
  private static final Logger LOG = LoggerFactory.getLogger(EvaluatorTopology.class);

  private EvaluatorTopology() {}

  /**
   * @param includeHistory also read {@code trajectories.history} (experiments over imported or archived episodes)
   * @param evaluateEvery  how often every experiment is evaluated (continuous monitoring)
   */
  public static Topology build(Topics topics, SchemaRegistryClient registry, boolean includeHistory,
                               Duration evaluateEvery) {
    return build(topics, registry, includeHistory, evaluateEvery, null, null);
  }

  /**
   * @param signer  signs the announcements of rollbacks (null: unsigned)
   * @param trusted when set, announcements it does not verify are left out of the store of announced versions, so a
   *                rollback never copies a forged one (null: every announcement is taken)
   */
  public static Topology build(Topics topics, SchemaRegistryClient registry, boolean includeHistory,
                               Duration evaluateEvery, PolicySigner signer, PolicyVerifier trusted) {
    StreamsBuilder b = new StreamsBuilder();
    AvroDeserializer<Experiment> experiments = new AvroDeserializer<>(registry, Experiment.class);
    AvroDeserializer<PolicyVersion> versions = new AvroDeserializer<>(registry, PolicyVersion.class);
    AvroDeserializer<Trajectory> trajectories = new AvroDeserializer<>(registry, Trajectory.class);
    Serde<String> keys = Serdes.String();
    Serde<byte[]> bytes = Serdes.ByteArray();

    b.addGlobalStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(EXPERIMENTS), keys, bytes)
            .withLoggingDisabled(), topics.experiments(), Consumed.with(keys, bytes).withName("experiments-source"),
        () -> new LatestExperiment(experiments, topics.experiments()));
    b.addGlobalStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(VERSIONS), keys, bytes)
            .withLoggingDisabled(), topics.policyVersions(), Consumed.with(keys, bytes).withName("versions-source"),
        // its own rollbacks, signed with its key, must count as announced (the next rollback numbers above them)
        () -> new AnnouncedVersions(versions, topics.policyVersions(),
            trusted == null || signer == null ? trusted : trusted.with(signer.publicKey())));

    List<String> sources = includeHistory ? List.of(topics.trajectories(), topics.trajectoriesHistory())
        : List.of(topics.trajectories());
    AvroSerializer<SpecificRecord> avro = AvroSerializer.forValues(registry);
    b.stream(sources, Consumed.with(keys, bytes).withName("trajectories"))
        .process(() -> new ObservationExtractor(trajectories, experiments,
            topics.experiments()), org.apache.kafka.streams.kstream.Named
            .as("observe"))
        .repartition(Repartitioned.with(keys, bytes).withName("ab-observations").withNumberOfPartitions(1))
        .process(new EvaluatorProcessor.Supplier(topics, experiments, versions, evaluateEvery, signer),
            org.apache.kafka.streams.kstream.Named.as("evaluate"))
        .to(Output.topics(), Produced.with(keys, Serdes.serdeFrom(Output.serializer(avro),
            (topic, data) -> { throw new UnsupportedOperationException("write-only"); })).withName("outputs"));
    return b.build();
  }

  /** Latest record per experiment id (a tombstone removes it); undecodable records are skipped with a warning. */
  private static final class LatestExperiment implements Processor<String, byte[], Void, Void> {
    private final AvroDeserializer<Experiment> deserializer;
    private final String topic;
    private KeyValueStore<String, byte[]> store;

    LatestExperiment(AvroDeserializer<Experiment> deserializer, String topic) {
      this.deserializer = deserializer;
      this.topic = topic;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      store = context.getStateStore(EXPERIMENTS);
    }

    @Override
    public void process(Record<String, byte[]> record) {
      if (record.key() == null) {
        return;
      }
      if (record.value() == null) {
        store.delete(record.key());
        return;
      }
      try {
        deserializer.deserialize(topic, record.value());
        store.put(record.key(), record.value());
      } catch (RuntimeException e) {
        LOG.warn("{}: skipping an undecodable experiment record for key {}: {}", topic, record.key(), e.getMessage());
      }
    }
  }

  /** Announcements by "line@version", and the newest per line under "line". */
  private static final class AnnouncedVersions implements Processor<String, byte[], Void, Void> {
    private final AvroDeserializer<PolicyVersion> deserializer;
    private final String topic;
    private final PolicyVerifier trusted;
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, byte[]> store;

    AnnouncedVersions(AvroDeserializer<PolicyVersion> deserializer, String topic, PolicyVerifier trusted) {
      this.deserializer = deserializer;
      this.topic = topic;
      this.trusted = trusted;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      this.context = context;
      store = context.getStateStore(VERSIONS);
    }

    @Override
    public void process(Record<String, byte[]> record) {
      if (record.value() == null) {
        return;
      }
      PolicyVersion v;
      try {
        v = deserializer.deserialize(topic, record.value());
      } catch (RuntimeException e) {
        LOG.warn("{}: skipping an undecodable announcement: {}", topic, e.getMessage());
        return;
      }
      if (trusted != null) {
        PolicyVerifier.Verdict verdict = trusted.verify(v);
        if (!verdict.ok()) {
          LOG.warn("ignoring {} v{} at {}: {} ({}); a rollback will not copy it", v.getArm(), v.getVersion(),
              context.recordMetadata().map(m -> m.topic() + "-" + m.partition() + "@" + m.offset()).orElse(topic),
              verdict.failure().tag(), verdict.detail());
          return;
        }
      }
      store.put(v.getArm() + "@" + v.getVersion(), record.value());
      byte[] latest = store.get(v.getArm());
      if (latest == null || deserializer.deserialize(topic, latest).getVersion() <= v.getVersion()) {
        store.put(v.getArm(), record.value());
      }
    }
  }
}
