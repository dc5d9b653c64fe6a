package io.shiq.tests.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.client.CustomResource;
import io.shiq.ab.evaluate.EvaluatorService;
import io.shiq.ab.evaluate.EvaluatorTopology;
import io.shiq.app.ShiqCommand;
import io.shiq.replay.ReplayConfig;
import io.shiq.replay.topology.ReplayTopology;
import io.shiq.schemas.registry.SchemaRegistryClient;
import io.shiq.schemas.topic.TopicSpec;
import io.shiq.schemas.topic.Topics;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.KafkaAuthorizationSimple;
import io.strimzi.api.kafka.model.kafka.PersistentClaimStorage;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListener;
import io.strimzi.api.kafka.model.kafka.listener.KafkaListenerAuthenticationScramSha512;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.nodepool.ProcessRoles;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.KafkaUserScramSha512ClientAuthentication;
import io.strimzi.api.kafka.model.user.KafkaUserTlsClientAuthentication;
import io.strimzi.api.kafka.model.user.acl.AclOperation;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleClusterResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTransactionalIdResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

/**
 * The Strimzi manifests of deploy/k8s/strimzi/: exactly what {@code shiq topics manifest} writes (so the files and the
 * code cannot drift apart), valid for Strimzi's own typed model (an unknown or misspelt field fails), the topics equal
 * to the catalog, and every role's KafkaUser allowing what the role's code does on Kafka and no more than that on the
 * announcements that steer the actors.
 */
class StrimziManifestTest {
  private static final String CURRENT = "kafka.strimzi.io/v1beta2";
  private static final Topics TOPICS = Topics.withDefaultPrefix();
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  /** Each committed file and the arguments of the command that writes it. */
  private static final Map<String, List<String>> FILES = new LinkedHashMap<>();

  static {
    FILES.put("k8s/strimzi/kafka.yaml", List.of("topics", "manifest", "--format", "strimzi", "--cluster-resources",
        "--no-topics"));
    FILES.put("k8s/strimzi/topics.yaml", List.of("topics", "manifest", "--format", "strimzi"));
    FILES.put("k8s/strimzi/users.yaml", List.of("topics", "manifest", "--format", "strimzi", "--users",
        "--no-topics"));
  }

