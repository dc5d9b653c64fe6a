package io.shiq.learner.publish;

import io.shiq.avro.PolicyVersion;
import io.shiq.avro.WeightChunk;
import io.shiq.avro.WeightTransport;
import io.shiq.policy.io.WeightsPayload;
import io.shiq.policy.model.LlamaWeights;
import io.shiq.schemas.signing.PolicySigner;
import io.shiq.schemas.topic.Topics;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * Publishes policy versions to actors: the weights as {@link WeightChunk}s (at most {@code chunkBytes} each, every
 * chunk with its own sha256) on {@code policy.weights}, then the {@link PolicyVersion} announcement (whole-file
 * sha256, chunk count) on the compacted {@code policy.versions}, keyed by arm. Chunks are acknowledged before the
 * announcement is sent, so an actor never sees an announcement ahead of its chunks. Versions of an arm only grow.
 * After publishing, the weights topic keeps the chunks of the last {@code keepVersions} versions of every arm this
 * publisher serves (older ones are deleted: the topic has one partition, so the cut is the oldest kept version's
 * first offset over all arms). Given a {@link PolicySigner}, every announcement is signed (see
 * {@link io.shiq.schemas.signing.SignedVersion}), so that actors holding the public key load nothing else.
 */
public final class WeightPublisher {
  /** Default chunk payload: 1 MiB minus room for the record envelope, so a default broker (1 MiB limit) takes it. */
  public static final int DEFAULT_CHUNK_BYTES = 1024 * 1024 - 16 * 1024;

  private final Producer<String, SpecificRecord> producer;
  private final Admin admin;
  private final Topics topics;
  private final int chunkBytes;
  private final int keepVersions;
  private final Map<String, java.util.ArrayDeque<Long>> firstChunkOffsets = new java.util.HashMap<>();
  private final Map<String, Long> lastVersion = new java.util.HashMap<>();
  private final PolicySigner signer;

  public WeightPublisher(Producer<String, SpecificRecord> producer, Admin admin, Topics topics, int chunkBytes,
                         int keepVersions) {
    this(producer, admin, topics, chunkBytes, keepVersions, null);
  }

  /** @param signer signs every announcement (null: announcements go unsigned) */
  public WeightPublisher(Producer<String, SpecificRecord> producer, Admin admin, Topics topics, int chunkBytes,
                         int keepVersions, PolicySigner signer) {
    if (chunkBytes < 1 || chunkBytes > 1024 * 1024) {
      throw new IllegalArgumentException("chunk size must be in 1..1048576 bytes, got " + chunkBytes);
    }
    if (keepVersions < 1) {
      throw new IllegalArgumentException("keep versions must be >= 1, got " + keepVersions);
    }
    this.producer = producer;
    this.admin = admin;
    this.topics = topics;
    this.chunkBytes = chunkBytes;
    this.keepVersions = keepVersions;
    this.signer = signer;
  }

