package io.shiq.app.deploy;

import static io.shiq.app.deploy.Acl.Operation.ALL;
import static io.shiq.app.deploy.Acl.Operation.CREATE;
import static io.shiq.app.deploy.Acl.Operation.DELETE;
import static io.shiq.app.deploy.Acl.Operation.DESCRIBE;
import static io.shiq.app.deploy.Acl.Operation.DESCRIBE_CONFIGS;
import static io.shiq.app.deploy.Acl.Operation.READ;
import static io.shiq.app.deploy.Acl.Operation.WRITE;
import static io.shiq.app.deploy.Acl.ResourceType.GROUP;
import static io.shiq.app.deploy.Acl.ResourceType.TOPIC;
import static io.shiq.app.deploy.Acl.ResourceType.TRANSACTIONAL_ID;

import io.shiq.ab.evaluate.EvaluatorService;
import io.shiq.replay.ReplayConfig;
import io.shiq.schemas.topic.Topics;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What each shiq role does on Kafka, as ACLs: derived from the code of the role (each rule says which code needs it),
 * written once here and rendered as Strimzi {@code KafkaUser} resources ({@code shiq topics manifest --users}),
 * kafka-acls.sh commands ({@code --format plain}) and the README's table.
 *
 * <p>Every service starts with {@code TopicAdmin.ensureAll}: it lists the catalog's topics and creates the missing
 * ones. With the topics created beforehand (the {@code topics} job, or Strimzi's topic operator from the
 * {@code KafkaTopic} resources), listing needs only Describe on the topic prefix, which every role gets. No role has a
 * consumer group but the two Kafka Streams applications: actors, learner and importer assign() their partitions and
 * keep their positions themselves. Idempotent producers (every shiq producer) need no cluster IdempotentWrite on
 * Kafka 2.8 and later: Write on a topic suffices (KIP-679).
 */
public final class RoleAcls {
  /**
   * Transactional ids of the learner: {@code shiq-learner-<learner id>} (learner module,
   * {@code io.shiq.learner.service.StepOutputs}).
   */
  public static final String LEARNER_TRANSACTIONAL_ID_PREFIX = "shiq-learner-";

  private RoleAcls() {}

  /**
   * The names the ACLs refer to.
   *
   * @param topics                 the topic catalog under its prefix
   * @param replayApplicationId    the replay buffer's Kafka Streams application id (its {@code application.id} option)
   * @param evaluatorApplicationId the A/B evaluator's application id ({@code shiq ab evaluate --application-id})
   */
  public record Names(Topics topics, String replayApplicationId, String evaluatorApplicationId) {
    public Names {
      Objects.requireNonNull(topics, "topics");
      requireName(replayApplicationId, "replay application id");
      requireName(evaluatorApplicationId, "evaluator application id");
    }

    /** The defaults of the code: {@code shiq-replay} and {@code shiq-ab-evaluator}. */
    public static Names defaults(Topics topics) {
      return new Names(topics, DEFAULT_REPLAY_APPLICATION_ID, EvaluatorService.DEFAULT_APPLICATION_ID);
    }

    private static void requireName(String s, String what) {
      if (s == null || s.isBlank()) {
        throw new IllegalArgumentException("the " + what + " must not be empty");
      }
    }
  }

  /** The replay buffer's default Kafka Streams application id ({@link ReplayConfig}'s {@code application.id}). */
  public static final String DEFAULT_REPLAY_APPLICATION_ID = ReplayConfig.OPTIONS.get("application.id")[0];

  /**
   * One shiq role: a Kafka principal (one {@code KafkaUser}) and what it may do.
   *
   * @param name        the role, as in deploy/roles.yaml
   * @param command     the shiq command the role runs
   * @param description what the role is
   * @param acls        its allow rules
   */
  public record Role(String name, String command, String description, List<Acl> acls) {
    public Role {
      acls = List.copyOf(acls);
    }

    /** True when one of this role's rules allows {@code operation} on {@code resource}. */
    public boolean allows(Acl.ResourceType type, String resource, Acl.Operation operation) {
      return acls.stream().anyMatch(a -> a.allows(type, resource, operation));
    }
  }