  /**
   * Jackson as strict as a CRD's structural schema: Strimzi's and fabric8's classes keep unknown fields in an "any
   * setter" map (so FAIL_ON_UNKNOWN_PROPERTIES alone would never fire); without it, an unknown field fails.
   */
  static final ObjectMapper STRICT = new ObjectMapper(new YAMLFactory()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION))
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
      .registerModule(new SimpleModule("no-any-setter").setDeserializerModifier(new BeanDeserializerModifier() {
        @Override
        public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription description,
                                                     BeanDeserializerBuilder builder) {
          builder.setAnySetter(null);
          return builder;
        }
      }));

  /** Writes every property, defaults included (Strimzi's classes leave out false and null ones). */
  private static final ObjectMapper EVERY_FIELD = new ObjectMapper().setAnnotationIntrospector(
      new JacksonAnnotationIntrospector() {
        @Override
        public JsonInclude.Value findPropertyInclusion(Annotated a) {
          return JsonInclude.Value.construct(JsonInclude.Include.ALWAYS, JsonInclude.Include.ALWAYS);
        }
      });

  private static final Map<String, Class<? extends CustomResource<?, ?>>> KINDS = Map.of(
      "Kafka", Kafka.class, "KafkaNodePool", KafkaNodePool.class, "KafkaTopic", KafkaTopic.class,
      "KafkaUser", KafkaUser.class);

  static String run(List<String> args) {
    PrintStream saved = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      int rc = ShiqCommand.commandLine().execute(args.toArray(new String[0]));
      assertEquals(0, rc, "exit code of shiq " + String.join(" ", args) + "\n" + out);
    } finally {
      System.setOut(saved);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String committed(String file) throws Exception {
    Path p = DeployFiles.deploy(file);
    assertTrue(Files.isRegularFile(p), "deploy/" + file + " is missing; write it with ./shiq "
        + String.join(" ", FILES.get(file)) + " > deploy/" + file);
    return Files.readString(p);
  }

  @Test
  void committedManifestsAreTheCommandsOutput() throws Exception {
    for (Map.Entry<String, List<String>> e : FILES.entrySet()) {
      String generated = run(e.getValue());
      String file = committed(e.getKey());
      String regenerate = "./shiq " + String.join(" ", e.getValue()) + " > deploy/" + e.getKey();
      assertTrue(generated.startsWith("# Generated by: shiq " + String.join(" ", e.getValue()) + "\n"),
          "the first line names the command: " + generated.lines().findFirst().orElse(""));
      if (!generated.equals(file)) {
        List<String> a = file.lines().toList();
        List<String> b = generated.lines().toList();
        int i = 0;
        while (i < Math.min(a.size(), b.size()) && a.get(i).equals(b.get(i))) {
          i++;
        }
        fail("deploy/" + e.getKey() + " is not what the code generates (the topic catalog or the role ACLs "
            + "changed?); regenerate it with\n  " + regenerate + "\nfirst difference at line " + (i + 1)
            + ":\n  file:      " + (i < a.size() ? a.get(i) : "(end)")
            + "\n  generated: " + (i < b.size() ? b.get(i) : "(end)"));
      }
    }
  }

  @Test
  void everyDocumentLoadsIntoStrimzisModelWithNoUnknownField() throws Exception {
    int loaded = 0;
    for (String file : FILES.keySet()) {
      for (JsonNode doc : DeployFiles.yamlDocuments(committed(file))) {
        load(file, doc);
        loaded++;
      }
    }
    assertEquals(2 + Topics.ALL.size() + 7, loaded, "Kafka + node pool, a topic per catalog topic, a user per role");
    // Other options give valid resources too.
    for (JsonNode doc : DeployFiles.yamlDocuments(run(List.of("topics", "manifest", "--users", "--cluster-resources",
        "--authentication", "tls", "--namespace", "ml", "--replicas", "1", "--cluster", "other", "--topic-prefix",
        "Team_A.", "--storage-size", "20Gi")))) {
      CustomResource<?, ?> r = load("--authentication tls ...", doc);
      assertEquals("ml", r.getMetadata().getNamespace());
    }
  }

  @Test
  void theStrictLoaderRejectsMisspeltAndUnknownFields() throws Exception {
    JsonNode topic = DeployFiles.yamlDocuments(committed("k8s/strimzi/topics.yaml")).get(0);
    ObjectNode misspelt = topic.deepCopy();
    ((ObjectNode) misspelt.get("spec")).set("partitons", ((ObjectNode) misspelt.get("spec")).remove("partitions"));
    assertThrows(Exception.class, () -> STRICT.treeToValue(misspelt, KafkaTopic.class));
    ObjectNode meta = topic.deepCopy();
    ((ObjectNode) meta.get("metadata")).set("lables", ((ObjectNode) meta.get("metadata")).remove("labels"));
    assertThrows(Exception.class, () -> STRICT.treeToValue(meta, KafkaTopic.class));
    JsonNode user = DeployFiles.yamlDocuments(committed("k8s/strimzi/users.yaml")).get(0);
    ObjectNode badOperation = user.deepCopy();
    ((ObjectNode) badOperation.at("/spec/authorization/acls/0")).putArray("operations").add("Raed");
    assertThrows(AssertionError.class, () -> load("misspelt operation", badOperation));
  }

  /** Loads {@code doc} into its Strimzi class; everything it says must come back when the object is written. */
  private static CustomResource<?, ?> load(String where, JsonNode doc) throws Exception {
    String kind = doc.path("kind").asText();
    Class<? extends CustomResource<?, ?>> type = KINDS.get(kind);
    assertNotNull(type, where + ": unexpected kind '" + kind + "'");
    assertEquals(CURRENT, doc.path("apiVersion").asText(), where + ": " + kind);
    @SuppressWarnings("unchecked")
    List<String> versions = (List<String>) type.getField("VERSIONS").get(null);
    assertTrue(versions.contains(CURRENT.substring(CURRENT.indexOf('/') + 1)), kind + " is served as " + versions);
    CustomResource<?, ?> resource;
    try {
      resource = STRICT.treeToValue(doc, type);
    } catch (Exception e) {
      throw new AssertionError(where + ": " + kind + " " + doc.at("/metadata/name").asText()
          + " does not load into " + type.getName() + ": " + e.getMessage(), e);
    }
    // (The class writes its own storage version as apiVersion: the served versions are checked above.)
    ObjectNode content = doc.deepCopy();
    content.remove("apiVersion");
    assertContained(where + " " + kind + " " + resource.getMetadata().getName(), content,
        EVERY_FIELD.valueToTree(resource), "");
    assertTrue(DNS_LABEL.matcher(resource.getMetadata().getName()).matches()
            && resource.getMetadata().getName().length() <= 63,
        where + ": metadata.name '" + resource.getMetadata().getName() + "' is not a Kubernetes name");
    return resource;
  }

  /** Every field of {@code expected} is in {@code actual} with the same value (a dropped or nulled value fails). */
  private static void assertContained(String where, JsonNode expected, JsonNode actual, String path) {
    if (expected.isObject()) {
      assertTrue(actual != null && actual.isObject(), where + ": " + path + " is not an object after loading");
      for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        assertContained(where, e.getValue(), actual.get(e.getKey()), path + "/" + e.getKey());
      }
    } else if (expected.isArray()) {
      assertTrue(actual != null && actual.isArray() && actual.size() == expected.size(),
          where + ": " + path + " lost items when loaded: " + actual);
      for (int i = 0; i < expected.size(); i++) {
        assertContained(where, expected.get(i), actual.get(i), path + "/" + i);
      }
    } else {
      assertTrue(actual != null && !actual.isNull(), where + ": " + path + " = " + expected
          + " is lost when loaded (an unknown value?)");
      assertEquals(expected.isNumber() ? expected.decimalValue().stripTrailingZeros().toPlainString()
          : expected.asText(), actual.isNumber() ? actual.decimalValue().stripTrailingZeros().toPlainString()
          : actual.asText(), where + ": " + path);
    }
  }

  private static <T> List<T> resources(String file, Class<T> type) throws Exception {
    List<T> out = new ArrayList<>();
    for (JsonNode doc : DeployFiles.yamlDocuments(committed(file))) {
      if (doc.path("kind").asText().equals(type.getSimpleName())) {
        out.add(STRICT.treeToValue(doc, type));
      }
    }
    return out;
  }

  @Test
  void theKafkaTopicsAreTheCatalog() throws Exception {
    Map<String, KafkaTopic> byName = new LinkedHashMap<>();
    for (KafkaTopic t : resources("k8s/strimzi/topics.yaml", KafkaTopic.class)) {
      String name = t.getSpec().getTopicName() != null ? t.getSpec().getTopicName() : t.getMetadata().getName();
      assertEquals("shiq", t.getMetadata().getLabels().get("strimzi.io/cluster"), name);
      assertFalse(byName.containsKey(name), "two KafkaTopics for " + name);
      byName.put(name, t);
    }
    List<String> catalog = Topics.ALL.stream().map(TOPICS::name).toList();
    assertEquals(catalog, List.copyOf(byName.keySet()), "one KafkaTopic per catalog topic, in catalog order");
    for (TopicSpec spec : Topics.ALL) {
      KafkaTopic t = byName.get(TOPICS.name(spec));
      assertEquals(spec.partitions(), (int) t.getSpec().getPartitions(), spec.role());
      assertEquals(3, (int) t.getSpec().getReplicas(), spec.role());
      Map<String, Object> config = t.getSpec().getConfig();
      spec.configs().forEach((k, v) -> assertEquals(v, String.valueOf(config.get(k)), spec.role() + " " + k));
      assertEquals(spec.compacted() ? "compact" : "delete", config.get("cleanup.policy"), spec.role());
      if (!spec.compacted()) {
        assertEquals(spec.retentionMs(), ((Number) config.get("retention.ms")).longValue(), spec.role());
      }
      assertEquals(2, ((Number) config.get("min.insync.replicas")).intValue(), spec.role());
    }
  }

  @Test
  void theClusterIsKraftWithScramListenersSimpleAuthorizationAndOperators() throws Exception {
    Kafka kafka = resources("k8s/strimzi/kafka.yaml", Kafka.class).get(0);
    assertEquals("shiq", kafka.getMetadata().getName());
    assertEquals("enabled", kafka.getMetadata().getAnnotations().get("strimzi.io/kraft"));
    assertEquals("enabled", kafka.getMetadata().getAnnotations().get("strimzi.io/node-pools"));
    Map<Integer, GenericKafkaListener> listeners = new LinkedHashMap<>();
    kafka.getSpec().getKafka().getListeners().forEach(l -> listeners.put(l.getPort(), l));
    assertEquals(Set.of(9092, 9093), listeners.keySet());
    assertFalse(listeners.get(9092).isTls());
    assertTrue(listeners.get(9093).isTls());
    listeners.values().forEach(l -> assertTrue(l.getAuth() instanceof KafkaListenerAuthenticationScramSha512,
        l.getName() + " authenticates with SCRAM-SHA-512"));
    assertTrue(kafka.getSpec().getKafka().getAuthorization() instanceof KafkaAuthorizationSimple);
    assertNotNull(kafka.getSpec().getEntityOperator().getTopicOperator(), "topic operator (KafkaTopics)");
    assertNotNull(kafka.getSpec().getEntityOperator().getUserOperator(), "user operator (KafkaUsers)");
    Map<String, Object> config = kafka.getSpec().getKafka().getConfig();
    for (String rf : List.of("offsets.topic.replication.factor", "transaction.state.log.replication.factor",
        "default.replication.factor")) {
      assertEquals(3, ((Number) config.get(rf)).intValue(), rf);
    }

    KafkaNodePool pool = resources("k8s/strimzi/kafka.yaml", KafkaNodePool.class).get(0);
    assertEquals("shiq", pool.getMetadata().getLabels().get("strimzi.io/cluster"));
    assertEquals(3, pool.getSpec().getReplicas());
    assertEquals(Set.of(ProcessRoles.CONTROLLER, ProcessRoles.BROKER), Set.copyOf(pool.getSpec().getRoles()));
    assertTrue(pool.getSpec().getStorage() instanceof PersistentClaimStorage);
  }

  // ---- ACLs -------------------------------------------------------------------------------------------------

  private enum Type { TOPIC, GROUP, TRANSACTIONAL_ID, CLUSTER }

  private static Map<String, List<AclRule>> usersAcls() throws Exception {
    Map<String, List<AclRule>> out = new LinkedHashMap<>();
    for (KafkaUser u : resources("k8s/strimzi/users.yaml", KafkaUser.class)) {
      assertEquals("shiq", u.getMetadata().getLabels().get("strimzi.io/cluster"));
      assertTrue(u.getSpec().getAuthentication() instanceof KafkaUserScramSha512ClientAuthentication,
          u.getMetadata().getName());
      KafkaUserAuthorizationSimple auth = (KafkaUserAuthorizationSimple) u.getSpec().getAuthorization();
      for (AclRule r : auth.getAcls()) {
        assertTrue(r.getType() == null || r.getType() == AclRuleType.ALLOW, "allow rules only");
        assertFalse(r.getOperations() == null || r.getOperations().isEmpty() || r.getOperations().contains(null),
            u.getMetadata().getName() + ": operations " + r.getOperations());
      }
      out.put(u.getMetadata().getName(), auth.getAcls());
    }
    return out;
  }

  /** Kafka's authorizer, independently of the generator: literal or prefix match, All and implied Describe. */
  private static boolean allows(List<AclRule> rules, Type type, String name, AclOperation op) {
    for (AclRule r : rules) {
      String resource;
      AclResourcePatternType pattern;
      if (r.getResource() instanceof AclRuleTopicResource t && type == Type.TOPIC) {
        resource = t.getName();
        pattern = t.getPatternType();
      } else if (r.getResource() instanceof AclRuleGroupResource g && type == Type.GROUP) {
        resource = g.getName();
        pattern = g.getPatternType();
      } else if (r.getResource() instanceof AclRuleTransactionalIdResource x && type == Type.TRANSACTIONAL_ID) {
        resource = x.getName();
        pattern = x.getPatternType();
      } else if (r.getResource() instanceof AclRuleClusterResource && type == Type.CLUSTER) {
        resource = "*";
        pattern = AclResourcePatternType.LITERAL;
      } else {
        continue;
      }
      boolean matches = pattern == AclResourcePatternType.PREFIX ? name.startsWith(resource)
          : resource.equals("*") || resource.equals(name);
      List<AclOperation> ops = r.getOperations();
      boolean granted = ops.contains(AclOperation.ALL) || ops.contains(op)
          || op == AclOperation.DESCRIBE && (ops.contains(AclOperation.READ) || ops.contains(AclOperation.WRITE)
              || ops.contains(AclOperation.DELETE) || ops.contains(AclOperation.ALTER))
          || op == AclOperation.DESCRIBECONFIGS && ops.contains(AclOperation.ALTERCONFIGS);
      if (matches && granted) {
        return true;
      }
    }
    return false;
  }

  private static void assertAllowed(Map<String, List<AclRule>> users, String role, Type type, String name,
                                    AclOperation... ops) {
    List<AclRule> rules = users.get("shiq-" + role);
    assertNotNull(rules, "no KafkaUser shiq-" + role + " in deploy/k8s/strimzi/users.yaml (users: " + users.keySet()
        + ")");
    for (AclOperation op : ops) {
      assertTrue(allows(rules, type, name, op), "role " + role + " may not " + op + " " + type + " " + name);
    }
  }

  private static void assertTopic(Map<String, List<AclRule>> users, String role, AclOperation op, String... topics) {
    for (String t : topics) {
      assertAllowed(users, role, Type.TOPIC, t, op);
    }
  }

  @Test
  void everyRoleMayDoWhatItsCodeDoes() throws Exception {
    Map<String, List<AclRule>> users = usersAcls();
    for (String role : DeployFiles.roleArgs().keySet()) {
      assertTrue(users.containsKey("shiq-" + role), "deploy/roles.yaml role " + role + " has a KafkaUser");
    }
    // Every role starts with TopicAdmin.ensureAll, which lists the whole catalog.
    for (String user : users.keySet()) {
      for (TopicSpec spec : Topics.ALL) {
        assertAllowed(users, user.substring("shiq-".length()), Type.TOPIC, TOPICS.name(spec), AclOperation.DESCRIBE);
      }
    }
    for (TopicSpec spec : Topics.ALL) {
      assertAllowed(users, "topics", Type.TOPIC, TOPICS.name(spec), AclOperation.CREATE,
          AclOperation.DESCRIBECONFIGS);
    }

    assertTopic(users, "actor", AclOperation.WRITE, TOPICS.trajectories());
    assertTopic(users, "actor", AclOperation.READ, TOPICS.policyVersions(), TOPICS.policyWeights(),
        TOPICS.experiments(), TOPICS.learnerMetrics());

    assertTopic(users, "learner", AclOperation.READ, TOPICS.replayBatches(), TOPICS.policyVersions(),
        TOPICS.learnerMetrics());
    assertTopic(users, "learner", AclOperation.WRITE, TOPICS.policyVersions(), TOPICS.policyWeights(),
        TOPICS.replayPriorities(), TOPICS.learnerMetrics(), TOPICS.deadLetters());
    assertTopic(users, "learner", AclOperation.DELETE, TOPICS.policyWeights()); // WeightPublisher.deleteRecords
    assertAllowed(users, "learner", Type.TRANSACTIONAL_ID, "shiq-learner-learner", AclOperation.WRITE,
        AclOperation.DESCRIBE); // StepOutputs: "shiq-learner-" + the default --learner-id

    assertTopic(users, "importer", AclOperation.READ, TOPICS.trajectoriesHistory());
    assertTopic(users, "importer", AclOperation.WRITE, TOPICS.trajectoriesHistory(), TOPICS.deadLetters());

    assertTopic(users, "ab", AclOperation.WRITE, TOPICS.experiments());
    assertTopic(users, "ab", AclOperation.READ, TOPICS.experiments(), TOPICS.evalResults(),
        TOPICS.experimentDecisions());
  }

  /**
   * The two Kafka Streams roles against their real topologies: every source and global-store topic readable, every
   * sink writable, the internal topics (changelogs of the stores, repartition topics) creatable and usable, the
   * consumer group and exactly-once transactional ids of the application id.
   */
  @Test
  void theStreamsRolesCoverTheirTopologies() throws Exception {
    Map<String, List<AclRule>> users = usersAcls();
    SchemaRegistryClient registry = new SchemaRegistryClient("http://localhost:1");
    String replayId = ReplayConfig.OPTIONS.get("application.id")[0];
    Properties replayOptions = new Properties();
    replayOptions.put(ReplayConfig.BOOTSTRAP_SERVERS, "localhost:1");
    replayOptions.put(ReplayConfig.SCHEMA_REGISTRY_URL, "http://localhost:1");
    checkStreamsRole(users, "replay", replayId, ReplayTopology.build(ReplayConfig.from(replayOptions), registry),
        List.of());
    // The evaluator's sink picks the topic per record (eval.results, experiments.decisions, rollbacks to
    // policy.versions, experiment status to experiments): EvaluatorProcessor.
    checkStreamsRole(users, "evaluator", EvaluatorService.DEFAULT_APPLICATION_ID, EvaluatorTopology.build(TOPICS,
        registry, true, Duration.ofSeconds(2)), List.of(TOPICS.evalResults(), TOPICS.experimentDecisions(),
        TOPICS.policyVersions(), TOPICS.experiments()));
  }

  private static void checkStreamsRole(Map<String, List<AclRule>> users, String role, String applicationId,
                                        Topology topology, List<String> dynamicSinks) {
    Set<String> catalog = new HashSet<>(Topics.ALL.stream().map(TOPICS::name).toList());
    Set<String> read = new HashSet<>();
    Set<String> written = new HashSet<>(dynamicSinks);
    Set<String> internal = new HashSet<>();
    TopologyDescription d = topology.describe();
    for (TopologyDescription.Subtopology s : d.subtopologies()) {
      for (TopologyDescription.Node n : s.nodes()) {
        if (n instanceof TopologyDescription.Source src) {
          read.addAll(src.topicSet());
        } else if (n instanceof TopologyDescription.Sink sink && sink.topic() != null) {
          written.add(sink.topic());
        } else if (n instanceof TopologyDescription.Processor p) {
          p.stores().forEach(store -> internal.add(store + "-changelog"));
        }
      }
    }
    for (TopologyDescription.GlobalStore g : d.globalStores()) {
      read.addAll(g.source().topicSet());
    }
    for (Set<String> topics : List.of(read, written)) {
      topics.stream().filter(t -> !catalog.contains(t)).forEach(internal::add); // repartition topics
      topics.removeIf(t -> !catalog.contains(t));
    }
    assertFalse(read.isEmpty() || written.isEmpty() || internal.isEmpty(), role + ": " + d);
    read.forEach(t -> assertTopic(users, role, AclOperation.READ, t));
    written.forEach(t -> assertTopic(users, role, AclOperation.WRITE, t));
    for (String t : internal) {
      assertAllowed(users, role, Type.TOPIC, applicationId + "-" + t, AclOperation.CREATE, AclOperation.READ,
          AclOperation.WRITE, AclOperation.DELETE, AclOperation.DESCRIBE, AclOperation.DESCRIBECONFIGS);
    }
    assertAllowed(users, role, Type.GROUP, applicationId, AclOperation.READ);
    assertAllowed(users, role, Type.TRANSACTIONAL_ID, applicationId + "-" + UUID.randomUUID() + "-1",
        AclOperation.WRITE, AclOperation.DESCRIBE);
  }

  @Test
  void onlyTheLearnerAndTheEvaluatorAnnouncePolicyVersions() throws Exception {
    Map<String, List<AclRule>> users = usersAcls();
    for (Map.Entry<String, List<AclRule>> u : users.entrySet()) {
      boolean writes = allows(u.getValue(), Type.TOPIC, TOPICS.policyVersions(), AclOperation.WRITE);
      assertEquals(Set.of("shiq-learner", "shiq-evaluator").contains(u.getKey()), writes,
          u.getKey() + (writes ? " may" : " may not") + " write " + TOPICS.policyVersions());
      for (TopicSpec spec : Topics.ALL) {
        String t = TOPICS.name(spec);
        assertEquals(u.getKey().equals("shiq-topics"), allows(u.getValue(), Type.TOPIC, t, AclOperation.CREATE),
            u.getKey() + " creating " + t + ": only the topics job creates catalog topics");
        assertEquals(u.getKey().equals("shiq-learner") && t.equals(TOPICS.policyWeights()),
            allows(u.getValue(), Type.TOPIC, t, AclOperation.DELETE), u.getKey() + " deleting records of " + t);
        assertFalse(allows(u.getValue(), Type.TOPIC, t, AclOperation.ALTERCONFIGS), u.getKey() + " altering " + t);
      }
      for (AclOperation op : AclOperation.values()) {
        assertFalse(allows(u.getValue(), Type.CLUSTER, "kafka-cluster", op), u.getKey() + ": no cluster rights");
        assertFalse(allows(u.getValue(), Type.TOPIC, "some-other-application.topic", op),
            u.getKey() + ": nothing outside shiq's names");
      }
    }
  }

  @Test
  void otherOptionsChangeNamesAuthenticationAndReplicas() throws Exception {
    String out = run(List.of("topics", "manifest", "--users", "--topic-prefix", "team.shiq.", "--authentication",
        "tls", "--replicas", "1", "--replay-application-id", "team-replay"));
    assertTrue(out.startsWith("# Generated by: shiq topics manifest --format strimzi --topic-prefix team.shiq. "
        + "--users --replicas 1 --authentication tls --replay-application-id team-replay\n"), out);
    Map<String, KafkaUser> users = new LinkedHashMap<>();
    for (JsonNode doc : DeployFiles.yamlDocuments(out)) {
      if (doc.path("kind").asText().equals("KafkaTopic")) {
        KafkaTopic t = STRICT.treeToValue(doc, KafkaTopic.class);
        assertTrue(t.getSpec().getTopicName().startsWith("team.shiq."), t.getSpec().getTopicName());
        assertEquals(1, (int) t.getSpec().getReplicas());
        assertFalse(t.getSpec().getConfig().containsKey("min.insync.replicas"), "one replica: no min.insync");
      } else {
        KafkaUser u = STRICT.treeToValue(doc, KafkaUser.class);
        assertTrue(u.getSpec().getAuthentication() instanceof KafkaUserTlsClientAuthentication);
        users.put(u.getMetadata().getName(), u);
      }
    }
    assertTrue(users.containsKey("team-shiq-replay"), users.keySet().toString());
    List<AclRule> replay = ((KafkaUserAuthorizationSimple) users.get("team-shiq-replay").getSpec()
        .getAuthorization()).getAcls();
    assertTrue(allows(replay, Type.TOPIC, "team.shiq.trajectories", AclOperation.READ));
    assertFalse(allows(replay, Type.TOPIC, "shiq.trajectories", AclOperation.READ));
    assertTrue(allows(replay, Type.GROUP, "team-replay", AclOperation.READ));

    String plain = run(List.of("topics", "manifest", "--format", "plain", "--users"));
    for (TopicSpec spec : Topics.ALL) {
      assertTrue(plain.contains("--create --if-not-exists --topic " + TOPICS.name(spec) + " --partitions "
          + spec.partitions() + " "), spec.role() + " in\n" + plain);
    }
    assertTrue(plain.contains("--add --allow-principal User:shiq-learner --operation Write --operation Delete "
        + "--topic 'shiq.policy.weights' --resource-pattern-type literal"), plain);
  }
}
