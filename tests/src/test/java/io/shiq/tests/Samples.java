package io.shiq.tests;

import io.shiq.avro.EvalResult;
import io.shiq.avro.LearnerMetrics;
import io.shiq.avro.PolicyVersion;
import io.shiq.avro.PriorityUpdate;
import io.shiq.avro.ReplayBatch;
import io.shiq.avro.ReplayItem;
import io.shiq.avro.ReplayOrigin;
import io.shiq.avro.RewardEvent;
import io.shiq.avro.Role;
import io.shiq.avro.ToolCall;
import io.shiq.avro.ToolResult;
import io.shiq.avro.Trajectory;
import io.shiq.avro.TrajectoryOrigin;
import io.shiq.avro.Turn;
import io.shiq.avro.WeightChunk;
import io.shiq.avro.WeightTransport;
import io.shiq.schemas.SampleRecords;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** One filled-in instance of every record type, exercising optional fields, unions, maps and nested records. */
final class Samples {
  private Samples() {}

  static final Instant T0 = Instant.ofEpochMilli(1_764_000_000_123L);

  /** A multi-turn BFCL-style tool session: system, user, assistant tool call, tool result, assistant answer. */
  static Trajectory toolSession() {
    Turn system = turn(Role.SYSTEM, List.of(1, 10, 11), false);
    Turn user = turn(Role.USER, List.of(12, 13, 14, 15), false);
    Turn call = Turn.newBuilder(turn(Role.ASSISTANT, List.of(20, 21, 22), true))
        .setToolCalls(List.of(ToolCall.newBuilder().setCallId("c1").setName("cd")
            .setArgumentsJson("{\"folder\":\"document\"}").build()))
        .setText("cd(folder='document')")
        .setPolicyVersion(3L)
        .setReward(0.0)
        .build();
    Turn result = Turn.newBuilder(turn(Role.TOOL, List.of(30, 31), false))
        .setToolResult(ToolResult.newBuilder().setCallId("c1").setName("cd")
            .setContent("{\"current_working_directory\":\"document\"}").setIsError(false).build())
        .build();
    Turn answer = Turn.newBuilder(turn(Role.ASSISTANT, List.of(40, 41, 2), true))
        .setPolicyVersion(4L)
        .setReward(1.0)
        .setText("Done.")
        .build();
    return Trajectory.newBuilder()
        .setTrajectoryId("traj-bfcl-1")
        .setEpisodeId("ep-1")
        .setSessionId("multi_turn_base_0")
        .setActorId("actor-a")
        .setOrigin(TrajectoryOrigin.IMPORT_BFCL)
        .setEnvId("bfcl-multi-turn")
        .setTaskId("multi_turn_base_0")
        .setArm("candidate")
        .setPolicyVersion(3L)
        .setTokenizerId("hf:Qwen/Qwen2.5-0.5B-Instruct")
        .setCreatedAt(T0)
        .setTurns(List.of(system, user, call, result, answer))
        .setReward(1.0)
        .setDone(true)
        .setTruncated(false)
        .setMetadata(Map.of("bfcl.category", "multi_turn_base", "note", "ünïcødé ✓"))
        .build();
  }

  private static Turn turn(Role role, List<Integer> ids, boolean actions) {
    List<Boolean> mask = ids.stream().map(i -> actions).toList();
    List<Float> logProbs = actions ? ids.stream().map(i -> -0.25f * i / 10).toList() : List.of();
    return Turn.newBuilder().setRole(role).setTokenIds(ids).setActionMask(mask).setBehaviourLogProbs(logProbs)
        .build();
  }

  static RewardEvent rewardEvent() {
    return RewardEvent.newBuilder().setEventId("r-1").setTrajectoryId("traj-bfcl-1").setTurnIndex(2).setReward(-0.5)
        .setSource("human").setCreatedAt(T0).setMetadata(Map.of("rater", "7")).build();
  }

  static ReplayBatch replayBatch() {
    ReplayItem fresh = ReplayItem.newBuilder().setTrajectory(toolSession()).setOrigin(ReplayOrigin.FRESH)
        .setSourceTopic("shiq.trajectories").setSourcePartition(2).setSourceOffset(12345L).setTimesSampled(1)
        .setPriority(1.0).setImportanceWeight(1.0).setInsertedAt(T0).build();
    ReplayItem old = ReplayItem.newBuilder().setTrajectory(SampleRecords.trajectory(5, 8, 16, 512))
        .setOrigin(ReplayOrigin.HISTORICAL).setSourceTopic("shiq.trajectories.history").setSourcePartition(0)
        .setSourceOffset(7L).setTimesSampled(4).setPriority(2.5).setImportanceWeight(0.4).setInsertedAt(T0).build();
    return ReplayBatch.newBuilder().setBatchId("b-00042").setSequence(42L).setLearnerId(null).setCreatedAt(T0)
        .setItems(List.of(fresh, old)).setPolicyVersionAtSampling(4L).setTableSize(1000L).setSampler("uniform")
        .build();
  }

