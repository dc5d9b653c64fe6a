package io.shiq.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shiq.policy.DataDirectory;
import io.shiq.policy.hub.LocalModel;
import io.shiq.schemas.kafka.Dependencies;
import io.shiq.schemas.kafka.DependencyException;
import io.shiq.schemas.kafka.KafkaClients;
import io.shiq.schemas.kafka.KafkaSettings;
import io.shiq.schemas.registry.CompatibilityLevel;
import io.shiq.schemas.registry.RegistryConnection;
import io.shiq.schemas.registry.SchemaRegistryClient;
import io.shiq.schemas.topic.TopicSpec;
import io.shiq.schemas.topic.Topics;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code shiq doctor}: one screen that says whether this machine and the cluster it points at can run shiq, and for
 * each problem what to do. Local checks first (Java, memory, data, models, the PyTorch engine), then the network
 * (broker, topics, registry), each network check bounded by --connect-timeout.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
    description = {"Check what shiq needs and print what is wrong with the fix: Java and memory, the data directory "
        + "and the models in it, DJL's PyTorch engine and device (CPU/GPU, which native library), the Kafka broker "
        + "(reachable, version), shiq's topics (present, partitions and configs as the catalog declares), the "
        + "schema registry (reachable, the compatibility level of shiq's subjects).",
        "",
        "Ends with one JSON line {\"doctor\":\"done\",\"ok\":...,\"problems\":[...]}. Exit code 0 when all is well, "
            + "else the code of the first problem's cause (3 bad input, 4 unreachable, 5 not authorised, 1 other)."})
