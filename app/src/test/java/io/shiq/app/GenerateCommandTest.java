package io.shiq.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import io.shiq.policy.TestData;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class GenerateCommandTest {

  private static Path stories() {
    return TestData.require("stories260k");
  }

  @Test
  void greedyGenerationPrintsTheGoldenStoryPrefix() throws Exception {
    Path dir = stories();
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream old = System.out;
    int rc;
    try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      System.setOut(out);
      rc = ShiqCommand.commandLine().execute("generate", "--model", dir.toString(), "--temperature", "0",
          "--max-tokens", "40", "--device", "cpu");
    } finally {
      System.setOut(old);
    }
    assertEquals(0, rc);
    String printed = captured.toString(StandardCharsets.UTF_8).strip();
    String golden = Files.readString(dir.resolve("golden-greedy-200.txt"));
    assertTrue(printed.length() > 40 && golden.startsWith(printed), "printed: " + printed);
  }

  @Test
  void badOptionsAreRejectedWithTheirName() {
    // 3: bad input (README, "Exit codes")
    assertEquals(3, ShiqCommand.commandLine().execute("generate", "--model", stories().toString(), "--top-p", "0"));
    assertEquals(3, ShiqCommand.commandLine().execute("generate", "--model", "/no/such/model"));
  }
}