  /** Publishes {@code weights} as {@code version} of {@code arm}; returns the announcement sent. */
  public PolicyVersion publish(String arm, long version, long learnerStep, LlamaWeights weights, String objective,
                               Long parentVersion) {
    Long last = lastVersion.get(arm);
    if (last != null && version <= last) {
      throw new IllegalArgumentException("arm " + arm + ": version " + version + " is not newer than the last one "
          + "published, " + last);
    }
    byte[] payload = WeightsPayload.encode(weights);
    int count = Math.max(1, (payload.length + chunkBytes - 1) / chunkBytes);
    long firstOffset = -1;
    for (int i = 0; i < count; i++) {
      int from = i * chunkBytes;
      int to = Math.min(payload.length, from + chunkBytes);
      WeightChunk chunk = WeightChunk.newBuilder().setArm(arm).setVersion(version).setIndex(i).setCount(count)
          .setOffsetBytes(from).setData(ByteBuffer.wrap(Arrays.copyOfRange(payload, from, to)))
          .setSha256(WeightsPayload.sha256(payload, from, to - from)).build();
      RecordMetadata m = await(producer.send(new ProducerRecord<>(topics.policyWeights(), arm + "/" + version + "/"
          + i, chunk)), "chunk " + i + " of " + arm + " v" + version);
      if (i == 0) {
        firstOffset = m.offset();
      }
    }
    PolicyVersion announcement = PolicyVersion.newBuilder().setArm(arm).setVersion(version)
        .setLearnerStep(learnerStep).setFormat("safetensors").setModelConfigJson(WeightsPayload.configJson(
            weights.config())).setSizeBytes(payload.length).setSha256(WeightsPayload.sha256(payload))
        .setTransport(WeightTransport.KAFKA_CHUNKS).setChunkCount(count).setUri(null).setObjective(objective)
        .setParentVersion(parentVersion).setCreatedAt(Instant.now()).build();
    announcement = sign(announcement);
    await(producer.send(new ProducerRecord<>(topics.policyVersions(), arm, announcement)), "announcement of " + arm
        + " v" + version);
    lastVersion.put(arm, version);
    java.util.ArrayDeque<Long> offsets = firstChunkOffsets.computeIfAbsent(arm, a -> new java.util.ArrayDeque<>());
    offsets.addLast(firstOffset);
    boolean dropped = false;
    while (offsets.size() > keepVersions) {
      offsets.removeFirst();
      dropped = true;
    }
    if (dropped) {
      long keepFrom = firstChunkOffsets.values().stream().mapToLong(java.util.ArrayDeque::peekFirst).min()
          .orElseThrow();
      try {
        admin.deleteRecords(Map.of(new TopicPartition(topics.policyWeights(), 0), RecordsToDelete.beforeOffset(
            keepFrom))).all().get(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        throw new KafkaException("could not delete old weight chunks before offset " + keepFrom + " of "
            + topics.policyWeights() + ": " + e.getMessage(), e);
      }
    }
    return announcement;
  }

  /**
   * Publishes a version too big for Kafka: the weights file is written under {@code sharedDir} (a filesystem every
   * actor mounts; object stores later) and the announcement carries its {@code file:} URI, size and sha256.
   */
  public PolicyVersion publishUri(String arm, long version, long learnerStep, LlamaWeights weights, String objective,
                                  Long parentVersion, java.nio.file.Path sharedDir) {
    Long last = lastVersion.get(arm);
    if (last != null && version <= last) {
      throw new IllegalArgumentException("arm " + arm + ": version " + version + " is not newer than the last one "
          + "published, " + last);
    }
    byte[] payload = WeightsPayload.encode(weights);
    java.nio.file.Path dir = sharedDir.resolve(arm).resolve("v" + version);
    java.nio.file.Path file = dir.resolve("model.safetensors");
    try {
      java.nio.file.Files.createDirectories(dir);
      java.nio.file.Path tmp = dir.resolve("model.safetensors.tmp");
      java.nio.file.Files.write(tmp, payload);
      java.nio.file.Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot write " + file, e);
    }
    PolicyVersion announcement = PolicyVersion.newBuilder().setArm(arm).setVersion(version)
        .setLearnerStep(learnerStep).setFormat("safetensors").setModelConfigJson(WeightsPayload.configJson(
            weights.config())).setSizeBytes(payload.length).setSha256(WeightsPayload.sha256(payload))
        .setTransport(WeightTransport.URI).setChunkCount(null).setUri(file.toUri().toString()).setObjective(objective)
        .setParentVersion(parentVersion).setCreatedAt(Instant.now()).build();
    announcement = sign(announcement);
    await(producer.send(new ProducerRecord<>(topics.policyVersions(), arm, announcement)), "announcement of " + arm
        + " v" + version);
    lastVersion.put(arm, version);
    return announcement;
  }

  /** The announcement as sent: signed when this publisher has a key. */
  private PolicyVersion sign(PolicyVersion announcement) {
    return signer == null ? announcement : signer.sign(announcement);
  }

  private static RecordMetadata await(java.util.concurrent.Future<RecordMetadata> f, String what) {
    try {
      return f.get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted sending " + what, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new KafkaException("could not send " + what + ": " + e.getMessage(), e);
    }
  }
}
