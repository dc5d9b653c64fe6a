package io.shiq.schemas;

import io.shiq.avro.Role;
import io.shiq.avro.Trajectory;
import io.shiq.avro.TrajectoryOrigin;
import io.shiq.avro.Turn;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Realistic synthetic trajectories (a user prompt and an assistant answer with behaviour log-probs and a reward)
 * for benchmarks and tests of the transport. Deterministic for a given seed.
 */
public final class SampleRecords {
  private SampleRecords() {}

  /**
   * A two-turn trajectory with {@code promptTokens} user tokens and {@code answerTokens} assistant tokens drawn
   * from a vocabulary of {@code vocab} ids.
   */
  public static Trajectory trajectory(long seed, int promptTokens, int answerTokens, int vocab) {
    Random rnd = new Random(seed);
    Turn prompt = Turn.newBuilder()
        .setRole(Role.USER)
        .setTokenIds(ids(rnd, promptTokens, vocab))
        .setActionMask(repeat(false, promptTokens))
        .setBehaviourLogProbs(List.of())
        .build();
    List<Float> logProbs = new ArrayList<>(answerTokens);
    for (int i = 0; i < answerTokens; i++) {
      logProbs.add((float) -(rnd.nextDouble() * 4.0));
    }
    Turn answer = Turn.newBuilder()
        .setRole(Role.ASSISTANT)
        .setTokenIds(ids(rnd, answerTokens, vocab))
        .setActionMask(repeat(true, answerTokens))
        .setBehaviourLogProbs(logProbs)
        .setPolicyVersion(7L)
        .setReward(rnd.nextDouble())
        .build();
    return Trajectory.newBuilder()
        .setTrajectoryId("traj-" + seed)
        .setEpisodeId("ep-" + seed)
        .setActorId("actor-0")
        .setOrigin(TrajectoryOrigin.SYNTHETIC)
        .setEnvId("story-keyword")
        .setTaskId("task-" + (seed % 100))
        .setArm("main")
        .setPolicyVersion(7L)
        .setTokenizerId("llama2c:tok512")
        .setCreatedAt(Instant.ofEpochMilli(1_700_000_000_000L + seed))
        .setTurns(List.of(prompt, answer))
        .setReward(answer.getReward())
        .setDone(true)
        .setTruncated(false)
        .setMetadata(Map.of("sampler", "temperature=1.0"))
        .build();
  }

  private static List<Integer> ids(Random rnd, int n, int vocab) {
    List<Integer> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(rnd.nextInt(vocab));
    }
    return out;
  }

  private static List<Boolean> repeat(boolean value, int n) {
    List<Boolean> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(value);
    }
    return out;
  }
}
