package io.shiq.tests.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/**
 * deploy/compose/compose.yaml against what it runs: deploy/roles.yaml and the shiq command line (every shiq service
 * runs exactly its role's arguments, with SHIQ_* variables shiq reads), the Dockerfile it builds, Kafka (4.x, KRaft,
 * single-node settings) and the schema registry the services point at, Prometheus' scrape targets, the files it
 * mounts, and the Grafana dashboard's PromQL against the metric names shiq exports.
 */
class ComposeTest {
  static final String TOPICS = "topics";
  /** What the dashboard must show (issue #18): reward, KL, tokens/s, version lag, consumer lag, table size, DLQ. */
  static final List<String> DASHBOARD_METRICS = List.of("shiq_learner_reward_mean", "shiq_learner_kl_reference",
      "shiq_learner_tokens_per_second", "shiq_learner_policy_version_lag", "shiq_learner_consumer_lag",
      "shiq_replay_table_size", "shiq_replay_dead_letters_total");

  static Path composeDir() {
    return DeployFiles.deploy("compose");
  }

  static JsonNode compose() {
    return DeployFiles.yaml(composeDir().resolve("compose.yaml"));
  }

  static JsonNode services() {
    JsonNode s = compose().get("services");
    assertNotNull(s, "compose.yaml has services");
    return s;
  }

  static JsonNode service(String name) {
    JsonNode s = services().get(name);
    assertNotNull(s, "compose.yaml has no service '" + name + "' (services: " + names(services()) + ")");
    return s;
  }

  /** Services that run shiq: the ones with {@code x-shiq-role}. */
  static Map<String, JsonNode> shiqServices() {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    services().fields().forEachRemaining(e -> {
      if (e.getValue().has("x-shiq-role")) {
        out.put(e.getKey(), e.getValue());
      }
    });
    return out;
  }

  static String role(JsonNode service) {
    return service.get("x-shiq-role").asText();
  }

