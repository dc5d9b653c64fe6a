package io.shiq.tests.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.shiq.replay.ReplayConfig;
import io.shiq.schemas.topic.Topics;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserScramSha512ClientAuthentication;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.URIParameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Helm chart deploy/helm/shiq, rendered without helm by {@link HelmLite}, and deploy/k8s/shiq.yaml, which must be
 * that rendering (release shiq, namespace shiq, default values). Every document loads into fabric8's typed Kubernetes
 * model (Strimzi's for the KafkaUser) with unknown fields forbidden; every shiq container runs its role's exact
 * arguments from deploy/roles.yaml with SHIQ_* variables shiq reads; the pods log in to the Strimzi cluster as their
 * role's user; state lives on the volumes the options name; pods are locked down; probes, Services, ServiceMonitor and
 * NetworkPolicies fit together. Each check has a negative control that breaks the rendering on purpose.
 */
class HelmChartTest {
  static final HelmLite.Release RELEASE = new HelmLite.Release("shiq", "shiq");
  static final Path CHART = DeployFiles.deploy("helm/shiq");
  static final Path RENDERED = DeployFiles.deploy("k8s/shiq.yaml");
  static final String WRITE_PROPERTY = "shiq.helm.write";
  static final String REGENERATE = "mvn -B -o -pl tests test-compile surefire:test -Dtest=HelmChartTest -D"
      + WRITE_PROPERTY + "=true";
  static final String HEADER = """
      # deploy/helm/shiq rendered with its default values for release "shiq" in namespace "shiq", laid out as
      #   helm template shiq deploy/helm/shiq -n shiq
      # prints it. HelmChartTest renders the chart without helm and fails when this file differs; regenerate it with
      #   %s
      # Apply after the Strimzi manifests of deploy/k8s/strimzi/ (see deploy/helm/shiq/README.md):
      #   kubectl create namespace shiq; kubectl apply -n shiq -f deploy/k8s/shiq.yaml
      """.formatted(REGENERATE);
  static final String JAAS_VARIABLE = "KAFKA_SASL_JAAS_CONFIG";
  static final String LOGIN_OPTION = "-Djava.security.auth.login.config=";
  static final String METRICS_LABEL = "shiq.io/metrics";
  static final String COMPONENT = "app.kubernetes.io/component";
  static final String REGISTRY = "schema-registry";

  /**
   * Jackson for fabric8's and Strimzi's classes with unknown fields forbidden. Their classes keep unknown fields in
   * an "any setter" map, so FAIL_ON_UNKNOWN_PROPERTIES alone never fires: the module removes that map.
   */
  static final ObjectMapper STRICT = new ObjectMapper(new YAMLFactory()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION))
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .registerModule(new SimpleModule("no-any-setter").setDeserializerModifier(new BeanDeserializerModifier() {
        @Override
        public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription description,
                                                     BeanDeserializerBuilder builder) {
          builder.setAnySetter(null);
          return builder;
        }
      }));

  /** apiVersion and typed class of every kind the chart may contain (ServiceMonitor: no model class, see below). */
  static final Map<String, String> API_VERSIONS = Map.of("Deployment", "apps/v1", "StatefulSet", "apps/v1",
      "Job", "batch/v1", "Service", "v1", "ConfigMap", "v1", "NetworkPolicy", "networking.k8s.io/v1",
      "KafkaUser", "kafka.strimzi.io/v1beta2", "ServiceMonitor", "monitoring.coreos.com/v1");
  static final Map<String, Class<?>> TYPES = Map.of("Deployment", Deployment.class, "StatefulSet", StatefulSet.class,
      "Job", Job.class, "Service", Service.class, "ConfigMap", ConfigMap.class, "NetworkPolicy", NetworkPolicy.class,
      "KafkaUser", KafkaUser.class);

  /** The fields of a ServiceMonitor spec and endpoint (Prometheus Operator's monitoring.coreos.com/v1 CRD). */
  static final Set<String> SERVICE_MONITOR_SPEC = Set.of("selector", "namespaceSelector", "endpoints", "jobLabel",
      "targetLabels", "podTargetLabels", "sampleLimit", "targetLimit", "labelLimit", "labelNameLengthLimit",
      "labelValueLengthLimit", "attachMetadata", "scrapeProtocols", "fallbackScrapeProtocol", "bodySizeLimit",
      "keepDroppedTargets", "scrapeClass", "selectorMechanism", "serviceDiscoveryRole", "nativeHistogramBucketLimit",
      "nativeHistogramMinBucketFactor", "scrapeClassicHistograms", "convertClassicHistogramsToNHCB");
  static final Set<String> SERVICE_MONITOR_ENDPOINT = Set.of("port", "targetPort", "path", "scheme", "params",
      "interval", "scrapeTimeout", "honorLabels", "honorTimestamps", "trackTimestampsStaleness", "relabelings",
      "metricRelabelings", "tlsConfig", "bearerTokenFile", "bearerTokenSecret", "authorization", "basicAuth", "oauth2",
      "proxyUrl", "noProxy", "proxyFromEnvironment", "proxyConnectHeader", "followRedirects", "enableHttp2",
      "filterRunning");

  // ---------------------------------------------------------------------------------------------------------------
  // The rendering

  static HelmLite chart() {
    return HelmLite.load(CHART);
  }

  /** A pod template and what owns it. */
  record Workload(String kind, String name, Integer replicas, PodTemplateSpec template,
                  List<PersistentVolumeClaim> claims) {
    String component() {
      return template.getMetadata().getLabels().get(COMPONENT);
    }

    PodSpec pod() {
      return template.getSpec();
    }

    Map<String, String> labels() {
      return template.getMetadata().getLabels();
    }

    Container main() {
      assertEquals(1, pod().getContainers().size(), kind + "/" + name + " runs one container");
      return pod().getContainers().get(0);
    }

    String where() {
      return kind + "/" + name;
    }
  }

  /** Every document of a rendering, typed. */
  static final class Rendered {
    final List<JsonNode> documents;
    final List<Workload> workloads = new ArrayList<>();
    final List<Service> services = new ArrayList<>();
    final List<ConfigMap> configMaps = new ArrayList<>();
    final List<NetworkPolicy> policies = new ArrayList<>();
    final List<KafkaUser> kafkaUsers = new ArrayList<>();
    final List<JsonNode> serviceMonitors = new ArrayList<>();

    Rendered(List<JsonNode> documents) {
      this.documents = documents;
      for (JsonNode doc : documents) {
        String kind = doc.path("kind").asText();
        String where = kind + " " + doc.path("metadata").path("name").asText();
        assertTrue(API_VERSIONS.containsKey(kind), where + ": a kind the chart is not expected to have");
        assertEquals(API_VERSIONS.get(kind), doc.path("apiVersion").asText(), where + ": apiVersion");
        if (kind.equals("ServiceMonitor")) {
          checkServiceMonitorFields(doc);
          serviceMonitors.add(doc);
          continue;
        }
        Object typed = typed(doc, TYPES.get(kind), where);
        if (typed instanceof Deployment d) {
          workloads.add(new Workload(kind, d.getMetadata().getName(), d.getSpec().getReplicas(),
              d.getSpec().getTemplate(), List.of()));
        } else if (typed instanceof StatefulSet s) {
          workloads.add(new Workload(kind, s.getMetadata().getName(), s.getSpec().getReplicas(),
              s.getSpec().getTemplate(), s.getSpec().getVolumeClaimTemplates()));
        } else if (typed instanceof Job j) {
          workloads.add(new Workload(kind, j.getMetadata().getName(), 1, j.getSpec().getTemplate(), List.of()));
        } else if (typed instanceof Service s) {
          services.add(s);
        } else if (typed instanceof ConfigMap c) {
          configMaps.add(c);
        } else if (typed instanceof NetworkPolicy n) {
          policies.add(n);
        } else if (typed instanceof KafkaUser u) {
          kafkaUsers.add(u);
        }
      }
    }

    static Rendered of(String yaml) {
      return new Rendered(DeployFiles.yamlDocuments(yaml));
    }

    Workload workload(String component) {
      List<Workload> found = workloads.stream().filter(w -> component.equals(w.component())).toList();
      assertEquals(1, found.size(), "one workload of component " + component + " (found " + found.size() + ")");
      return found.get(0);
    }

    ConfigMap configMap(String name) {
      return configMaps.stream().filter(c -> c.getMetadata().getName().equals(name)).findFirst()
          .orElseThrow(() -> new AssertionError("no ConfigMap " + name));
    }
  }

  static <T> T typed(JsonNode doc, Class<T> type, String where) {
    try {
      return STRICT.treeToValue(doc, type);
    } catch (JsonProcessingException e) {
      throw new AssertionError(where + " does not load into " + type.getName() + ": " + e.getOriginalMessage(), e);
    }
  }

  static String rendering() {
    return chart().manifest(RELEASE);
  }

  static Rendered rendered() {
    return Rendered.of(rendering());
  }

  /** The rendering with one textual change, which must apply exactly once. */
  static Rendered mutated(String from, String to) {
    String text = rendering();
    int at = text.indexOf(from);
    if (at < 0 || text.indexOf(from, at + 1) >= 0) { // not an AssertionError: negative controls expect those
      throw new IllegalStateException("the mutation '" + from + "' must apply exactly once");
    }
    return Rendered.of(text.substring(0, at) + to + text.substring(at + from.length()));
  }

  static JsonNode values() {
    return chart().values();
  }

  static String value(String pointer) {
    JsonNode v = values().at(pointer);
    assertFalse(v.isMissingNode() || v.isContainerNode(), "values.yaml has a scalar at " + pointer);
    return v.isNumber() ? HelmLite.goFloat(v.doubleValue()) : v.asText();
  }

  static boolean shiqImage(Container c) {
    return c.getImage() != null && c.getImage().startsWith(value("/image/repository") + ":");
  }

  static Map<String, String> env(Container c) {
    Map<String, String> out = new LinkedHashMap<>();
    if (c.getEnv() != null) {
      for (EnvVar e : c.getEnv()) {
        assertFalse(out.containsKey(e.getName()), c.getName() + ": " + e.getName() + " is set twice");
        out.put(e.getName(), e.getValue());
      }
    }
    return out;
  }

  static EnvVar envVar(Container c, String name) {
    return c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError(c.getName() + " has no variable " + name));
  }

  static List<Container> allContainers(Workload w) {
    List<Container> out = new ArrayList<>(w.pod().getContainers());
    if (w.pod().getInitContainers() != null) {
      out.addAll(w.pod().getInitContainers());
    }
    return out;
  }

  static List<JsonNode> strimzi(String file, String kind) {
    try {
      return DeployFiles.yamlDocuments(Files.readString(DeployFiles.deploy("k8s/strimzi/" + file))).stream()
          .filter(d -> d.path("kind").asText().equals(kind)).toList();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static boolean selects(LabelSelector s, Map<String, String> labels) {
    assertNotNull(s, "a selector");
    if (s.getMatchLabels() != null) {
      for (Map.Entry<String, String> e : s.getMatchLabels().entrySet()) {
        if (!e.getValue().equals(labels.get(e.getKey()))) {
          return false;
        }
      }
    }
    if (s.getMatchExpressions() != null) {
      for (LabelSelectorRequirement r : s.getMatchExpressions()) {
        String v = labels.get(r.getKey());
        boolean ok = switch (r.getOperator()) {
          case "In" -> v != null && r.getValues().contains(v);
          case "NotIn" -> v == null || !r.getValues().contains(v);
          case "Exists" -> v != null;
          case "DoesNotExist" -> v == null;
          default -> throw new AssertionError("unknown selector operator " + r.getOperator());
        };
        if (!ok) {
          return false;
        }
      }
    }
    return true;
  }

  static boolean selects(Map<String, String> selector, Map<String, String> labels) {
    return selector != null && !selector.isEmpty() && selector.entrySet().stream()
        .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }

  static int port(IntOrString p, Container c) {
    if (p.getIntVal() != null) {
      return p.getIntVal();
    }
    return c.getPorts().stream().filter(cp -> p.getStrVal().equals(cp.getName())).map(ContainerPort::getContainerPort)
        .findFirst().orElseThrow(() -> new AssertionError(c.getName() + " has no port named " + p.getStrVal()));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The rendering and the committed manifests

  @Test
  void committedManifestsAreTheChartRendered() throws IOException {
    String expected = HEADER + rendering();
    if (Boolean.getBoolean(WRITE_PROPERTY)) {
      Files.writeString(RENDERED, expected, StandardCharsets.UTF_8);
    }
    assertTrue(Files.isRegularFile(RENDERED), RENDERED + " is missing; write it with " + REGENERATE);
    String committed = Files.readString(RENDERED, StandardCharsets.UTF_8);
    if (!committed.equals(expected)) {
      String[] a = committed.split("\n", -1);
      String[] b = expected.split("\n", -1);
      int line = 0;
      while (line < Math.min(a.length, b.length) && a[line].equals(b[line])) {
        line++;
      }
      fail("deploy/k8s/shiq.yaml is not deploy/helm/shiq rendered with its default values; first difference at line "
          + (line + 1) + ":\n  committed: " + (line < a.length ? a[line] : "(end)") + "\n  rendered:  "
          + (line < b.length ? b[line] : "(end)") + "\nRegenerate it with " + REGENERATE);
    }
  }

  @Test
  void rendererSubstitutesLikeHelmAndRefusesEverythingElse() {
    JsonNode v = DeployFiles.yamlDocuments("""
        a:
          port: 9404
          big: 1000000
          fraction: 0.75
          one: 1.0
          text: say "hi"\\now
          flag: true
          list: [1, 2]
          map: {k: v}
        """).get(0);
    HelmLite h = chart().withValues(v);
    HelmLite.Release r = new HelmLite.Release("rel", "ns");
    Map<String, String> good = new LinkedHashMap<>();
    good.put("port: {{ .Values.a.port }}", "port: 9404");
    good.put("{{.Values.a.port|quote}}", "\"9404\"");
    good.put("{{ .Values.a.big }}", "1e+06");
    good.put("{{ .Values.a.fraction }}", "0.75");
    good.put("{{ .Values.a.one }}", "1");
    good.put("{{ .Values.a.text | quote }}", "\"say \\\"hi\\\"\\\\now\"");
    good.put("{{ .Values.a.flag }}", "true");
    good.put("{{ .Release.Name }}/{{ .Release.Namespace }}/{{ .Chart.Name }}-{{ .Chart.Version }}",
        "rel/ns/shiq-" + DeployFiles.yaml(CHART.resolve("Chart.yaml")).get("version").asText());
    good.forEach((template, expected) -> assertEquals(expected, h.render("t", template, r), template));
    for (String bad : List.of("{{- .Values.a.port }}", "{{ .Values.a.port -}}", "{{ if .Values.a.flag }}x{{ end }}",
        "{{ include \"x\" . }}", "{{ toYaml .Values.a.map }}", "{{ .Values.a.map }}", "{{ .Values.a.list }}",
        "{{ .Values.a.missing }}", "{{ .Values.b.c }}", "{{/* note */}}", "{{ .Chart.AppVersion }}",
        "{{ .Release.Service }}", "{{ .Values.a.port | int }}", "{{ $x := 1 }}", "{{ .Values.a-b }}", "{{ .Values.a.port ")) {
      assertThrows(IllegalArgumentException.class, () -> h.render("t", bad, r), bad);
    }
    assertEquals("123456", HelmLite.goFloat(123456));
    assertEquals("1.234567e+06", HelmLite.goFloat(1234567));
    assertEquals("0.0001", HelmLite.goFloat(0.0001));
    assertEquals("1e-05", HelmLite.goFloat(0.00001));
    assertEquals("-2.5", HelmLite.goFloat(-2.5));
  }

  @Test
  void manifestsAreInHelmsInstallOrderWithHooksLast() {
    List<HelmLite.Manifest> manifests = chart().manifests(RELEASE);
    List<String> kinds = manifests.stream().map(HelmLite.Manifest::kind).toList();
    int lastKnown = -1;
    boolean unknownSeen = false;
    boolean hookSeen = false;
    for (HelmLite.Manifest m : manifests) {
      if (m.hook()) {
        hookSeen = true;
        continue;
      }
      assertFalse(hookSeen, "hooks come last: " + kinds);
      int i = HelmLite.INSTALL_ORDER.indexOf(m.kind());
      if (i < 0) {
        unknownSeen = true;
      } else {
        assertFalse(unknownSeen, "kinds Helm does not know come after the ones it does: " + kinds);
        assertTrue(i >= lastKnown, "install order: " + kinds);
        lastKnown = i;
      }
    }
    assertEquals(List.of("Job"), manifests.stream().filter(HelmLite.Manifest::hook).map(HelmLite.Manifest::kind)
        .toList(), "the topics job is the only hook");
    assertTrue(chart().templateNames().stream().allMatch(n -> n.startsWith("shiq/templates/")));
  }

  @Test
  void notesRender() {
    String notes = chart().notes(RELEASE);
    assertFalse(notes.contains("{{"), notes);
    assertTrue(notes.contains("statefulset/shiq-learner"), notes);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Typed model

  @Test
  void everyDocumentLoadsIntoTheTypedModel() {
    Rendered r = rendered();
    Map<String, Long> kinds = r.documents.stream().collect(Collectors.groupingBy(d -> d.path("kind").asText(),
        java.util.TreeMap::new, Collectors.counting()));
    assertEquals(Map.of("ConfigMap", 1L, "Deployment", 2L, "Job", 1L, "KafkaUser", 1L, "NetworkPolicy", 3L,
        "Service", 5L, "ServiceMonitor", 1L, "StatefulSet", 3L), kinds);
    for (JsonNode d : r.documents) {
      assertEquals(RELEASE.namespace(), d.path("metadata").path("namespace").asText(), "namespace of " + d.path("kind"));
    }
    // Negative controls: a misspelt field of a Deployment, a StatefulSet and a ServiceMonitor fails.
    assertThrows(AssertionError.class, () -> mutated("spec:\n  replicas: 2\n", "spec:\n  replica: 2\n"));
    assertThrows(AssertionError.class, () -> mutated("  podManagementPolicy: Parallel\n",
        "  podManagmentPolicy: Parallel\n"));
    assertThrows(AssertionError.class, () -> mutated("      path: /metrics\n      interval:",
        "      path: /metrics\n      intervall:"));
  }

  /** A ServiceMonitor has no class in fabric8's model: its fields are checked against the CRD's. */
  static void checkServiceMonitorFields(JsonNode sm) {
    String where = "ServiceMonitor " + sm.path("metadata").path("name").asText();
    assertFalse(sm.path("metadata").path("name").asText().isEmpty(), where + ": metadata.name");
    JsonNode spec = sm.path("spec");
    assertTrue(spec.isObject(), where + ": spec");
    spec.fieldNames().forEachRemaining(f -> assertTrue(SERVICE_MONITOR_SPEC.contains(f), where + ": spec." + f
        + " is no ServiceMonitor field"));
    typed(spec.path("selector"), LabelSelector.class, where + " spec.selector");
    spec.path("namespaceSelector").fieldNames().forEachRemaining(f -> assertTrue(Set.of("any", "matchNames")
        .contains(f), where + ": spec.namespaceSelector." + f));
    assertTrue(spec.path("endpoints").isArray() && spec.path("endpoints").size() > 0, where + ": spec.endpoints");
    for (JsonNode e : spec.path("endpoints")) {
      e.fieldNames().forEachRemaining(f -> assertTrue(SERVICE_MONITOR_ENDPOINT.contains(f), where + ": endpoint."
          + f + " is no ServiceMonitor endpoint field"));
      assertTrue(e.path("port").isTextual(), where + ": an endpoint names its Service port");
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Roles

  @Test
  void everyShiqContainerRunsItsRoleWithVariablesShiqReads() {
    checkRoles(rendered());
    assertThrows(AssertionError.class, () -> checkRoles(mutated("          args:\n            - learner\n",
        "          args:\n            - lerner\n")));
    assertThrows(AssertionError.class, () -> checkRoles(mutated("- name: SHIQ_EPISODES_PER_BATCH",
        "- name: SHIQ_EPISODES_PER_BATCHES")));
    assertThrows(AssertionError.class, () -> checkRoles(mutated("            - name: SHIQ_CHECKPOINT_DIR\n"
        + "              value: /var/lib/shiq/checkpoints\n", "")));
  }

  static void checkRoles(Rendered r) {
    Set<String> deployed = new TreeSet<>();
    for (Workload w : r.workloads) {
      Container c = w.main();
      if (!shiqImage(c)) {
        assertEquals(REGISTRY, w.component(), w.where() + ": the only container that is not shiq's is the registry");
        continue;
      }
      String role = w.component();
      String where = "deploy/k8s/shiq.yaml " + w.where();
      assertTrue(deployed.add(role), where + ": role " + role + " is deployed twice");
      assertTrue(c.getCommand() == null || c.getCommand().isEmpty(), where
          + ": keeps the image's entrypoint (java ... -jar shiq.jar)");
      DeployFiles.assertRoleArgs(where, role, c.getArgs());
      Map<String, String> env = env(c);
      DeployFiles.assertReadByShiq(where, c.getArgs(), env);
      for (Map.Entry<String, String> e : DeployFiles.roleEnvironment(role).entrySet()) {
        assertTrue(env.containsKey(e.getKey()), where + ": roles.yaml expects " + e.getKey());
        if (!e.getKey().equals("SHIQ_BOOTSTRAP_SERVERS") && !e.getKey().equals("SHIQ_SCHEMA_REGISTRY_URL")) {
          assertEquals(e.getValue(), env.get(e.getKey()), where + ": " + e.getKey() + " as in roles.yaml");
        }
      }
    }
    assertEquals(new TreeSet<>(DeployFiles.roleArgs().keySet()), deployed, "every role of roles.yaml is deployed");
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Kafka

  @Test
  void everyRoleLogsInAsItsStrimziUser() {
    checkKafka(rendered());
    assertThrows(AssertionError.class, () -> checkKafka(mutated("                  name: shiq-actor\n",
        "                  name: shiq-actors\n")));
    assertThrows(AssertionError.class, () -> checkKafka(mutated("security.protocol=SASL_PLAINTEXT",
        "security.protocol=SASL_SSL")));
  }

  static void checkKafka(Rendered r) {
    JsonNode kafka = strimzi("kafka.yaml", "Kafka").get(0);
    String cluster = kafka.path("metadata").path("name").asText();
    JsonNode plain = null;
    for (JsonNode l : kafka.path("spec").path("kafka").path("listeners")) {
      if (l.path("name").asText().equals("plain")) {
        plain = l;
      }
    }
    assertNotNull(plain, "kafka.yaml has the listener 'plain'");
    String bootstrap = cluster + "-kafka-bootstrap:" + plain.path("port").asInt();
    String protocol = plain.path("tls").asBoolean() ? "SASL_SSL" : "SASL_PLAINTEXT";
    assertEquals("scram-sha-512", plain.path("authentication").path("type").asText());
    Map<String, JsonNode> users = new LinkedHashMap<>();
    strimzi("users.yaml", "KafkaUser").forEach(u -> users.put(u.path("metadata").path("name").asText(), u));

    Service registry = r.services.stream().filter(s -> REGISTRY.equals(s.getMetadata().getLabels().get(COMPONENT)))
        .findFirst().orElseThrow(() -> new AssertionError("a registry Service"));
    String registryUrl = "http://" + registry.getMetadata().getName() + ":" + registry.getSpec().getPorts().get(0)
        .getPort();

    for (Workload w : r.workloads) {
      Container c = w.main();
      Map<String, String> env = env(c);
      if (!shiqImage(c)) {
        checkRegistryLogin(r, w, bootstrap, protocol, cluster);
        continue;
      }
      String role = w.component();
      assertEquals(bootstrap, env.get("SHIQ_BOOTSTRAP_SERVERS"), w.where() + ": the Strimzi bootstrap Service");
      if (env.containsKey("SHIQ_SCHEMA_REGISTRY_URL")) {
        assertEquals(registryUrl, env.get("SHIQ_SCHEMA_REGISTRY_URL"), w.where() + ": the registry's Service");
      }
      // The login: the init container writes the JAAS file from the role's Strimzi Secret, the JVM reads it.
      Container login = w.pod().getInitContainers().stream().filter(i -> i.getEnv() != null && i.getEnv().stream()
          .anyMatch(e -> e.getName().equals(JAAS_VARIABLE))).findFirst()
          .orElseThrow(() -> new AssertionError(w.where() + ": an init container writes the Kafka login"));
      SecretKeySelector secret = envVar(login, JAAS_VARIABLE).getValueFrom().getSecretKeyRef();
      assertEquals("shiq-" + role, secret.getName(), w.where() + ": role " + role + " logs in as its Strimzi user");
      assertTrue(users.containsKey(secret.getName()), w.where() + ": " + secret.getName()
          + " is a KafkaUser of deploy/k8s/strimzi/users.yaml (" + users.keySet() + ")");
      assertEquals("sasl.jaas.config", secret.getKey(), w.where() + ": Strimzi's ready-made login line");
      assertEquals("scram-sha-512", users.get(secret.getName()).path("spec").path("authentication").path("type")
          .asText());
      String options = env.get("JAVA_TOOL_OPTIONS");
      assertNotNull(options, w.where() + ": JAVA_TOOL_OPTIONS names the login file");
      Matcher m = Pattern.compile(Pattern.quote(LOGIN_OPTION) + "(\\S+)").matcher(options);
      assertTrue(m.find(), w.where() + ": " + options);
      String file = m.group(1);
      String volume = mountOf(c, file.substring(0, file.lastIndexOf('/')), w).getName();
      String written = login.getCommand().get(login.getCommand().size() - 1);
      assertTrue(written.endsWith("> " + file), w.where() + ": the init container writes " + file + ": " + written);
      assertEquals(volume, mountOf(login, file.substring(0, file.lastIndexOf('/')), w).getName(),
          w.where() + ": init and main container share the login volume");
      Volume v = w.pod().getVolumes().stream().filter(x -> x.getName().equals(volume)).findFirst().orElseThrow();
      assertNotNull(v.getEmptyDir(), w.where() + ": the login file lives on a pod-private emptyDir");
      assertEquals("Memory", v.getEmptyDir().getMedium(), w.where() + ": in memory, never on the node's disk");
      assertFalse(options.contains("password"), w.where() + ": no secret in JVM options (the JVM prints them)");
      // Every client of the role speaks the listener's protocol: the file of SHIQ_KAFKA_CONFIG (--kafka-config).
      String clientFile = env.get("SHIQ_KAFKA_CONFIG");
      assertNotNull(clientFile, w.where() + ": SHIQ_KAFKA_CONFIG gives the Kafka client security settings");
      Properties client = properties(configMapFile(r, w, c, Path.of(clientFile)));
      assertEquals(protocol, client.getProperty("security.protocol"), w.where() + ": the listener's protocol");
      assertEquals("SCRAM-SHA-512", client.getProperty("sasl.mechanism"), w.where() + ": the listener's mechanism");
      assertNull(client.getProperty("sasl.jaas.config"), "no credentials in a ConfigMap");
      assertTrue(KAFKA_CLIENT_KEYS.containsAll(client.stringPropertyNames()), w.where() + ": " + clientFile
          + " holds only Kafka client settings: " + client.stringPropertyNames());
    }

    Properties replay = replayOptions(r);
    assertNull(replay.getProperty("sasl.jaas.config"), "no credentials in a ConfigMap");
    // Application ids and topic prefix are what the users' ACLs are granted on.
    assertTrue(hasPrefixAcl(users.get("shiq-replay"), "group", replay.getProperty("application.id")),
        "shiq-replay's group ACL covers application.id " + replay.getProperty("application.id"));
    String evaluatorId = env(r.workload("evaluator").main()).get("SHIQ_APPLICATION_ID");
    assertTrue(hasPrefixAcl(users.get("shiq-evaluator"), "group", evaluatorId),
        "shiq-evaluator's group ACL covers its application id " + evaluatorId);
    for (String role : List.of("actor", "replay", "learner", "evaluator")) {
      assertTrue(hasPrefixAcl(users.get("shiq-" + role), "topic", replay.getProperty("topic.prefix")),
          "shiq-" + role + " has its ACLs on the topic prefix " + replay.getProperty("topic.prefix"));
    }
  }

  static boolean hasPrefixAcl(JsonNode user, String type, String name) {
    assertNotNull(user, "a KafkaUser");
    for (JsonNode acl : user.path("spec").path("authorization").path("acls")) {
      JsonNode res = acl.path("resource");
      if (res.path("type").asText().equals(type) && res.path("patternType").asText().equals("prefix")
          && name.startsWith(res.path("name").asText()) && !res.path("name").asText().isEmpty()) {
        return true;
      }
    }
    return false;
  }

  static void checkRegistryLogin(Rendered r, Workload w, String bootstrap, String protocol, String cluster) {
    Container c = w.main();
    Map<String, String> env = env(c);
    assertEquals(protocol + "://" + bootstrap, env.get("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS"), w.where());
    assertEquals(protocol, env.get("SCHEMA_REGISTRY_KAFKASTORE_SECURITY_PROTOCOL"), w.where());
    assertEquals("SCRAM-SHA-512", env.get("SCHEMA_REGISTRY_KAFKASTORE_SASL_MECHANISM"), w.where());
    SecretKeySelector secret = envVar(c, "SCHEMA_REGISTRY_KAFKASTORE_SASL_JAAS_CONFIG").getValueFrom()
        .getSecretKeyRef();
    assertEquals("sasl.jaas.config", secret.getKey());
    assertEquals(1, r.kafkaUsers.size(), "the registry's own KafkaUser");
    KafkaUser user = r.kafkaUsers.get(0);
    assertEquals(secret.getName(), user.getMetadata().getName(), "Strimzi names the Secret after the user");
    assertEquals(cluster, user.getMetadata().getLabels().get("strimzi.io/cluster"), "the user's cluster");
    assertTrue(user.getSpec().getAuthentication() instanceof KafkaUserScramSha512ClientAuthentication);
    assertFalse(env.containsKey("SCHEMA_REGISTRY_PORT"), "the image refuses SCHEMA_REGISTRY_PORT");
    assertTrue(c.getImage().matches("confluentinc/cp-schema-registry:\\d+\\.\\d+\\.\\d+"),
        "the registry image is pinned: " + c.getImage());
  }

  static VolumeMount mountOf(Container c, String path, Workload w) {
    return c.getVolumeMounts().stream().filter(m -> m.getMountPath().equals(path)).findFirst()
        .orElseThrow(() -> new AssertionError(w.where() + " " + c.getName() + ": nothing mounted at " + path));
  }

  /** Runs each init container's script as the pod would, and reads the file with the JDK's JAAS parser. */
  @Test
  void theLoginFileIsWhatTheJvmReads(@TempDir Path dir) throws Exception {
    String line = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"shiq-actor\" "
        + "password=\"Xy9zAbC0dEf\";";
    Set<String> scripts = new LinkedHashSet<>();
    for (Workload w : rendered().workloads) {
      if (w.pod().getInitContainers() != null) {
        w.pod().getInitContainers().forEach(i -> scripts.add(String.join("\u0000", i.getCommand())));
      }
    }
    assertEquals(1, scripts.size(), "every pod writes its login the same way");
    List<String> command = new ArrayList<>(List.of(scripts.iterator().next().split("\u0000")));
    assertEquals(List.of("sh", "-c"), command.subList(0, 2));
    String script = command.get(2);
    Matcher m = Pattern.compile("> (\\S+)$").matcher(script);
    assertTrue(m.find(), script);
    Path jaas = dir.resolve("jaas.conf");
    command.set(2, script.replace(m.group(1), jaas.toString()));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put(JAAS_VARIABLE, line);
    Process p = pb.start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
        Files.getPosixFilePermissions(jaas), "only the pod's user reads the login file");
    Configuration config = Configuration.getInstance("JavaLoginConfig", new URIParameter(jaas.toUri()));
    AppConfigurationEntry[] entries = config.getAppConfigurationEntry("KafkaClient");
    assertNotNull(entries, "the section Kafka's clients read: " + Files.readString(jaas));
    assertEquals(1, entries.length);
    assertEquals("org.apache.kafka.common.security.scram.ScramLoginModule", entries[0].getLoginModuleName());
    assertEquals(AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, entries[0].getControlFlag());
    assertEquals(Map.of("username", "shiq-actor", "password", "Xy9zAbC0dEf"), entries[0].getOptions());
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Learner, replay, evaluator

  @Test
  void theLearnerHasAGpuAndItsCheckpointsOnAVolume() {
    checkLearner(rendered());
    assertThrows(AssertionError.class, () -> checkLearner(mutated("              nvidia.com/gpu: 1\n", "")));
    assertThrows(AssertionError.class, () -> checkLearner(mutated("            - name: checkpoints\n"
        + "              mountPath: /var/lib/shiq/checkpoints\n", "")));
  }

  static void checkLearner(Rendered r) {
    Workload w = r.workload("learner");
    assertEquals("StatefulSet", w.kind());
    assertEquals(1, w.replicas(), "one learner");
    assertEquals(1, Topics.REPLAY_BATCHES.partitions(), "one learner because replay.batches has one partition");
    Container c = w.main();
    String cudaTag = value("/image/cudaTag");
    assertTrue(cudaTag.contains("cuda"), "the learner's tag is the CUDA variant: " + cudaTag);
    assertEquals(value("/image/repository") + ":" + cudaTag, c.getImage(), "the learner runs the CUDA image");
    Quantity gpus = c.getResources().getLimits().get("nvidia.com/gpu");
    assertNotNull(gpus, "the learner requests nvidia.com/gpu");
    assertEquals(value("/learner/gpus"), gpus.getAmount());
    assertTrue(Integer.parseInt(gpus.getAmount()) >= 1, "at least one GPU by default");
    for (Workload other : r.workloads) {
      if (other != w && shiqImage(other.main())) {
        assertEquals(value("/image/repository") + ":" + value("/image/tag"), other.main().getImage(),
            other.where() + " runs the CPU image");
      }
    }
    assertClaimMountedAt(w, env(c).get("SHIQ_CHECKPOINT_DIR"), value("/learner/storage"));
  }

  static void assertClaimMountedAt(Workload w, String path, String size) {
    assertNotNull(path, w.where() + ": a state path");
    VolumeMount mount = mountOf(w.main(), path, w);
    PersistentVolumeClaim claim = w.claims().stream().filter(c -> c.getMetadata().getName().equals(mount.getName()))
        .findFirst().orElseThrow(() -> new AssertionError(w.where() + ": " + path + " is not on a volumeClaimTemplate"));
    assertEquals(List.of("ReadWriteOnce"), claim.getSpec().getAccessModes());
    assertEquals(size, claim.getSpec().getResources().getRequests().get("storage").toString(), w.where());
    assertFalse(Boolean.TRUE.equals(mount.getReadOnly()), w.where() + ": " + path + " is writable");
  }

  static Properties replayOptions(Rendered r) {
    Container c = r.workload("replay").main();
    Path file = Path.of(env(c).get("SHIQ_CONFIG"));
    return properties(configMapFile(r, r.workload("replay"), c, file));
  }

  /** Names of every producer, consumer and admin client setting of the Kafka clients on the class path. */
  static final Set<String> KAFKA_CLIENT_KEYS = kafkaClientKeys();

  private static Set<String> kafkaClientKeys() {
    Set<String> keys = new TreeSet<>(org.apache.kafka.clients.producer.ProducerConfig.configNames());
    keys.addAll(org.apache.kafka.clients.consumer.ConsumerConfig.configNames());
    keys.addAll(org.apache.kafka.clients.admin.AdminClientConfig.configNames());
    return keys;
  }

  static Properties properties(String data) {
    Properties p = new Properties();
    try {
      p.load(new StringReader(data));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return p;
  }

  /** The text of a file that a container sees through a ConfigMap volume. */
  static String configMapFile(Rendered r, Workload w, Container c, Path file) {
    VolumeMount mount = mountOf(c, file.getParent().toString(), w);
    Volume v = w.pod().getVolumes().stream().filter(x -> x.getName().equals(mount.getName())).findFirst()
        .orElseThrow();
    assertNotNull(v.getConfigMap(), w.where() + ": " + file.getParent() + " is a ConfigMap volume");
    String key = v.getConfigMap().getItems().stream().filter(i -> i.getPath().equals(file.getFileName().toString()))
        .findFirst().orElseThrow(() -> new AssertionError(w.where() + ": no item " + file.getFileName())).getKey();
    String data = r.configMap(v.getConfigMap().getName()).getData().get(key);
    assertNotNull(data, "ConfigMap " + v.getConfigMap().getName() + " has key " + key);
    return data;
  }

  @Test
  void theReplayKeepsItsStateOnItsOwnVolume() {
    checkReplay(rendered());
    assertThrows(AssertionError.class, () -> checkReplay(mutated("state.dir=/var/lib/shiq/streams",
        "state.dir=/var/lib/shiq/state")));
    String text = rendering();
    String replicas = "  replicas: " + value("/replay/replicas") + "\n  serviceName: shiq-replay\n";
    assertTrue(text.contains(replicas), replicas);
    assertThrows(AssertionError.class, () -> checkReplay(Rendered.of(text.replace(replicas,
        "  replicas: " + (Topics.TRAJECTORIES.partitions() + 1) + "\n  serviceName: shiq-replay\n"))));
  }

  static void checkReplay(Rendered r) {
    Workload w = r.workload("replay");
    assertEquals("StatefulSet", w.kind());
    Properties options = replayOptions(r);
    assertClaimMountedAt(w, options.getProperty("state.dir"), value("/replay/storage"));
    Properties full = new Properties();
    full.putAll(options);
    full.put(ReplayConfig.BOOTSTRAP_SERVERS, env(w.main()).get("SHIQ_BOOTSTRAP_SERVERS"));
    full.put(ReplayConfig.SCHEMA_REGISTRY_URL, env(w.main()).get("SHIQ_SCHEMA_REGISTRY_URL"));
    ReplayConfig config = ReplayConfig.from(full); // every replay option valid
    assertEquals(value("/topicPrefix"), config.topics().trajectories().substring(0,
        config.topics().trajectories().length() - "trajectories".length()));
    // Streams tasks are the co-partitioned inputs' partitions: one instance per task at most.
    int tasks = Topics.TRAJECTORIES.partitions();
    assertEquals(tasks, Topics.REWARDS.partitions(), "rewards are co-partitioned with trajectories");
    assertEquals(tasks, Topics.REPLAY_PRIORITIES.partitions(), "priorities are co-partitioned with trajectories");
    assertTrue(w.replicas() >= 1 && w.replicas() <= tasks, "replay replicas " + w.replicas() + " <= " + tasks
        + " partitions of " + config.topics().trajectories());

    Workload evaluator = r.workload("evaluator");
    assertClaimMountedAt(evaluator, env(evaluator.main()).get("SHIQ_STATE_DIR"), value("/evaluator/storage"));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Pods

  @Test
  void podsRunAsNonRootOnReadOnlyRootFilesystems() {
    checkLockedDown(rendered());
    assertThrows(AssertionError.class, () -> checkLockedDown(mutated("      enableServiceLinks: false\n"
        + "      # A step in flight", "      # A step in flight")));
    String actorPod = "      terminationGracePeriodSeconds: 70\n      securityContext:\n        runAsNonRoot: true\n"
        + "        runAsUser: 10001\n";
    assertThrows(AssertionError.class, () -> checkLockedDown(mutated(actorPod, actorPod.replace("10001", "0"))));
    assertThrows(AssertionError.class, () -> checkLockedDown(mutated("            readOnlyRootFilesystem: true\n"
        + "            runAsNonRoot: true\n            capabilities:\n              drop: [ALL]\n"
        + "          volumeMounts:\n            # The image's working directory, HOME and DJL's cache (libtorch is "
        + "unpacked there), and /tmp.\n            - name: home\n              mountPath: /var/lib/shiq\n"
        + "            - name: tmp\n              mountPath: /tmp\n            - name: checkpoints",
        "            readOnlyRootFilesystem: false\n"
        + "            runAsNonRoot: true\n            capabilities:\n              drop: [ALL]\n"
        + "          volumeMounts:\n            # The image's working directory, HOME and DJL's cache (libtorch is "
        + "unpacked there), and /tmp.\n            - name: home\n              mountPath: /var/lib/shiq\n"
        + "            - name: tmp\n              mountPath: /tmp\n            - name: checkpoints")));
  }

  static void checkLockedDown(Rendered r) {
    for (Workload w : r.workloads) {
      PodSpec pod = w.pod();
      assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken(), w.where() + ": no Kubernetes API token");
      // Service links would put <SERVICE>_PORT variables of Services named shiq-... in the environment: SHIQ_* names.
      assertEquals(Boolean.FALSE, pod.getEnableServiceLinks(), w.where() + ": no service-link variables");
      PodSecurityContext psc = pod.getSecurityContext();
      assertNotNull(psc, w.where() + ": a pod security context");
      assertEquals("RuntimeDefault", psc.getSeccompProfile().getType(), w.where());
      for (Container c : allContainers(w)) {
        String where = w.where() + " container " + c.getName();
        SecurityContext sc = c.getSecurityContext();
        assertNotNull(sc, where + ": a security context");
        assertEquals(Boolean.TRUE, sc.getRunAsNonRoot() != null ? sc.getRunAsNonRoot() : psc.getRunAsNonRoot(),
            where + ": runAsNonRoot");
        Long uid = sc.getRunAsUser() != null ? sc.getRunAsUser() : psc.getRunAsUser();
        assertNotNull(uid, where + ": a numeric user, so that runAsNonRoot can be checked");
        assertTrue(uid > 0, where + ": not root");
        if (shiqImage(c)) {
          assertEquals(10001L, uid, where + ": the image's user (deploy/docker/Dockerfile)");
        }
        assertEquals(Boolean.TRUE, sc.getReadOnlyRootFilesystem(), where + ": read-only root filesystem");
        assertEquals(Boolean.FALSE, sc.getAllowPrivilegeEscalation(), where + ": no privilege escalation");
        assertEquals(List.of("ALL"), sc.getCapabilities().getDrop(), where + ": no capabilities");
        assertNotNull(c.getResources().getRequests().get("memory"), where + ": a memory request");
        assertNotNull(c.getResources().getLimits().get("memory"), where + ": a memory limit");
      }
      // What the shiq image writes (HOME, working directory, DJL's cache, native libraries unpacked in /tmp) is a
      // volume, since the root filesystem is read-only.
      Container c = w.main();
      List<String> writable = shiqImage(c) ? List.of("/var/lib/shiq", "/tmp") : List.of("/etc/schema-registry", "/tmp");
      for (String path : writable) {
        VolumeMount m = mountOf(c, path, w);
        assertFalse(Boolean.TRUE.equals(m.getReadOnly()), w.where() + ": " + path + " writable");
      }
    }
  }

  @Test
  void probesHitMetricsOnTheMetricsPort() {
    checkMetrics(rendered());
    String learnerStartup = "              path: /metrics\n              port: metrics\n"
        + "            periodSeconds: 10\n            failureThreshold: 60\n";
    assertThrows(AssertionError.class, () -> checkMetrics(mutated(learnerStartup,
        learnerStartup.replace("/metrics", "/metric"))));
    assertThrows(AssertionError.class, () -> checkMetrics(mutated("      shiq.io/metrics: \"true\"\n  namespaceSelector",
        "      shiq.io/metric: \"true\"\n  namespaceSelector")));
  }

  static void checkMetrics(Rendered r) {
    assertEquals(1, r.serviceMonitors.size(), "one ServiceMonitor");
    JsonNode sm = r.serviceMonitors.get(0);
    LabelSelector smSelector = typed(sm.path("spec").path("selector"), LabelSelector.class, "ServiceMonitor");
    List<String> namespaces = new ArrayList<>();
    sm.path("spec").path("namespaceSelector").path("matchNames").forEach(n -> namespaces.add(n.asText()));
    assertEquals(List.of(RELEASE.namespace()), namespaces, "the ServiceMonitor looks in the release's namespace");
    assertEquals(value("/monitoring/prometheusRelease"), sm.path("metadata").path("labels").path("release").asText());
    int metricsServices = 0;
    for (Workload w : r.workloads) {
      Container c = w.main();
      String port = env(c).get("SHIQ_METRICS_PORT");
      if (port == null) {
        assertTrue(!shiqImage(c) || w.kind().equals("Job"), w.where() + ": every shiq service serves metrics");
        continue;
      }
      int p = Integer.parseInt(port);
      assertEquals(Integer.parseInt(value("/metricsPort")), p, w.where());
      assertTrue(c.getPorts().stream().anyMatch(cp -> "metrics".equals(cp.getName()) && cp.getContainerPort() == p),
          w.where() + ": declares port 'metrics' = SHIQ_METRICS_PORT " + p);
      for (Probe probe : new Probe[] {c.getStartupProbe(), c.getReadinessProbe(), c.getLivenessProbe()}) {
        assertNotNull(probe, w.where() + ": startup, readiness and liveness probes");
        HTTPGetAction get = probe.getHttpGet();
        assertNotNull(get, w.where() + ": an HTTP probe");
        assertEquals("/metrics", get.getPath(), w.where() + ": probes /metrics");
        assertEquals(p, port(get.getPort(), c), w.where() + ": probes the metrics port");
      }
      // A metrics Service selects the pod, and the ServiceMonitor selects the Service and its port.
      List<Service> services = r.services.stream().filter(s -> selects(s.getSpec().getSelector(), w.labels()))
          .toList();
      assertEquals(1, services.size(), w.where() + ": one Service selects it");
      Service s = services.get(0);
      assertEquals("true", s.getMetadata().getLabels().get(METRICS_LABEL), s.getMetadata().getName());
      assertEquals("None", s.getSpec().getClusterIP(), s.getMetadata().getName()
          + ": headless, so Prometheus scrapes every pod and the StatefulSet's pods get names");
      if (w.kind().equals("StatefulSet")) {
        assertEquals(s.getMetadata().getName(), typed(r.documents.stream().filter(d -> d.path("kind").asText()
            .equals("StatefulSet") && d.path("metadata").path("name").asText().equals(w.name())).findFirst()
            .orElseThrow(), StatefulSet.class, w.name()).getSpec().getServiceName(), w.where() + ": serviceName");
      }
      assertTrue(selects(smSelector, s.getMetadata().getLabels()), "the ServiceMonitor selects "
          + s.getMetadata().getName());
      for (JsonNode e : sm.path("spec").path("endpoints")) {
        ServicePort sp = s.getSpec().getPorts().stream().filter(x -> x.getName().equals(e.path("port").asText()))
            .findFirst().orElseThrow(() -> new AssertionError(s.getMetadata().getName() + " has no port "
                + e.path("port").asText()));
        assertEquals(p, port(sp.getTargetPort(), c), s.getMetadata().getName() + ": targets the metrics port");
        assertEquals("/metrics", e.path("path").asText());
      }
      metricsServices++;
    }
    assertEquals(4, metricsServices, "replay, learner, actor, evaluator serve metrics");
    for (Service s : r.services) {
      if ("true".equals(s.getMetadata().getLabels().get(METRICS_LABEL))) {
        assertTrue(r.workloads.stream().anyMatch(w -> selects(s.getSpec().getSelector(), w.labels())
            && env(w.main()).containsKey("SHIQ_METRICS_PORT")), s.getMetadata().getName() + " selects a metrics pod");
      }
    }
  }

  @Test
  void mountsUseVolumesAndConfigMapKeysThatExist() {
    checkMounts(rendered());
    assertThrows(AssertionError.class, () -> checkMounts(mutated("              - key: replay.properties\n",
        "              - key: replay.conf\n")));
  }

  static void checkMounts(Rendered r) {
    for (Workload w : r.workloads) {
      Set<String> volumes = new TreeSet<>();
      for (Volume v : w.pod().getVolumes()) {
        assertTrue(volumes.add(v.getName()), w.where() + ": volume " + v.getName() + " declared twice");
        if (v.getConfigMap() != null) {
          ConfigMap cm = r.configMap(v.getConfigMap().getName());
          assertNotNull(v.getConfigMap().getItems(), w.where() + ": names the keys it mounts");
          v.getConfigMap().getItems().forEach(i -> assertTrue(cm.getData().containsKey(i.getKey()),
              w.where() + ": ConfigMap " + cm.getMetadata().getName() + " has key " + i.getKey()));
        }
      }
      w.claims().forEach(c -> assertTrue(volumes.add(c.getMetadata().getName()), w.where() + ": claim "
          + c.getMetadata().getName() + " named like a volume"));
      Set<String> used = new TreeSet<>();
      for (Container c : allContainers(w)) {
        Set<String> paths = new TreeSet<>();
        for (VolumeMount m : c.getVolumeMounts()) {
          assertTrue(volumes.contains(m.getName()), w.where() + " " + c.getName() + ": mounts unknown volume "
              + m.getName());
          assertTrue(paths.add(m.getMountPath()), w.where() + " " + c.getName() + ": two mounts at " + m.getMountPath());
          used.add(m.getName());
        }
        if (c.getEnv() != null) {
          for (EnvVar e : c.getEnv()) {
            if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
              assertEquals("sasl.jaas.config", e.getValueFrom().getSecretKeyRef().getKey(), w.where() + " "
                  + e.getName() + ": the only Secret key read is Strimzi's login line");
            }
          }
        }
      }
      assertEquals(volumes, used, w.where() + ": every volume is mounted");
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // NetworkPolicies

  @Test
  void networkPoliciesSelectTheShiqPods() {
    checkPolicies(rendered());
    assertThrows(AssertionError.class, () -> checkPolicies(mutated("""
        spec:
          podSelector:
            matchLabels:
              app.kubernetes.io/name: shiq
              app.kubernetes.io/instance: shiq
          policyTypes: [Ingress]
        ---""", """
        spec:
          podSelector:
            matchLabels:
              app.kubernetes.io/instance: shiq
          policyTypes: [Ingress]
        ---""")));
    assertThrows(AssertionError.class, () -> checkPolicies(mutated("kubernetes.io/metadata.name: monitoring",
        "kubernetes.io/metadata.name: shiq")));
  }

  static void checkPolicies(Rendered r) {
    assertEquals(3, r.policies.size());
    // The labels Strimzi gives a Kafka broker pod of cluster shiq (its instance label is the cluster's name, which
    // here is also the release's; part-of as the cluster's resources carry it).
    Map<String, String> kafkaPod = Map.of("strimzi.io/cluster", "shiq", "strimzi.io/kind", "Kafka",
        "strimzi.io/name", "shiq-kafka", "app.kubernetes.io/name", "kafka", "app.kubernetes.io/instance", "shiq",
        "app.kubernetes.io/part-of", "shiq", "app.kubernetes.io/managed-by", "strimzi-cluster-operator");
    List<Map<String, String>> pods = r.workloads.stream().map(Workload::labels).toList();
    NetworkPolicy deny = null;
    NetworkPolicy metrics = null;
    NetworkPolicy registry = null;
    for (NetworkPolicy p : r.policies) {
      String where = "NetworkPolicy " + p.getMetadata().getName();
      assertEquals(List.of("Ingress"), p.getSpec().getPolicyTypes(), where + ": ingress only");
      assertTrue(pods.stream().anyMatch(l -> selects(p.getSpec().getPodSelector(), l)), where + " selects a pod");
      assertFalse(selects(p.getSpec().getPodSelector(), kafkaPod), where + " leaves Strimzi's Kafka pods alone");
      List<NetworkPolicyIngressRule> ingress = p.getSpec().getIngress();
      if (ingress == null || ingress.isEmpty()) {
        deny = p;
      } else if (ingress.get(0).getFrom().get(0).getNamespaceSelector() != null) {
        metrics = p;
      } else {
        registry = p;
      }
    }
    assertNotNull(deny, "a default-deny policy");
    for (Workload w : r.workloads) {
      assertTrue(selects(deny.getSpec().getPodSelector(), w.labels()), w.where() + " is under the default deny");
    }
    assertNotNull(metrics, "a policy that lets Prometheus in");
    NetworkPolicyIngressRule rule = metrics.getSpec().getIngress().get(0);
    assertEquals(1, metrics.getSpec().getIngress().size());
    NetworkPolicyPeer from = rule.getFrom().get(0);
    assertNull(from.getPodSelector(), "any pod of the monitoring namespace");
    assertEquals(Map.of("kubernetes.io/metadata.name", value("/monitoring/namespace")),
        from.getNamespaceSelector().getMatchLabels(), "from the monitoring namespace only");
    assertEquals(List.of(Integer.parseInt(value("/metricsPort"))), rule.getPorts().stream()
        .map(NetworkPolicyPort::getPort).map(IntOrString::getIntVal).toList(), "to the metrics port only");
    for (Workload w : r.workloads) {
      boolean servesMetrics = env(w.main()).containsKey("SHIQ_METRICS_PORT");
      assertEquals(servesMetrics, selects(metrics.getSpec().getPodSelector(), w.labels()), w.where()
          + ": metrics may be scraped exactly where they are served");
    }
    assertNotNull(registry, "a policy that lets the shiq pods reach the registry");
    for (Workload w : r.workloads) {
      assertEquals(REGISTRY.equals(w.component()), selects(registry.getSpec().getPodSelector(), w.labels()),
          w.where());
      if (env(w.main()).containsKey("SHIQ_SCHEMA_REGISTRY_URL")) {
        LabelSelector peers = registry.getSpec().getIngress().get(0).getFrom().get(0).getPodSelector();
        assertTrue(selects(peers, w.labels()), w.where() + " may reach the registry");
      }
    }
    assertNull(registry.getSpec().getIngress().get(0).getFrom().get(0).getNamespaceSelector(),
        "registry access from the release's namespace only");
    assertEquals(List.of(Integer.parseInt(value("/schemaRegistry/port"))), registry.getSpec().getIngress().get(0)
        .getPorts().stream().map(NetworkPolicyPort::getPort).map(IntOrString::getIntVal).toList());
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Values and README

  @Test
  void everyValueIsDocumentedUsedAndInTheReadmeTable() throws IOException {
    List<String> lines = Files.readAllLines(CHART.resolve("values.yaml"));
    Map<String, String> leaves = new LinkedHashMap<>();
    collectLeaves("", values(), leaves);
    List<String> path = new ArrayList<>();
    Pattern key = Pattern.compile("^( *)([A-Za-z][A-Za-z0-9]*):(.*)$");
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = key.matcher(lines.get(i));
      if (!m.matches()) {
        continue;
      }
      int depth = m.group(1).length() / 2;
      while (path.size() > depth) {
        path.remove(path.size() - 1);
      }
      path.add(m.group(2));
      String dotted = String.join(".", path);
      if (leaves.containsKey(dotted)) {
        assertTrue(i > 0 && lines.get(i - 1).trim().startsWith("#"), "values.yaml:" + (i + 1) + ": " + dotted
            + " has its comment on the line above");
      }
    }
    StringBuilder templates = new StringBuilder();
    try (var files = Files.list(CHART.resolve("templates"))) {
      for (Path f : files.toList()) {
        templates.append(Files.readString(f));
      }
    }
    for (String leaf : leaves.keySet()) {
      assertTrue(Pattern.compile("\\.Values\\." + Pattern.quote(leaf) + "[ |}]").matcher(templates).find(),
          "values.yaml: " + leaf + " is used by a template");
    }
    Map<String, String> table = new LinkedHashMap<>();
    Matcher row = Pattern.compile("(?m)^\\| `([A-Za-z0-9.]+)` \\| `([^`]*)` \\|").matcher(
        Files.readString(CHART.resolve("README.md")));
    while (row.find()) {
      table.put(row.group(1), row.group(2));
    }
    assertEquals(leaves, table, "README.md's values table lists every key of values.yaml with its default");
  }

  static void collectLeaves(String prefix, JsonNode node, Map<String, String> out) {
    node.fields().forEachRemaining(e -> {
      String k = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      if (e.getValue().isObject()) {
        collectLeaves(k, e.getValue(), out);
      } else {
        out.put(k, e.getValue().asText()); // as written in values.yaml (1.0 stays 1.0 in the table)
      }
    });
  }
}
