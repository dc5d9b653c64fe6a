package io.shiq.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.avro.Role;
import io.shiq.avro.ToolCall;
import io.shiq.avro.Trajectory;
import io.shiq.avro.TrajectoryOrigin;
import io.shiq.avro.Turn;
import io.shiq.schemas.registry.embedded.EmbeddedSchemaRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Records on a topic are outside input: anyone with write access can put any bytes there. Random bytes, and mutations
 * of a real record in the Confluent wire format (bit flips, truncation, inserted and deleted bytes, duplicated
 * sections, and huge Avro lengths and counts as zig-zag varints) decode or fail with a {@link SerializationException}
 * naming the topic, in bounded time and memory: an Avro length of 2^31 must not become a 2 GB array.
 * (The helpers of {@code io.shiq.policy.Fuzz} are not reachable from here: this module sits below policy's.)
 */
class AvroDeserializerFuzzTest {
  private static final String TOPIC = "shiq.trajectories";
  /** Avro zig-zag varints of lengths that break readers: 2^31 - 1, 2^31, 2^62, -1, -2^31. */
  private static final byte[][] HUGE_VARINTS = {varint(Integer.MAX_VALUE), varint(1L << 31), varint(1L << 62),
      varint(-1), varint(Integer.MIN_VALUE), varint(1 << 24), varint(Long.MAX_VALUE)};
  private static EmbeddedSchemaRegistry registry;
  private static byte[] valid;
  private static AvroDeserializer<Trajectory> specific;
  private static AvroDeserializer<Object> generic;

  @BeforeContainer
  static void start() throws IOException {
    registry = EmbeddedSchemaRegistry.startInMemory();
    valid = AvroSerializer.<Trajectory>forValues(registry.client()).serialize(TOPIC, trajectory());
    specific = new AvroDeserializer<>(registry.client(), Trajectory.class);
    generic = new AvroDeserializer<>();
    generic.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registry.url(), SerdeConfig.SPECIFIC_AVRO_READER, false),
        false);
  }

  @AfterContainer
  static void stop() {
    registry.close();
  }

  static Trajectory trajectory() {
    Turn user = Turn.newBuilder().setRole(Role.USER).setTokenIds(List.of(1, 2, 3)).setActionMask(List.of(false, false,
        false)).setText("hi").build();
    Turn answer = Turn.newBuilder().setRole(Role.ASSISTANT).setTokenIds(List.of(7, 8))
        .setActionMask(List.of(true, true))
        .setBehaviourLogProbs(List.of(-0.5f, -0.25f)).setReward(1.0).setPolicyVersion(3L)
        .setToolCalls(List.of(ToolCall.newBuilder().setName("cd").setArgumentsJson("{\"folder\": \"a\"}").build()))
        .build();
    return Trajectory.newBuilder().setTrajectoryId("t-1").setEpisodeId("e-1").setActorId("a").setOrigin(
        TrajectoryOrigin.ACTOR).setEnvId("synthetic").setArm("main").setPolicyVersion(3L)
        .setTokenizerId("llama2c:tok512")
        .setCreatedAt(Instant.ofEpochMilli(1_700_000_000_000L)).setTurns(List.of(user, answer)).setDone(true)
        .setMetadata(Map.of("k", "v")).build();
  }

  static byte[] varint(long v) {
    long z = (v << 1) ^ (v >> 63);
    byte[] out = new byte[10];
    int n = 0;
    while ((z & ~0x7FL) != 0) {
      out[n++] = (byte) ((z & 0x7F) | 0x80);
      z >>>= 7;
    }
    out[n++] = (byte) z;
    return Arrays.copyOf(out, n);
  }

  /** One edit {kind, at, length, value} of {@code in}; positions are reduced modulo its length. */
  static byte[] edit(byte[] in, int[] e) {
    int n = in.length;
    int pos = n == 0 ? 0 : Math.floorMod(e[1], n);
    int gap = Math.floorMod(e[1], n + 1);
    byte[] insert = switch (e[0]) {
      case 0, 1, 2 -> null;
      case 3 -> HUGE_VARINTS[Math.floorMod(e[3], HUGE_VARINTS.length)];
      case 4 -> Arrays.copyOfRange(in, pos, Math.min(n, pos + e[2])); // a duplicated section
      default -> new byte[] {(byte) e[3]};
    };
    if (e[0] == 0 && n > 0) { // a flipped bit
      byte[] out = in.clone();
      out[pos] ^= (byte) (1 << (e[3] & 7));
      return out;
    }
    if (e[0] == 1) { // truncated
      return Arrays.copyOf(in, gap);
    }
    if (e[0] == 2 && n > 0) { // deleted bytes
      int remove = Math.min(e[2], n - pos);
      byte[] out = new byte[n - remove];
      System.arraycopy(in, 0, out, 0, pos);
      System.arraycopy(in, pos + remove, out, pos, n - pos - remove);
      return out;
    }
    if (insert == null) {
      return in;
    }
    if (e[0] == 3 && e[2] % 2 == 0 && n > 0) { // a huge varint over the bytes there (a length or a count)
      byte[] out = Arrays.copyOf(in, Math.max(n, pos + insert.length));
      System.arraycopy(insert, 0, out, pos, insert.length);
      return out;
    }
    byte[] out = new byte[n + insert.length];
    System.arraycopy(in, 0, out, 0, gap);
    System.arraycopy(insert, 0, out, gap, insert.length);
    System.arraycopy(in, gap, out, gap + insert.length, n - gap);
    return out;
  }

  /** The record's bytes after the 5-byte header, edited one to four times; the header kept. */
  @Provide
  Arbitrary<byte[]> mutatedRecords() {
    Arbitrary<int[]> edits = Combinators.combine(Arbitraries.integers().between(0, 5), Arbitraries.integers(),
        Arbitraries.integers().between(1, 32), Arbitraries.integers()).as((k, at, len, v) -> new int[] {k, at, len, v});
    return edits.list().ofMinSize(1).ofMaxSize(4).map(list -> {
      byte[] body = Arrays.copyOfRange(valid, WireFormat.HEADER_SIZE, valid.length);
      for (int[] e : list) {
        body = edit(body, e);
      }
      byte[] out = Arrays.copyOf(valid, WireFormat.HEADER_SIZE + body.length);
      System.arraycopy(body, 0, out, WireFormat.HEADER_SIZE, body.length);
      return out;
    });
  }

  /** Random bytes, and random bodies behind the valid header (which reach the Avro decoder). */
  @Provide
  Arbitrary<byte[]> randomRecords() {
    Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(2048);
    return Arbitraries.oneOf(bytes, bytes.map(b -> {
      byte[] out = Arrays.copyOf(valid, WireFormat.HEADER_SIZE + b.length);
      System.arraycopy(b, 0, out, WireFormat.HEADER_SIZE, b.length);
      return out;
    }));
  }

  /** Decodes with both readers: a value or a SerializationException naming the topic; in time; in bounded memory. */
  static void decode(byte[] data) {
    for (AvroDeserializer<?> d : List.of(specific, generic)) {
      assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
        com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        try {
          d.deserialize(TOPIC, data);
        } catch (SerializationException e) {
          assertTrue(e.getMessage() != null && e.getMessage().contains(TOPIC), e::toString);
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
          throw new AssertionError("the deserializer threw " + e + ", not a SerializationException", e);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < (64L << 20) + 256L * data.length,
            () -> "the deserializer allocated " + allocated + " bytes for a record of " + data.length);
      }, () -> "the deserializer ran past 10 s on a record of " + data.length + " bytes");
    }
  }

  @Property
  void randomRecordsFailByName(@ForAll("randomRecords") byte[] data) {
    decode(data);
  }

  @Property
  void mutatedRecordsDecodeOrFailByName(@ForAll("mutatedRecords") byte[] data) {
    decode(data);
  }

  /**
   * Found by mutatedRecords: a 59-byte record whose first string length reads 805,306,368 made Avro allocate 805 MB
   * before it found the bytes missing (and OutOfMemoryError past the heap). Now the length is checked first.
   */
  @Example
  void aHugeStringLengthIsRefusedBeforeAllocation() {
    byte[] data = Arrays.copyOf(valid, valid.length + 4);
    System.arraycopy(varint(805_306_368), 0, data, WireFormat.HEADER_SIZE, 5); // over "t-1" and the next length
    decode(data);
    var e = org.junit.jupiter.api.Assertions.assertThrows(SerializationException.class,
        () -> specific.deserialize(TOPIC, data));
    assertTrue(e.getMessage().contains("string length 805306368 exceeds the"), e.getMessage());
  }

  /** Found by randomRecords: an unknown schema id's error did not name the topic. */
  @Example
  void anUnknownSchemaIdNamesTheTopic() {
    var e = org.junit.jupiter.api.Assertions.assertThrows(SerializationException.class,
        () -> specific.deserialize(TOPIC, new byte[] {0, 0, 0, 0x7F, 0, 2}));
    assertTrue(e.getMessage().contains(TOPIC + ": unknown schema id 32512"), e.getMessage());
  }

  @Example
  void theValidRecordDecodes() {
    assertEquals(trajectory(), specific.deserialize(TOPIC, valid));
  }
}
