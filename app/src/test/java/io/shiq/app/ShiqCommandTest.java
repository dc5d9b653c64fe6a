package io.shiq.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ShiqCommandTest {

  @Test
  void theCommandSetIsFixedAndEveryCommandHasHelp() {
    CommandLine cl = ShiqCommand.commandLine();
    for (String name : List.of("demo", "kafka", "generate", "actor", "replay", "learner", "bench", "model", "bfcl",
        "chaos")) {
      assertTrue(cl.getSubcommands().containsKey(name), "missing command " + name);
      StringWriter out = new StringWriter();
      CommandLine fresh = ShiqCommand.commandLine();
      fresh.setOut(new PrintWriter(out));
      assertEquals(0, fresh.execute(name, "--help"), name + " --help");
      assertTrue(out.toString().contains("Usage: shiq " + name), out.toString());
    }
  }

  @Test
  void kafkaHelpExplainsEveryOption() {
    StringWriter out = new StringWriter();
    CommandLine cl = ShiqCommand.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.execute("kafka", "--help");
    for (String option : List.of("--data-dir", "--port", "--controller-port", "--registry-port", "--topic-prefix")) {
      assertTrue(out.toString().contains(option), option + " missing from help");
    }
  }

  @Test
  void learnerConfigFilesNameUnknownOptions(@TempDir Path dir) throws IOException {
    Path bad = Files.writeString(dir.resolve("learner.yaml"), "objective: dro\npublish-evry: 3\n");
    assertFailsNaming("publish-evry", "learner", "--config", bad.toString());
  }

  @Test
  void demoAndLearnerHelpExplainTheirOptions() {
    for (String[] c : new String[][] {
        {"demo", "--minutes", "--env", "--objective", "--actors", "--seed", "--data-dir", "--out", "--fresh"},
        {"learner", "--config", "--objective", "--publish-every", "--checkpoint-dir", "--metrics-port", "--device"}}) {
      StringWriter out = new StringWriter();
      CommandLine cl = ShiqCommand.commandLine();
      cl.setOut(new PrintWriter(out));
      assertEquals(0, cl.execute(c[0], "--help"));
      for (int i = 1; i < c.length; i++) {
        assertTrue(out.toString().contains(c[i]), c[0] + ": " + c[i] + " missing from help");
      }
    }
  }

  @Test
  void demoRejectsANonPositiveDuration() {
    assertFailsNaming("--minutes", "demo", "--minutes", "0");
  }

  @Test
  void actorConfigFilesNameUnknownOptions(@TempDir Path dir) throws IOException {
    Path bad = Files.writeString(dir.resolve("actor.properties"), "env=synthetic\nbogus-option=1\n");
    assertFailsNaming("bogus-option", "actor", "--config", bad.toString());
  }

  @Test
  void unknownOptionsAreUsageErrors() {
    CommandLine cl = ShiqCommand.commandLine();
    cl.setErr(new PrintWriter(new StringWriter()));
    assertEquals(2, cl.execute("kafka", "--no-such-option"));
  }

  /** {@code shiq ARGS} exits with 3 (the command rejects its input; 2 is a usage error) and names {@code what}. */
  private static void assertFailsNaming(String what, String... args) {
    StringWriter err = new StringWriter();
    CommandLine cl = ShiqCommand.commandLine();
    cl.setErr(new PrintWriter(err));
    assertEquals(io.shiq.app.cli.ExitCodes.BAD_INPUT, cl.execute(args), err.toString());
    assertTrue(err.toString().contains(what), err.toString());
  }
}
