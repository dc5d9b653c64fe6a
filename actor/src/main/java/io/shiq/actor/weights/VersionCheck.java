package io.shiq.actor.weights;

import io.shiq.avro.PolicyVersion;
import io.shiq.schemas.signing.PolicyVerifier;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an actor checks of an announcement before it loads the weights, and whom it tells when it refuses one. With a
 * {@link PolicyVerifier} (trusted public keys), an announcement is admitted only when its signature verifies;
 * without, every announcement is admitted as before. Every refused version, for a bad signature or for weights that
 * do not match the (signed) sha256 or cannot be read, goes to the listeners: the actor's metrics count them by
 * {@link Rejection#reason}.
 */
public final class VersionCheck {
  private static final Logger LOG = LoggerFactory.getLogger(VersionCheck.class);
  private static final AtomicBoolean TOLD_UNVERIFIED = new AtomicBoolean();
  private static final AtomicBoolean TOLD_VERIFIED = new AtomicBoolean();

  /** Metric tags of refusals found by the loaders rather than by the signature check. */
  public static final String INCOMPLETE = "incomplete";
  public static final String UNREADABLE = "unreadable";

  /**
   * A refused version.
   *
   * @param where  the announcement's record, {@code topic-partition@offset} (or the topic when unknown)
   * @param reason a tag: {@link PolicyVerifier.Failure#tag()}, {@link #INCOMPLETE} or {@link #UNREADABLE}
   */
  public record Rejection(String arm, long version, String where, String reason, String detail) {}

  /** Told of every refused version, once. */
  public interface Listener {
    void onRejected(Rejection rejection);
  }

  private final PolicyVerifier verifier;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();

  private VersionCheck(PolicyVerifier verifier) {
    this.verifier = verifier;
  }

  /** No signature check (no trusted key configured); rejections of bad weights are still reported. */
  public static VersionCheck unverified() {
    return new VersionCheck(null);
  }

  /** Only versions signed by one of {@code verifier}'s keys are admitted. */
  public static VersionCheck signedBy(PolicyVerifier verifier) {
    if (verifier == null) {
      throw new IllegalArgumentException("verifier is required (use unverified() for none)");
    }
    return new VersionCheck(verifier);
  }

  public boolean verifies() {
    return verifier != null;
  }

  public VersionCheck addListener(Listener listener) {
    listeners.add(listener);
    return this;
  }

  /** Says once per process whether announcements are verified, and against which keys. */
  void sayOnceWhatIsChecked() {
    if (verifier == null && TOLD_UNVERIFIED.compareAndSet(false, true)) {
      LOG.info("policy versions are not verified (no --policy-public-key): any writer of the versions topic can "
          + "push weights to this actor");
    } else if (verifier != null && TOLD_VERIFIED.compareAndSet(false, true)) {
      LOG.info("policy versions are loaded only when signed by one of the keys {}", verifier.keyIds());
    }
  }

  /**
   * Whether {@code v}, read at {@code where}, may be loaded. A refused one is logged (one warning) and reported; the
   * caller drops it and keeps the weights it serves.
   */
  public boolean admit(PolicyVersion v, String where) {
    if (verifier == null) {
      return true;
    }
    PolicyVerifier.Verdict verdict = verifier.verify(v);
    if (verdict.ok()) {
      return true;
    }
    LOG.warn("{} v{} at {} rejected: {}: {}; keeping the weights in use", v.getArm(), v.getVersion(), where,
        verdict.failure().tag(), verdict.detail());
    report(new Rejection(v.getArm(), v.getVersion(), where, verdict.failure().tag(), verdict.detail()));
    return false;
  }

  /** Reports a version refused by a loader (which has logged it). */
  void report(Rejection r) {
    for (Listener l : listeners) {
      try {
        l.onRejected(r);
      } catch (RuntimeException e) {
        LOG.warn("a rejection listener failed: {}", e.toString());
      }
    }
  }

  /** {@code topic-partition@offset}, as every refusal names a record. */
  static String where(String topic, int partition, long offset) {
    return topic + "-" + partition + "@" + offset;
  }
}
