package io.shiq.replay.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.shiq.avro.ReplayBatch;
import io.shiq.avro.ReplayItem;
import io.shiq.avro.ReplayOrigin;
import io.shiq.avro.Trajectory;
import io.shiq.schemas.SampleRecords;
import io.shiq.schemas.registry.SchemaRegistryClient;
import io.shiq.schemas.registry.embedded.EmbeddedSchemaRegistry;
import io.shiq.schemas.serde.AvroSerializer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The spliced batch encoding is byte for byte what the Avro serializer writes for the same batch. */
class RawBatchTest {
  @Test
  void splicedBatchBytesEqualTheGenericEncoding() throws Exception {
    try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.startInMemory()) {
      SchemaRegistryClient client = new SchemaRegistryClient(registry.url());
      AvroSerializer<Trajectory> trajSer = new AvroSerializer<>(client);
      trajSer.configure(Map.of("schema.registry.url", registry.url()), false);
      TrajectoryBodies bodies = new TrajectoryBodies(client);
      List<RawBatch.Item> raw = new ArrayList<>();
      List<ReplayItem> items = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Trajectory t = SampleRecords.trajectory(i, 5, 7 + i, 512);
        byte[] confluent = trajSer.serialize("t", t);
        ReplayOrigin origin = i == 0 ? ReplayOrigin.FRESH : ReplayOrigin.HISTORICAL;
        raw.add(new RawBatch.Item(bodies.body("t", confluent, t), origin, "src", i, 100L + i, i + 1, 0.5 * i,
            1.0 / (i + 1), 1_700_000_000_000L + i));
        items.add(ReplayItem.newBuilder().setTrajectory(t).setOrigin(origin).setSourceTopic("src")
            .setSourcePartition(i).setSourceOffset(100L + i).setTimesSampled(i + 1).setPriority(0.5 * i)
            .setImportanceWeight(1.0 / (i + 1)).setInsertedAt(Instant.ofEpochMilli(1_700_000_000_000L + i)).build());
      }
      byte[] spliced = new RawBatch.RawBatchSerializer(client).serialize("batches",
          new RawBatch("b-1", 7, 1_700_000_123_456L, raw, 3, 42, "fifo"));
      AvroSerializer<ReplayBatch> batchSer = new AvroSerializer<>(client);
      batchSer.configure(Map.of("schema.registry.url", registry.url()), false);
      byte[] generic = batchSer.serialize("batches", ReplayBatch.newBuilder().setBatchId("b-1").setSequence(7)
          .setLearnerId(null).setCreatedAt(Instant.ofEpochMilli(1_700_000_123_456L)).setItems(items)
          .setPolicyVersionAtSampling(3).setTableSize(42).setSampler("fifo").build());
      assertArrayEquals(generic, spliced);
    }
  }
}
