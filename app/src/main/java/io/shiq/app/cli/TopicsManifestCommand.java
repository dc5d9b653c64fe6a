package io.shiq.app.cli;

import io.shiq.app.deploy.Acl;
import io.shiq.app.deploy.RoleAcls;
import io.shiq.app.deploy.StrimziManifests;
import io.shiq.app.deploy.StrimziManifests.Authentication;
import io.shiq.app.deploy.StrimziManifests.Document;
import io.shiq.schemas.topic.TopicSpec;
import io.shiq.schemas.topic.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shiq topics manifest}: the catalog as Strimzi resources (and the role users, and the cluster), or as
 * kafka-topics.sh / kafka-acls.sh commands.
 */
@Command(name = "manifest", mixinStandardHelpOptions = true,
    description = {"Write the topic catalog as Kubernetes resources for the Strimzi operator (multi-document YAML on "
        + "stdout): a KafkaTopic per topic (partitions, replicas, cleanup policy, retention, min.insync.replicas); "
        + "with --users a KafkaUser per shiq role with the ACLs its code needs; with --cluster-resources the Kafka "
        + "cluster (KRaft, listeners plain 9092 and tls 9093 with SCRAM-SHA-512, simple authorization, topic and "
        + "user operators) and its KafkaNodePool. No broker is needed.",
        "",
        "deploy/k8s/strimzi/ holds the output for the defaults:",
        "  shiq topics manifest --format strimzi --cluster-resources --no-topics > deploy/k8s/strimzi/kafka.yaml",
        "  shiq topics manifest --format strimzi > deploy/k8s/strimzi/topics.yaml",
        "  shiq topics manifest --format strimzi --users --no-topics > deploy/k8s/strimzi/users.yaml",
        "",
        "--format plain writes the same as shell commands (kafka-topics.sh --create, kafka-acls.sh --add) for a "
            + "cluster without Strimzi."})
public final class TopicsManifestCommand implements Callable<Integer> {
  @Option(names = "--format", paramLabel = "strimzi|plain",
      description = "strimzi: Strimzi custom resources (YAML); plain: kafka-topics.sh and kafka-acls.sh commands "
          + "(default: ${DEFAULT-VALUE}).")
  String format = "strimzi";

  @Option(names = "--topic-prefix", paramLabel = "PREFIX", description = "Topic prefix (default: ${DEFAULT-VALUE}).")
  String topicPrefix = Topics.DEFAULT_PREFIX;

