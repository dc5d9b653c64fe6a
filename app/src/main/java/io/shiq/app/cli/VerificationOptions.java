package io.shiq.app.cli;

import io.shiq.actor.weights.VersionCheck;
import io.shiq.schemas.signing.PolicyVerifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The trusted public keys of the commands that load announced policy versions. */
public final class VerificationOptions {
  @Option(names = "--policy-public-key", paramLabel = "FILE", description = "Trust only policy versions signed by "
      + "one of these Ed25519 public keys (X.509 PEM, e.g. policy-signing.pub of 'shiq keys generate'; a file may "
      + "hold several PUBLIC KEY blocks; repeatable). An actor refuses an unsigned version, one signed by another "
      + "key, one whose fields changed after signing, and weights that do not match the signed sha256: it keeps the "
      + "weights in use, logs a warning naming the record and counts it in shiq.actor.versions.rejected. The A/B "
      + "evaluator's rollbacks copy only verified versions. Default: no check.")
  public List<Path> publicKeys = new ArrayList<>();

  /** The trusted keys, or null without any; a bad file fails here, naming it. */
  public PolicyVerifier verifier() {
    return publicKeys.isEmpty() ? null : PolicyVerifier.load(publicKeys);
  }

  /** What an actor checks before it loads a version. */
  public VersionCheck check() {
    PolicyVerifier v = verifier();
    return v == null ? VersionCheck.unverified() : VersionCheck.signedBy(v);
  }
}
