package io.shiq.learner.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.avro.ReplayItem;
import io.shiq.avro.ReplayOrigin;
import io.shiq.avro.Role;
import io.shiq.avro.Trajectory;
import io.shiq.avro.TrajectoryOrigin;
import io.shiq.avro.Turn;
import io.shiq.learner.objective.TrainingSequence;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrajectoryConverterTest {
  private static Turn turn(Role role, List<Integer> ids, boolean action, Double reward) {
    return Turn.newBuilder().setRole(role).setTokenIds(ids).setActionMask(ids.stream().map(i -> action).toList())
        .setReward(reward).build();
  }

  private static Trajectory trajectory(Double episodeReward, Turn... turns) {
    return Trajectory.newBuilder().setTrajectoryId("t1").setEpisodeId("t1").setActorId("a")
        .setOrigin(TrajectoryOrigin.ACTOR).setEnvId("e").setArm("main").setPolicyVersion(0).setTokenizerId("tok")
        .setCreatedAt(Instant.EPOCH).setTurns(List.of(turns)).setReward(episodeReward).setDone(true).build();
  }

  @Test
  void turnRewardsSitOnEachTurnsLastActionAndTheEpisodeRewardOnTheLastAction() {
    Trajectory t = trajectory(2.0,
        turn(Role.USER, List.of(1, 5, 6), false, null),
        turn(Role.ASSISTANT, List.of(7, 8), true, 0.5),
        turn(Role.TOOL, List.of(9), false, null),
        turn(Role.ASSISTANT, List.of(10, 11, 2), true, 1.0));
    TrainingSequence s = new TrajectoryConverter(32, 64).convert(t);
    assertArrayEquals(new int[] {1, 5, 6, 7, 8, 9, 10, 11, 2}, s.tokens());
    assertArrayEquals(new boolean[] {false, false, false, true, true, false, true, true, true}, s.actionMask());
    assertArrayEquals(new float[] {0, 0, 0, 0, 0.5f, 0, 0, 0, 3.0f}, s.rewards());
    assertEquals(3, s.promptLength());
    assertEquals(3.5, s.totalReward(), 1e-6);
  }

  private static ReplayItem item(Trajectory t, double importanceWeight) {
    return ReplayItem.newBuilder().setTrajectory(t).setOrigin(ReplayOrigin.HISTORICAL).setSourceTopic("src")
        .setSourcePartition(0).setSourceOffset(7).setTimesSampled(2).setPriority(3.0)
        .setImportanceWeight(importanceWeight).setInsertedAt(Instant.EPOCH).build();
  }

  @Test
  void aReplayItemsImportanceWeightBecomesTheSequencesWeight() {
    Trajectory t = trajectory(1.0, turn(Role.USER, List.of(1, 5), false, null),
        turn(Role.ASSISTANT, List.of(7, 8), true, null));
    TrajectoryConverter c = new TrajectoryConverter(32, 64);
    TrainingSequence s = c.convert(item(t, 0.375));
    assertEquals(0.375, s.weight());
    assertArrayEquals(c.convert(t).tokens(), s.tokens());
    assertArrayEquals(c.convert(t).rewards(), s.rewards());
    assertEquals(1.0, c.convert(t).weight());
    var bad = assertThrows(IllegalArgumentException.class, () -> c.convert(item(t, 0)));
    assertTrue(bad.getMessage().contains("t1") && bad.getMessage().contains("importance weight"), bad.getMessage());
  }

  @Test
  void badTrajectoriesAreNamedWithWhatIsWrong() {
    TrajectoryConverter c = new TrajectoryConverter(16, 8);
    var outside = assertThrows(IllegalArgumentException.class, () -> c.convert(trajectory(null,
        turn(Role.USER, List.of(1), false, null), turn(Role.ASSISTANT, List.of(3, 99), true, 1.0))));
    assertTrue(outside.getMessage().contains("t1") && outside.getMessage().contains("99")
        && outside.getMessage().contains("vocabulary"), outside.getMessage());
    var tooLong = assertThrows(IllegalArgumentException.class, () -> c.convert(trajectory(null,
        turn(Role.USER, List.of(1, 1, 1, 1, 1), false, null), turn(Role.ASSISTANT, List.of(3, 4, 5, 6), true, 1.0))));
    assertTrue(tooLong.getMessage().contains("context"), tooLong.getMessage());
    var noAction = assertThrows(IllegalArgumentException.class, () -> c.convert(trajectory(1.0,
        turn(Role.USER, List.of(1, 2), false, null))));
    assertTrue(noAction.getMessage().contains("no action token"), noAction.getMessage());
  }
}
