package io.shiq.replay.topology;

import io.shiq.avro.PriorityUpdate;
import io.shiq.avro.ReplayItem;
import io.shiq.avro.RewardEvent;
import io.shiq.avro.Trajectory;
import io.shiq.replay.ReplayConfig;
import io.shiq.schemas.registry.SchemaRegistryClient;
import io.shiq.schemas.serde.AvroBinarySerde;
import io.shiq.schemas.serde.AvroDeserializer;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Makes one {@link ReplayProcessor} per task and declares the stores it owns: {@code Topology.addProcessor} adds the
 * builders returned by {@link #stores()} and connects them to the processor, so the topology need not know them.
 * The store names are the changelog topics' names too: renaming one loses the state of a running deployment.
 */
final class ReplayProcessorSupplier implements ProcessorSupplier<String, byte[], Object, Object> {
  private final ReplayConfig config;
  private final SchemaRegistryClient registry;

  ReplayProcessorSupplier(ReplayConfig config, SchemaRegistryClient registry) {
    this.config = config;
    this.registry = registry;
  }

  @Override
  public Processor<String, byte[], Object, Object> get() {
    return new ReplayProcessor(config, new AvroDeserializer<>(registry, Trajectory.class),
        new AvroDeserializer<>(registry, RewardEvent.class), new AvroDeserializer<>(registry, PriorityUpdate.class),
        new TrajectoryBodies(registry));
  }

  @Override
  public Set<StoreBuilder<?>> stores() {
    Set<StoreBuilder<?>> stores = new LinkedHashSet<>();
    stores.add(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ReplayProcessor.ENTRIES), Serdes.String(),
        StoredTrajectory.serde()).withCachingEnabled());
    stores.add(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ReplayProcessor.META), Serdes.String(),
        Serdes.ByteArray()).withCachingEnabled());
    stores.add(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ReplayProcessor.PENDING), Serdes.String(),
        new AvroBinarySerde<>(ReplayItem.class)));
    stores.add(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ReplayProcessor.EARLY_REWARDS),
        Serdes.String(), new AvroBinarySerde<>(RewardEvent.class)));
    // Caching coalesces the many updates of the same counter within a commit into one changelog record.
    stores.add(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ReplayProcessor.COUNTERS), Serdes.String(),
        Serdes.Long()).withCachingEnabled());
    return stores;
  }
}
