package io.shiq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiq.app.ShiqCommand;
import io.shiq.app.cli.ExitCodes;
import io.shiq.schemas.topic.Topics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/** {@code shiq doctor} on a healthy embedded stack, then with a topic missing and one misconfigured. */
@ExtendWith(KafkaExtension.class)
class DoctorTest {
  private record Run(int rc, String out, JsonNode last) {}

  private static Run doctor(TestKafka kafka, Topics topics) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    PrintStream saved = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    int rc;
    try {
      CommandLine cl = ShiqCommand.commandLine();
      cl.setErr(new PrintWriter(err, true));
      rc = cl.execute("doctor", "--no-engine", "--bootstrap-servers", kafka.bootstrapServers(),
          "--schema-registry-url", kafka.registryUrl(), "--topic-prefix", topics.prefix(), "--connect-timeout", "10");
    } finally {
      System.setOut(saved);
    }
    String text = out.toString(StandardCharsets.UTF_8) + err;
    List<String> lines = text.lines().toList();
    JsonNode last = new ObjectMapper().readTree(lines.stream().filter(l -> l.startsWith("{\"doctor\""))
        .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no JSON line:\n" + text)));
    return new Run(rc, text, last);
  }

  @Test
  void aHealthyStackIsOkAndAMissingTopicIsNamed(TestKafka kafka) throws Exception {
    Topics topics = kafka.newTopics();
    Run healthy = doctor(kafka, topics);
    assertEquals(ExitCodes.OK, healthy.rc(), healthy.out());
    assertTrue(healthy.last().path("ok").asBoolean(), healthy.out());
    assertEquals(0, healthy.last().path("problems").size(), healthy.out());
    assertTrue(healthy.out().contains("ok    kafka") && healthy.out().contains("ok    topics")
        && healthy.out().contains("ok    registry"), healthy.out());

    try (Admin admin = kafka.admin()) {
      admin.deleteTopics(List.of(topics.rewards())).all().get(30, TimeUnit.SECONDS);
      ConfigResource batches = new ConfigResource(ConfigResource.Type.TOPIC, topics.policyVersions());
      admin.incrementalAlterConfigs(Map.of(batches, List.of(new AlterConfigOp(new ConfigEntry("cleanup.policy",
          "delete"), AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
    }
    Run broken = doctor(kafka, topics);
    assertEquals(ExitCodes.BAD_INPUT, broken.rc(), broken.out());
    assertFalse(broken.last().path("ok").asBoolean(), broken.out());
    String problems = broken.last().path("problems").toString();
    assertTrue(problems.contains("topic " + topics.rewards() + " is missing"), problems);
    assertTrue(problems.contains("shiq topics create"), "says how to fix it: " + problems);
    assertTrue(problems.contains(topics.policyVersions() + " differs from the catalog: cleanup.policy delete"),
        problems);
  }
}
