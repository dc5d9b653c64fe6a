package io.shiq.replay.topology;

import io.shiq.avro.PolicyVersion;
import io.shiq.avro.Trajectory;
import io.shiq.replay.ReplayConfig;
import io.shiq.schemas.registry.SchemaRegistryClient;
import io.shiq.schemas.serde.AvroDeserializer;
import io.shiq.schemas.serde.AvroSerializer;
import io.shiq.schemas.topic.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The replay buffer's topology, top to bottom:
 * <ol>
 *   <li>sources: fresh trajectories, historical trajectories, late rewards, priority updates (raw bytes, decoded in
 *       the table so undecodable records reach the dead-letter topic instead of stopping the app);</li>
 *   <li>a global store of the latest announced policy version per arm (for staleness);</li>
 *   <li>the replay table (one per partition, state partitioned by key), which inserts, evicts, joins late rewards
 *       and emits batches;</li>
 *   <li>sinks: batches, trajectories moved to history, dead letters.</li>
 * </ol>
 * Trajectories, rewards and priorities must be keyed by the trajectory id (actors use one trajectory per episode,
 * so the episode id), so that a reward meets its trajectory in the same partition.
 */
public final class ReplayTopology {
  private static final String TABLE = "replay-table";

  private ReplayTopology() {}

  public static Topology build(ReplayConfig config, SchemaRegistryClient registry) {
    Topics topics = config.topics();
    Topology t = new Topology();
    t.addSource("fresh", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), topics.trajectories());
    t.addSource("history", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
        topics.trajectoriesHistory());
    t.addSource("rewards", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), topics.rewards());
    t.addSource("priorities", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
        topics.replayPriorities());

    AvroDeserializer<PolicyVersion> versions = new AvroDeserializer<>(registry, PolicyVersion.class);
    t.addGlobalStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ReplayProcessor.VERSIONS),
            Serdes.String(), Serdes.Long()).withLoggingDisabled(), "policy-versions",
        Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), topics.policyVersions(),
        "policy-versions-latest", () -> new LatestVersion(versions, topics.policyVersions()));

    // The supplier declares the table's own stores (ProcessorSupplier.stores()); addProcessor connects them.
    t.addProcessor(TABLE, new ReplayProcessorSupplier(config, registry), "fresh", "history", "rewards", "priorities");

    RawBatch.RawBatchSerializer batchSerializer = new RawBatch.RawBatchSerializer(registry);
    AvroSerializer<Trajectory> trajectorySerializer = AvroSerializer.forValues(registry);
    t.addSink(ReplayProcessor.BATCHES, topics.replayBatches(), Serdes.String().serializer(), batchSerializer, TABLE);
    t.addSink(ReplayProcessor.TO_HISTORY, topics.trajectoriesHistory(), Serdes.String().serializer(),
        Serdes.ByteArray().serializer(), TABLE);
    t.addSink(ReplayProcessor.TO_HISTORY_AVRO, topics.trajectoriesHistory(), Serdes.String().serializer(),
        trajectorySerializer, TABLE);
    t.addSink(ReplayProcessor.DEAD_LETTERS, topics.deadLetters(), Serdes.ByteArray().serializer(),
        Serdes.ByteArray().serializer(), TABLE);
    return t;
  }

  /** Keeps the newest announced version per arm; undecodable announcements are skipped (global stores cannot DLQ). */
  private static final class LatestVersion implements Processor<String, byte[], Void, Void> {
    private final AvroDeserializer<PolicyVersion> deserializer;
    private final String topic;
    private KeyValueStore<String, Long> store;

    LatestVersion(AvroDeserializer<PolicyVersion> deserializer, String topic) {
      this.deserializer = deserializer;
      this.topic = topic;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      store = context.getStateStore(ReplayProcessor.VERSIONS);
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
        return;
      }
      Long current = store.get(v.getArm());
      if (current == null || v.getVersion() > current) {
        store.put(v.getArm(), v.getVersion());
      }
    }
  }
}
