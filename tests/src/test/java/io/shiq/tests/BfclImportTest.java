package io.shiq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiq.app.cli.BfclCommand;
import io.shiq.avro.Role;
import io.shiq.avro.Trajectory;
import io.shiq.avro.TrajectoryOrigin;
import io.shiq.avro.Turn;
import io.shiq.policy.TestData;
import io.shiq.schemas.serde.AvroDeserializer;
import io.shiq.schemas.serde.DeadLetterHeaders;
import io.shiq.schemas.topic.Topics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code shiq bfcl import} on a real broker and registry: a result file (ground-truth sessions with one call deleted,
 * as {@code shiq bfcl perturb} writes them, plus an entry for a record that does not exist) and the ground truth
 * become trajectories in trajectories.history with the checker's per-turn rewards; the bad entry goes to the
 * dead-letter topic with its reason; a second import adds nothing.
 */
@ExtendWith(KafkaExtension.class)
class BfclImportTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void importsRebuildsScoresDeadLettersAndDeduplicates(TestKafka kafka, @TempDir Path dir) throws Exception {
    Topics topics = kafka.newTopics();
    Path data = TestData.require("bfcl");
    Path perturbed = dir.resolve("perturbed.jsonl");
    JsonNode perturbLine = lastJson(run("perturb", "--data", data.toString(), "--out", perturbed.toString(),
        "--seed", "7"));
    assertEquals(64, perturbLine.get("sessions").asInt());
    // Keep three records, and add one that BFCL's data does not have.
    List<String> lines = Files.readAllLines(perturbed).subList(0, 3);
    List<String> kept = new ArrayList<>(lines);
    kept.add("{\"id\": \"multi_turn_base_99999\", \"result\": [[[\"ls()\"]]]}");
    Files.write(perturbed, kept);
    String[] args = {"import", "--data", data.toString(), "--results", perturbed.toString(), "--ground-truth",
        "--tokenizer", TestData.require("qwen3-tokenizer").toString(), "--now", "2024-09-01T10:30:00",
        "--bootstrap-servers", kafka.bootstrapServers(), "--schema-registry-url", kafka.registryUrl(),
        "--topic-prefix", topics.prefix()};
    JsonNode first = lastJson(run(args));
    assertEquals(68, first.get("entries").asInt());
    assertEquals(67, first.get("imported").asInt());
    assertEquals(1, first.get("dead_lettered").asInt());

    Map<String, Trajectory> history = read(kafka, topics.trajectoriesHistory());
    assertEquals(67, history.size());
    int groundTruth = 0;
    int logged = 0;
    for (Trajectory t : history.values()) {
      assertEquals(TrajectoryOrigin.IMPORT_BFCL, t.getOrigin());
      assertEquals(t.getTrajectoryId(), t.getEpisodeId());
      List<Double> rewards = new ArrayList<>();
      for (Turn turn : t.getTurns()) {
        if (turn.getRole() == Role.ASSISTANT) {
          assertTrue(turn.getActionMask().stream().allMatch(m -> m));
          assertTrue(turn.getBehaviourLogProbs().isEmpty(), "a log has no behaviour log-probs");
          if (turn.getReward() != null) {
            rewards.add(turn.getReward());
          }
        } else {
          assertFalse(turn.getActionMask().stream().anyMatch(m -> m));
        }
      }
      if (t.getMetadata().get("import.kind").equals("ground_truth")) {
        groundTruth++;
        assertEquals("true", t.getMetadata().get("bfcl.valid"), t.getTaskId());
        rewards.forEach(r -> assertEquals(1.0, r, t.getTaskId()));
      } else {
        logged++;
        assertEquals("false", t.getMetadata().get("bfcl.valid"), t.getTaskId() + " " + t.getMetadata());
        assertTrue(rewards.contains(0.0), t.getTaskId() + " " + rewards);
      }
      assertTrue(t.getTurns().stream().anyMatch(x -> x.getRole() == Role.TOOL));
    }
    assertEquals(64, groundTruth);
    assertEquals(3, logged);

    List<ConsumerRecord<byte[], byte[]>> dead = readRaw(kafka, topics.deadLetters());
    assertEquals(1, dead.size());
    String reason = new String(dead.get(0).headers().lastHeader(DeadLetterHeaders.REASON).value(),
        StandardCharsets.UTF_8);
    assertTrue(reason.contains("multi_turn_base_99999") && reason.contains("line 4"), reason);

    JsonNode second = lastJson(run(args));
    assertEquals(0, second.get("imported").asInt());
    assertEquals(67, second.get("already_imported").asInt());
    assertEquals(67, read(kafka, topics.trajectoriesHistory()).size());
  }

  private static String run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream old = System.out;
    int code;
    try (PrintStream p = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      System.setOut(p);
      code = new CommandLine(new BfclCommand()).execute(args);
    } finally {
      System.setOut(old);
    }
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, text);
    return text;
  }

  private static JsonNode lastJson(String output) throws Exception {
    String[] lines = output.strip().split("\n");
    return JSON.readTree(lines[lines.length - 1]);
  }

  private static Map<String, Trajectory> read(TestKafka kafka, String topic) {
    Map<String, Trajectory> out = new LinkedHashMap<>();
    AvroDeserializer<Trajectory> d = new AvroDeserializer<>(kafka.registryClient(), Trajectory.class);
    for (ConsumerRecord<byte[], byte[]> r : readRaw(kafka, topic)) {
      Trajectory t = d.deserialize(topic, r.value());
      out.put(t.getTrajectoryId(), t);
      assertEquals(t.getTrajectoryId(), new String(r.key(), StandardCharsets.UTF_8));
    }
    return out;
  }

  /** Every record of the topic, read to its current end. */
  private static List<ConsumerRecord<byte[], byte[]>> readRaw(TestKafka kafka, String topic) {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (var c = new KafkaConsumer<>(kafka.consumerProps("read-" + UUID.randomUUID()), new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      c.partitionsFor(topic).forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (parts.stream().anyMatch(p -> c.position(p) < end.get(p)) && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }
}
