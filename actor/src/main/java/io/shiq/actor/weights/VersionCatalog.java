package io.shiq.actor.weights;

import ai.djl.Device;
import io.shiq.avro.PolicyVersion;
import io.shiq.avro.WeightChunk;
import io.shiq.avro.WeightTransport;
import io.shiq.policy.io.WeightsPayload;
import io.shiq.policy.model.LlamaWeights;
import io.shiq.schemas.kafka.KafkaClients;
import io.shiq.schemas.serde.AvroDeserializer;
import io.shiq.schemas.topic.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every announced version of every policy line, and loading any of them on demand: what an actor serving several
 * A/B arms at once (pinned versions, latest of a line, a rollback that re-announces another line's weights) needs.
 * Announcements are tailed from the compacted {@code policy.versions}; a version's bytes come from its file URI or
 * from a scan of {@code policy.weights} for the chunks of its source (the announcement's own arm and version, or
 * {@code sourceArm}/{@code sourceVersion} for a re-announcement). Sizes and sha256 are verified as the
 * {@link WeightAssembler} does. With a {@link VersionCheck} that verifies signatures, an announcement that does not
 * verify never enters the catalog (so {@link #latest} and {@link #get} only name verified versions).
 */
public final class VersionCatalog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(VersionCatalog.class);
  private final KafkaClients kafka;
  private final Topics topics;
  private final Device device;
  private final KafkaConsumer<String, byte[]> consumer;
  private final AvroDeserializer<PolicyVersion> versions;
  private final Map<String, TreeMap<Long, PolicyVersion>> byLine = new HashMap<>();
  private final VersionCheck check;
  /** Record of each catalogued announcement ("line@version"), and the versions whose weights were refused. */
  private final Map<String, String> where = new HashMap<>();
  private final java.util.Set<String> refusedLoads = new java.util.HashSet<>();

  /** Bytes that do not match the announced size and sha256, or a corrupted chunk. */
  public static final class WeightsMismatch extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    WeightsMismatch(String message) {
      super(message);
    }
  }

  public VersionCatalog(KafkaClients kafka, Topics topics, Device device) {
    this(kafka, topics, device, VersionCheck.unverified());
  }

  /** @param check verifies announcements before they enter the catalog and is told of every refused version */
  public VersionCatalog(KafkaClients kafka, Topics topics, Device device, VersionCheck check) {
    this.check = check;
    check.sayOnceWhatIsChecked();
    this.kafka = kafka;
    this.topics = topics;
    this.device = device;
    this.versions = kafka.deserializer(PolicyVersion.class);
    this.consumer = kafka.rawConsumer(Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "50"));
    List<TopicPartition> parts = new ArrayList<>();
    for (PartitionInfo p : consumer.partitionsFor(topics.policyVersions())) {
      parts.add(new TopicPartition(p.topic(), p.partition()));
    }
    consumer.assign(parts);
    consumer.seekToBeginning(parts);
  }

  /** Reads the announcements that arrived, until caught up or {@code timeout}. */
  public void refresh(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    do {
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(50))) {
        if (r.value() == null) {
          continue;
        }
        try {
          PolicyVersion v = versions.deserialize(r.topic(), r.value());
          String at = VersionCheck.where(r.topic(), r.partition(), r.offset());
          if (!check.admit(v, at)) {
            continue;
          }
          byLine.computeIfAbsent(v.getArm(), a -> new TreeMap<>()).put(v.getVersion(), v);
          where.put(v.getArm() + "@" + v.getVersion(), at);
        } catch (RuntimeException e) {
          LOG.warn("skipping {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
        }
      }
      if (caughtUp()) {
        return;
      }
    } while (System.nanoTime() < deadline);
  }

  public Optional<PolicyVersion> latest(String line) {
    TreeMap<Long, PolicyVersion> m = byLine.get(line);
    return m == null || m.isEmpty() ? Optional.empty() : Optional.of(m.lastEntry().getValue());
  }

  public Optional<PolicyVersion> get(String line, long version) {
    TreeMap<Long, PolicyVersion> m = byLine.get(line);
    return Optional.ofNullable(m == null ? null : m.get(version));
  }

  /** The verified weights of {@code v}; an {@link IllegalStateException} names what is missing or corrupted. */
  public LlamaWeights load(PolicyVersion v) {
    byte[] payload;
    try {
      payload = payload(kafka, topics, v);
    } catch (IllegalStateException e) {
      String key = v.getArm() + "@" + v.getVersion();
      if (refusedLoads.add(key)) { // once per version, however often the caller tries again
        String at = where.getOrDefault(key, topics.policyVersions());
        LOG.warn("{} v{} at {} rejected: {}; keeping the weights in use", v.getArm(), v.getVersion(), at,
            e.getMessage());
        check.report(new VersionCheck.Rejection(v.getArm(), v.getVersion(), at, e instanceof WeightsMismatch
            ? io.shiq.schemas.signing.PolicyVerifier.Failure.SHA256_MISMATCH.tag() : VersionCheck.UNREADABLE,
            e.getMessage()));
      }
      throw e;
    }
    try {
      return WeightsPayload.decode(payload, v.getModelConfigJson(), device, v.getArm() + " v" + v.getVersion());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The verified bytes of {@code v} (file URI, or chunks of its source on the weights topic). */
  public static byte[] payload(KafkaClients kafka, Topics topics, PolicyVersion v) {
    String what = v.getArm() + " v" + v.getVersion();
    byte[] payload;
    if (v.getTransport() == WeightTransport.URI) {
      try {
        payload = Files.readAllBytes(Path.of(URI.create(v.getUri())));
      } catch (IOException | RuntimeException e) {
        throw new IllegalStateException(what + ": cannot read " + v.getUri() + ": " + e, e);
      }
    } else {
      String arm = v.getSourceArm() != null ? v.getSourceArm() : v.getArm();
      long version = v.getSourceVersion() != null ? v.getSourceVersion() : v.getVersion();
      payload = scanChunks(kafka, topics, arm, version, v.getChunkCount() == null ? -1 : v.getChunkCount(), what);
    }
    if (payload.length != v.getSizeBytes() || !WeightsPayload.sha256(payload).equals(v.getSha256())) {
      throw new WeightsMismatch(what + ": the weights do not match the announced size and sha256");
    }
    return payload;
  }

  /** Reads {@code policy.weights} from its start for the chunks of {@code arm} v{@code version}. */
  static byte[] scanChunks(KafkaClients kafka, Topics topics, String arm, long version, int count, String what) {
    AvroDeserializer<WeightChunk> chunks = kafka.deserializer(WeightChunk.class);
    TreeMap<Integer, byte[]> parts = new TreeMap<>();
    try (KafkaConsumer<String, byte[]> c = kafka.rawConsumer(Map.of(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
        Integer.toString(4 * 1024 * 1024)))) {
      List<TopicPartition> tps = new ArrayList<>();
      for (PartitionInfo p : c.partitionsFor(topics.policyWeights())) {
        tps.add(new TopicPartition(p.topic(), p.partition()));
      }
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> end = c.endOffsets(tps);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          WeightChunk w;
          try {
            w = chunks.deserialize(r.topic(), r.value());
          } catch (RuntimeException e) {
            continue;
          }
          if (!w.getArm().equals(arm) || w.getVersion() != version) {
            continue;
          }
          byte[] data = new byte[w.getData().remaining()];
          w.getData().duplicate().get(data);
          if (!WeightsPayload.sha256(data).equals(w.getSha256())) {
            throw new WeightsMismatch(what + ": chunk " + w.getIndex() + " of " + arm + " v" + version
                + " is corrupted (sha256 mismatch) at " + r.topic() + "-" + r.partition() + "@" + r.offset());
          }
          parts.put(w.getIndex(), data);
          count = w.getCount();
        }
      }
    }
    if (count < 1 || parts.size() < count) {
      throw new IllegalStateException(what + ": " + (count < 1 ? "no" : (count - parts.size()) + " of " + count)
          + " chunks of " + arm + " v" + version + " found on " + topics.policyWeights()
          + " (deleted by retention or by the publisher's clean-up?)");
    }
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (int i = 0; i < count; i++) {
      all.writeBytes(parts.get(i));
    }
    return all.toByteArray();
  }

  private boolean caughtUp() {
    return caughtUp(consumer);
  }

  /** Whether {@code consumer} has read every assigned partition to its current end. */
  public static boolean caughtUp(KafkaConsumer<?, ?> consumer) {
    List<TopicPartition> all = new ArrayList<>(consumer.assignment());
    Map<TopicPartition, Long> end = consumer.endOffsets(all);
    for (TopicPartition tp : all) {
      if (consumer.position(tp) < end.get(tp)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    consumer.close();
  }
}
