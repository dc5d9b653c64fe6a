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
import io.shiq.tests.SecureKafka;
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
 * The KafkaUsers of deploy/k8s/strimzi/users.yaml on a broker that enforces them: {@link SecureKafka}, an in-process
 * KRaft broker whose only listener is SASL_SSL with SCRAM-SHA-512 users, Kafka's StandardAuthorizer, and the embedded
 * schema registry over HTTPS with basic auth; each user's ACLs created as Strimzi's user operator would (principal
 * {@code User:<KafkaUser name>}). The roles' own code then runs as its user: the topics job creates the
 * catalog (and an actor cannot), every service's start-up check passes with Describe alone, the learner publishes
 * weights and prunes old chunks, an actor loads them, the learner's transactional producer commits, and the replay
 * buffer and the A/B evaluator (Kafka Streams, exactly-once, internal topics) run. Then every role is refused, with
 * an authorization error naming the topic, each read and write of a catalog topic that its ACLs do not allow.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class RoleAclsBrokerTest {
  private static final String ADMIN = "admin";
  private static final LlamaConfig TINY = new LlamaConfig(64, 172, 2, 8, 4, 512, 256, 10000, 1e-5, false, true,
      LlamaConfig.RopeLayout.PAIRS);
  private static final Topics TOPICS = Topics.withDefaultPrefix();

  private static SecureKafka secure;
  private static String bootstrap;
  private static Map<String, List<AclRule>> users;

  @BeforeAll
  static void startSecuredBroker(@TempDir Path dir) throws Exception {
    users = StrimziAcls.users();
    secure = SecureKafka.start(dir, List.copyOf(users.keySet()), List.of("shiq-actor"));
    bootstrap = secure.bootstrapServers();
    StrimziAcls.create(secure.clients(ADMIN), users);
  }

  @AfterAll
  static void stop() {
    if (secure != null) {
      secure.close();
    }
  }

  /** The client settings of {@code user}: SCRAM-SHA-512 over TLS, and its registry login. */
  private static Map<String, String> client(String user) {
    return secure.clientSettings(user);
  }

  private static KafkaClients clients(String user) {
    return secure.clients(user);
  }

  private record Run(int rc, String out, String err) {}

  /** {@code shiq topics create} as {@code user}, its connection given as options (as a deployment would). */
  private static Run topicsCreate(String user) {
    return topicsCreate(client(user));
  }

  private static Run topicsCreate(Map<String, String> client) {
    List<String> args = new ArrayList<>(List.of("topics", "create", "--bootstrap-servers", bootstrap,
        "--schema-registry-url", secure.registryUrl(), "--connect-timeout", "20"));
    client.forEach((k, v) -> {
      args.add("--kafka-property");
      args.add(k + "=" + v);
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
  @org.junit.jupiter.api.Order(1) // first: it checks that only the topics job can create the catalog
  void eachRoleRunsAsItsKafkaUserAndNoFurther(@TempDir Path state) throws Exception {
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
    KafkaClients learner = clients("shiq-learner");
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
    KafkaClients actor = clients("shiq-actor");
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
    options.putAll(client("shiq-replay"));
    options.put(ReplayConfig.BOOTSTRAP_SERVERS, bootstrap);
    options.put(ReplayConfig.SCHEMA_REGISTRY_URL, secure.registryUrl());
    options.put("state.dir", state.resolve("replay").toString());
    try (ReplayService replay = ReplayService.start(ReplayConfig.from(options))) {
      awaitRunning(replay.streams(), "replay");
      KafkaClients admin = clients(ADMIN);
      awaitTrue("the bad trajectory in " + TOPICS.deadLetters(), () -> !readAll(admin, TOPICS.deadLetters())
          .isEmpty());
      assertEquals(KafkaStreams.State.RUNNING, replay.streams().state());
    }

    // The A/B evaluator (Kafka Streams, exactly-once, a repartition topic and changelogs).
    KafkaClients evaluatorClients = clients("shiq-evaluator");
    try (EvaluatorService evaluator = EvaluatorService.start(evaluatorClients, TOPICS, new EvaluatorService.Settings(
        EvaluatorService.DEFAULT_APPLICATION_ID, true, Duration.ofSeconds(1), state.resolve("ab").toString(),
        Map.of()))) {
      awaitRunning(evaluator.streams(), "evaluator");
      Thread.sleep(2000); // a few commits and evaluations
      assertEquals(KafkaStreams.State.RUNNING, evaluator.streams().state());
    }

    // The importer: reads what was imported, writes history and dead letters; may not write fresh trajectories.
    KafkaClients importer = clients("shiq-importer");
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

  /**
   * Everything a role's ACLs do not allow on the catalog's topics is refused by the broker with an authorization error
   * that names the topic: each write (a producer send) and each read (a fetch after assign()).
   */
  @Test
  @org.junit.jupiter.api.Order(2)
  void eachRoleIsRefusedEverythingElseNamingTheTopic() throws Exception {
    Run job = topicsCreate("shiq-topics");
    assertEquals(0, job.rc(), job.out() + job.err());
    // A wrong password: refused at once, exit code 5 (not authorised), saying what to check, showing no password.
    Map<String, String> wrong = new LinkedHashMap<>(client("shiq-topics"));
    wrong.put("sasl.jaas.config", wrong.get("sasl.jaas.config").replaceAll("password=\"[^\"]*\"",
        "password=\"wrong-pw-0123\""));
    Run refused = topicsCreate(wrong);
    assertEquals(io.shiq.app.cli.ExitCodes.NOT_AUTHORIZED, refused.rc(), refused.out() + refused.err());
    assertTrue(refused.err().contains("refused this process's credentials") && refused.err().contains(bootstrap),
        refused.err());
    assertFalse((refused.out() + refused.err()).contains("wrong-pw-0123"), refused.err());
    List<io.shiq.app.deploy.RoleAcls.Role> roles = io.shiq.app.deploy.RoleAcls.roles(
        io.shiq.app.deploy.RoleAcls.Names.defaults(TOPICS));
    int refusals = 0;
    for (io.shiq.app.deploy.RoleAcls.Role role : roles) {
      if (!List.of("actor", "replay", "learner", "evaluator").contains(role.name())) {
        continue;
      }
      KafkaClients clients = clients("shiq-" + role.name());
      try (KafkaProducer<byte[], byte[]> producer = clients.producer(new ByteArraySerializer(),
               new ByteArraySerializer(), Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000"));
           KafkaConsumer<String, byte[]> consumer = clients.rawConsumer(Map.of(
               ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"))) {
        for (io.shiq.schemas.topic.TopicSpec spec : Topics.ALL) {
          String topic = TOPICS.name(spec);
          if (!role.allows(io.shiq.app.deploy.Acl.ResourceType.TOPIC, topic, io.shiq.app.deploy.Acl.Operation.WRITE)) {
            TopicAuthorizationException e = assertRefused(role.name() + " writes " + topic, () -> producer.send(
                new ProducerRecord<>(topic, new byte[] {1}, new byte[] {1})).get(30, TimeUnit.SECONDS));
            assertTrue(e.unauthorizedTopics().contains(topic) && e.getMessage().contains(topic), role.name()
                + " writing " + topic + ": " + e.getMessage());
            refusals++;
          }
          if (!role.allows(io.shiq.app.deploy.Acl.ResourceType.TOPIC, topic, io.shiq.app.deploy.Acl.Operation.READ)) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            TopicAuthorizationException e = assertRefused(role.name() + " reads " + topic, () -> {
              long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
              while (System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500));
              }
              return null;
            });
            assertTrue(e.unauthorizedTopics().contains(topic) && e.getMessage().contains(topic), role.name()
                + " reading " + topic + ": " + e.getMessage());
            consumer.unsubscribe();
            refusals++;
          }
        }
      }
    }
    // Not a vacuous check: the roles are refused most of the catalog (an actor writes one topic, reads four).
    System.out.println("RoleAclsBrokerTest: " + refusals + " refusals checked");
    assertTrue(refusals > 40, "refusals checked: " + refusals);
  }

  /**
   * Mutual TLS instead of SCRAM: the actor's certificate (CN=shiq-actor) is its principal, so its ACLs apply as they
   * do to its SCRAM login; a client without a certificate is not let in, and says so.
   */
  @Test
  @org.junit.jupiter.api.Order(3)
  void mutualTlsClientsGetTheirRolesAcls() throws Exception {
    KafkaClients actor = secure.tlsClients("shiq-actor");
    assertReadable(actor, TOPICS.policyVersions(), TOPICS.policyWeights());
    try (KafkaProducer<byte[], byte[]> p = actor.producer(new ByteArraySerializer(), new ByteArraySerializer(),
        Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000"))) {
      p.send(new ProducerRecord<>(TOPICS.trajectories(), "mtls".getBytes(StandardCharsets.UTF_8),
          new byte[] {0})).get(30, TimeUnit.SECONDS);
      TopicAuthorizationException e = assertRefused("mTLS actor writes versions", () -> p.send(new ProducerRecord<>(
          TOPICS.policyVersions(), new byte[] {1}, new byte[] {1})).get(30, TimeUnit.SECONDS));
      assertTrue(e.getMessage().contains(TOPICS.policyVersions()), e.getMessage());
    }
    Map<String, String> noCertificate = new LinkedHashMap<>(secure.tlsClientSettings("shiq-actor"));
    noCertificate.keySet().removeIf(k -> k.startsWith("ssl.keystore") || k.equals("ssl.key.password"));
    io.shiq.schemas.kafka.DependencyException refused = assertThrows(io.shiq.schemas.kafka.DependencyException.class,
        () -> io.shiq.schemas.kafka.Dependencies.broker(new KafkaSettings(secure.tlsBootstrapServers(),
            secure.registryUrl(), noCertificate), Duration.ofSeconds(20)));
    assertEquals(io.shiq.schemas.kafka.DependencyException.Kind.NOT_AUTHORIZED, refused.kind(), refused.getMessage());
  }

  private static TopicAuthorizationException assertRefused(String what, java.util.concurrent.Callable<?> op) {
    try {
      op.call();
    } catch (TopicAuthorizationException e) {
      return e;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TopicAuthorizationException t) {
        return t;
      }
      throw new AssertionError(what + ": expected an authorization error, got " + e.getCause(), e);
    } catch (Exception e) {
      throw new AssertionError(what + ": expected an authorization error, got " + e, e);
    }
    throw new AssertionError(what + " was allowed");
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
