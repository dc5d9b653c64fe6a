package io.shiq.replay.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A table entry as stored: where the trajectory came from and its Avro binary body in the current Trajectory schema.
 * Keeping the encoded body (not an object) means inserting and sampling never re-encode or decode a trajectory: the
 * body is spliced into the batch as it is.
 */
record StoredTrajectory(String sourceTopic, int sourcePartition, long sourceOffset, long insertedAtMs, byte[] body) {

  static Serde<StoredTrajectory> serde() {
    Serializer<StoredTrajectory> ser = (topic, s) -> {
      if (s == null) {
        return null;
      }
      byte[] t = s.sourceTopic.getBytes(StandardCharsets.UTF_8);
      return ByteBuffer.allocate(4 + t.length + 4 + 8 + 8 + s.body.length).putInt(t.length).put(t)
          .putInt(s.sourcePartition).putLong(s.sourceOffset).putLong(s.insertedAtMs).put(s.body).array();
    };
    Deserializer<StoredTrajectory> de = (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      ByteBuffer in = ByteBuffer.wrap(bytes);
      byte[] t = new byte[in.getInt()];
      in.get(t);
      int partition = in.getInt();
      long offset = in.getLong();
      long inserted = in.getLong();
      byte[] body = new byte[in.remaining()];
      in.get(body);
      return new StoredTrajectory(new String(t, StandardCharsets.UTF_8), partition, offset, inserted, body);
    };
    return Serdes.serdeFrom(ser, de);
  }
}
