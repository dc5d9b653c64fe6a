package io.shiq.tests.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import io.shiq.ab.evaluate.EvaluatorService;
import io.shiq.actor.weights.WeightSubscriber;
import io.shiq.app.ShiqCommand;
import io.shiq.learner.publish.WeightPublisher;
import io.shiq.policy.model.LlamaConfig;
import io.shiq.policy.model.LlamaWeights;
import io.shiq.replay.ReplayConfig;
import io.shiq.replay.ReplayService;
import io.shiq.schemas.kafka.KafkaClients;
import io.shiq.schemas.kafka.KafkaSettings;
import io.shiq.schemas.topic.Topics;
import io.shiq.tests.KafkaExtension;
import io.shiq.tests.TestKafka;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleClusterResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTransactionalIdResource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The KafkaUsers of deploy/k8s/strimzi/users.yaml on a broker that enforces them: an in-process KRaft broker with
 * SASL/PLAIN authentication and Kafka's StandardAuthorizer, each user's ACLs created as Strimzi's user operator would
 * (principal {@code User:<KafkaUser name>}). The roles' own code then runs as its user: the topics job creates the
 * catalog (and an actor cannot), every service's start-up check passes with Describe alone, the learner publishes
 * weights and prunes old chunks, an actor loads them, the learner's transactional producer commits, and the replay
 * buffer and the A/B evaluator (Kafka Streams, exactly-once, internal topics) run. Only the schema registry is the
 * shared test one.
 */
@ExtendWith(KafkaExtension.class)
class RoleAclsBrokerTest {
  private static final String ADMIN = "admin";
  private static final LlamaConfig TINY = new LlamaConfig(64, 172, 2, 8, 4, 512, 256, 10000, 1e-5, false, true,
      LlamaConfig.RopeLayout.PAIRS);
  private static final Topics TOPICS = Topics.withDefaultPrefix();

  private static KafkaRaftServer server;
  private static String bootstrap;
  private static Map<String, List<AclRule>> users;

