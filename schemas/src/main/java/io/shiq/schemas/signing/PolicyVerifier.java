package io.shiq.schemas.signing;

import io.shiq.avro.PolicyVersion;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the signature of policy versions against trusted Ed25519 public keys, found by the version's
 * {@code signingKeyId}. A version passes only when it is signed, by a trusted key, and its signature covers exactly
 * its fields ({@link SignedVersion}); the caller then checks that the weights it loads have the signed sha256.
 */
public final class PolicyVerifier {
  /** Why a version is refused; {@link #tag} is the metric tag and log word. */
  public enum Failure {
    /** No signature or no key id. */
    UNSIGNED("unsigned"),
    /** Signed by a key that is not trusted. */
    UNKNOWN_KEY("unknown-key"),
    /** The signature does not verify: a field changed after signing, or a signature copied from another record. */
    BAD_SIGNATURE("bad-signature"),
    /** The loaded weights do not have the signed sha256 (found by the loader, not here). */
    SHA256_MISMATCH("sha256-mismatch");

    private final String tag;

    Failure(String tag) {
      this.tag = tag;
    }

    public String tag() {
      return tag;
    }
  }

  /** The result of a check: {@code failure} null when the version verified. */
  public record Verdict(Failure failure, String detail) {
    static final Verdict OK = new Verdict(null, "verified");

    public boolean ok() {
      return failure == null;
    }
  }

  private final Map<String, PublicKey> keys = new LinkedHashMap<>();

  public PolicyVerifier(Collection<PublicKey> trusted) {
    if (trusted.isEmpty()) {
      throw new IllegalArgumentException("no trusted public key given");
    }
    for (PublicKey k : trusted) {
      if (!SigningKeys.ALGORITHM.equalsIgnoreCase(k.getAlgorithm()) && !"EdDSA".equals(k.getAlgorithm())) {
        throw new IllegalArgumentException("not an Ed25519 public key: " + k.getAlgorithm());
      }
      keys.put(SigningKeys.keyId(k), k);
    }
  }

  /** The verifier of every PUBLIC KEY block of every file; the exception names a bad file. */
  public static PolicyVerifier load(List<Path> files) {
    List<PublicKey> all = new java.util.ArrayList<>();
    for (Path f : files) {
      all.addAll(SigningKeys.readPublic(f));
    }
    if (all.isEmpty()) {
      throw new IllegalArgumentException("no public key file given");
    }
    return new PolicyVerifier(all);
  }

  /** A verifier that also trusts {@code key} (e.g. a publisher's own key, so that it recognises what it signed). */
  public PolicyVerifier with(PublicKey key) {
    List<PublicKey> all = new java.util.ArrayList<>(keys.values());
    all.add(key);
    return new PolicyVerifier(all);
  }

  /** Ids of the trusted keys. */
  public Set<String> keyIds() {
    return java.util.Collections.unmodifiableSet(keys.keySet());
  }

  public Verdict verify(PolicyVersion v) {
    ByteBuffer sig = v.getSignature();
    String id = v.getSigningKeyId();
    if (sig == null || !sig.hasRemaining() || id == null) {
      return new Verdict(Failure.UNSIGNED, "no signature" + (id == null ? "" : " (key id " + id + ")"));
    }
    PublicKey key = keys.get(id);
    if (key == null) {
      return new Verdict(Failure.UNKNOWN_KEY, "signed by key " + id + ", not one of the trusted keys " + keys.keySet());
    }
    byte[] signature = new byte[sig.remaining()];
    sig.duplicate().get(signature);
    try {
      Signature s = Signature.getInstance(SigningKeys.ALGORITHM);
      s.initVerify(key);
      s.update(SignedVersion.bytes(v));
      if (!s.verify(signature)) {
        return new Verdict(Failure.BAD_SIGNATURE, "the signature of key " + id
            + " does not match the record (changed after signing, or copied from another version)");
      }
    } catch (GeneralSecurityException | RuntimeException e) {
      return new Verdict(Failure.BAD_SIGNATURE, "the signature of key " + id + " is malformed: " + e.getMessage());
    }
    return Verdict.OK;
  }
}
