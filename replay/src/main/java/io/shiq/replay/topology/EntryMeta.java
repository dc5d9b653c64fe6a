package io.shiq.replay.topology;

import java.nio.ByteBuffer;

/**
 * The small per-entry facts samplers and removers read, kept apart from the trajectory itself so a batch decision
 * does not decode every trajectory of the table.
 */
record EntryMeta(long insertOrder, double priority, int timesSampled, boolean fresh, int tokens) {
  byte[] encode() {
    return ByteBuffer.allocate(8 + 8 + 4 + 1 + 4).putLong(insertOrder).putDouble(priority).putInt(timesSampled)
        .put((byte) (fresh ? 1 : 0)).putInt(tokens).array();
  }

  static EntryMeta decode(byte[] b) {
    ByteBuffer in = ByteBuffer.wrap(b);
    return new EntryMeta(in.getLong(), in.getDouble(), in.getInt(), in.get() == 1, in.getInt());
  }

  EntryMeta sampled() {
    return new EntryMeta(insertOrder, priority, timesSampled + 1, false, tokens);
  }

  EntryMeta withPriority(double p) {
    return new EntryMeta(insertOrder, p, timesSampled, fresh, tokens);
  }
}