  static PriorityUpdate priorityUpdate() {
    return PriorityUpdate.newBuilder().setTrajectoryId("t1").setPriority(0.5).setLearnerStep(3L)
        .setCreatedAt(Instant.ofEpochMilli(1000)).build();
  }

  static PolicyVersion policyVersion() {
    return PolicyVersion.newBuilder().setArm("main").setVersion(5L).setLearnerStep(500L).setFormat("safetensors")
        .setModelConfigJson("{\"dim\":64}").setSizeBytes(1_056_512L).setSha256("ab".repeat(32))
        .setTransport(WeightTransport.KAFKA_CHUNKS).setChunkCount(2).setUri(null).setObjective("shiq")
        .setParentVersion(4L).setCreatedAt(T0).build();
  }

  static WeightChunk weightChunk() {
    byte[] data = new byte[4096];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 31);
    }
    return WeightChunk.newBuilder().setArm("main").setVersion(5L).setIndex(1).setCount(2).setOffsetBytes(1L << 20)
        .setData(ByteBuffer.wrap(data)).setSha256("cd".repeat(32)).build();
  }

  static LearnerMetrics learnerMetrics() {
    return LearnerMetrics.newBuilder().setLearnerId("learner-0").setArm("main").setStep(500L).setPolicyVersion(5L)
        .setCreatedAt(T0).setObjective("shiq").setBatchId("b-00042").setLoss(0.125).setMeanReward(0.6)
        .setKlToRef(0.01).setMeanAbsResidual(0.3).setGradNorm(1.5).setLearningRate(1e-4).setTokensPerSecond(5e3)
        .setTrajectories(32L).setActionTokens(4096L).setExtra(Map.of("clip_fraction", 0.0)).build();
  }

  static EvalResult evalResult() {
    return EvalResult.newBuilder().setEvalId("eval-1").setArm("candidate").setPolicyVersion(5L)
        .setEnvId("story-keyword").setWindowStart(T0).setWindowEnd(T0.plusSeconds(60)).setEpisodes(200L)
        .setMeanReward(0.7).setStdReward(0.2).setCiLow(0.67).setCiHigh(0.73).setSuccessRate(0.9)
        .setBaselineArm("main").setPValue(0.003).setMetrics(Map.of("tokens_per_episode", 48.0)).build();
  }

  static io.shiq.avro.Experiment experiment() {
    return io.shiq.avro.Experiment.newBuilder().setExperimentId("exp-1").setDescription("candidate vs main")
        .setArms(List.of(
            io.shiq.avro.ExperimentArm.newBuilder().setName("main").setLine("main").setVersion(5L).setWeight(1)
                .build(),
            io.shiq.avro.ExperimentArm.newBuilder().setName("candidate").setLine("candidate").setVersion(null)
                .setWeight(1).build()))
        .setControlArm("main").setPrimaryMetric("mean_reward").setGuardrails(List.of(io.shiq.avro.Guardrail
            .newBuilder().setMetric("kl_to_control").setDirection(io.shiq.avro.GuardrailDirection.AT_MOST)
            .setLimit(0.05).build()))
        .setMinimumDetectableEffect(0.05).setAlpha(0.05).setPower(0.8).setCupedCovariate("user.prior_reward")
        .setEnvId("story-keyword").setWindowMs(60_000).setMinEpisodesPerArm(100).setMaxEpisodesPerArm(null)
        .setStartAt(T0).setStopAt(null).setStatus(io.shiq.avro.ExperimentStatus.RUNNING).setStatusReason(null)
        .setUpdatedAt(T0).build();
  }

  static io.shiq.avro.ExperimentDecision experimentDecision() {
    return io.shiq.avro.ExperimentDecision.newBuilder().setExperimentId("exp-1")
        .setKind(io.shiq.avro.DecisionKind.ROLLBACK).setArm("candidate").setControlArm("main")
        .setReason("kl_to_control 0.09 [0.07, 0.11] above 0.05").setEpisodes(812L).setEffect(0.04).setCsLow(-0.01)
        .setCsHigh(0.09).setPValue(0.2).setRollbackVersion(9L).setMetrics(Map.of()).setDecidedAt(T0).build();
  }

  /** One instance of each top-level record type, in the order of ShiqRecords.VALUE_TYPES. */
  static List<SpecificRecord> all() {
    return List.of(toolSession(), rewardEvent(), replayBatch(), priorityUpdate(), policyVersion(), weightChunk(),
        learnerMetrics(), evalResult(), experiment(), experimentDecision());
  }
}
