package io.shiq.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ShiqCommandTest {

  @Test
  void theCommandSetIsFixedAndEveryCommandHasHelp() {
    CommandLine cl = ShiqCommand.commandLine();
    for (String name : List.of("demo", "kafka", "generate", "actor", "replay", "learner", "bench")) {
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
  void learnerConfigFilesNameUnknownOptions(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path bad = dir.resolve("learner.yaml");
    java.nio.file.Files.writeString(bad, "objective: dro\npublish-evry: 3\n");
    StringWriter err = new StringWriter();
    CommandLine cl = ShiqCommand.commandLine();
    cl.setErr(new PrintWriter(err));
    assertEquals(1, cl.execute("learner", "--config", bad.toString()));
    assertTrue(err.toString().contains("publish-evry"), err.toString());
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
    StringWriter err = new StringWriter();
    CommandLine cl = ShiqCommand.commandLine();
    cl.setErr(new PrintWriter(err));
    assertEquals(1, cl.execute("demo", "--minutes", "0"));
    assertTrue(err.toString().contains("--minutes"), err.toString());
  }

  @Test
  void actorConfigFilesNameUnknownOptions(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path bad = dir.resolve("actor.properties");
    java.nio.file.Files.writeString(bad, "env=synthetic\nbogus-option=1\n");
    StringWriter err = new StringWriter();
    CommandLine cl = ShiqCommand.commandLine();
    cl.setErr(new PrintWriter(err));
    assertEquals(1, cl.execute("actor", "--config", bad.toString()));
    assertTrue(err.toString().contains("bogus-option"), err.toString());
  }

  @Test
  void unknownOptionsAreUsageErrors() {
    CommandLine cl = ShiqCommand.commandLine();
    cl.setErr(new PrintWriter(new StringWriter()));
    assertEquals(2, cl.execute("kafka", "--no-such-option"));
  }
}
