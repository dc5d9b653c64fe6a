package io.shiq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short {@code shiq chaos}, as a user runs it, in its own JVM: its embedded broker, replay buffer, learner and two
 * actors as separate processes; within 24 s one SIGKILL of each role and one broker restart (the first round of the
 * schedule holds one fault of each kind, and 5-6 s apart they all fit), the eight bad records injected; then the drain
 * and the audit, whose JSON line must show nothing lost, trained twice or skipped and the dead-letter topic holding
 * exactly the injected records.
 */
class ChaosTest {

  @Test
  void nothingIsLostUnderKillsAndABrokerRestart(@TempDir Path dir) throws Exception {
    Path work = dir.resolve("work");
    List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx1g",
        "-cp", System.getProperty("java.class.path"), "io.shiq.app.ShiqCommand", "chaos", "--minutes", "0.4",
        "--kill-interval", "5..6", "--seed", "7", "--actors", "2", "--work-dir", work.toString(), "--keep"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(dir.resolve("chaos.out").toFile())
        .redirectError(dir.resolve("chaos.err").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("SHIQ_"));
    Process chaos = pb.start();
    try {
      assertTrue(chaos.waitFor(8, TimeUnit.MINUTES), "shiq chaos finished in time:\n" + output(dir));
    } finally {
      // A chaos run cut short would leave its roles running: end them by their pids first.
      chaos.descendants().forEach(ProcessHandle::destroyForcibly);
      chaos.destroyForcibly();
    }
    String out = Files.readString(dir.resolve("chaos.out"));
    System.out.println(output(dir));
    assertEquals(0, chaos.exitValue(), "the audit passed:\n" + output(dir));
    String[] lines = out.strip().split("\n");
    JsonNode json = new ObjectMapper().readTree(lines[lines.length - 1]);
    assertEquals("done", json.get("chaos").asText());
    assertTrue(json.get("kills").get("learner").asInt() >= 1, out);
    assertTrue(json.get("kills").get("replay").asInt() >= 1, out);
    assertTrue(json.get("kills").get("actor").asInt() >= 1, out);
    assertTrue(json.get("broker_restarts").asInt() >= 1, out);
    assertTrue(json.get("trajectories_acked").asLong() > 0, out);
    assertEquals(0, json.get("lost").asLong(), out);
    assertEquals(0, json.get("trained_twice").asLong(), out);
    assertEquals(0, json.get("skipped").asLong(), out);
    assertEquals(8, json.get("dlq_expected").asInt(), "every kind of bad record was injected: " + out);
    assertEquals(json.get("dlq_expected").asInt(), json.get("dlq_found").asInt(), out);
    assertTrue(out.contains("every actor ends on it, verified: yes"), out);
  }

  private static String output(Path dir) {
    try {
      return Files.readString(dir.resolve("chaos.err")) + Files.readString(dir.resolve("chaos.out"));
    } catch (Exception e) {
      return "(no output: " + e + ")";
    }
  }
}
