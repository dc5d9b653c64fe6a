package io.shiq.schemas.signing;

import io.shiq.avro.PolicyVersion;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs policy versions with an Ed25519 private key: sets {@code signingKeyId} and then {@code signature} over
 * {@link SignedVersion#bytes}. Whoever publishes versions (the learner, the A/B evaluator's rollbacks) signs the
 * record it is about to send, after its last change.
 */
public final class PolicySigner {
  private static final Logger LOG = LoggerFactory.getLogger(PolicySigner.class);
  private final PrivateKey key;
  private final PublicKey publicKey;
  private final String keyId;

  public PolicySigner(PrivateKey key) {
    this.key = key;
    this.publicKey = SigningKeys.publicOf(key);
    this.keyId = SigningKeys.keyId(publicKey);
  }

  /** The signer of a PKCS#8 PEM file (see {@link SigningKeys}); warns when others may read the file. */
  public static PolicySigner load(Path file) {
    PolicySigner signer = new PolicySigner(SigningKeys.readPrivate(file));
    if (SigningKeys.readableByOthers(file)) {
      LOG.warn("{}: the policy signing key is readable by group or others (chmod 600 it)", file);
    }
    return signer;
  }

  public String keyId() {
    return keyId;
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  /** {@code v} with this key's id and signature (a signature it already had is replaced). */
  public PolicyVersion sign(PolicyVersion v) {
    PolicyVersion out = PolicyVersion.newBuilder(v).setSigningKeyId(keyId).setSignature(null).build();
    try {
      Signature s = Signature.getInstance(SigningKeys.ALGORITHM);
      s.initSign(key);
      s.update(SignedVersion.bytes(out));
      out.setSignature(ByteBuffer.wrap(s.sign()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign " + v.getArm() + " v" + v.getVersion() + ": " + e, e);
    }
    return out;
  }
}
