package io.shiq.tests.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.avro.Trajectory;
import io.shiq.schemas.kafka.KafkaClients;
import io.shiq.schemas.topic.Topics;
import io.shiq.tests.RoleProcesses;
import io.shiq.tests.SecureKafka;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The roles of deploy/roles.yaml as separate processes, exactly as deployed, against a secured cluster
 * ({@link SecureKafka}: SASL_SSL with SCRAM-SHA-512, ACLs of deploy/k8s/strimzi/users.yaml, the registry over HTTPS
 * with basic auth). Each role gets its credentials the way a deployment gives them: a properties file named by
 * SHIQ_KAFKA_CONFIG ({@code --kafka-config}) with its Kafka and registry settings. The loop runs (the learner trains
 * on what the actor generated and the actor serves the learner's version), and no password of any user appears in
 * any process's output, logged with Kafka's client configuration dumps and shiq's debug logging on, nor on any
 * metrics endpoint.
 */
class SecureRolesTest {
  private static final Topics TOPICS = Topics.withDefaultPrefix(); // the users' ACLs are on the default prefix

  @Test
  void everyRoleRunsOnASecuredClusterAndNoSecretLeaks(@TempDir Path dir) throws Exception {
    Map<String, List<io.strimzi.api.kafka.model.user.acl.AclRule>> users = StrimziAcls.users();
    try (SecureKafka secure = SecureKafka.start(dir.resolve("kafka"), List.copyOf(users.keySet()))) {
      StrimziAcls.create(secure.clients(SecureKafka.ADMIN), users);
      Path logConfig = verboseLogging(dir);
      Map<String, List<String>> roles = DeployFiles.roleArgs();
      Map<String, String> common = Map.of("SHIQ_BOOTSTRAP_SERVERS", secure.bootstrapServers(),
          "SHIQ_SCHEMA_REGISTRY_URL", secure.registryUrl());
      String[] jvm = {"-Dlog4j2.configurationFile=" + logConfig};

      Process job = RoleProcesses.start(dir, "topics", roles.get("topics"), RoleProcesses.env(common,
          "SHIQ_KAFKA_CONFIG", clientFile(dir, secure, "topics").toString()), jvm);
      assertTrue(job.waitFor(120, TimeUnit.SECONDS), RoleProcesses.log(dir, "topics"));
      assertEquals(0, job.exitValue(), RoleProcesses.log(dir, "topics"));

      Path replayOptions = dir.resolve("replay.properties");
      Files.writeString(replayOptions, String.join("\n", "state.dir=" + dir.resolve("streams"),
          "replay.fresh.fraction=0.75", ""));
      List<Process> running = new ArrayList<>();
      List<String> scraped = new ArrayList<>();
      try {
        running.add(RoleProcesses.start(dir, "replay", roles.get("replay"), RoleProcesses.env(common,
            "SHIQ_CONFIG", replayOptions.toString(), "SHIQ_METRICS_PORT", "0",
            "SHIQ_KAFKA_CONFIG", clientFile(dir, secure, "replay").toString()), jvm));
        Process learner = RoleProcesses.start(dir, "learner", roles.get("learner"), RoleProcesses.env(common,
            "SHIQ_DEVICE", "cpu", "SHIQ_ENV", "synthetic", "SHIQ_CHECKPOINT_DIR", dir.resolve("ckpt").toString(),
            "SHIQ_MAX_STEPS", "4", "SHIQ_METRICS_PORT", "0",
            "SHIQ_KAFKA_CONFIG", clientFile(dir, secure, "learner").toString()), jvm);
        running.add(learner);
        Process actor = RoleProcesses.start(dir, "actor", roles.get("actor"), RoleProcesses.env(common,
            "SHIQ_DEVICE", "cpu", "SHIQ_ENV", "synthetic", "SHIQ_EPISODES_PER_BATCH", "32", "SHIQ_ACTOR_ID",
            "secure-actor", "SHIQ_METRICS_PORT", "0",
            "SHIQ_KAFKA_CONFIG", clientFile(dir, secure, "actor").toString()), jvm);
        running.add(actor);
        Process evaluator = RoleProcesses.start(dir, "evaluator", roles.get("evaluator"), RoleProcesses.env(common,
            "SHIQ_STATE_DIR", dir.resolve("ab").toString(), "SHIQ_METRICS_PORT", "0",
            "SHIQ_KAFKA_CONFIG", clientFile(dir, secure, "evaluator").toString()), jvm);
        running.add(evaluator);

        assertTrue(learner.waitFor(240, TimeUnit.SECONDS), "the learner reached SHIQ_MAX_STEPS=4; its log:\n"
            + RoleProcesses.log(dir, "learner"));
        assertEquals(0, learner.exitValue(), RoleProcesses.log(dir, "learner"));
        KafkaClients admin = secure.clients(SecureKafka.ADMIN);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (trajectories(admin).stream().noneMatch(t -> t.getPolicyVersion() > 0
            && t.getActorId().equals("secure-actor"))) {
          assertTrue(System.nanoTime() < deadline, "the actor serves a published version; its log:\n"
              + RoleProcesses.log(dir, "actor"));
          Thread.sleep(1000);
        }
        for (String role : List.of("replay", "actor", "evaluator")) {
          String url = RoleProcesses.metricsUrl(dir, role);
          HttpResponse<String> scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
              .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
          assertEquals(200, scrape.statusCode(), role + " " + url);
          scraped.add(scrape.body());
        }
        for (Process p : List.of(actor, running.get(0), evaluator)) {
          p.destroy();
          assertTrue(p.waitFor(60, TimeUnit.SECONDS), "clean stop on SIGTERM");
        }
      } finally {
        running.forEach(Process::destroyForcibly);
      }

      // Kafka's client configuration dumps were logged (so the check below is not vacuous) ...
      String learnerLog = RoleProcesses.log(dir, "learner");
      assertTrue(learnerLog.contains("sasl.jaas.config = [hidden]"), "Kafka's config dump is in the log");
      // ... and no password of any user, nor of the trust store, is in any output or on any metrics endpoint.
      List<String> secrets = new ArrayList<>(secure.passwords().values());
      secrets.add(secure.trustStorePassword());
      for (String role : List.of("topics", "replay", "learner", "actor", "evaluator")) {
        String log = RoleProcesses.log(dir, role);
        for (String secret : secrets) {
          assertFalse(log.contains(secret), role + "'s output shows a password (" + secret.substring(0, 8)
              + "...)");
        }
      }
      for (String body : scraped) {
        for (String secret : secrets) {
          assertFalse(body.contains(secret), "a metrics endpoint shows a password");
        }
      }
    }
  }

  /** The role's client settings as a deployment's kafka-client.properties, with its user's credentials. */
  private static Path clientFile(Path dir, SecureKafka secure, String role) throws IOException {
    Properties p = new Properties();
    p.putAll(secure.clientSettings("shiq-" + role));
    Path file = dir.resolve(role + "-client.properties");
    try (OutputStream out = Files.newOutputStream(file)) {
      p.store(out, "client settings of shiq-" + role);
    }
    return file;
  }

  /** shiq at DEBUG and Kafka's clients at INFO (their configuration dumps), so a leaked secret would show. */
  private static Path verboseLogging(Path dir) throws IOException {
    Path file = dir.resolve("log4j2-verbose.xml");
    Files.writeString(file, """
        <?xml version="1.0" encoding="UTF-8"?>
        <Configuration status="WARN" shutdownHook="disable">
          <Appenders>
            <Console name="stderr" target="SYSTEM_ERR">
              <PatternLayout pattern="%d{HH:mm:ss.SSS} %-5level %c{1} - %msg%n"/>
            </Console>
          </Appenders>
          <Loggers>
            <Logger name="io.shiq" level="DEBUG"/>
            <Logger name="org.apache.kafka.clients" level="INFO"/>
            <Logger name="org.apache.kafka.streams.StreamsConfig" level="INFO"/>
            <Logger name="org.apache.kafka.common.config" level="INFO"/>
            <Root level="WARN"><AppenderRef ref="stderr"/></Root>
          </Loggers>
        </Configuration>
        """);
    return file;
  }

  private static List<Trajectory> trajectories(KafkaClients clients) {
    List<Trajectory> out = new ArrayList<>();
    try (KafkaConsumer<String, Trajectory> c = clients.consumer(new StringDeserializer(),
        clients.deserializer(Trajectory.class), Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
      List<TopicPartition> parts = c.partitionsFor(TOPICS.trajectories()).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = new LinkedHashMap<>(c.endOffsets(parts));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, Trajectory> r : c.poll(Duration.ofMillis(200))) {
          out.add(r.value());
        }
      }
    }
    return out;
  }
}
