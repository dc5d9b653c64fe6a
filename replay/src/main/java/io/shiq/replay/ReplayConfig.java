package io.shiq.replay;

import io.shiq.replay.table.Mixer;
import io.shiq.replay.table.RateLimiter;
import io.shiq.replay.table.Remover;
import io.shiq.replay.table.Sampler;
import io.shiq.schemas.kafka.KafkaSettings;
import io.shiq.schemas.serde.SerdeConfig;
import io.shiq.schemas.topic.Topics;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Every option of the replay buffer, with defaults, validated at start with messages that name the option. Options
 * not listed here (Kafka Streams and client settings, e.g. {@code num.stream.threads}) pass through to Kafka Streams.
 */
public record ReplayConfig(String applicationId, String bootstrapServers, String schemaRegistryUrl, Topics topics,
                           int batchSize, int capacity, long capacityTokens, Remover remover, Sampler sampler,
                           Mixer mixer, RateLimiter rateLimiter, int emitMaxBatches, int maxTimesSampled,
                           int maxStaleVersions,
                           StaleAction staleAction, long rewardTimeoutMs, StaleAction rewardTimeoutAction,
                           long maxTrajectoryBytes, long seed, Properties streams) {

  /**
   * Kafka and the registry, with the pass-through options that are client settings (security, timeouts) so that
   * the replay buffer's own admin client uses them as its Streams clients do.
   */
  public KafkaSettings kafka() {
    Map<String, String> client = new TreeMap<>();
    for (String k : streams.stringPropertyNames()) {
      // Kafka's client settings, and the registry client's (basic auth, TLS) for the topology's serdes.
      if (AdminClientConfig.configNames().contains(k) && !k.equals(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)
          || io.shiq.schemas.registry.RegistryConnection.isRegistryKey(k)) {
        client.put(k, streams.getProperty(k));
      }
    }
    return new KafkaSettings(bootstrapServers, schemaRegistryUrl, client);
  }

  /** What to do with a stale fresh trajectory, or one whose late reward never came. */
  public enum StaleAction { DROP, HISTORY }

  public static final String BOOTSTRAP_SERVERS = CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG;
  public static final String SCHEMA_REGISTRY_URL = SerdeConfig.SCHEMA_REGISTRY_URL;

  /** Every option with its default and meaning (for --help and the README). */
  public static final Map<String, String[]> OPTIONS = new LinkedHashMap<>();

  static {
    option("application.id", "shiq-replay", "Kafka Streams application id (consumer group, state directory name)");
    option(BOOTSTRAP_SERVERS, null, "Kafka bootstrap servers (required)");
    option(SCHEMA_REGISTRY_URL, null, "Confluent-compatible schema registry URL (required)");
    option("topic.prefix", Topics.DEFAULT_PREFIX, "prefix of every shiq topic");
    option("replay.batch.size", "32", "trajectories per emitted batch");
    option("replay.capacity", "10000", "table capacity in trajectories, per partition");
    option("replay.capacity.tokens", "20000000", "table capacity in tokens, per partition");
    option("replay.remover", "fifo", "what a full table evicts: fifo, lifo, reservoir, lowest-priority");
    option("replay.sampler", "uniform", "how batches are drawn: uniform, prioritized, fifo, newest");
    option("replay.priority.alpha", "0.6", "prioritized sampler: P(i) proportional to priority^alpha");
    option("replay.priority.beta", "0.4", "prioritized sampler: importance-weight exponent");
    option("replay.fresh.fraction", "0.5", "share of each batch taken from fresh (never sampled) trajectories");
    option("replay.fresh.shortfall", "fill", "when fresh ones are short: wait, or fill from history");
    option("replay.samples.per.insert", "1.0", "rate limiter: target sampled items per inserted item");
    option("replay.samples.per.insert.tolerance", "128", "rate limiter: allowed excess of samples, in items");
    option("replay.min.size", "32", "rate limiter: items in the table before the first batch");
    option("replay.emit.max.batches", "16", "batches emitted per processed record or per second at most (keeps each "
        + "Streams transaction short when the rate limiter allows many at once, e.g. offline training on history; "
        + "the rest follow)");
    option("replay.max.times.sampled", "8", "reuse cap: a trajectory leaves the table after this many samples");
    option("replay.staleness.max.versions", "4", "fresh trajectories more than this many versions behind are stale");
    option("replay.staleness.action", "history", "stale trajectories: drop, or move to history");
    option("replay.reward.timeout.ms", "60000", "how long a trajectory waits for its late reward");
    option("replay.reward.timeout.action", "history", "no reward in time: drop, or emit unrewarded to history");
    option("replay.max.trajectory.bytes", Integer.toString(16 * 1024 * 1024), "largest trajectory record value "
        + "accepted, in bytes; a larger one goes to the dead-letter topic with a truncated copy of its value (a "
        + "compressed batch can carry a value far above the broker's message size limit)");
    option("replay.seed", "0", "seed of the samplers and removers (per partition)");
    option("processing.guarantee", "exactly_once_v2", "Kafka Streams processing guarantee");
  }

  private static final Set<String> OWN = OPTIONS.keySet();

  private static void option(String key, String dflt, String doc) {
    OPTIONS.put(key, new String[] {dflt, doc});
  }

  /**
   * Reads options from a {@code .properties} file or a {@code .yaml}/{@code .yml} file; nested YAML keys are joined
   * with dots ({@code replay: {sampler: fifo}} is {@code replay.sampler=fifo}).
   */
  public static Properties readFile(java.nio.file.Path file) throws java.io.IOException {
    Properties p = new Properties();
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    try {
      if (name.endsWith(".yaml") || name.endsWith(".yml")) {
        com.fasterxml.jackson.databind.JsonNode root = new com.fasterxml.jackson.databind.ObjectMapper(
            new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(file.toFile());
        if (root != null && !root.isObject()) {
          throw new IllegalArgumentException(file + ": the YAML document must be a mapping of options");
        }
        if (root != null) {
          flatten("", root, p);
        }
      } else {
        try (java.io.Reader r = java.nio.file.Files.newBufferedReader(file)) {
          p.load(r);
        }
      }
    } catch (java.io.IOException e) {
      // YAML syntax, bytes that are not UTF-8: their messages name neither the file nor what it is
      throw e.getMessage() != null && e.getMessage().contains(file.toString()) ? e
          : new java.io.IOException(file + ": not a valid options file: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      // Properties.load's error for a malformed unicode escape
      throw e.getMessage() != null && e.getMessage().contains(file.toString()) ? e
          : new IllegalArgumentException(file + ": not a valid options file: " + e.getMessage(), e);
    }
    return p;
  }

  private static void flatten(String prefix, com.fasterxml.jackson.databind.JsonNode node, Properties out) {
    if (node.isObject()) {
      node.fields().forEachRemaining(e -> flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(),
          e.getValue(), out));
    } else if (!node.isNull()) {
      out.put(prefix, node.asText());
    }
  }

  /**
   * The options that say where Kafka and the registry are: bootstrap servers, registry URL, and the client settings
   * (which pass through to Kafka Streams' clients).
   */
  public static Properties connection(KafkaSettings kafka) {
    Properties p = new Properties();
    p.putAll(kafka.client());
    p.put(BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    p.put(SCHEMA_REGISTRY_URL, kafka.registryUrl());
    return p;
  }

  /** Parses and validates; unknown keys pass through to Kafka Streams. */
  public static ReplayConfig from(Properties props) {
    Map<String, String> v = new LinkedHashMap<>();
    OPTIONS.forEach((k, d) -> {
      String value = props.getProperty(k, d[0]);
      if (value == null) {
        throw new IllegalArgumentException("missing required option '" + k + "' (" + d[1] + ")");
      }
      v.put(k, value.trim());
    });
    int batch = intOf(v, "replay.batch.size", 1);
    Properties streams = new Properties();
    props.stringPropertyNames().stream().filter(k -> !OWN.contains(k) || k.equals("processing.guarantee")
            || k.equals(BOOTSTRAP_SERVERS) || k.equals("application.id"))
        .forEach(k -> streams.put(k, props.getProperty(k)));
    streams.put("processing.guarantee", v.get("processing.guarantee"));
    return new ReplayConfig(v.get("application.id"), v.get(BOOTSTRAP_SERVERS), v.get(SCHEMA_REGISTRY_URL),
        new Topics(v.get("topic.prefix")), batch, intOf(v, "replay.capacity", 1), longOf(v, "replay.capacity.tokens", 1),
        parse("replay.remover", () -> Remover.parse(v.get("replay.remover"))),
        parse("replay.sampler", () -> Sampler.parse(v.get("replay.sampler"),
            doubleOf(v, "replay.priority.alpha"), doubleOf(v, "replay.priority.beta"))),
        parse("replay.fresh.fraction", () -> new Mixer(doubleOf(v, "replay.fresh.fraction"),
            Mixer.parseShortfall(v.get("replay.fresh.shortfall")))),
        parse("replay.samples.per.insert", () -> new RateLimiter(doubleOf(v, "replay.samples.per.insert"),
            doubleOf(v, "replay.samples.per.insert.tolerance"), intOf(v, "replay.min.size", 1))),
        intOf(v, "replay.emit.max.batches", 1), intOf(v, "replay.max.times.sampled", 1),
        intOf(v, "replay.staleness.max.versions", 0),
        action(v, "replay.staleness.action"), longOf(v, "replay.reward.timeout.ms", 0),
        action(v, "replay.reward.timeout.action"), longOf(v, "replay.max.trajectory.bytes", 1),
        longOf(v, "replay.seed", Long.MIN_VALUE), streams);
  }

  private static <T> T parse(String key, java.util.function.Supplier<T> s) {
    try {
      return s.get();
    } catch (IllegalArgumentException e) {
      throw e.getMessage() != null && e.getMessage().contains("replay.") ? e
          : new IllegalArgumentException("option '" + key + "': " + e.getMessage(), e);
    }
  }

  private static StaleAction action(Map<String, String> v, String key) {
    try {
      return StaleAction.valueOf(v.get(key).toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("option '" + key + "' must be drop or history, got '" + v.get(key) + "'");
    }
  }

  private static int intOf(Map<String, String> v, String key, int min) {
    long x = longOf(v, key, min);
    if (x > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("option '" + key + "' is too large: " + x);
    }
    return (int) x;
  }

  private static long longOf(Map<String, String> v, String key, long min) {
    long x;
    try {
      x = Long.parseLong(v.get(key));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("option '" + key + "' must be an integer, got '" + v.get(key) + "'");
    }
    if (x < min) {
      throw new IllegalArgumentException("option '" + key + "' must be >= " + min + ", got " + x);
    }
    return x;
  }

  private static double doubleOf(Map<String, String> v, String key) {
    try {
      double x = Double.parseDouble(v.get(key));
      if (!Double.isFinite(x)) {
        throw new NumberFormatException();
      }
      return x;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("option '" + key + "' must be a number, got '" + v.get(key) + "'");
    }
  }
}
