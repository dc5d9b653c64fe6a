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
 * its end ({@link #rejectIncomplete}). Every rejection is logged once, naming the announcement's record, and reported
 * to the {@link VersionCheck}'s listeners.
 */
public final class WeightAssembler {
  private static final Logger LOG = LoggerFactory.getLogger(WeightAssembler.class);
  private static final String SHA256 = io.shiq.schemas.signing.PolicyVerifier.Failure.SHA256_MISMATCH.tag();

  /** A verified, complete version. */
  public record Complete(PolicyVersion announcement, byte[] payload) {}

  private final String arm;
  private long current;
  private final TreeMap<Long, PolicyVersion> announced = new TreeMap<>();
  private final TreeMap<Long, TreeMap<Integer, byte[]>> chunks = new TreeMap<>();
  private final java.util.Set<Long> rejected = new java.util.HashSet<>();
  private final TreeMap<Long, PolicyVersion> referenced = new TreeMap<>();
  private final java.util.Map<Long, String> where = new java.util.HashMap<>();
  private final VersionCheck check;

  /** @param current the version in use (-1 for none) */
  public WeightAssembler(String arm, long current) {
    this(arm, current, VersionCheck.unverified());
  }

  /** @param check told of every rejected version */
  public WeightAssembler(String arm, long current, VersionCheck check) {
    this.arm = arm;
    this.current = current;
    this.check = check;
  }

  /** Whether {@code v} would be considered: this arm, newer than the one in use, not rejected already. */
  public boolean wants(PolicyVersion v) {
    return v.getArm().equals(arm) && v.getVersion() > current && !rejected.contains(v.getVersion());
  }

  public long current() {
    return current;
  }

  public void onAnnouncement(PolicyVersion v) {
    onAnnouncement(v, null);
  }

  /** @param at the announcement's record ({@code topic-partition@offset}), named when the version is rejected */
  public void onAnnouncement(PolicyVersion v, String at) {
    if (!wants(v)) {
      return;
    }
    if (at != null) {
      where.put(v.getVersion(), at);
    }
    if (v.getSourceArm() != null && v.getTransport() == WeightTransport.KAFKA_CHUNKS) {
      // A re-announcement (A/B rollback): its chunks are those of another arm or version, fetched by the caller.
      referenced.put(v.getVersion(), v);
      return;
    }
    if (v.getTransport() == WeightTransport.URI) {
      if (v.getUri() == null || !v.getUri().startsWith("file:")) {
        reject(v.getVersion(), VersionCheck.UNREADABLE, "URI " + v.getUri()
            + " is not a file: URI (the only scheme read so far)");
        return;
      }
    } else if (v.getChunkCount() == null || v.getChunkCount() < 1) {
      reject(v.getVersion(), VersionCheck.UNREADABLE, "announcement without a chunk count");
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
      reject(v, SHA256, "chunk " + c.getIndex() + " of " + c.getCount() + " is corrupted (sha256 mismatch)");
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
          reject(v, VersionCheck.UNREADABLE, "cannot read " + a.getUri() + ": " + e);
          continue;
        }
        if (payload.length != a.getSizeBytes() || !WeightsPayload.sha256(payload).equals(a.getSha256())) {
          reject(v, SHA256, a.getUri() + " does not match the announced size and sha256");
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
        reject(v, SHA256, "the reassembled file does not match the announced size and sha256");
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
        reject(v, VersionCheck.INCOMPLETE, "chunks " + missing + " of " + a.getChunkCount() + " never arrived");
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
    rejectReferenced(version, VersionCheck.UNREADABLE, why);
  }

  /** @param reason the metric tag (see {@link VersionCheck.Rejection#reason}) */
  public void rejectReferenced(long version, String reason, String why) {
    referenced.remove(version);
    reject(version, reason, why);
  }

  /** Versions rejected so far. */
  public java.util.Set<Long> rejected() {
    return java.util.Collections.unmodifiableSet(rejected);
  }

  private void reject(long version, String reason, String why) {
    rejected.add(version);
    announced.remove(version);
    chunks.remove(version);
    String at = where.getOrDefault(version, "(not announced yet)");
    LOG.warn("{} v{} at {} rejected: {}: {}; keeping v{}", arm, version, at, reason, why, current);
    check.report(new VersionCheck.Rejection(arm, version, at, reason, why));
  }

  private void dropUpTo(long version) {
    announced.headMap(version, true).clear();
    referenced.headMap(version, true).clear();
    chunks.headMap(version, true).clear();
    where.keySet().removeIf(v -> v <= version);
  }
}