  /** Every role, in the order of the manifests. */
  public static List<Role> roles(Names names) {
    Topics t = names.topics();
    String replay = names.replayApplicationId();
    String evaluator = names.evaluatorApplicationId();
    return List.of(
        new Role("topics", "shiq topics create",
            "one-shot job: creates the catalog's missing topics with their configs", List.of(
                Acl.prefixed(TOPIC, t.prefix(), "TopicsCreateCommand: TopicAdmin.ensureAll lists the catalog's topics, "
                    + "creates the missing ones and waits for their leaders; existing ones are compared with the "
                    + "catalog (partitions, configs), never altered", CREATE, DESCRIBE, DESCRIBE_CONFIGS))),
        new Role("actor", "shiq actor",
            "serves the policy in an environment, writes trajectories, swaps in announced weights", List.of(
                describeCatalog(t, "ActorCommand"),
                Acl.literal(TOPIC, t.trajectories(), "ActorLoop and ExperimentActorLoop send each episode's "
                    + "Trajectory", WRITE),
                Acl.literal(TOPIC, t.policyVersions(), "WeightSubscriber and VersionCatalog follow the announcements "
                    + "(assign(), no group)", READ),
                Acl.literal(TOPIC, t.policyWeights(), "WeightSubscriber and VersionCatalog fetch the weight chunks "
                    + "(assign(), no group)", READ),
                Acl.literal(TOPIC, t.experiments(), "ExperimentFollower: experiment start/stop (assign(), no group)",
                    READ),
                Acl.literal(TOPIC, t.learnerMetrics(), "LearnerLagMonitor: back-pressure from the learner's progress "
                    + "(read_committed, assign(), no group)", READ))),
        new Role("replay", "shiq replay",
            "the replay buffer: a Kafka Streams application (exactly_once_v2), application id " + replay, List.of(
                describeCatalog(t, "ReplayService.start"),
                Acl.literal(TOPIC, t.trajectories(), "ReplayTopology: source fresh", READ),
                Acl.literal(TOPIC, t.trajectoriesHistory(), "ReplayTopology: source history; sinks to-history "
                    + "(fresh trajectories archived when they leave the table)", READ, WRITE),
                Acl.literal(TOPIC, t.rewards(), "ReplayTopology: source rewards (late rewards)", READ),
                Acl.literal(TOPIC, t.replayPriorities(), "ReplayTopology: source priorities (learner updates)", READ),
                Acl.literal(TOPIC, t.policyVersions(), "ReplayTopology: global store of the latest version (global "
                    + "consumer, no group)", READ),
                Acl.literal(TOPIC, t.replayBatches(), "ReplayTopology: sink batches", WRITE),
                Acl.literal(TOPIC, t.deadLetters(), "ReplayTopology: sink dead letters", WRITE),
                Acl.prefixed(TOPIC, replay, "Kafka Streams internal topics <application.id>-*-changelog of the "
                    + "table's stores: created, read, written and purged by Streams (Kafka's Streams security "
                    + "guide: All on the application id prefix)", ALL),
                Acl.prefixed(GROUP, replay, "Kafka Streams consumer group = application.id (offsets committed in "
                    + "its transactions)", READ),
                Acl.prefixed(TRANSACTIONAL_ID, replay, "exactly_once_v2: transactional ids "
                    + "<application.id>-<process id>-<thread>", WRITE, DESCRIBE))),
        new Role("learner", "shiq learner",
            "trains on replay batches, publishes policy versions and weights", List.of(
                describeCatalog(t, "LearnerService"),
                Acl.literal(TOPIC, t.replayBatches(), "BatchReader: assign() at the checkpointed positions, "
                    + "read_committed, no group", READ),
                Acl.literal(TOPIC, t.policyVersions(), "WeightPublisher announces versions; KafkaTail reads the "
                    + "latest on recovery", READ, WRITE),
                Acl.literal(TOPIC, t.policyWeights(), "WeightPublisher writes weight chunks and deleteRecords() the "
                    + "chunks of versions it no longer keeps", WRITE, DELETE),
                Acl.literal(TOPIC, t.replayPriorities(), "StepOutputs: priority updates, in the step's transaction",
                    WRITE),
                Acl.literal(TOPIC, t.learnerMetrics(), "StepOutputs: metrics, in the step's transaction; KafkaTail "
                    + "reads the last reported step on recovery", READ, WRITE),
                Acl.literal(TOPIC, t.deadLetters(), "LearnerService: DeadLetterRouter for undecodable batches", WRITE),
                Acl.prefixed(TRANSACTIONAL_ID, LEARNER_TRANSACTIONAL_ID_PREFIX, "StepOutputs: transactional id "
                    + LEARNER_TRANSACTIONAL_ID_PREFIX + "<learner id>", WRITE, DESCRIBE))),
        new Role("evaluator", "shiq ab evaluate",
            "the A/B evaluator: a Kafka Streams application (exactly_once_v2), application id " + evaluator, List.of(
                describeCatalog(t, "EvaluatorService.start"),
                Acl.literal(TOPIC, t.trajectories(), "EvaluatorTopology: source trajectories", READ),
                Acl.literal(TOPIC, t.trajectoriesHistory(), "EvaluatorTopology: source trajectories with "
                    + "--include-history", READ),
                Acl.literal(TOPIC, t.experiments(), "EvaluatorTopology: global store of experiments; "
                    + "EvaluatorProcessor writes their new status", READ, WRITE),
                Acl.literal(TOPIC, t.policyVersions(), "EvaluatorTopology: global store of announced versions; "
                    + "EvaluatorProcessor writes rollbacks", READ, WRITE),
                Acl.literal(TOPIC, t.evalResults(), "EvaluatorProcessor: results per arm and window", WRITE),
                Acl.literal(TOPIC, t.experimentDecisions(), "EvaluatorProcessor: decisions", WRITE),
                Acl.prefixed(TOPIC, evaluator, "Kafka Streams internal topics: the ab-observations repartition topic "
                    + "and the changelogs of the monitor stores (All on the application id prefix)", ALL),
                Acl.prefixed(GROUP, evaluator, "Kafka Streams consumer group = application.id", READ),
                Acl.prefixed(TRANSACTIONAL_ID, evaluator, "exactly_once_v2: transactional ids "
                    + "<application.id>-<process id>-<thread>", WRITE, DESCRIBE))),
        new Role("importer", "shiq bfcl import",
            "imports logged BFCL sessions as historical trajectories", List.of(
                describeCatalog(t, "BfclImportCommand"),
                Acl.literal(TOPIC, t.trajectoriesHistory(), "BfclImportCommand: reads the ids already imported "
                    + "(assign(), no group), then sends the new trajectories", READ, WRITE),
                Acl.literal(TOPIC, t.deadLetters(), "BfclImportCommand: records that could not be rebuilt", WRITE))),
        new Role("ab", "shiq ab start|stop|status|report|replay",
            "an operator's A/B commands: declare and stop experiments, read their results", List.of(
                describeCatalog(t, "AbConnection.clients"),
                Acl.literal(TOPIC, t.experiments(), "AbLog reads the declarations; ab start and ab stop write them",
                    READ, WRITE),
                Acl.literal(TOPIC, t.evalResults(), "AbLog (status, report); ab start writes off-policy estimates",
                    READ, WRITE),
                Acl.literal(TOPIC, t.experimentDecisions(), "AbLog (status, report)", READ),
                Acl.literal(TOPIC, t.policyVersions(), "ab start: VersionCatalog (which version each arm serves)",
                    READ),
                Acl.literal(TOPIC, t.policyWeights(), "ab start: VersionCatalog loads the arms' weights for the "
                    + "off-policy estimate", READ),
                Acl.literal(TOPIC, t.trajectories(), "ab start (OffPolicy) and ab replay read logged trajectories",
                    READ),
                Acl.literal(TOPIC, t.trajectoriesHistory(), "ab start (OffPolicy) and ab replay read logged "
                    + "trajectories", READ))));
  }

  /** The role called {@code name}. */
  public static Optional<Role> role(Names names, String name) {
    return roles(names).stream().filter(r -> r.name().equals(name)).findFirst();
  }

  private static Acl describeCatalog(Topics t, String where) {
    return Acl.prefixed(TOPIC, t.prefix(), where + ": TopicAdmin.ensureAll at start lists the catalog's topics "
        + "(it creates none once the topics job has run)", DESCRIBE);
  }
}
