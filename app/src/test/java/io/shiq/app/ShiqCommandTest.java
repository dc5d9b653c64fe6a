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
  void unfinishedCommandsExitNonZero() {
    CommandLine cl = ShiqCommand.commandLine();
    assertEquals(ShiqCommand.EXIT_NOT_IMPLEMENTED, cl.execute("learner"));
    assertEquals(ShiqCommand.EXIT_NOT_IMPLEMENTED, ShiqCommand.commandLine().execute("demo"));
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