  @Option(names = "--topics", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Write the topics (default: true; --no-topics for users or cluster resources alone).")
  boolean topics = true;

  @Option(names = "--users", description = "Also write a KafkaUser per role (topics, actor, replay, learner, "
      + "evaluator, importer, ab), with the ACLs its code needs.")
  boolean users;

  @Option(names = "--cluster-resources", description = "Also write the Kafka cluster and its KafkaNodePool.")
  boolean clusterResources;

  @Option(names = "--cluster", paramLabel = "NAME", description = "The Strimzi Kafka cluster's name (label "
      + "strimzi.io/cluster) (default: ${DEFAULT-VALUE}).")
  String cluster = StrimziManifests.DEFAULT_CLUSTER;

  @Option(names = "--namespace", paramLabel = "NS", description = "metadata.namespace of every resource "
      + "(default: none, kubectl's current namespace).")
  String namespace;

  @Option(names = "--replicas", paramLabel = "N", description = "Kafka nodes of the node pool; topics get min(3, N) "
      + "replicas and min.insync.replicas one less (default: ${DEFAULT-VALUE}).")
  int replicas = StrimziManifests.DEFAULT_REPLICAS;

  @Option(names = "--authentication", paramLabel = "scram-sha-512|tls", description = "How the users "
      + "authenticate: scram-sha-512 (password in the user's Secret) or tls (client certificate, on the tls "
      + "listener) (default: ${DEFAULT-VALUE}).")
  String authentication = Authentication.SCRAM_SHA_512.strimzi();

  @Option(names = "--storage-size", paramLabel = "QUANTITY", description = "Persistent volume of each Kafka node "
      + "(default: ${DEFAULT-VALUE}).")
  String storageSize = StrimziManifests.DEFAULT_STORAGE_SIZE;

  @Option(names = "--replay-application-id", paramLabel = "ID", description = "The replay buffer's Kafka Streams "
      + "application id, for its ACLs (default: ${DEFAULT-VALUE}).")
  String replayApplicationId = RoleAcls.DEFAULT_REPLAY_APPLICATION_ID;

  @Option(names = "--evaluator-application-id", paramLabel = "ID", description = "The A/B evaluator's Kafka Streams "
      + "application id, for its ACLs (default: ${DEFAULT-VALUE}).")
  String evaluatorApplicationId = io.shiq.ab.evaluate.EvaluatorService.DEFAULT_APPLICATION_ID;

  @Override
  public Integer call() {
    StrimziManifests.Settings settings = new StrimziManifests.Settings(
        new RoleAcls.Names(new Topics(topicPrefix), replayApplicationId, evaluatorApplicationId), cluster, namespace,
        replicas, Authentication.of(authentication), storageSize);
    if (!topics && !users && !clusterResources) {
      throw new IllegalArgumentException("nothing to write: --no-topics without --users or --cluster-resources");
    }
    switch (format) {
      case "strimzi" -> System.out.print(strimzi(settings));
      case "plain" -> System.out.print(plain(settings));
      default -> throw new IllegalArgumentException("--format " + format + ": strimzi or plain");
    }
    return 0;
  }

  /** The YAML, with a first comment line that names the command which wrote it. */
  String strimzi(StrimziManifests.Settings settings) {
    List<Document> documents = new ArrayList<>();
    if (clusterResources) {
      documents.addAll(StrimziManifests.clusterResources(settings));
    }
    if (topics) {
      documents.addAll(StrimziManifests.topics(settings));
    }
    if (users) {
      documents.addAll(StrimziManifests.users(settings));
    }
    return StrimziManifests.render(List.of("Generated by: " + commandLine()), documents);
  }

  /** Shell commands for kafka-topics.sh and kafka-acls.sh (Kafka's own tools) that do what the resources declare. */
  String plain(StrimziManifests.Settings settings) {
    if (clusterResources) {
      throw new IllegalArgumentException("--cluster-resources: only with --format strimzi");
    }
    StringBuilder out = new StringBuilder("#!/bin/sh\n# Generated by: " + commandLine() + "\n"
        + "# BOOTSTRAP: the brokers; COMMAND_CONFIG: an admin client properties file (security), if any.\n"
        + "set -e\n: \"${BOOTSTRAP:=localhost:9092}\"\n");
    String admin = " --bootstrap-server \"$BOOTSTRAP\" ${COMMAND_CONFIG:+--command-config \"$COMMAND_CONFIG\"}";
    Topics t = settings.topics();
    if (topics) {
      for (TopicSpec spec : Topics.ALL) {
        StringBuilder line = new StringBuilder("kafka-topics.sh" + admin + " --create --if-not-exists --topic "
            + t.name(spec) + " --partitions " + spec.partitions() + " --replication-factor "
            + settings.topicReplicas());
        for (Map.Entry<String, Object> c : StrimziManifests.topicConfig(spec, settings).entrySet()) {
          line.append(" --config ").append(c.getKey()).append('=').append(c.getValue());
        }
        out.append(line).append('\n');
      }
    }
    if (users) {
      for (RoleAcls.Role role : RoleAcls.roles(settings.names())) {
        String principal = settings.authentication() == Authentication.TLS
            ? "User:CN=" + StrimziManifests.userName(settings, role)
            : "User:" + StrimziManifests.userName(settings, role);
        out.append("# role ").append(role.name()).append(" (").append(role.command()).append(")\n");
        for (Acl acl : role.acls()) {
          StringBuilder line = new StringBuilder("kafka-acls.sh" + admin + " --add --allow-principal "
              + principal);
          acl.operations().forEach(o -> line.append(" --operation ").append(o.strimzi()));
          switch (acl.type()) {
            case TOPIC -> line.append(" --topic '").append(acl.name()).append('\'');
            case GROUP -> line.append(" --group '").append(acl.name()).append('\'');
            case TRANSACTIONAL_ID -> line.append(" --transactional-id '").append(acl.name()).append('\'');
            case CLUSTER -> line.append(" --cluster");
          }
          if (acl.type() != Acl.ResourceType.CLUSTER) {
            line.append(" --resource-pattern-type ").append(acl.pattern() == Acl.PatternType.PREFIX ? "prefixed"
                : "literal");
          }
          out.append(line).append('\n');
        }
      }
    }
    return out.toString();
  }

  /** This command line, with the options that differ from the defaults, in a fixed order. */
  String commandLine() {
    List<String> args = new ArrayList<>(List.of("shiq", "topics", "manifest", "--format", format));
    if (!topicPrefix.equals(Topics.DEFAULT_PREFIX)) {
      args.add("--topic-prefix");
      args.add(topicPrefix.isEmpty() ? "''" : topicPrefix);
    }
    if (clusterResources) {
      args.add("--cluster-resources");
    }
    if (users) {
      args.add("--users");
    }
    if (!topics) {
      args.add("--no-topics");
    }
    if (!cluster.equals(StrimziManifests.DEFAULT_CLUSTER)) {
      args.add("--cluster");
      args.add(cluster);
    }
    if (namespace != null) {
      args.add("--namespace");
      args.add(namespace);
    }
    if (replicas != StrimziManifests.DEFAULT_REPLICAS) {
      args.add("--replicas");
      args.add(Integer.toString(replicas));
    }
    if (Authentication.of(authentication) != Authentication.SCRAM_SHA_512) {
      args.add("--authentication");
      args.add(Authentication.of(authentication).strimzi());
    }
    if (!storageSize.equals(StrimziManifests.DEFAULT_STORAGE_SIZE)) {
      args.add("--storage-size");
      args.add(storageSize);
    }
    if (!replayApplicationId.equals(RoleAcls.DEFAULT_REPLAY_APPLICATION_ID)) {
      args.add("--replay-application-id");
      args.add(replayApplicationId);
    }
    if (!evaluatorApplicationId.equals(io.shiq.ab.evaluate.EvaluatorService.DEFAULT_APPLICATION_ID)) {
      args.add("--evaluator-application-id");
      args.add(evaluatorApplicationId);
    }
    return String.join(" ", args);
  }
}