  /** A service's environment, from either compose form (map, or list of NAME=VALUE). */
  static Map<String, String> environment(JsonNode service) {
    Map<String, String> out = new LinkedHashMap<>();
    JsonNode env = service.get("environment");
    if (env == null) {
      return out;
    }
    if (env.isArray()) {
      env.forEach(e -> {
        String s = e.asText();
        int eq = s.indexOf('=');
        out.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? "" : s.substring(eq + 1));
      });
    } else {
      env.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText()));
    }
    return out;
  }

  /** The command: a list, or a string split as compose splits it. */
  static List<String> command(JsonNode service) {
    JsonNode c = service.get("command");
    if (c == null) {
      return List.of();
    }
    if (c.isArray()) {
      List<String> out = new ArrayList<>();
      c.forEach(a -> out.add(a.asText()));
      return out;
    }
    return Dockerfile.words(c.asText());
  }

  record Mount(String source, String target, boolean bind) {}

  /** Volumes of a service (short "SOURCE:TARGET[:MODE]" or long syntax). */
  static List<Mount> mounts(JsonNode service) {
    List<Mount> out = new ArrayList<>();
    JsonNode volumes = service.get("volumes");
    if (volumes == null) {
      return out;
    }
    for (JsonNode v : volumes) {
      if (v.isTextual()) {
        String[] parts = v.asText().split(":");
        assertTrue(parts.length >= 2, "volume '" + v.asText() + "': SOURCE:TARGET[:MODE] (an anonymous volume "
            + "loses its data with the container)");
        String source = parts[0];
        out.add(new Mount(source, parts[1], source.startsWith(".") || source.startsWith("/")
            || source.startsWith("~")));
      } else {
        String type = v.path("type").asText("volume");
        out.add(new Mount(v.path("source").asText(), v.path("target").asText(), type.equals("bind")));
      }
    }
    return out;
  }

  static Set<String> names(JsonNode map) {
    Set<String> out = new LinkedHashSet<>();
    map.fieldNames().forEachRemaining(out::add);
    return out;
  }

  // --------------------------------------------------------------------------------------------------------------

  @Test
  void theComposeFileHasTheWholeSetUp() {
    Set<String> services = names(services());
    for (String name : List.of("kafka", "schema-registry", TOPICS, "replay", "learner", "actor-1", "actor-2",
        "prometheus", "grafana")) {
      assertTrue(services.contains(name), "compose.yaml has no service '" + name + "': " + services);
    }
    Set<String> roles = new HashSet<>();
    shiqServices().values().forEach(s -> roles.add(role(s)));
    for (String role : List.of(TOPICS, "replay", "learner", "actor")) {
      assertTrue(roles.contains(role), "no compose service has x-shiq-role: " + role);
    }
    assertTrue(shiqServices().values().stream().filter(s -> role(s).equals("actor")).count() >= 2, "two actors");
  }

  @Test
  void composeRunsTheKafkaImageTheIntegrationTestsUseWithDocker() {
    // With a Docker engine, KafkaExtension runs every integration test against this same image (Testcontainers).
    assertEquals(io.shiq.tests.KafkaExtension.KAFKA_IMAGE, service("kafka").get("image").asText());
  }

  @Test
  void kafkaIsVersion4InKraftModeWithSingleNodeSettings() {
    JsonNode kafka = service("kafka");
    String image = kafka.path("image").asText();
    Matcher m = Pattern.compile("apache/kafka:(\\d+)\\.(\\d+)\\.(\\d+)").matcher(image);
    assertTrue(m.matches(), "kafka: image apache/kafka:4.x.y, not " + image);
    assertEquals("4", m.group(1), "kafka: major version 4 (KRaft only), not " + image);
    Map<String, String> env = environment(kafka);
    Set<String> roles = Set.of(env.getOrDefault("KAFKA_PROCESS_ROLES", "").replace(" ", "").split(","));
    assertTrue(roles.contains("broker") && roles.contains("controller"), "kafka: KAFKA_PROCESS_ROLES=broker,"
        + "controller (one combined KRaft node), not " + env.get("KAFKA_PROCESS_ROLES"));
    for (String key : List.of("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
        "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR")) {
      assertEquals("1", env.get(key), "kafka: " + key + "=1 on a single broker, or consumer groups and "
          + "transactions hang");
    }
    assertTrue(env.getOrDefault("KAFKA_CONTROLLER_QUORUM_VOTERS", "").matches(env.get("KAFKA_NODE_ID")
        + "@[^,]+:\\d+"), "kafka: the node is the only voter: " + env);
    String cluster = env.get("CLUSTER_ID");
    assertNotNull(cluster, "kafka: a fixed CLUSTER_ID, so the data volume is reused");
    Uuid.fromString(cluster); // throws unless it is a base64 UUID, as Kafka's storage format requires
    Map<String, String> protocols = new LinkedHashMap<>();
    for (String p : env.getOrDefault("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "").split(",")) {
      protocols.put(p.split(":")[0], p.split(":")[1]);
    }
    for (String listener : (env.get("KAFKA_LISTENERS") + "," + env.get("KAFKA_ADVERTISED_LISTENERS")).split(",")) {
      String name = listener.substring(0, listener.indexOf("://"));
      assertTrue(protocols.containsKey(name), "kafka: listener " + name + " has no security protocol: " + protocols);
    }
    assertTrue(kafka.has("healthcheck"), "kafka: a healthcheck, which the services wait for");
  }

  /** host:port pairs Kafka advertises. */
  static Set<String> advertised() {
    Set<String> out = new LinkedHashSet<>();
    for (String l : environment(service("kafka")).get("KAFKA_ADVERTISED_LISTENERS").split(",")) {
      out.add(l.substring(l.indexOf("://") + 3));
    }
    return out;
  }

  @Test
  void everyServiceConnectsToAnAdvertisedListenerAndTheRegistry() {
    Set<String> advertised = advertised();
    JsonNode registry = service("schema-registry");
    Matcher m = Pattern.compile("confluentinc/cp-schema-registry:([78])\\.\\d+\\.\\d+").matcher(
        registry.path("image").asText());
    assertTrue(m.matches(), "schema-registry: a pinned Confluent Schema Registry 7.x or 8.x: "
        + registry.path("image").asText());
    Map<String, String> env = environment(registry);
    for (String server : env.getOrDefault("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "").split(",")) {
      String hostPort = server.contains("://") ? server.substring(server.indexOf("://") + 3) : server;
      assertTrue(advertised.contains(hostPort), "schema-registry's Kafka " + hostPort + " is an advertised listener "
          + advertised);
    }
    String listener = env.get("SCHEMA_REGISTRY_LISTENERS");
    String port = listener.substring(listener.lastIndexOf(':') + 1);
    for (Map.Entry<String, JsonNode> s : shiqServices().entrySet()) {
      Map<String, String> e = environment(s.getValue());
      for (String server : e.getOrDefault("SHIQ_BOOTSTRAP_SERVERS", "").split(",")) {
        assertTrue(advertised.contains(server), s.getKey() + ": SHIQ_BOOTSTRAP_SERVERS " + server + " is not a "
            + "listener Kafka advertises " + advertised);
      }
      if (e.containsKey("SHIQ_SCHEMA_REGISTRY_URL")) {
        assertEquals("http://schema-registry:" + port, e.get("SHIQ_SCHEMA_REGISTRY_URL"), s.getKey());
      }
    }
  }

  @Test
  void everyImageIsPinnedAndShiqsIsBuiltFromTheDockerfile() {
    Dockerfile dockerfile = DeployImageTest.dockerfile();
    Path root = DeployFiles.root();
    services().fields().forEachRemaining(e -> {
      String name = e.getKey();
      JsonNode s = e.getValue();
      assertTrue(s.has("image"), name + ": an image");
      if (!s.has("build")) {
        DeployImageTest.assertPinned("compose.yaml service " + name, s.get("image").asText());
        assertFalse(s.has("x-shiq-role"), name + ": a shiq service is built from deploy/docker/Dockerfile");
        return;
      }
      assertTrue(s.has("x-shiq-role"), name + " is built from the shiq Dockerfile: give it an x-shiq-role");
      JsonNode build = s.get("build");
      Path context = composeDir().resolve(build.path("context").asText(".")).normalize();
      assertEquals(root, context, name + ": the build context is the repository root");
      assertEquals(DeployImageTest.dockerfilePath(), context.resolve(build.path("dockerfile").asText("Dockerfile"))
          .normalize(), name + ": built from deploy/docker/Dockerfile");
      String target = build.path("target").asText();
      assertTrue(DeployImageTest.RUNTIME_STAGES.contains(target) && dockerfile.stage(target).isPresent(), name
          + ": build target is a runtime stage of the Dockerfile " + DeployImageTest.RUNTIME_STAGES + ", not '"
          + target + "'");
    });
  }

  @Test
  void everyShiqServiceRunsItsRoleWithVariablesShiqReads() {
    Set<String> actorIds = new HashSet<>();
    for (Map.Entry<String, JsonNode> e : shiqServices().entrySet()) {
      String where = "compose.yaml service " + e.getKey();
      JsonNode s = e.getValue();
      String role = role(s);
      List<String> args = command(s);
      DeployFiles.assertRoleArgs(where, role, args);
      Map<String, String> env = environment(s);
      DeployFiles.assertReadByShiq(where, args, env);
      for (String name : DeployFiles.roleEnvironment(role).keySet()) {
        assertTrue(env.containsKey(name), where + ": sets no " + name + ", which deploy/roles.yaml lists for role "
            + role);
      }
      for (String name : env.keySet()) {
        assertTrue(name.startsWith("SHIQ_") || name.startsWith("JAVA_TOOL_OPTIONS") || name.startsWith("DJL_")
            || name.startsWith("HF_"), where + ": " + name + " is no variable shiq (or its JVM) reads");
      }
      if (role.equals("actor")) {
        assertTrue(actorIds.add(env.getOrDefault("SHIQ_ACTOR_ID", "")), where + ": each actor its own SHIQ_ACTOR_ID");
      }
    }
  }

  @Test
  void theTopicsJobRunsOnceAndEveryOtherShiqServiceWaitsForIt() {
    JsonNode topics = service(TOPICS);
    assertEquals(TOPICS, role(topics), "service topics runs role topics");
    assertEquals("no", topics.path("restart").asText(), "the topics job is one-shot: restart: \"no\"");
    assertTrue(topics.path("healthcheck").path("disable").asBoolean(), "the topics job serves no metrics: "
        + "healthcheck: {disable: true}");
    for (Map.Entry<String, JsonNode> e : shiqServices().entrySet()) {
      if (role(e.getValue()).equals(TOPICS)) {
        continue;
      }
      JsonNode dep = e.getValue().path("depends_on").path(TOPICS);
      assertEquals("service_completed_successfully", dep.path("condition").asText(), e.getKey()
          + ": depends_on: {topics: {condition: service_completed_successfully}}");
      boolean metrics = environment(e.getValue()).containsKey("SHIQ_METRICS_PORT");
      assertTrue(metrics, e.getKey() + ": a long-running shiq service serves metrics (SHIQ_METRICS_PORT): the "
          + "image's health check and Prometheus read them");
      assertFalse(e.getValue().path("healthcheck").path("disable").asBoolean(), e.getKey()
          + ": keep the image's health check");
    }
  }

  @Test
  void prometheusScrapesEveryShiqServiceAtItsMetricsPort() throws IOException {
    JsonNode prometheus = service("prometheus");
    Optional<Mount> config = mounts(prometheus).stream().filter(m -> m.target().equals(
        "/etc/prometheus/prometheus.yml")).findFirst();
    assertTrue(config.isPresent() && config.get().bind(), "prometheus mounts its configuration at "
        + "/etc/prometheus/prometheus.yml");
    assertTrue(command(prometheus).isEmpty() || command(prometheus).contains(
        "--config.file=/etc/prometheus/prometheus.yml"), "prometheus reads the mounted configuration");
    JsonNode yml = DeployFiles.yaml(composeDir().resolve(config.get().source()).normalize());
    Set<String> targets = new LinkedHashSet<>();
    for (JsonNode job : yml.path("scrape_configs")) {
      assertEquals("/metrics", job.path("metrics_path").asText("/metrics"), job.path("job_name").asText());
      for (JsonNode sc : job.path("static_configs")) {
        sc.path("targets").forEach(t -> targets.add(t.asText()));
      }
    }
    Set<String> services = names(services());
    for (String t : targets) {
      String host = t.substring(0, t.lastIndexOf(':'));
      assertTrue(host.equals("localhost") || services.contains(host), "prometheus.yml scrapes " + t
          + ", which is no compose service");
    }
    int scraped = 0;
    for (Map.Entry<String, JsonNode> e : shiqServices().entrySet()) {
      String port = environment(e.getValue()).get("SHIQ_METRICS_PORT");
      if (port == null) {
        continue;
      }
      assertTrue(port.matches("[1-9]\\d*"), e.getKey() + ": SHIQ_METRICS_PORT is a fixed port for Prometheus: "
          + port);
      assertTrue(targets.contains(e.getKey() + ":" + port), "prometheus.yml does not scrape " + e.getKey() + ":"
          + port + " (targets: " + targets + ")");
      scraped++;
    }
    assertTrue(scraped >= 4, "replay, learner and two actors at least");
  }

  @Test
  void everyMountedFileExistsAndStateLivesOnVolumes() throws IOException {
    Set<String> declared = compose().has("volumes") ? names(compose().get("volumes")) : Set.of();
    services().fields().forEachRemaining(e -> {
      for (Mount m : mounts(e.getValue())) {
        if (m.bind()) {
          Path source = composeDir().resolve(m.source()).normalize();
          assertTrue(source.startsWith(DeployFiles.root()) && Files.exists(source), e.getKey() + ": mounts "
              + m.source() + ", which does not exist in the repository (" + source + ")");
        } else {
          assertTrue(declared.contains(m.source()), e.getKey() + ": volume " + m.source() + " is not declared under "
              + "the top-level volumes " + declared);
        }
      }
    });
    for (Map.Entry<String, JsonNode> e : shiqServices().entrySet()) {
      List<Mount> mounts = mounts(e.getValue());
      List<String> stateDirs = new ArrayList<>();
      Map<String, String> env = environment(e.getValue());
      for (String key : List.of("SHIQ_CHECKPOINT_DIR", "SHIQ_STATE_DIR")) {
        if (env.containsKey(key)) {
          stateDirs.add(env.get(key));
        }
      }
      if (env.containsKey("SHIQ_CONFIG")) {
        Mount file = mounts.stream().filter(m -> m.target().equals(env.get("SHIQ_CONFIG"))).findFirst().orElseThrow(
            () -> new AssertionError(e.getKey() + ": SHIQ_CONFIG " + env.get("SHIQ_CONFIG") + " is not mounted"));
        assertTrue(file.bind(), e.getKey() + ": the options file comes from the repository");
        Properties p = properties(composeDir().resolve(file.source()));
        if (p.containsKey("state.dir")) {
          stateDirs.add(p.getProperty("state.dir"));
        }
      }
      for (String dir : stateDirs) {
        assertTrue(mounts.stream().anyMatch(m -> !m.bind() && (dir + "/").startsWith(m.target() + "/")), e.getKey()
            + ": state in " + dir + " is not on a named volume: it would be lost with the container");
      }
    }
  }

  @Test
  void theReplayOptionsFileAgreesWithTheOtherServices() throws IOException {
    JsonNode replay = shiqServices().values().stream().filter(s -> role(s).equals("replay")).findFirst()
        .orElseThrow();
    String config = environment(replay).get("SHIQ_CONFIG");
    Mount file = mounts(replay).stream().filter(m -> m.target().equals(config)).findFirst().orElseThrow();
    Properties p = properties(composeDir().resolve(file.source()));
    assertNotNull(p.getProperty("application.id"), "replay.properties sets application.id");
    String prefix = p.getProperty("topic.prefix", "shiq.");
    for (Map.Entry<String, JsonNode> e : shiqServices().entrySet()) {
      String other = environment(e.getValue()).get("SHIQ_TOPIC_PREFIX");
      if (other != null) {
        assertEquals(prefix, other, e.getKey() + ": SHIQ_TOPIC_PREFIX differs from replay.properties' topic.prefix");
      }
    }
  }

  // --------------------------------------------------------------------------------------------------------------
  // Grafana

  @Test
  void grafanaIsProvisionedWithPrometheusAndTheShiqDashboard() throws IOException {
    JsonNode grafana = service("grafana");
    List<Mount> mounts = mounts(grafana);
    Mount provisioning = mounts.stream().filter(m -> m.target().equals("/etc/grafana/provisioning")).findFirst()
        .orElseThrow(() -> new AssertionError("grafana mounts its provisioning at /etc/grafana/provisioning"));
    Path dir = composeDir().resolve(provisioning.source()).normalize();
    String uid = datasourceUid(dir);

    Set<String> paths = new LinkedHashSet<>();
    for (Path f : yamlFiles(dir.resolve("dashboards"))) {
      for (JsonNode provider : DeployFiles.yaml(f).path("providers")) {
        paths.add(provider.path("options").path("path").asText());
      }
    }
    List<Path> dashboards = new ArrayList<>();
    for (String path : paths) {
      Mount m = mounts.stream().filter(x -> x.target().equals(path)).findFirst().orElseThrow(() ->
          new AssertionError("grafana: the dashboard provider reads " + path + ", which compose does not mount"));
      try (Stream<Path> files = Files.list(composeDir().resolve(m.source()).normalize())) {
        files.filter(f -> f.toString().endsWith(".json")).forEach(dashboards::add);
      }
    }
    assertFalse(dashboards.isEmpty(), "a provisioned dashboard");
    Set<String> exported = ShiqMetricNames.exported();
    Set<String> used = new TreeSet<>();
    for (Path d : dashboards) {
      used.addAll(checkDashboard(d, uid, exported));
    }
    for (String required : DASHBOARD_METRICS) {
      assertTrue(used.contains(required), "the dashboard shows no " + required + " (it shows " + used + ")");
    }
  }

  /** The uid of the provisioned Prometheus datasource, which must point at the compose Prometheus. */
  private static String datasourceUid(Path provisioning) throws IOException {
    for (Path f : yamlFiles(provisioning.resolve("datasources"))) {
      for (JsonNode ds : DeployFiles.yaml(f).path("datasources")) {
        if (ds.path("type").asText().equals("prometheus")) {
          assertEquals("http://prometheus:9090", ds.path("url").asText(), f + ": the compose service prometheus");
          assertFalse(ds.path("uid").asText().isEmpty(), f + ": a fixed uid, which the dashboard names");
          return ds.path("uid").asText();
        }
      }
    }
    throw new AssertionError("no Prometheus datasource provisioned under " + provisioning);
  }

  private static List<Path> yamlFiles(Path dir) throws IOException {
    assertTrue(Files.isDirectory(dir), dir + " exists");
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted().toList();
    }
  }

  static final Pattern METRIC = Pattern.compile("\\bshiq_[a-z_]+");
  static final Pattern RATE = Pattern.compile("\\b(?:rate|irate|increase)\\(\\s*(shiq_[a-z_]+)");

  /** Checks one dashboard; returns the shiq metric names its queries use. */
  static Set<String> checkDashboard(Path file, String datasourceUid, Set<String> exported) throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(file.toFile());
    Set<String> used = new TreeSet<>();
    List<JsonNode> panels = new ArrayList<>();
    dashboard.path("panels").forEach(p -> {
      panels.add(p);
      p.path("panels").forEach(panels::add); // panels inside collapsed rows
    });
    assertFalse(panels.isEmpty(), file + " has panels");
    for (JsonNode panel : panels) {
      String where = file.getFileName() + " panel '" + panel.path("title").asText() + "'";
      List<JsonNode> sources = new ArrayList<>();
      sources.add(panel.path("datasource"));
      panel.path("targets").forEach(t -> sources.add(t.path("datasource")));
      for (JsonNode ds : sources) {
        if (!ds.isMissingNode() && !ds.isNull()) {
          assertEquals(datasourceUid, ds.path("uid").asText(), where + ": the provisioned datasource's uid");
        }
      }
      for (JsonNode target : panel.path("targets")) {
        String expr = target.path("expr").asText();
        Matcher m = METRIC.matcher(expr);
        while (m.find()) {
          assertTrue(exported.contains(m.group()), where + ": " + m.group() + " is not a metric shiq exports ("
              + "query " + expr + "); shiq's are " + exported.stream().filter(n -> n.startsWith("shiq_")).toList());
          used.add(m.group());
        }
        Matcher r = RATE.matcher(expr);
        while (r.find()) {
          assertTrue(r.group(1).endsWith("_total"), where + ": rate() of " + r.group(1) + ", a gauge; rate() "
              + "wants a counter (_total)");
        }
      }
    }
    return used;
  }

  @Test
  void theExportedNamesAreThoseOfTheRunningEndpoint() {
    Set<String> exported = ShiqMetricNames.exported();
    for (String name : List.of("shiq_learner_steps_total", "shiq_learner_tokens_per_second",
        "shiq_learner_policy_version_lag", "shiq_replay_dead_letters_total", "shiq_replay_table_size",
        "shiq_actor_episodes_total", "shiq_actor_reward_mean", "jvm_memory_used_bytes")) {
      assertTrue(exported.contains(name), name + " in " + exported);
    }
    assertFalse(exported.contains("shiq_replay_table_size_total"), "gauges carry no _total");
  }

  private static Properties properties(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    }
    return p;
  }
}
