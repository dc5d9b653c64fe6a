package io.shiq.actor.weights;

import ai.djl.Device;
import io.shiq.avro.PolicyVersion;
import io.shiq.avro.WeightChunk;
import io.shiq.policy.io.WeightsPayload;
import io.shiq.policy.model.LlamaWeights;
import io.shiq.schemas.kafka.KafkaClients;
import io.shiq.schemas.serde.AvroDeserializer;
import io.shiq.schemas.topic.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * The actor's side of weight distribution: reads {@code policy.versions} and {@code policy.weights} from the start
 * (so a restarted actor finds the latest complete version), reassembles and verifies newer versions of its arm and
 * hands back weights ready to swap in between generation batches. Undecodable records are skipped with a log line
 * by the assembler's rules (a bad chunk rejects its version). With a {@link VersionCheck} that verifies signatures,
 * an announcement of a version it would load is checked before anything of it is kept: a refused one is dropped
 * and the weights in use stay.
 */
public final class WeightSubscriber implements AutoCloseable {
  /** Weights of a verified version. */
  public record Loaded(PolicyVersion announcement, LlamaWeights weights) {}

  private final KafkaConsumer<String, byte[]> consumer;
  private final AvroDeserializer<PolicyVersion> versions;
  private final AvroDeserializer<WeightChunk> chunks;
  private final Topics topics;
  private final KafkaClients kafka;
  private final WeightAssembler assembler;
  private final Device device;
  private final List<TopicPartition> weightPartitions = new ArrayList<>();
  private final VersionCheck check;

  public WeightSubscriber(KafkaClients kafka, Topics topics, String arm, long currentVersion, Device device) {
    this(kafka, topics, arm, currentVersion, device, VersionCheck.unverified());
  }

  /** @param check verifies announcements before loading and is told of every refused version */
  public WeightSubscriber(KafkaClients kafka, Topics topics, String arm, long currentVersion, Device device,
                          VersionCheck check) {
    this.consumer = kafka.rawConsumer(Map.of(
        // The publisher deletes the chunks of old versions. An actor that has not read for a while (paused, slow)
        // can find its position below the new log start: it must go on from the oldest chunk still there, not jump
        // to the end (the default for assigned partitions), which would skip every chunk of the versions it needs.
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(4 * 1024 * 1024),
        // New versions are rare and wanted at once: do not let an empty fetch sit for the default 500 ms.
        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "50"));
    this.versions = kafka.deserializer(PolicyVersion.class);
    this.chunks = kafka.deserializer(WeightChunk.class);
    this.topics = topics;
    this.kafka = kafka;
    this.check = check;
    this.assembler = new WeightAssembler(arm, currentVersion, check);
    this.device = device;
    check.sayOnceWhatIsChecked();
    List<TopicPartition> all = new ArrayList<>();
    for (String topic : List.of(topics.policyVersions(), topics.policyWeights())) {
      for (PartitionInfo info : consumer.partitionsFor(topic)) {
        TopicPartition tp = new TopicPartition(topic, info.partition());
        all.add(tp);
        if (topic.equals(topics.policyWeights())) {
          weightPartitions.add(tp);
        }
      }
    }
    consumer.assign(all);
    consumer.seekToBeginning(all);
  }

  public WeightAssembler assembler() {
    return assembler;
  }

  public VersionCheck check() {
    return check;
  }

  /**
   * Reads what has arrived (up to {@code timeout}) and returns the newest verified version newer than the one in
   * use, if any. Versions whose chunks are still missing once both topics are read to their end are rejected.
   */
  public Optional<Loaded> poll(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Optional<WeightAssembler.Complete> newest = Optional.empty();
    do {
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
        try {
          if (r.topic().equals(topics.policyVersions())) {
            if (r.value() != null) {
              PolicyVersion v = versions.deserialize(r.topic(), r.value());
              String at = VersionCheck.where(r.topic(), r.partition(), r.offset());
              // only what it would load is checked: other arms and older versions are none of its business
              if (assembler.wants(v) && check.admit(v, at)) {
                assembler.onAnnouncement(v, at);
              }
            }
          } else {
            assembler.onChunk(chunks.deserialize(r.topic(), r.value()));
          }
        } catch (RuntimeException e) {
          org.slf4j.LoggerFactory.getLogger(WeightSubscriber.class).warn("skipping {}-{}@{}: {}", r.topic(),
              r.partition(), r.offset(), e.getMessage());
        }
      }
      Optional<WeightAssembler.Complete> done = assembler.poll();
      if (done.isPresent()) {
        newest = done;
      }
      if (caughtUp()) {
        assembler.rejectIncomplete();
        break;
      }
    } while (System.nanoTime() < deadline);
    Optional<PolicyVersion> referenced = assembler.newestReferenced();
    if (referenced.isPresent() && (newest.isEmpty()
        || referenced.get().getVersion() > newest.get().announcement().getVersion())) {
      PolicyVersion r = referenced.get();
      try {
        byte[] payload = VersionCatalog.payload(kafka, topics, r);
        assembler.accept(r.getVersion());
        newest = Optional.of(new WeightAssembler.Complete(r, payload));
      } catch (RuntimeException e) {
        assembler.rejectReferenced(r.getVersion(), e instanceof VersionCatalog.WeightsMismatch
            ? io.shiq.schemas.signing.PolicyVerifier.Failure.SHA256_MISMATCH.tag() : VersionCheck.UNREADABLE,
            e.getMessage());
      }
    }
    return newest.map(c -> {
      try {
        return new Loaded(c.announcement(), WeightsPayload.decode(c.payload(), c.announcement().getModelConfigJson(),
            device, c.announcement().getArm() + " v" + c.announcement().getVersion()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  private boolean caughtUp() {
    return VersionCatalog.caughtUp(consumer);
  }

  @Override
  public void close() {
    consumer.close();
  }
}
