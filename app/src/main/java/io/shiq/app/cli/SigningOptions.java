package io.shiq.app.cli;

import io.shiq.schemas.signing.PolicySigner;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The signing key of the commands that publish policy versions (the learner, the A/B evaluator's rollbacks). */
public final class SigningOptions {
  @Option(names = "--signing-key", paramLabel = "FILE", description = "Sign every policy version published with this "
      + "Ed25519 private key (PKCS#8 PEM, e.g. policy-signing.key of 'shiq keys generate'); actors started with "
      + "--policy-public-key load only signed versions. Default: versions go unsigned.")
  public Path signingKey;

  /** The signer of --signing-key, or null without one; a bad file fails here, naming it. */
  public PolicySigner signer() {
    return signingKey == null ? null : PolicySigner.load(signingKey);
  }
}
