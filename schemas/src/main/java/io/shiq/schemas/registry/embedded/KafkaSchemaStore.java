package io.shiq.schemas.registry.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shiq.schemas.registry.CompatibilityLevel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The registry's state (subjects, versions, ids, compatibility levels), kept in a compacted single-partition
 * Kafka topic the way Confluent's registry keeps it in {@code _schemas}: every change is written to the topic and
 * acknowledged before it is applied in memory, and a restart replays the topic, so ids survive restarts.
 *
 * <p>One embedded registry writes a given topic at a time (it is the demo's and the tests' registry, not a
 * replicated service); run Confluent's or Karapace's for a highly available one.
 */
final class KafkaSchemaStore implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private record Version(String subject, int version, int id, String schema) {}

  private final String topic;
  private final KafkaProducer<String, String> producer;
  private final Map<Integer, String> schemasById = new HashMap<>();
  private final Map<String, Integer> idsByCanonical = new HashMap<>();
  private final Map<String, TreeMap<Integer, Version>> subjects = new TreeMap<>();
  private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
  private final Map<String, String> client;
  private CompatibilityLevel globalLevel = CompatibilityLevel.DEFAULT;
  private int maxId;

  /** A store that keeps its state in memory only (no Kafka): for unit tests and tools, lost on close. */
  KafkaSchemaStore() {
    this.topic = null;
    this.producer = null;
    this.client = Map.of();
  }

  KafkaSchemaStore(String bootstrapServers, String topic) {
    this(bootstrapServers, Map.of(), topic);
  }

  /** {@code client}: Kafka client settings of the store's clients (security: SASL, TLS), as for any shiq client. */
  KafkaSchemaStore(String bootstrapServers, Map<String, String> client, String topic) {
    this.topic = topic;
    this.client = Map.copyOf(client);
    ensureTopic(bootstrapServers, topic);
    Properties p = new Properties();
    p.putAll(this.client);
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    this.producer = new KafkaProducer<>(p);
    replay(bootstrapServers);
  }

  // ---- reads ------------------------------------------------------------------------------------------------

  synchronized List<String> subjects() {
    return new ArrayList<>(subjects.keySet());
  }

  synchronized List<Integer> versions(String subject) {
    return new ArrayList<>(subject(subject).keySet());
  }

  synchronized ObjectNode version(String subject, String version) {
    return describe(resolve(subject, version));
  }

  synchronized String schemaById(int id) {
    String schema = schemasById.get(id);
    if (schema == null) {
      throw RegistryError.notFound(RegistryError.SCHEMA_NOT_FOUND, "Schema " + id + " not found");
    }
    return schema;
  }

  /** The registered version of {@code schemaText} under {@code subject}. */
  synchronized ObjectNode lookup(String subject, String schemaText) {
    String canonical = canonical(schemaText);
    for (Version v : subject(subject).values()) {
      if (v.schema.equals(canonical)) {
        return describe(v);
      }
    }
    throw RegistryError.notFound(RegistryError.SCHEMA_NOT_FOUND, "Schema not found under subject " + subject);
  }

  synchronized CompatibilityLevel level(String subject) {
    return subject == null ? globalLevel : subjectLevels.get(subject);
  }

  synchronized CompatibilityLevel effectiveLevel(String subject) {
    return subjectLevels.getOrDefault(subject, globalLevel);
  }

  /** Messages explaining why {@code schemaText} is incompatible with {@code version} (or all, if transitive). */
  synchronized List<String> compatibilityViolations(String subject, String schemaText, String version) {
    Schema candidate = parse(schemaText);
    TreeMap<Integer, Version> versions = subjects.get(subject);
    if (versions == null || versions.isEmpty()) {
      return List.of();
    }
    CompatibilityLevel level = effectiveLevel(subject);
    List<Schema> earlier = new ArrayList<>();
    if ("latest".equals(version) && level.name().endsWith("TRANSITIVE")) {
      versions.values().forEach(v -> earlier.add(parse(v.schema)));
    } else {
      earlier.add(parse(resolve(subject, version).schema));
    }
    return level.violations(candidate, earlier);
  }

  // ---- writes -----------------------------------------------------------------------------------------------

  /** Registers {@code schemaText} under {@code subject}; returns its id (existing id when already there). */
  synchronized int register(String subject, String schemaText) {
    Schema parsed = parse(schemaText);
    String canonical = parsed.toString();
    TreeMap<Integer, Version> versions = subjects.getOrDefault(subject, new TreeMap<>());
    for (Version v : versions.values()) {
      if (v.schema.equals(canonical)) {
        return v.id;
      }
    }
    List<Schema> earlier = new ArrayList<>();
    versions.values().forEach(v -> earlier.add(parse(v.schema)));
    CompatibilityLevel level = effectiveLevel(subject);
    List<String> violations = level.violations(parsed, earlier);
    if (!violations.isEmpty()) {
      throw new RegistryError(409, RegistryError.INCOMPATIBLE, "Schema being registered is incompatible with an"
          + " earlier schema for subject \"" + subject + "\" under " + level + ": " + String.join("; ", violations));
    }
    int id = idsByCanonical.getOrDefault(canonical, maxId + 1);
    int version = versions.isEmpty() ? 1 : versions.lastKey() + 1;
    ObjectNode key = JSON.createObjectNode().put("keytype", "SCHEMA").put("subject", subject).put("version", version);
    ObjectNode value = JSON.createObjectNode().put("subject", subject).put("version", version).put("id", id)
        .put("schema", canonical);
    write(key, value);
    return id;
  }

  synchronized void setLevel(String subject, CompatibilityLevel level) {
    ObjectNode key = JSON.createObjectNode().put("keytype", "CONFIG");
    if (subject == null) {
      key.putNull("subject");
    } else {
      key.put("subject", subject);
    }
    write(key, JSON.createObjectNode().put("compatibilityLevel", level.name()));
  }

  @Override
  public void close() {
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
  }

  // ---- the log ----------------------------------------------------------------------------------------------

  private void write(ObjectNode key, ObjectNode value) {
    if (producer == null) {
      apply(key, value);
      return;
    }
    try {
      producer.send(new ProducerRecord<>(topic, 0, key.toString(), value.toString()))
          .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryError(500, RegistryError.STORE_ERROR, "interrupted writing to " + topic);
    } catch (ExecutionException | TimeoutException e) {
      throw new RegistryError(500, RegistryError.STORE_ERROR, "could not write to registry topic " + topic + ": "
          + e.getMessage());
    }
    apply(key, value);
  }

  private void apply(JsonNode key, JsonNode value) {
    switch (key.path("keytype").asText()) {
      case "SCHEMA" -> {
        if (value == null || value.isNull()) {
          return; // deletion is not supported by this registry; ignore tombstones written by others
        }
        Version v = new Version(value.get("subject").asText(), value.get("version").asInt(), value.get("id").asInt(),
            value.get("schema").asText());
        subjects.computeIfAbsent(v.subject, s -> new TreeMap<>()).put(v.version, v);
        schemasById.put(v.id, v.schema);
        idsByCanonical.put(v.schema, v.id);
        maxId = Math.max(maxId, v.id);
      }
      case "CONFIG" -> {
        CompatibilityLevel level = CompatibilityLevel.parse(value.get("compatibilityLevel").asText());
        JsonNode subject = key.path("subject");
        if (subject.isMissingNode() || subject.isNull()) {
          globalLevel = level;
        } else {
          subjectLevels.put(subject.asText(), level);
        }
      }
      default -> { } // other key types (Confluent's NOOP, MODE, ...) carry nothing we use
    }
  }

  private void replay(String bootstrapServers) {
    Properties p = new Properties();
    p.putAll(client);
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp), TIMEOUT).get(tp);
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (consumer.position(tp, TIMEOUT) < end) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("timed out replaying registry topic " + topic + " (at offset "
              + consumer.position(tp) + " of " + end + ")");
        }
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          try {
            apply(JSON.readTree(r.key()), r.value() == null ? null : JSON.readTree(r.value()));
          } catch (Exception e) {
            throw new IllegalStateException("registry topic " + topic + " partition 0 offset " + r.offset()
                + " holds an unreadable record: " + e.getMessage(), e);
          }
        }
      }
    }
  }

  private void ensureTopic(String bootstrapServers, String topic) {
    Map<String, Object> a = new java.util.HashMap<>(client);
    a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    try (Admin admin = Admin.create(a)) {
      Set<String> names = admin.listTopics().names().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      if (names.contains(topic)) {
        return;
      }
      int brokers = admin.describeCluster().nodes().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).size();
      NewTopic nt = new NewTopic(topic, 1, (short) Math.max(1, Math.min(3, brokers)))
          .configs(Map.of("cleanup.policy", "compact"));
      admin.createTopics(List.of(nt)).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create registry topic " + topic + " on " + bootstrapServers + ": "
            + e.getCause().getMessage(), e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted creating registry topic " + topic, e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka at " + bootstrapServers + " did not answer in " + TIMEOUT
          + " while creating registry topic " + topic, e);
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------------------

  private TreeMap<Integer, Version> subject(String subject) {
    TreeMap<Integer, Version> versions = subjects.get(subject);
    if (versions == null) {
      throw RegistryError.notFound(RegistryError.SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
    }
    return versions;
  }

  private Version resolve(String subject, String version) {
    TreeMap<Integer, Version> versions = subject(subject);
    if ("latest".equals(version) || "-1".equals(version)) {
      return versions.lastEntry().getValue();
    }
    int n;
    try {
      n = Integer.parseInt(version);
    } catch (NumberFormatException e) {
      throw RegistryError.unprocessable(RegistryError.INVALID_VERSION, "The specified version '" + version
          + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");
    }
    return Optional.ofNullable(versions.get(n)).orElseThrow(() ->
        RegistryError.notFound(RegistryError.VERSION_NOT_FOUND, "Version " + version + " not found."));
  }

  private static ObjectNode describe(Version v) {
    return JSON.createObjectNode().put("subject", v.subject).put("version", v.version).put("id", v.id)
        .put("schema", v.schema);
  }

  private static String canonical(String schemaText) {
    return parse(schemaText).toString();
  }

  static Schema parse(String schemaText) {
    if (schemaText == null || schemaText.isBlank()) {
      throw RegistryError.unprocessable(RegistryError.INVALID_SCHEMA, "Empty schema");
    }
    try {
      return new Schema.Parser().parse(schemaText);
    } catch (SchemaParseException | NullPointerException e) {
      String shown = schemaText.length() > 200 ? schemaText.substring(0, 200) + "..." : schemaText;
      throw RegistryError.unprocessable(RegistryError.INVALID_SCHEMA, "Invalid schema " + shown + ": "
          + e.getMessage());
    }
  }
}
