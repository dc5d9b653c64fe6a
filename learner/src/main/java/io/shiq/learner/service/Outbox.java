package io.shiq.learner.service;

import io.shiq.avro.LearnerMetrics;
import io.shiq.avro.PriorityUpdate;
import io.shiq.schemas.serde.AvroBinarySerde;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The outputs of learner steps not yet released to Kafka: each step's metrics record and its priority updates. The
 * outbox is saved inside the checkpoint that covers its steps and released after it, so a crash can neither lose the
 * outputs of a checkpointed step nor publish outputs of a step that a restart would train again.
 */
final class Outbox {
  record Entry(LearnerMetrics metrics, List<PriorityUpdate> priorities) {}

  static final String FILE = "outbox.bin";
  private static final AvroBinarySerde<LearnerMetrics> METRICS = new AvroBinarySerde<>(LearnerMetrics.class);
  private static final AvroBinarySerde<PriorityUpdate> PRIORITIES = new AvroBinarySerde<>(PriorityUpdate.class);

  private final List<Entry> entries = new ArrayList<>();

  void add(Entry e) {
    entries.add(e);
  }

  List<Entry> entries() {
    return entries;
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  void clear() {
    entries.clear();
  }

  byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(entries.size());
      for (Entry e : entries) {
        writeBlock(out, METRICS.serializer().serialize(null, e.metrics()));
        out.writeInt(e.priorities().size());
        for (PriorityUpdate p : e.priorities()) {
          writeBlock(out, PRIORITIES.serializer().serialize(null, p));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static Outbox decode(byte[] data, String where) {
    Outbox box = new Outbox();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        LearnerMetrics m = METRICS.deserializer().deserialize(null, readBlock(in));
        int k = in.readInt();
        List<PriorityUpdate> ps = new ArrayList<>(k);
        for (int j = 0; j < k; j++) {
          ps.add(PRIORITIES.deserializer().deserialize(null, readBlock(in)));
        }
        box.add(new Entry(m, ps));
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("corrupt learner outbox " + where + ": " + e.getMessage(), e);
    }
    return box;
  }

  private static void writeBlock(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }

  private static byte[] readBlock(DataInputStream in) throws IOException {
    byte[] b = new byte[in.readInt()];
    in.readFully(b);
    return b;
  }
}
