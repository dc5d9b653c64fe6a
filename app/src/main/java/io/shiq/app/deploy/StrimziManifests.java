package io.shiq.app.deploy;

import io.shiq.schemas.topic.TopicSpec;
import io.shiq.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Strimzi custom resources from the topic catalog and the role ACLs: a {@code KafkaTopic} per catalog topic, a
 * {@code KafkaUser} per role, and the cluster itself (a KRaft {@code Kafka} with one {@code KafkaNodePool} of
 * combined controller+broker nodes, SCRAM-SHA-512 listeners and simple authorization).
 */
public final class StrimziManifests {
  public static final String API_VERSION = "kafka.strimzi.io/v1beta2";
  public static final String CLUSTER_LABEL = "strimzi.io/cluster";
  public static final String DEFAULT_CLUSTER = "shiq";
  public static final int DEFAULT_REPLICAS = 3;
  public static final String DEFAULT_STORAGE_SIZE = "100Gi";
  public static final String NODE_POOL = "dual-role";
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final int NAME_LIMIT = 63;

  private StrimziManifests() {}

  /** How clients authenticate: SCRAM-SHA-512 (a password in the user's Secret) or mutual TLS. */
  public enum Authentication {
    SCRAM_SHA_512("scram-sha-512"), TLS("tls");

    private final String strimzi;

    Authentication(String strimzi) {
      this.strimzi = strimzi;
    }

    public String strimzi() {
      return strimzi;
    }

    public static Authentication of(String s) {
      for (Authentication a : values()) {
        if (a.strimzi.equalsIgnoreCase(s) || a.name().equalsIgnoreCase(s)) {
          return a;
        }
      }
      throw new IllegalArgumentException("authentication '" + s + "': scram-sha-512 or tls");
    }
  }

  /**
   * What to generate for.
   *
   * @param names          topic catalog and the application ids the ACLs name
   * @param cluster        the Strimzi {@code Kafka} resource's name (label {@code strimzi.io/cluster} everywhere)
   * @param namespace      metadata.namespace of every resource, or null for none (kubectl's current one)
   * @param replicas       nodes of the node pool; topics get min(3, replicas) replicas, as {@code TopicAdmin} does
   * @param authentication how the users authenticate
   * @param storageSize    persistent volume size of each node
   */
  public record Settings(RoleAcls.Names names, String cluster, String namespace, int replicas,
                         Authentication authentication, String storageSize) {
    public Settings {
      Objects.requireNonNull(names, "names");
      Objects.requireNonNull(authentication, "authentication");
      if (cluster == null || !DNS_LABEL.matcher(cluster).matches() || cluster.length() > NAME_LIMIT) {
        throw new IllegalArgumentException("cluster name '" + cluster + "' is not a Kubernetes name (lower-case "
            + "letters, digits and '-', at most " + NAME_LIMIT + ")");
      }
      if (namespace != null && (!DNS_LABEL.matcher(namespace).matches() || namespace.length() > NAME_LIMIT)) {
        throw new IllegalArgumentException("namespace '" + namespace + "' is not a Kubernetes namespace name");
      }
      if (replicas < 1) {
        throw new IllegalArgumentException("replicas must be >= 1, got " + replicas);
      }
      if (storageSize == null || !storageSize.matches("[0-9]+(\\.[0-9]+)?([KMGTPE]i?|[kmgtpe])?")) {
        throw new IllegalArgumentException("storage size '" + storageSize + "' is not a Kubernetes quantity "
            + "(e.g. 100Gi)");
      }
    }

    public static Settings defaults() {
      return new Settings(RoleAcls.Names.defaults(Topics.withDefaultPrefix()), DEFAULT_CLUSTER, null,
          DEFAULT_REPLICAS, Authentication.SCRAM_SHA_512, DEFAULT_STORAGE_SIZE);
    }

    public Topics topics() {
      return names.topics();
    }

    /** The replication factor of every topic: min(3, replicas). */
    public int topicReplicas() {
      return Math.min(3, replicas);
    }

    /** min.insync.replicas for the topic replicas: one less than the replicas, at least 1. */
    public int minInSyncReplicas() {
      return Math.max(1, topicReplicas() - 1);
    }
  }

  /** One resource: the comment lines written above it and its content. */
  public record Document(List<String> comments, Map<String, Object> content) {
    public String kind() {
      return (String) content.get("kind");
    }

    @SuppressWarnings("unchecked")
    public String name() {
      return (String) ((Map<String, Object>) content.get("metadata")).get("name");
    }
  }

