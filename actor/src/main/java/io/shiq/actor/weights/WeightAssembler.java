package io.shiq.actor.weights;

import io.shiq.avro.PolicyVersion;
import io.shiq.avro.WeightChunk;
import io.shiq.avro.WeightTransport;
import io.shiq.policy.io.WeightsPayload;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reassembles the weight chunks of newer versions of one arm and verifies them (sha256 of every chunk and of the
 * whole file). Announcements and chunks of other arms, and of versions not newer than the one in use, are ignored:
 * an older version never replaces a newer one. A corrupted version is rejected with a log line as soon as a bad
 * chunk or a bad whole-file digest shows; an incomplete one when the caller says the weights topic has been read to
 * its end ({@link #rejectIncomplete}).
 */
public final class WeightAssembler {
  private static final Logger LOG = LoggerFactory.getLogger(WeightAssembler.class);

  /** A verified, complete version. */
  public record Complete(PolicyVersion announcement, byte[] payload) {}

  private final String arm;
  private long current;
  private final TreeMap<Long, PolicyVersion> announced = new TreeMap<>();
  private final TreeMap<Long, TreeMap<Integer, byte[]>> chunks = new TreeMap<>();
  private final java.util.Set<Long> rejected = new java.util.HashSet<>();
  private final TreeMap<Long, PolicyVersion> referenced = new TreeMap<>();

  /** @param current the version in use (-1 for none) */
  public WeightAssembler(String arm, long current) {
    this.arm = arm;
    this.current = current;
  }

  public long current() {
    return current;
  }

  public void onAnnouncement(PolicyVersion v) {
    if (!v.getArm().equals(arm) || v.getVersion() <= current || rejected.contains(v.getVersion())) {
      return;
    }
    if (v.getSourceArm() != null && v.getTransport() == WeightTransport.KAFKA_CHUNKS) {
      // A re-announcement (A/B rollback): its chunks are those of another arm or version, fetched by the caller.
      referenced.put(v.getVersion(), v);
      return;
    }
    if (v.getTransport() == WeightTransport.URI) {
      if (v.getUri() == null || !v.getUri().startsWith("file:")) {
        reject(v.getVersion(), "URI " + v.getUri() + " is not a file: URI (the only scheme read so far)");
        return;
      }
    } else if (v.getChunkCount() == null || v.getChunkCount() < 1) {
      reject(v.getVersion(), "announcement without a chunk count");
      return;
    }
    announced.put(v.getVersion(), v);
  }

  public void onChunk(WeightChunk c) {
    long v = c.getVersion();
    if (!c.getArm().equals(arm) || v <= current || rejected.contains(v)) {
      return;
    }
    byte[] data = new byte[c.getData().remaining()];
    c.getData().duplicate().get(data);
    if (!WeightsPayload.sha256(data).equals(c.getSha256())) {
      reject(v, "chunk " + c.getIndex() + " of " + c.getCount() + " is corrupted (sha256 mismatch)");
      return;
    }
    chunks.computeIfAbsent(v, x -> new TreeMap<>()).put(c.getIndex(), data);
  }

  /** The newest verified complete version newer than the one in use, which becomes the one in use. */
  public Optional<Complete> poll() {
    for (Long v : new ArrayList<>(announced.descendingKeySet())) {
      PolicyVersion a = announced.get(v);
      if (a.getTransport() == WeightTransport.URI) {
        byte[] payload;
        try {
          payload = java.nio.file.Files.readAllBytes(java.nio.file.Path.of(java.net.URI.create(a.getUri())));
        } catch (java.io.IOException | RuntimeException e) {
          reject(v, "cannot read " + a.getUri() + ": " + e);
          continue;
        }
        if (payload.length != a.getSizeBytes() || !WeightsPayload.sha256(payload).equals(a.getSha256())) {
          reject(v, a.getUri() + " does not match the announced size and sha256");
          continue;
        }
        current = v;
        dropUpTo(v);
        LOG.info("{} v{}: {} bytes from {} verified", arm, v, payload.length, a.getUri());
        return Optional.of(new Complete(a, payload));
      }
      TreeMap<Integer, byte[]> parts = chunks.get(v);
      if (parts == null || parts.size() < a.getChunkCount()) {
        continue;
      }
      int size = 0;
      for (int i = 0; i < a.getChunkCount(); i++) {
        size += parts.get(i) == null ? 0 : parts.get(i).length;
      }
      ByteBuffer all = ByteBuffer.allocate(size);
      for (int i = 0; i < a.getChunkCount(); i++) {
        all.put(parts.get(i));
      }
      byte[] payload = all.array();
      if (payload.length != a.getSizeBytes() || !WeightsPayload.sha256(payload).equals(a.getSha256())) {
        reject(v, "the reassembled file does not match the announced size and sha256");
        continue;
      }
      current = v;
      dropUpTo(v);
      LOG.info("{} v{}: {} chunks, {} bytes verified", arm, v, a.getChunkCount(), payload.length);
      return Optional.of(new Complete(a, payload));
    }
    return Optional.empty();
  }

  /** Rejects every announced version that is still missing chunks (the weights topic has been read to its end). */
  public void rejectIncomplete() {
    for (Long v : new ArrayList<>(announced.keySet())) {
      PolicyVersion a = announced.get(v);
      if (a.getTransport() == WeightTransport.URI) {
        continue;
      }
      TreeMap<Integer, byte[]> parts = chunks.getOrDefault(v, new TreeMap<>());
      List<Integer> missing = new ArrayList<>();
      for (int i = 0; i < a.getChunkCount(); i++) {
        if (!parts.containsKey(i)) {
          missing.add(i);
        }
      }
      if (!missing.isEmpty()) {
        reject(v, "chunks " + missing + " of " + a.getChunkCount() + " never arrived");
      }
    }
  }

  /**
   * The newest announced re-announcement (weights of {@code sourceArm}/{@code sourceVersion}) newer than the version
   * in use, which the caller loads with {@link VersionCatalog#payload} and then {@link #accept}s or rejects.
   */
  public Optional<PolicyVersion> newestReferenced() {
    var e = referenced.tailMap(current, false).lastEntry();
    return e == null ? Optional.empty() : Optional.of(e.getValue());
  }

  /** Makes {@code version} (loaded and verified by the caller) the one in use. */
  public void accept(long version) {
    current = version;
    dropUpTo(version);
  }

  /** Rejects a re-announced version whose source could not be loaded. */
  public void rejectReferenced(long version, String why) {
    referenced.remove(version);
    reject(version, why);
  }

  /** Versions rejected so far. */
  public java.util.Set<Long> rejected() {
    return java.util.Collections.unmodifiableSet(rejected);
  }

  private void reject(long version, String why) {
    rejected.add(version);
    announced.remove(version);
    chunks.remove(version);
    LOG.warn("{} v{} rejected: {}; keeping v{}", arm, version, why, current);
  }

  private void dropUpTo(long version) {
    announced.headMap(version, true).clear();
    referenced.headMap(version, true).clear();
    chunks.headMap(version, true).clear();
  }
}
