package io.shiq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiq.ab.evaluate.EpisodeMeasures;
import io.shiq.ab.evaluate.EvaluatorService;
import io.shiq.ab.experiment.Assignment;
import io.shiq.ab.experiment.ExperimentFile;
import io.shiq.app.ShiqCommand;
import io.shiq.app.ab.AbLog;
import io.shiq.avro.Experiment;
import io.shiq.avro.ExperimentStatus;
import io.shiq.avro.Role;
import io.shiq.avro.Trajectory;
import io.shiq.avro.TrajectoryOrigin;
import io.shiq.avro.Turn;
import io.shiq.schemas.kafka.KafkaClients;
import io.shiq.schemas.topic.Topics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** shiq ab start, replay, status, report and stop against the embedded broker and registry. */
@ExtendWith(KafkaExtension.class)
class AbCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Run(int rc, String out, String err) {}

  private static Run run(String... args) {
    PrintStream savedOut = System.out;
    PrintStream savedErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      var cl = ShiqCommand.commandLine();
      cl.setErr(new java.io.PrintWriter(System.err, true));
      int rc = cl.execute(args);
      return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(savedOut);
      System.setErr(savedErr);
    }
  }

  private static String[] with(TestKafka kafka, Topics topics, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--bootstrap-servers", kafka.bootstrapServers(), "--schema-registry-url", kafka.registryUrl(),
        "--topic-prefix", topics.prefix()));
    return all.toArray(new String[0]);
  }

  @Test
  void startReplayStatusReportAndStop(TestKafka kafka, @TempDir Path tmp) throws Exception {
    Topics topics = kafka.newTopics();
    KafkaClients clients = kafka.clients();
    Path file = tmp.resolve("exp.yaml");
    Files.writeString(file, """
        id: cli-exp
        description: "<b>bold</b> claims"
        control: a
        arms: [{name: a, line: a}, {name: b, line: b}]
        minimumDetectableEffect: 0.5
        minEpisodesPerArm: 30
        windowSeconds: 1
        """);
    Run started = run(with(kafka, topics, "ab", "start", file.toString(), "--ope-trajectories", "0"));
    assertEquals(0, started.rc(), started.out() + started.err());
    assertTrue(started.out().contains("experiment cli-exp declared"), started.out());
    Run again = run(with(kafka, topics, "ab", "start", file.toString(), "--ope-trajectories", "0"));
    assertNotEquals(0, again.rc());
    assertTrue(again.err().contains("already declared"), again.err());

    Experiment e = ExperimentFile.read(file, Instant.now());
    Random rng = new Random(5);
    try (KafkaProducer<String, SpecificRecord> producer = clients.avroProducer(Map.of())) {
      for (int i = 0; i < 300; i++) {
        String arm = Assignment.armFor(e, "u" + i).getName();
        Trajectory t = episode("cli-exp", arm, rng.nextGaussian() + (arm.equals("b") ? 1 : 0), i);
        producer.send(new ProducerRecord<>(topics.trajectories(), t.getEpisodeId(), t));
      }
      producer.flush();
    }

    Run replay = run(with(kafka, topics, "ab", "replay", "cli-exp", "--out", tmp.resolve("replay").toString()));
    assertEquals(0, replay.rc(), replay.out() + replay.err());
    String[] lines = replay.out().strip().split("\n");
    JsonNode summary = JSON.readTree(lines[lines.length - 1]);
    assertEquals(300, summary.get("episodes").asInt());
    assertEquals("WINNER", summary.get("decision").asText(), replay.out());
    assertEquals("b", summary.get("decision_arm").asText());
    assertTrue(Files.readString(tmp.resolve("replay/index.html")).contains("WINNER"));
    // The replay is a function of the log: the same decision after the same number of episodes every time.
    Run replayAgain = run(with(kafka, topics, "ab", "replay", "cli-exp"));
    String[] again2 = replayAgain.out().strip().split("\n");
    assertEquals(summary.get("decided_after_episodes"), JSON.readTree(again2[again2.length - 1])
        .get("decided_after_episodes"));

    try (AbLog log = new AbLog(clients, topics);
         EvaluatorService evaluator = EvaluatorService.start(clients, topics, new EvaluatorService.Settings(
             "cli-eval", false, Duration.ofMillis(200), tmp.resolve("streams").toString(), Map.of()))) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (log.catchUp(Duration.ofSeconds(5)).decisions("cli-exp").isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertEquals(1, log.decisions("cli-exp").size());
    }
    Run status = run(with(kafka, topics, "ab", "status", "cli-exp", "--once"));
    assertEquals(0, status.rc(), status.err());
    assertTrue(status.out().contains("decision: WINNER b"), status.out());
    assertTrue(status.out().contains("sample ratio: chi-square p"), status.out());

    Run report = run(with(kafka, topics, "ab", "report", "cli-exp", "--out", tmp.resolve("report").toString()));
    assertEquals(0, report.rc(), report.err());
    String html = Files.readString(tmp.resolve("report/index.html"));
    assertTrue(html.contains("WINNER") && html.contains("&lt;b&gt;bold&lt;/b&gt;"), "decision shown, text escaped");
    assertEquals("WINNER", JSON.readTree(tmp.resolve("report/summary.json").toFile()).findValue("kind").asText());

    Run stop = run(with(kafka, topics, "ab", "stop", "cli-exp"));
    assertEquals(0, stop.rc(), stop.err());
    try (AbLog log = new AbLog(clients, topics)) {
      assertEquals(ExperimentStatus.STOPPED, log.catchUp(Duration.ofSeconds(10)).experiments().get("cli-exp")
          .getStatus());
    }
    Run missing = run(with(kafka, topics, "ab", "stop", "no-such"));
    assertNotEquals(0, missing.rc());
    assertTrue(missing.err().contains("no experiment 'no-such'") && missing.err().contains("cli-exp"),
        missing.err());
  }

  private static Trajectory episode(String experiment, String arm, double reward, int i) {
    String id = experiment + "-" + i;
    Turn answer = Turn.newBuilder().setRole(Role.ASSISTANT).setTokenIds(List.of(3, 4))
        .setActionMask(List.of(true, true)).setReward(reward).build();
    return Trajectory.newBuilder().setTrajectoryId(id).setEpisodeId(id).setSessionId("u" + i).setActorId("t")
        .setOrigin(TrajectoryOrigin.ACTOR).setEnvId("test").setArm(arm).setPolicyVersion(0).setTokenizerId("t")
        .setCreatedAt(Instant.ofEpochMilli(1_000_000 + 10L * i)).setTurns(List.of(answer)).setDone(true)
        .setMetadata(Map.of(EpisodeMeasures.EXPERIMENT, experiment)).build();
  }
}
