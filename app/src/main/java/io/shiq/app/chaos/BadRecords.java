package io.shiq.app.chaos;

import io.shiq.avro.Role;
import io.shiq.avro.Trajectory;
import io.shiq.avro.TrajectoryOrigin;
import io.shiq.avro.Turn;
import io.shiq.schemas.serde.AvroSerializer;
import io.shiq.schemas.serde.WireFormat;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The bad input {@code shiq chaos} writes to the trajectories topic while the stack runs, each of which the replay
 * buffer must send to the dead-letter topic with its reason, without stalling its partition. {@link Kind#reason} is a
 * fragment the dead letter's reason header must contain.
 */
final class BadRecords {
  /** Size of the oversized value: far above the broker's limit, which only sees the compressed batch. */
  static final int HUGE_BYTES = 100 * 1024 * 1024;

  enum Kind {
    RANDOM_BYTES("undecodable"),
    WRONG_MAGIC_BYTE("magic byte"),
    UNKNOWN_SCHEMA_ID("unknown schema id"),
    TRUNCATED_AVRO("corrupt"),
    NAN_REWARD("reward is NaN"),
    NO_ACTION_TOKEN("no action token"),
    LENGTH_MISMATCH("length mismatch"),
    VALUE_100_MB("exceeds replay.max.trajectory.bytes");

    final String reason;

    Kind(String reason) {
      this.reason = reason;
    }
  }

  private final AvroSerializer<Trajectory> serializer;
  private final String topic;
  private final SplittableRandom rnd;

  BadRecords(AvroSerializer<Trajectory> serializer, String topic, long seed) {
    this.serializer = serializer;
    this.topic = topic;
    this.rnd = new SplittableRandom(seed);
  }

  /** The record key: a trajectory id of its own, so the bad record is easy to find by eye. */
  static String key(Kind kind, int n) {
    return "chaos-bad-" + n + "-" + kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  /** The value of a bad record of {@code kind}. */
  byte[] value(Kind kind, String id) {
    return switch (kind) {
      case RANDOM_BYTES -> {
        byte[] b = new byte[8 + rnd.nextInt(120)];
        for (int i = 0; i < b.length; i++) {
          b[i] = (byte) rnd.nextInt(256);
        }
        b[0] = (byte) (1 + rnd.nextInt(255)); // never the magic byte: random bytes must not decode by chance
        yield b;
      }
      case WRONG_MAGIC_BYTE -> {
        byte[] b = valid(id);
        b[0] = 1;
        yield b;
      }
      case UNKNOWN_SCHEMA_ID -> {
        byte[] b = valid(id);
        ByteBuffer.wrap(b).putInt(1, 999_999_999);
        yield b;
      }
      case TRUNCATED_AVRO -> {
        byte[] b = valid(id);
        yield Arrays.copyOf(b, WireFormat.HEADER_SIZE + (b.length - WireFormat.HEADER_SIZE) / 2);
      }
      case NAN_REWARD -> {
        Trajectory t = trajectory(id);
        t.setReward(Double.NaN);
        yield serializer.serialize(topic, t);
      }
      case NO_ACTION_TOKEN -> {
        Trajectory t = trajectory(id);
        t.getTurns().get(0).setActionMask(new ArrayList<>(Collections.nCopies(4, false)));
        yield serializer.serialize(topic, t);
      }
      case LENGTH_MISMATCH -> {
        Trajectory t = trajectory(id);
        t.getTurns().get(0).setActionMask(new ArrayList<>(List.of(false, true)));
        yield serializer.serialize(topic, t);
      }
      case VALUE_100_MB -> {
        // A valid header and a repeated pattern: it compresses to well under the broker's message limit.
        byte[] b = new byte[HUGE_BYTES];
        byte[] head = valid(id);
        System.arraycopy(head, 0, b, 0, WireFormat.HEADER_SIZE);
        for (int i = WireFormat.HEADER_SIZE; i < b.length; i++) {
          b[i] = (byte) (i % 61);
        }
        yield b;
      }
    };
  }

  private byte[] valid(String id) {
    return serializer.serialize(topic, trajectory(id));
  }

  /** A well-formed trajectory (one turn of four tokens, two of them actions). */
  static Trajectory trajectory(String id) {
    Turn turn = Turn.newBuilder().setRole(Role.ASSISTANT).setTokenIds(new ArrayList<>(List.of(1, 2, 3, 4)))
        .setActionMask(new ArrayList<>(List.of(false, false, true, true)))
        .setBehaviourLogProbs(new ArrayList<>(List.of(0f, 0f, -0.5f, -0.7f))).setReward(null).setPolicyVersion(0L)
        .setText(null).setToolCalls(null).setToolResult(null).build();
    return Trajectory.newBuilder().setTrajectoryId(id).setEpisodeId(id).setSessionId(null).setActorId("shiq-chaos")
        .setOrigin(TrajectoryOrigin.OTHER).setEnvId("synthetic").setTaskId(null).setArm("main").setPolicyVersion(0)
        .setTokenizerId("chaos").setCreatedAt(Instant.now()).setTurns(new ArrayList<>(List.of(turn))).setReward(1.0)
        .setDone(true).setTruncated(false).setMetadata(Map.of()).build();
  }
}