public final class DoctorCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Mixin
  KafkaOptions kafkaOptions;

  @Option(names = "--topic-prefix", description = "Prefix of shiq's topics (default: ${DEFAULT-VALUE}).")
  String topicPrefix = Topics.DEFAULT_PREFIX;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Data directory (default: $SHIQ_DATA, then ../shared/data).")
  Path dataDir;

  @Option(names = "--no-engine", description = "Skip loading the PyTorch engine (it unpacks native code on first use).")
  boolean noEngine;

  private final List<String> problems = new ArrayList<>();
  private int firstCode = ExitCodes.OK;
  private PrintStream out;

  @Override
  public Integer call() throws Exception {
    out = System.out;
    out.println("shiq doctor");
    checkJava();
    checkData();
    if (!noEngine) {
      checkEngine();
    }
    KafkaSettings settings = kafkaOptions.settings();
    Duration limit = kafkaOptions.connectTimeout();
    boolean broker = checkBroker(settings, limit);
    if (broker) {
      checkTopics(settings);
    }
    checkRegistry(settings, limit);

    ObjectNode last = JSON.createObjectNode();
    last.put("doctor", "done");
    last.put("ok", problems.isEmpty());
    ArrayNode list = last.putArray("problems");
    problems.forEach(list::add);
    out.println(problems.isEmpty() ? "All checks passed." : problems.size() + " problem(s).");
    out.println(JSON.writeValueAsString(last));
    return firstCode;
  }

  // ---- local ---------------------------------------------------------------------------------------------------

  private void checkJava() {
    Runtime.Version v = Runtime.version();
    String vendor = System.getProperty("java.vendor", "?");
    if (v.feature() < 17) {
      problem("java", "Java " + v + " (" + vendor + ") is too old", "install Java 17 or later", ExitCodes.BAD_INPUT);
    } else {
      ok("java", "Java " + v + " (" + vendor + "), " + System.getProperty("os.name") + " "
          + System.getProperty("os.arch"));
    }
    long heap = Runtime.getRuntime().maxMemory();
    long physical = -1;
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      physical = os.getTotalMemorySize();
    }
    String memory = "max heap " + mib(heap) + (physical > 0 ? ", machine " + mib(physical) : "") + ", "
        + Runtime.getRuntime().availableProcessors() + " CPU(s)";
    if (heap < 512L << 20) {
      problem("memory", memory, "give the JVM at least 512 MiB (SHIQ_JAVA_OPTS=-Xmx2g)", ExitCodes.BAD_INPUT);
    } else {
      ok("memory", memory);
    }
  }

  private void checkData() {
    Optional<Path> data = DataDirectory.find(dataDir);
    if (data.isEmpty()) {
      // Not a problem: the synthetic environment needs no data; say where data would be looked for.
      warn("data", "no data directory (" + DataDirectory.searched(dataDir, "") + ")", "only --env synthetic works "
          + "without one; give --data-dir or SHIQ_DATA (README.md, \"Data and models\")");
      return;
    }
    Path d = data.get();
    if (!Files.isReadable(d)) {
      problem("data", "data directory " + d + " is not readable", "fix its permissions", ExitCodes.BAD_INPUT);
      return;
    }
    ok("data", "data directory " + d);
    List<LocalModel> models;
    try {
      models = LocalModel.under(d);
    } catch (RuntimeException e) {
      problem("models", "cannot list the models under " + d + ": " + e.getMessage(), "check the files",
          ExitCodes.BAD_INPUT);
      return;
    }
    if (models.isEmpty()) {
      warn("models", "no model under " + d, "'shiq model pull ORG/NAME' or put one there");
    } else {
      ok("models", models.size() + " model(s): " + String.join(", ", models.stream().map(m -> m.name() + " ("
          + m.architecture() + ")").toList()));
    }
  }

  private void checkEngine() {
    try {
      ai.djl.engine.Engine engine = io.shiq.policy.engine.TorchEngine.engine();
      int gpus = engine.getGpuCount();
      String lib;
      try {
        lib = ai.djl.pytorch.jni.LibUtils.getLibtorchPath();
      } catch (RuntimeException | LinkageError e) {
        lib = "?";
      }
      ok("engine", "DJL " + engine.getEngineName() + " " + engine.getVersion() + ", device "
          + (gpus > 0 ? gpus + " GPU(s) (" + io.shiq.policy.engine.TorchEngine.defaultDevice() + ")" : "CPU")
          + ", libtorch " + lib);
    } catch (RuntimeException | LinkageError e) {
      problem("engine", "DJL's PyTorch engine does not load: " + e.getMessage(), "check that the native library "
          + "matches this machine (CPU build, or CUDA with a driver); SHIQ_DEBUG=1 shows the cause",
          ExitCodes.INTERNAL);
    }
  }

  // ---- network -------------------------------------------------------------------------------------------------

  private boolean checkBroker(KafkaSettings settings, Duration limit) {
    try {
      Dependencies.BrokerInfo info = Dependencies.broker(settings, limit);
      ok("kafka", settings.bootstrapServers() + ": cluster " + info.clusterId() + ", " + info.nodes().size()
          + " broker(s), " + release(info.metadataVersionLevel()));
      return true;
    } catch (DependencyException e) {
      problem("kafka", e.getMessage(), null, ExitCodes.of(e));
      return false;
    } catch (IllegalArgumentException e) {
      problem("kafka", e.getMessage(), "fix the client settings", ExitCodes.BAD_INPUT);
      return false;
    }
  }

  /**
   * The Kafka release whose metadata the cluster runs, from its finalized metadata.version feature level (KRaft
   * clusters report no software version over the protocol; this level names the release that introduced it).
   */
  static String release(short level) {
    if (level < 0) {
      return "version unknown (no metadata.version: a ZooKeeper cluster, or no permission to describe features)";
    }
    try {
      return "Kafka " + org.apache.kafka.server.common.MetadataVersion.fromFeatureLevel(level).version()
          + " metadata (metadata.version level " + level + ")";
    } catch (IllegalArgumentException e) {
      return "metadata.version level " + level + " (newer than this shiq's Kafka " + org.apache.kafka.common.utils
          .AppInfoParser.getVersion() + ")";
    }
  }

  private void checkTopics(KafkaSettings settings) throws InterruptedException {
    Topics topics = new Topics(topicPrefix);
    try (Admin admin = new KafkaClients(settings).admin()) {
      Set<String> present = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<String> missing = new ArrayList<>();
      List<String> existing = new ArrayList<>();
      for (TopicSpec spec : Topics.ALL) {
        (present.contains(topics.name(spec)) ? existing : missing).add(topics.name(spec));
      }
      for (String name : missing) {
        problem("topics", "topic " + name + " is missing", "'shiq topics create --topic-prefix " + topicPrefix
            + "' (or let any service create it at start)", ExitCodes.BAD_INPUT);
      }
      Map<String, String> differences = TopicsCreateCommand.differences(admin, topics, existing);
      for (String name : new TreeSet<>(differences.keySet())) {
        problem("topics", "topic " + name + " differs from the catalog: " + differences.get(name),
            "align it (kafka-configs.sh / kafka-topics.sh --alter) or recreate it", ExitCodes.BAD_INPUT);
      }
      if (missing.isEmpty() && differences.isEmpty()) {
        ok("topics", existing.size() + " topics with prefix '" + topicPrefix + "', as the catalog declares");
      }
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      problem("topics", "cannot list topics: " + cause.getMessage(), "grant Describe on the topic prefix",
          ExitCodes.of(cause));
    }
  }

  private void checkRegistry(KafkaSettings settings, Duration limit) {
    String url = RegistryConnection.redact(settings.registryUrl());
    int subjects;
    try {
      subjects = Dependencies.registry(settings, limit);
    } catch (DependencyException e) {
      problem("registry", e.getMessage(), null, ExitCodes.of(e));
      return;
    } catch (IllegalArgumentException e) {
      problem("registry", e.getMessage(), "fix the registry settings", ExitCodes.BAD_INPUT);
      return;
    }
    SchemaRegistryClient client = new SchemaRegistryClient(settings.registryUrl(),
        RegistryConnection.from(settings.client(), settings.registryUrl()));
    try {
      CompatibilityLevel global = client.compatibility(null);
      List<String> levels = new ArrayList<>();
      for (String subject : client.subjects()) {
        if (!subject.startsWith(topicPrefix)) {
          continue;
        }
        CompatibilityLevel level = client.compatibility(subject);
        levels.add(subject + " " + level);
        // shiq evolves its records backward-compatibly (new fields with defaults): NONE lets an incompatible
        // writer in, FORWARD-only would refuse shiq's own upgrades.
        if (level == CompatibilityLevel.NONE || level.name().startsWith("FORWARD")) {
          problem("registry", "subject " + subject + " has compatibility " + level, "set BACKWARD or "
              + "BACKWARD_TRANSITIVE (PUT /config/" + subject + ")", ExitCodes.BAD_INPUT);
        }
      }
      ok("registry", url + ": " + subjects + " subject(s), global compatibility " + global
          + (levels.isEmpty() ? ", no shiq subject yet (registered on first write)" : ", " + levels.size()
          + " shiq subject(s)"));
    } catch (RuntimeException e) {
      problem("registry", url + " answered /subjects but not /config: " + e.getMessage(), "check that it is a "
          + "Confluent-compatible registry", ExitCodes.UNREACHABLE);
    }
  }

  // ---- output --------------------------------------------------------------------------------------------------

  private void ok(String check, String what) {
    out.printf(Locale.ROOT, "  ok    %-9s %s%n", check, what);
  }

  private void warn(String check, String what, String fix) {
    out.printf(Locale.ROOT, "  note  %-9s %s%n", check, what);
    out.printf(Locale.ROOT, "        %-9s -> %s%n", "", fix);
  }

  private void problem(String check, String what, String fix, int code) {
    out.printf(Locale.ROOT, "  FAIL  %-9s %s%n", check, what);
    if (fix != null) {
      out.printf(Locale.ROOT, "        %-9s -> %s%n", "", fix);
    }
    problems.add(check + ": " + what + (fix == null ? "" : " (fix: " + fix + ")"));
    if (firstCode == ExitCodes.OK) {
      firstCode = code;
    }
  }

  private static String mib(long bytes) {
    return (bytes >> 20) + " MiB";
  }
}
