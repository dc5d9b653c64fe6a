package io.shiq.schemas.topic;

import io.shiq.avro.EvalResult;
import io.shiq.avro.Experiment;
import io.shiq.avro.ExperimentDecision;
import io.shiq.avro.LearnerMetrics;
import io.shiq.avro.PolicyVersion;
import io.shiq.avro.PriorityUpdate;
import io.shiq.avro.ReplayBatch;
import io.shiq.avro.RewardEvent;
import io.shiq.avro.Trajectory;
import io.shiq.avro.WeightChunk;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Every topic of the architecture, declared once. Names are {@code prefix + role}; the default prefix is
 * {@code shiq.}. Create them with {@link TopicAdmin#ensureTopics}.
 */
public final class Topics {
  public static final String DEFAULT_PREFIX = "shiq.";
  public static final int DEFAULT_PARTITIONS = 3;

  private static final long WEEK_MS = Duration.ofDays(7).toMillis();
  private static final long DAY_MS = Duration.ofDays(1).toMillis();
  private static final long UNLIMITED = -1;
  private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]*");

  /** Fresh trajectories from actors (keyed by episode id). */
  public static final TopicSpec TRAJECTORIES = new TopicSpec("trajectories", DEFAULT_PARTITIONS, false, WEEK_MS,
      Trajectory.class, "fresh trajectories from actors, keyed by episode id");
  /** Historical trajectories: imports (BFCL, JSONL logs) and archives; kept forever. */
  public static final TopicSpec TRAJECTORIES_HISTORY = new TopicSpec("trajectories.history", DEFAULT_PARTITIONS,
      false, UNLIMITED, Trajectory.class, "historical trajectories: imports, logged sessions, archives");
  public static final TopicSpec REWARDS = new TopicSpec("rewards", DEFAULT_PARTITIONS, false, WEEK_MS,
      RewardEvent.class, "late rewards, keyed by trajectory id");
  public static final TopicSpec REPLAY_BATCHES = new TopicSpec("replay.batches", 1, false, WEEK_MS,
      ReplayBatch.class, "training batches from the replay buffer (one partition: a total order of steps)");
  public static final TopicSpec REPLAY_PRIORITIES = new TopicSpec("replay.priorities", DEFAULT_PARTITIONS, true, 0,
      PriorityUpdate.class, "learner -> replay priority updates, keyed by trajectory id (compacted)");
  public static final TopicSpec POLICY_VERSIONS = new TopicSpec("policy.versions", 1, true, 0,
      PolicyVersion.class, "policy version announcements, keyed by arm (compacted: latest per arm)");
  public static final TopicSpec POLICY_WEIGHTS = new TopicSpec("policy.weights", 1, false, DAY_MS,
      WeightChunk.class, "weight chunks of announced versions (at most 1 MiB each)");
  public static final TopicSpec LEARNER_METRICS = new TopicSpec("learner.metrics", 1, false, WEEK_MS,
      LearnerMetrics.class, "per-step learner diagnostics");
  public static final TopicSpec EVAL_RESULTS = new TopicSpec("eval.results", 1, false, UNLIMITED,
      EvalResult.class, "A/B evaluation results per arm and window");
  public static final TopicSpec EXPERIMENTS = new TopicSpec("experiments", 1, true, 0,
      Experiment.class, "A/B experiment declarations and status, keyed by experiment id (compacted: latest wins)");
  public static final TopicSpec EXPERIMENT_DECISIONS = new TopicSpec("experiments.decisions", 1, false, UNLIMITED,
      ExperimentDecision.class, "A/B decisions (winner, rollback, sample ratio mismatch), keyed by experiment id");
  public static final TopicSpec DEAD_LETTERS = new TopicSpec("deadletter", 1, false, 4 * WEEK_MS,
      null, "undecodable or invalid records: original bytes, error in headers");

  public static final List<TopicSpec> ALL = List.of(TRAJECTORIES, TRAJECTORIES_HISTORY, REWARDS, REPLAY_BATCHES,
      REPLAY_PRIORITIES, POLICY_VERSIONS, POLICY_WEIGHTS, LEARNER_METRICS, EVAL_RESULTS, EXPERIMENTS, EXPERIMENT_DECISIONS, DEAD_LETTERS);

  private final String prefix;

  public Topics(String prefix) {
    Objects.requireNonNull(prefix, "topic prefix");
    if (!LEGAL.matcher(prefix).matches()) {
      throw new IllegalArgumentException("topic prefix '" + prefix + "' may only hold [a-zA-Z0-9._-]");
    }
    this.prefix = prefix;
  }

  public static Topics withDefaultPrefix() {
    return new Topics(DEFAULT_PREFIX);
  }

  public String prefix() {
    return prefix;
  }

  /** The full topic name of a spec under this prefix. */
  public String name(TopicSpec spec) {
    return prefix + spec.role();
  }

  public String trajectories() { return name(TRAJECTORIES); }
  public String trajectoriesHistory() { return name(TRAJECTORIES_HISTORY); }
  public String rewards() { return name(REWARDS); }
  public String replayBatches() { return name(REPLAY_BATCHES); }
  public String replayPriorities() { return name(REPLAY_PRIORITIES); }
  public String policyVersions() { return name(POLICY_VERSIONS); }
  public String policyWeights() { return name(POLICY_WEIGHTS); }
  public String learnerMetrics() { return name(LEARNER_METRICS); }
  public String evalResults() { return name(EVAL_RESULTS); }
  public String experiments() { return name(EXPERIMENTS); }
  public String experimentDecisions() { return name(EXPERIMENT_DECISIONS); }
  public String deadLetters() { return name(DEAD_LETTERS); }
}