  @BeforeAll
  static void startSecuredBroker(@TempDir Path dir) throws Exception {
    users = new LinkedHashMap<>();
    for (JsonNode doc : DeployFiles.yamlDocuments(Files.readString(DeployFiles.deploy("k8s/strimzi/users.yaml")))) {
      KafkaUser u = StrimziManifestTest.STRICT.treeToValue(doc, KafkaUser.class);
      users.put(u.getMetadata().getName(), ((KafkaUserAuthorizationSimple) u.getSpec().getAuthorization()).getAcls());
    }
    int port = freePort();
    int controller = freePort();
    StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required "
        + "username=\"" + ADMIN + "\" password=\"" + password(ADMIN) + "\" user_" + ADMIN + "=\"" + password(ADMIN)
        + "\"");
    users.keySet().forEach(u -> jaas.append(" user_").append(u).append("=\"").append(password(u)).append('"'));
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@localhost:" + controller);
    p.put("listeners", "SASL_PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controller);
    p.put("advertised.listeners", "SASL_PLAINTEXT://localhost:" + port);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "SASL_PLAINTEXT");
    p.put("listener.security.protocol.map", "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("sasl.enabled.mechanisms", "PLAIN");
    p.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
    p.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", jaas.append(';').toString());
    p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    // The controller listener is plaintext (principal ANONYMOUS) and internal to this node.
    p.put("super.users", "User:" + ADMIN + ";User:ANONYMOUS");
    p.put("log.dirs", dir.resolve("logs").toString());
    p.put("auto.create.topics.enable", "false");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "3");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "3");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("min.insync.replicas", "1");
    p.put("default.replication.factor", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("message.max.bytes", Integer.toString(2 * 1024 * 1024));
    Path props = dir.resolve("server.properties");
    try (OutputStream out = Files.newOutputStream(props)) {
      p.store(out, null);
    }
    ByteArrayOutputStream formatted = new ByteArrayOutputStream();
    int rc = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", props.toString(),
        "--ignore-formatted"}, new PrintStream(formatted, true, StandardCharsets.UTF_8));
    assertEquals(0, rc, formatted.toString(StandardCharsets.UTF_8));
    server = new KafkaRaftServer(KafkaConfig.fromProps(p, false), Time.SYSTEM);
    server.startup();
    bootstrap = "localhost:" + port;

    List<AclBinding> bindings = new ArrayList<>();
    users.forEach((user, rules) -> rules.forEach(r -> bindings.addAll(bindings(user, r))));
    try (Admin admin = Admin.create(Map.<String, Object>copyOf(client(ADMIN, "http://unused")))) {
      awaitTrue("the secured broker answers", () -> {
        try {
          return !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
        } catch (Exception e) {
          return false;
        }
      });
      admin.createAcls(bindings).all().get(30, TimeUnit.SECONDS);
      awaitTrue("the ACLs are in force", () -> {
        try {
          return admin.describeAcls(org.apache.kafka.common.acl.AclBindingFilter.ANY).values()
              .get(5, TimeUnit.SECONDS).size() == bindings.size();
        } catch (Exception e) {
          return false;
        }
      });
    }
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.shutdown();
      server.awaitShutdown();
    }
  }

  /** What Strimzi's user operator makes of a rule: one Kafka ACL per operation, for {@code User:<name>}. */
  private static List<AclBinding> bindings(String user, AclRule rule) {
    ResourcePattern pattern;
    if (rule.getResource() instanceof AclRuleTopicResource t) {
      pattern = new ResourcePattern(ResourceType.TOPIC, t.getName(), pattern(t.getPatternType()));
    } else if (rule.getResource() instanceof AclRuleGroupResource g) {
      pattern = new ResourcePattern(ResourceType.GROUP, g.getName(), pattern(g.getPatternType()));
    } else if (rule.getResource() instanceof AclRuleTransactionalIdResource x) {
      pattern = new ResourcePattern(ResourceType.TRANSACTIONAL_ID, x.getName(), pattern(x.getPatternType()));
    } else if (rule.getResource() instanceof AclRuleClusterResource) {
      pattern = new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL);
    } else {
      throw new AssertionError("resource " + rule.getResource());
    }
    return rule.getOperations().stream().map(op -> new AclBinding(pattern, new AccessControlEntry("User:" + user,
        "*", org.apache.kafka.common.utils.SecurityUtils.operation(op.toValue()), AclPermissionType.ALLOW))).toList();
  }

  private static PatternType pattern(AclResourcePatternType t) {
    return t == AclResourcePatternType.PREFIX ? PatternType.PREFIXED : PatternType.LITERAL;
  }

  private static String password(String user) {
    return user + "-secret";
  }

  /** The client settings of {@code user}: SASL/PLAIN over plaintext. */
  private static Map<String, String> client(String user, String registryUrl) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("bootstrap.servers", bootstrap);
    m.put("security.protocol", "SASL_PLAINTEXT");
    m.put("sasl.mechanism", "PLAIN");
    m.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user
        + "\" password=\"" + password(user) + "\";");
    return m;
  }

  private static KafkaClients clients(String user, TestKafka kafka) {
    Map<String, String> c = new LinkedHashMap<>(client(user, kafka.registryUrl()));
    c.remove("bootstrap.servers");
    return new KafkaClients(new KafkaSettings(bootstrap, kafka.registryUrl(), c));
  }

  private record Run(int rc, String out, String err) {}

  /** {@code shiq topics create} as {@code user}, its connection given as options (as a deployment would). */
  private static Run topicsCreate(String user) {
    List<String> args = new ArrayList<>(List.of("topics", "create", "--bootstrap-servers", bootstrap));
    client(user, "").forEach((k, v) -> {
      if (!k.equals("bootstrap.servers")) {
        args.add("--kafka-property");
        args.add(k + "=" + v);
      }
    });
    PrintStream savedOut = System.out;
    PrintStream savedErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      var cl = ShiqCommand.commandLine();
      cl.setErr(new PrintWriter(System.err, true));
      int rc = cl.execute(args.toArray(new String[0]));
      return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(savedOut);
      System.setErr(savedErr);
    }
  }

  private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out: " + what);
      Thread.sleep(100);
    }
  }

  @Test
  void eachRoleRunsAsItsKafkaUserAndNoFurther(TestKafka kafka, @TempDir Path state) throws Exception {
    // The topics job creates the catalog; an actor cannot.
    Run refused = topicsCreate("shiq-actor");
    assertNotEquals(0, refused.rc(), "an actor may not create topics:\n" + refused.out() + refused.err());
    Run job = topicsCreate("shiq-topics");
    assertEquals(0, job.rc(), job.out() + job.err());
    assertTrue(job.out().contains(Topics.ALL.size() + " created, 0 existed"), job.out());
    // Every service starts with TopicAdmin.ensureAll: with the catalog there, Describe suffices.
    for (String user : users.keySet()) {
      Run r = topicsCreate(user);
      assertEquals(0, r.rc(), user + ":\n" + r.out() + r.err());
      assertTrue(r.out().contains("0 created, " + Topics.ALL.size() + " existed"), user + ":\n" + r.out());
    }

    // The learner publishes weights (chunks, announcement) and prunes the older version's chunks (DeleteRecords).
    KafkaClients learner = clients("shiq-learner", kafka);
    try (KafkaProducer<String, org.apache.avro.specific.SpecificRecord> producer = learner.avroProducer(Map.of(
             ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(2 * 1024 * 1024)));
         Admin admin = learner.admin();
         LlamaWeights v1 = LlamaWeights.random(TINY, 1, Device.cpu());
         LlamaWeights v2 = LlamaWeights.random(TINY, 2, Device.cpu())) {
      WeightPublisher publisher = new WeightPublisher(producer, admin, TOPICS, 64 * 1024, 1);
      publisher.publish("main", 1, 1, v1, "shiq", null);
      publisher.publish("main", 2, 2, v2, "shiq", 1L);
    }
    // Its step outputs: one transaction over priorities and metrics, with its transactional id (StepOutputs).
    try (KafkaProducer<byte[], byte[]> tx = learner.producer(new ByteArraySerializer(), new ByteArraySerializer(),
        Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "shiq-learner-acl-test"))) {
      tx.initTransactions();
      tx.beginTransaction();
      tx.send(new ProducerRecord<>(TOPICS.replayPriorities(), new byte[] {1}, new byte[] {1}));
      tx.send(new ProducerRecord<>(TOPICS.learnerMetrics(), new byte[] {1}, new byte[] {1}));
      tx.commitTransaction();
    }
    // Its reads: batches and its own metrics, by assign() (BatchReader, KafkaTail).
    assertReadable(learner, TOPICS.replayBatches(), TOPICS.learnerMetrics(), TOPICS.policyVersions());

    // An actor loads the announced version (versions and weights), writes trajectories, and may not announce.
    KafkaClients actor = clients("shiq-actor", kafka);
    try (WeightSubscriber sub = new WeightSubscriber(actor, TOPICS, "main", -1, Device.cpu())) {
      WeightSubscriber.Loaded loaded = sub.poll(Duration.ofSeconds(30)).orElseThrow();
      assertEquals(2, loaded.announcement().getVersion());
      loaded.weights().close();
    }
    assertReadable(actor, TOPICS.experiments(), TOPICS.learnerMetrics());
    try (KafkaProducer<byte[], byte[]> p = actor.producer(new ByteArraySerializer(), new ByteArraySerializer(),
        Map.of())) {
      // Not a trajectory: the replay buffer must dead-letter it (below).
      p.send(new ProducerRecord<>(TOPICS.trajectories(), "bad".getBytes(StandardCharsets.UTF_8),
          "not avro".getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
      ExecutionException e = assertThrows(ExecutionException.class, () -> p.send(new ProducerRecord<>(
          TOPICS.policyVersions(), new byte[] {1}, new byte[] {1})).get(30, TimeUnit.SECONDS));
      assertTrue(e.getCause() instanceof TopicAuthorizationException, e.toString());
    }

    // The replay buffer (Kafka Streams, exactly-once): internal topics, group, transactions; the bad record goes to
    // the dead letters in a committed transaction.
    Properties options = new Properties();
    options.putAll(client("shiq-replay", kafka.registryUrl()));
    options.put(ReplayConfig.SCHEMA_REGISTRY_URL, kafka.registryUrl());
    options.put("state.dir", state.resolve("replay").toString());
    try (ReplayService replay = ReplayService.start(ReplayConfig.from(options))) {
      awaitRunning(replay.streams(), "replay");
      KafkaClients admin = clients(ADMIN, kafka);
      awaitTrue("the bad trajectory in " + TOPICS.deadLetters(), () -> !readAll(admin, TOPICS.deadLetters())
          .isEmpty());
      assertEquals(KafkaStreams.State.RUNNING, replay.streams().state());
    }

    // The A/B evaluator (Kafka Streams, exactly-once, a repartition topic and changelogs).
    KafkaClients evaluatorClients = clients("shiq-evaluator", kafka);
    try (EvaluatorService evaluator = EvaluatorService.start(evaluatorClients, TOPICS, new EvaluatorService.Settings(
        EvaluatorService.DEFAULT_APPLICATION_ID, true, Duration.ofSeconds(1), state.resolve("ab").toString(),
        Map.of()))) {
      awaitRunning(evaluator.streams(), "evaluator");
      Thread.sleep(2000); // a few commits and evaluations
      assertEquals(KafkaStreams.State.RUNNING, evaluator.streams().state());
    }

    // The importer: reads what was imported, writes history and dead letters; may not write fresh trajectories.
    KafkaClients importer = clients("shiq-importer", kafka);
    assertReadable(importer, TOPICS.trajectoriesHistory());
    try (KafkaProducer<byte[], byte[]> p = importer.producer(new ByteArraySerializer(), new ByteArraySerializer(),
        Map.of())) {
      p.send(new ProducerRecord<>(TOPICS.trajectoriesHistory(), new byte[] {1}, new byte[] {1})).get(30,
          TimeUnit.SECONDS);
      p.send(new ProducerRecord<>(TOPICS.deadLetters(), new byte[] {1}, new byte[] {1})).get(30, TimeUnit.SECONDS);
      ExecutionException e = assertThrows(ExecutionException.class, () -> p.send(new ProducerRecord<>(
          TOPICS.trajectories(), new byte[] {1}, new byte[] {1})).get(30, TimeUnit.SECONDS));
      assertTrue(e.getCause() instanceof TopicAuthorizationException, e.toString());
    }
  }

  private static void awaitRunning(KafkaStreams streams, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (streams.state() != KafkaStreams.State.RUNNING) {
      assertFalse(streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State
          .PENDING_ERROR, what + " failed (see the log: an authorization error?)");
      assertTrue(System.nanoTime() < deadline, what + " not running after 90 s: " + streams.state());
      Thread.sleep(100);
    }
  }

  /** Reads {@code topics} from the start by assign(), as shiq's consumers do; fails on an authorization error. */
  private static void assertReadable(KafkaClients clients, String... topics) {
    for (String topic : topics) {
      readAll(clients, topic);
    }
  }

  private static List<ConsumerRecord<String, byte[]>> readAll(KafkaClients clients, String topic) {
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c = clients.rawConsumer(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG,
        "read_committed", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"))) {
      List<TopicPartition> parts = c.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      c.assign(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }
}
