package io.shiq.replay.topology;

import io.shiq.avro.ReplayBatch;
import io.shiq.avro.ReplayOrigin;
import io.shiq.schemas.registry.SchemaRegistryClient;
import io.shiq.schemas.serde.AvroBinary;
import io.shiq.schemas.serde.WireFormat;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.avro.io.Encoder;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A batch whose trajectories are still encoded, and its serializer: it writes exactly the bytes the Avro serializer
 * would write for the equivalent {@link ReplayBatch} (Confluent header, then the fields in schema order), splicing in
 * each trajectory's stored body. {@code RawBatchTest} checks the bytes against the generic path.
 */
record RawBatch(String batchId, long sequence, long createdAtMs, List<Item> items, long policyVersionAtSampling,
                long tableSize, String sampler) {

  record Item(byte[] trajectoryBody, ReplayOrigin origin, String sourceTopic, int sourcePartition, long sourceOffset,
              int timesSampled, double priority, double importanceWeight, long insertedAtMs) {}

  int size() {
    return items.size();
  }

  static final class RawBatchSerializer implements Serializer<RawBatch> {
    private final SchemaRegistryClient registry;

    RawBatchSerializer(SchemaRegistryClient registry) {
      this.registry = registry;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
    }

    @Override
    public byte[] serialize(String topic, RawBatch b) {
      if (b == null) {
        return null;
      }
      int id = registry.register(WireFormat.subject(topic, false), ReplayBatch.getClassSchema());
      int size = 64;
      for (Item i : b.items) {
        size += i.trajectoryBody.length + 64;
      }
      try {
        return AvroBinary.encodeFramed(id, size, e -> write(b, e));
      } catch (IOException ex) {
        throw new SerializationException("cannot encode batch " + b.batchId + " for " + topic, ex);
      }
    }

    /** The batch's fields in schema order, splicing in each stored trajectory body. */
    private static void write(RawBatch b, Encoder e) throws IOException {
      // ReplayBatch: batchId, sequence, learnerId (union null|string), createdAt, items, policyVersionAtSampling,
      // tableSize, sampler.
      e.writeString(b.batchId);
      e.writeLong(b.sequence);
      e.writeIndex(0);
      e.writeLong(b.createdAtMs);
      e.writeArrayStart();
      e.setItemCount(b.items.size());
      for (Item i : b.items) {
        e.startItem();
        // ReplayItem: trajectory, origin, sourceTopic, sourcePartition, sourceOffset, timesSampled, priority,
        // importanceWeight, insertedAt.
        e.writeFixed(i.trajectoryBody);
        e.writeEnum(i.origin.ordinal());
        e.writeString(i.sourceTopic);
        e.writeInt(i.sourcePartition);
        e.writeLong(i.sourceOffset);
        e.writeInt(i.timesSampled);
        e.writeDouble(i.priority);
        e.writeDouble(i.importanceWeight);
        e.writeLong(i.insertedAtMs);
      }
      e.writeArrayEnd();
      e.writeLong(b.policyVersionAtSampling);
      e.writeLong(b.tableSize);
      e.writeString(b.sampler);
    }
  }
}
