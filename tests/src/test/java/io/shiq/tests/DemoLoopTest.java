package io.shiq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiq.app.ShiqCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The one-JVM online loop end to end ({@code shiq demo} on the synthetic environment): embedded broker and registry,
 * replay buffer, learner and actors. Reward must improve, the actors must serve newer versions, the report must be
 * written, and a second run must resume from the first one's state.
 */
class DemoLoopTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theLoopLearnsPublishesAndResumes(@TempDir Path out) throws Exception {
    JsonNode first = demo(out, "0.6", "--fresh");
    assertEquals("done", first.get("demo").asText(), first.toString());
    assertEquals("synthetic", first.get("env").asText());
    double before = first.get("reward_first").asDouble();
    double after = first.get("reward_last").asDouble();
    double initial = first.get("reward_initial_version").asDouble();
    // The first 20% of the episodes already include some learning (the curve rises within seconds here), so the
    // clear margin is asked against the initial policy's own episodes; the first/last comparison must still hold.
    assertTrue(after > before, "reward should improve: first 20% " + before + ", last 20% " + after);
    assertTrue(after > initial + 0.1, "reward should improve: initial policy " + initial + ", last 20% " + after);
    assertTrue(first.get("learner_steps").asLong() >= 20, first.toString());
    assertTrue(first.get("policy_versions").asLong() >= 5, first.toString());
    assertTrue(first.get("actor_version").asLong() >= 3, "actors swapped in new versions: " + first);
    Path report = Path.of(first.get("report").asText());
    for (String f : List.of("report.html", "metrics.csv", "reward.png", "kl.png")) {
      assertTrue(Files.size(report.resolveSibling(f)) > 100, f);
    }
    List<String> csv = Files.readAllLines(report.resolveSibling("metrics.csv"));
    assertTrue(csv.get(0).startsWith("step,wall_seconds,policy_version"), csv.get(0));
    assertEquals(first.get("learner_steps").asLong(), csv.size() - 1, "one row per learner step");
    String html = Files.readString(report);
    assertTrue(html.contains("reward.png") && html.contains("Last episodes"), "report has plots and samples");

    // The synthetic environment knows the optimum of the regularised objective: a reward above the initial policy's.
    double optimum = first.get("reward_optimum").asDouble();
    assertTrue(optimum > initial && optimum <= 1, "reward_optimum " + first);
    assertTrue(first.get("reward_best_window").asDouble() >= after, "the best 20% window is at least the last 20%");

    // A changed beta applies from the resumed step, and the console and the report say so.
    StringWriter text = new StringWriter();
    JsonNode second = demo(out, text, "0.15", "--beta", "0.1");
    assertEquals("done", second.get("demo").asText(), second.toString());
    String change = "changed on resume, applied from step " + (first.get("learner_steps").asLong() + 1)
        + ": objective.beta 0.05 -> 0.1";
    assertTrue(text.toString().contains(change), text.toString());
    String html2 = Files.readString(Path.of(second.get("report").asText())).replace("&quot;", "\"")
        .replace("&gt;", ">");
    assertTrue(html2.contains("\"beta\" : 0.1") && html2.contains("objective.beta 0.05 -> 0.1"),
        "the report records the beta in effect and the change");
    assertEquals(first.get("learner_steps").asLong(), second.get("resumed_from_step").asLong(),
        "the second run resumes from the first one's last checkpoint");
    assertTrue(second.get("learner_steps").asLong() > second.get("resumed_from_step").asLong(), second.toString());
    assertTrue(second.get("policy_versions").asLong() > first.get("policy_versions").asLong(), second.toString());

    // A different objective cannot continue this run: refused, with how to start fresh.
    StringWriter err = new StringWriter();
    CommandLine cl = ShiqCommand.commandLine();
    cl.setOut(new PrintWriter(new StringWriter()));
    cl.setErr(new PrintWriter(err));
    int rc = cl.execute("demo", "--env", "synthetic", "--minutes", "0.1", "--out", out.toString(), "--progress",
        "lines", "--objective", "dro");
    assertTrue(rc != 0, "refused: " + err);
    assertTrue(err.toString().contains("objective shiq, not dro") && err.toString().contains("--fresh"),
        err.toString());
  }

  private static JsonNode demo(Path out, String minutes, String... extra) throws Exception {
    return demo(out, new StringWriter(), minutes, extra);
  }

  private static JsonNode demo(Path out, StringWriter text, String minutes, String... extra) throws Exception {
    CommandLine cl = ShiqCommand.commandLine();
    cl.setOut(new PrintWriter(text));
    String[] args = new String[] {"demo", "--env", "synthetic", "--minutes", minutes, "--out", out.toString(),
        "--actors", "2", "--episodes-per-batch", "32", "--progress", "lines", "--seed", "3"};
    String[] all = new String[args.length + extra.length];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(extra, 0, all, args.length, extra.length);
    int rc = cl.execute(all);
    System.out.println(text);
    String[] lines = text.toString().trim().split("\n");
    assertEquals(0, rc, text.toString());
    return JSON.readTree(lines[lines.length - 1]);
  }
}
