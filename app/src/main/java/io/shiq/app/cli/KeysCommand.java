package io.shiq.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code shiq keys generate}: the key pair that signs policy versions. */
@Command(name = "keys", mixinStandardHelpOptions = true,
    description = {"Keys of signed policy versions: the learner (and the A/B evaluator) sign every version they "
        + "publish with a private key (--signing-key), actors load only versions that verify against the public key "
        + "(--policy-public-key), so that writing to the versions topic is not enough to push weights."},
    subcommands = {KeysCommand.Generate.class})
public final class KeysCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** {@code shiq keys generate --out DIR}. */
  @Command(name = "generate", mixinStandardHelpOptions = true,
      description = {"Generate an Ed25519 key pair: DIR/" + io.shiq.schemas.signing.SigningKeys.PRIVATE_FILE
          + " (PKCS#8 PEM, readable by its owner only where the filesystem has POSIX permissions: give it to the "
          + "learner and the evaluator as --signing-key) and DIR/" + io.shiq.schemas.signing.SigningKeys.PUBLIC_FILE
          + " (X.509 PEM: give it to actors as --policy-public-key). Existing files are never overwritten. Prints the "
          + "key id (first 16 hex digits of the sha256 of the public key), which signed versions carry."})
  public static final class Generate implements java.util.concurrent.Callable<Integer> {
    @CommandLine.Option(names = "--out", paramLabel = "DIR", required = true, description = "Directory to write the "
        + "two files to (created when missing; must not hold either file already).")
    java.nio.file.Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      String id = io.shiq.schemas.signing.SigningKeys.writePair(io.shiq.schemas.signing.SigningKeys.generate(), out);
      java.io.PrintWriter console = spec.commandLine().getOut();
      console.printf("key id %s%n  private: %s (keep it secret: --signing-key)%n  public:  %s (--policy-public-key)%n",
          id, out.resolve(io.shiq.schemas.signing.SigningKeys.PRIVATE_FILE),
          out.resolve(io.shiq.schemas.signing.SigningKeys.PUBLIC_FILE));
      console.flush();
      return 0;
    }
  }
}
