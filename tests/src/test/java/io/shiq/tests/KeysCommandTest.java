package io.shiq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.app.ShiqCommand;
import io.shiq.app.cli.EnvironmentOptions;
import io.shiq.schemas.signing.PolicySigner;
import io.shiq.schemas.signing.PolicyVerifier;
import io.shiq.schemas.signing.SigningKeys;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code shiq keys generate} and the signing options of the commands that publish and load policy versions. */
class KeysCommandTest {
  private record Run(int rc, String out, String err) {}

  private static Run shiq(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = ShiqCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int rc = cl.execute(args);
    return new Run(rc, out.toString(), err.toString());
  }

  @Test
  void generateWritesAUsablePairPrintsItsIdAndNeverOverwrites(@TempDir Path dir) throws Exception {
    Path keys = dir.resolve("keys");
    Run first = shiq("keys", "generate", "--out", keys.toString());
    assertEquals(0, first.rc(), first.err());
    Path key = keys.resolve(SigningKeys.PRIVATE_FILE);
    Path pub = keys.resolve(SigningKeys.PUBLIC_FILE);
    PolicySigner signer = PolicySigner.load(key);
    assertTrue(first.out().contains("key id " + signer.keyId()), first.out());
    assertEquals(java.util.Set.of(signer.keyId()), PolicyVerifier.load(List.of(pub)).keyIds());
    if (java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
          Files.getPosixFilePermissions(key)));
    }
    String before = Files.readString(key);
    Run again = shiq("keys", "generate", "--out", keys.toString());
    assertNotEquals(0, again.rc());
    assertTrue(again.err().contains("exists"), again.err());
    assertEquals(before, Files.readString(key));
  }

  @Test
  void everyCommandThatPublishesOrLoadsVersionsExplainsItsKeyOption() {
    assertTrue(shiq("keys", "generate", "--help").out().contains("--out"));
    assertTrue(shiq("keys", "--help").out().contains("generate"));
    String learner = shiq("learner", "--help").out();
    assertTrue(learner.contains("--signing-key"), learner);
    String actor = shiq("actor", "--help").out();
    assertTrue(actor.contains("--policy-public-key") && actor.contains("shiq.actor.versions.rejected"), actor);
    String evaluator = shiq("ab", "evaluate", "--help").out();
    assertTrue(evaluator.contains("--signing-key") && evaluator.contains("--policy-public-key"), evaluator);
  }

  @Test
  void theKeyFilesComeFromTheEnvironmentLikeEveryOption() {
    CommandLine cl = ShiqCommand.commandLine();
    cl.setDefaultValueProvider(new EnvironmentOptions(Map.of("SHIQ_POLICY_PUBLIC_KEY", "/keys/policy-signing.pub",
        "SHIQ_SIGNING_KEY", "/keys/policy-signing.key")));
    CommandLine.ParseResult actor = cl.parseArgs("actor").subcommand();
    assertEquals(List.of(Path.of("/keys/policy-signing.pub")),
        actor.commandSpec().findOption("--policy-public-key").getValue());
    cl = ShiqCommand.commandLine();
    cl.setDefaultValueProvider(new EnvironmentOptions(Map.of("SHIQ_SIGNING_KEY", "/keys/policy-signing.key")));
    CommandLine.ParseResult learner = cl.parseArgs("learner").subcommand();
    assertEquals(Path.of("/keys/policy-signing.key"), learner.commandSpec().findOption("--signing-key").getValue());
  }

  @Test
  void aBadKeyFileStopsTheActorBeforeItStartsAndNamesTheFile(@TempDir Path dir) throws Exception {
    Path notAKey = Files.writeString(dir.resolve("policy.pub"), "not a key\n");
    Run run = shiq("actor", "--policy-public-key", notAKey.toString(), "--env", "synthetic", "--batches", "1",
        "--bootstrap-servers", "localhost:1");
    assertNotEquals(0, run.rc());
    assertTrue(run.err().contains(notAKey.toString()) && run.err().contains("PUBLIC KEY"), run.err());
  }
}