  /** A KafkaTopic per catalog topic, in catalog order. */
  public static List<Document> topics(Settings s) {
    List<Document> out = new ArrayList<>();
    Map<String, String> names = resourceNames(Topics.ALL.stream().map(spec -> s.topics().name(spec)).toList());
    for (TopicSpec spec : Topics.ALL) {
      String topic = s.topics().name(spec);
      Map<String, Object> specMap = new LinkedHashMap<>();
      String name = names.get(topic);
      if (!name.equals(topic)) {
        specMap.put("topicName", topic);
      }
      specMap.put("partitions", spec.partitions());
      specMap.put("replicas", s.topicReplicas());
      specMap.put("config", topicConfig(spec, s));
      Map<String, Object> doc = resource("KafkaTopic", name, s);
      doc.put("spec", specMap);
      out.add(new Document(List.of(topic + ": " + spec.description() + " (value: "
          + (spec.valueType() == null ? "raw bytes" : spec.valueType().getSimpleName()) + ")"), doc));
    }
    return out;
  }

  /** The broker-side configs of a catalog topic: its cleanup policy and retention, min.insync.replicas. */
  public static Map<String, Object> topicConfig(TopicSpec spec, Settings s) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("cleanup.policy", spec.compacted() ? "compact" : "delete");
    if (!spec.compacted()) {
      config.put("retention.ms", spec.retentionMs());
    }
    if (s.topicReplicas() > 1) {
      config.put("min.insync.replicas", s.minInSyncReplicas());
    }
    // Kept in step with the catalog's own configs (TopicAdmin creates topics with them).
    spec.configs().forEach((k, v) -> {
      if (!String.valueOf(config.get(k)).equals(v)) {
        throw new IllegalStateException("topic " + spec.role() + ": config " + k + " is " + v + " in the catalog");
      }
    });
    return config;
  }

  /** A KafkaUser per role, with its ACLs (each with the reason as a comment). */
  public static List<Document> users(Settings s) {
    List<Document> out = new ArrayList<>();
    for (RoleAcls.Role role : RoleAcls.roles(s.names())) {
      List<Object> acls = new ArrayList<>();
      for (Acl acl : role.acls()) {
        Map<String, Object> resource = new LinkedHashMap<>();
        resource.put("type", acl.type().strimzi());
        if (acl.type() != Acl.ResourceType.CLUSTER) {
          resource.put("name", acl.name());
          resource.put("patternType", acl.pattern().strimzi());
        }
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("resource", resource);
        rule.put("operations", acl.strimziOperations());
        acls.add(new Yaml.Commented(List.of(acl.why()), rule));
      }
      Map<String, Object> authorization = new LinkedHashMap<>();
      authorization.put("type", "simple");
      authorization.put("acls", acls);
      Map<String, Object> spec = new LinkedHashMap<>();
      spec.put("authentication", Map.of("type", s.authentication().strimzi()));
      spec.put("authorization", authorization);
      Map<String, Object> doc = resource("KafkaUser", userName(s, role), s);
      doc.put("spec", spec);
      out.add(new Document(List.of("role " + role.name() + " (" + role.command() + "): " + role.description()),
          doc));
    }
    return out;
  }

  /** The KafkaUser (and principal) name of a role: the topic prefix as a Kubernetes name, then the role. */
  public static String userName(Settings s, RoleAcls.Role role) {
    String prefix = kubernetesName(s.topics().prefix());
    return kubernetesName((prefix.isEmpty() ? "shiq" : prefix) + "-" + role.name());
  }

  /** The Kafka cluster (KRaft, node pools) and its node pool. */
  public static List<Document> clusterResources(Settings s) {
    int rf = s.topicReplicas();
    Map<String, Object> config = new LinkedHashMap<>();
    // Every topic comes from the catalog (topics job or KafkaTopics): a misspelt name fails instead of creating one.
    config.put("auto.create.topics.enable", false);
    config.put("default.replication.factor", rf);
    config.put("min.insync.replicas", s.minInSyncReplicas());
    config.put("offsets.topic.replication.factor", rf);
    config.put("transaction.state.log.replication.factor", rf);
    config.put("transaction.state.log.min.isr", s.minInSyncReplicas());

    List<Object> listeners = List.of(
        listener("plain", 9092, false, Authentication.SCRAM_SHA_512),
        listener("tls", 9093, true, s.authentication()));
    Map<String, Object> kafka = new LinkedHashMap<>();
    kafka.put("listeners", listeners);
    kafka.put("authorization", Map.of("type", "simple"));
    kafka.put("config", config);
    Map<String, Object> entityOperator = new LinkedHashMap<>();
    entityOperator.put("topicOperator", Map.of());
    entityOperator.put("userOperator", Map.of());
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("kafka", kafka);
    spec.put("entityOperator", entityOperator);
    Map<String, Object> cluster = resource("Kafka", s.cluster(), s);
    @SuppressWarnings("unchecked")
    Map<String, Object> metadata = (Map<String, Object>) cluster.get("metadata");
    Map<String, Object> annotations = new LinkedHashMap<>();
    annotations.put("strimzi.io/node-pools", "enabled");
    annotations.put("strimzi.io/kraft", "enabled");
    metadata.put("annotations", annotations);
    cluster.put("spec", spec);

    Map<String, Object> storage = new LinkedHashMap<>();
    storage.put("type", "persistent-claim");
    storage.put("size", s.storageSize());
    storage.put("deleteClaim", false);
    Map<String, Object> poolSpec = new LinkedHashMap<>();
    poolSpec.put("replicas", s.replicas());
    poolSpec.put("roles", List.of("controller", "broker"));
    poolSpec.put("storage", storage);
    Map<String, Object> pool = resource("KafkaNodePool", NODE_POOL, s);
    pool.put("spec", poolSpec);

    String auth = s.authentication() == Authentication.TLS ? "plain (9092): SCRAM-SHA-512; tls (9093): mutual TLS"
        : "plain (9092) and tls (9093): SCRAM-SHA-512";
    return List.of(
        new Document(List.of("Kafka in KRaft mode: " + s.replicas() + " combined controller+broker node(s) of the "
            + "node pool below; listeners " + auth + ", simple authorization (the KafkaUsers' ACLs); "
            + "the entity operator runs the topic and user operators.",
            "Clients: " + s.cluster() + "-kafka-bootstrap:9092 (SASL_PLAINTEXT) or :9093 (SSL/SASL_SSL, CA in "
            + "Secret " + s.cluster() + "-cluster-ca-cert)."), cluster),
        new Document(List.of("The nodes: controller and broker roles in one pool, " + s.storageSize()
            + " persistent volume each."), pool));
  }

  private static Map<String, Object> listener(String name, int port, boolean tls, Authentication auth) {
    Map<String, Object> l = new LinkedHashMap<>();
    l.put("name", name);
    l.put("port", port);
    l.put("type", "internal");
    l.put("tls", tls);
    l.put("authentication", Map.of("type", auth.strimzi()));
    return l;
  }

  private static Map<String, Object> resource(String kind, String name, Settings s) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", name);
    if (s.namespace() != null) {
      metadata.put("namespace", s.namespace());
    }
    Map<String, Object> labels = new LinkedHashMap<>();
    if (!kind.equals("Kafka")) {
      labels.put(CLUSTER_LABEL, s.cluster()); // (the cluster itself is named, not labelled)
    }
    labels.put("app.kubernetes.io/part-of", "shiq");
    metadata.put("labels", labels);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("apiVersion", API_VERSION);
    doc.put("kind", kind);
    doc.put("metadata", metadata);
    return doc;
  }

  /** Multi-document YAML: the header comment lines, then each document after a {@code ---} marker. */
  public static String render(List<String> header, List<Document> documents) {
    StringBuilder out = new StringBuilder();
    header.forEach(h -> out.append("# ").append(h).append('\n'));
    for (Document d : documents) {
      out.append("---\n").append(Yaml.document(d.comments(), d.content()));
    }
    return out.toString();
  }

  /**
   * A Kubernetes resource name for a Kafka name: lower case, every run of other characters than letters and digits
   * as one '-', at most 63 characters ({@code shiq.trajectories.history} is {@code shiq-trajectories-history}).
   */
  public static String kubernetesName(String name) {
    String n = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    if (n.length() > NAME_LIMIT) {
      n = n.substring(0, NAME_LIMIT - 9).replaceAll("-+$", "") + "-" + hash(name);
    }
    return n;
  }

  /**
   * Resource names for topic names, distinct: a name that two topics would share gets a hash of its topic name
   * appended (Strimzi's {@code spec.topicName} carries the real one).
   */
  static Map<String, String> resourceNames(List<String> topicNames) {
    Map<String, List<String>> byName = new HashMap<>();
    for (String t : topicNames) {
      byName.computeIfAbsent(kubernetesName(t), k -> new ArrayList<>()).add(t);
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String t : topicNames) {
      String n = kubernetesName(t);
      if (n.isEmpty() || byName.get(n).size() > 1) {
        String base = n.length() > NAME_LIMIT - 9 ? n.substring(0, NAME_LIMIT - 9) : n;
        n = (base.isEmpty() ? "topic" : base.replaceAll("-+$", "")) + "-" + hash(t);
      }
      out.put(t, n);
    }
    return out;
  }

  private static String hash(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)))
          .substring(0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
