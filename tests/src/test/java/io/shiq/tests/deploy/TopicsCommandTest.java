package io.shiq.tests.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.app.ShiqCommand;
import io.shiq.schemas.topic.TopicSpec;
import io.shiq.schemas.topic.Topics;
import io.shiq.tests.KafkaExtension;
import io.shiq.tests.TestKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code shiq topics create} against a real broker, and {@code shiq topics list} without one. */
@ExtendWith(KafkaExtension.class)
class TopicsCommandTest {
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
      cl.setErr(new PrintWriter(System.err, true));
      int rc = cl.execute(args);
      return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(savedOut);
      System.setErr(savedErr);
    }
  }

  /** The status word of each topic line of {@code topics create}'s output, by topic name. */
  private static Map<String, String> statuses(String out, Topics topics) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    for (String line : out.lines().toList()) {
      String[] words = line.trim().split("\\s+");
      if (words.length >= 2 && (words[0].equals("created") || words[0].equals("existed"))) {
        m.put(words[1], words[0]);
      }
    }
    assertEquals(Topics.ALL.stream().map(topics::name).toList(), List.copyOf(m.keySet()),
        "one line per catalog topic, in catalog order:\n" + out);
    return m;
  }

  @Test
  void createMakesTheCatalogThenFindsItThere(TestKafka kafka) throws Exception {
    Topics topics = new Topics("tc" + System.nanoTime() + ".");
    Run first = run("topics", "create", "--bootstrap-servers", kafka.bootstrapServers(), "--topic-prefix",
        topics.prefix());
    assertEquals(0, first.rc(), first.out() + first.err());
    statuses(first.out(), topics).forEach((t, s) -> assertEquals("created", s, t + "\n" + first.out()));
    assertTrue(first.out().contains(Topics.ALL.size() + " created, 0 existed"), first.out());

    try (Admin admin = kafka.admin()) {
      Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      var described = admin.describeTopics(Topics.ALL.stream().map(topics::name).toList()).allTopicNames()
          .get(30, TimeUnit.SECONDS);
      var configs = admin.describeConfigs(Topics.ALL.stream()
          .map(s -> new ConfigResource(ConfigResource.Type.TOPIC, topics.name(s))).toList()).all()
          .get(30, TimeUnit.SECONDS);
      for (TopicSpec spec : Topics.ALL) {
        String name = topics.name(spec);
        assertTrue(names.contains(name), name);
        assertEquals(spec.partitions(), described.get(name).partitions().size(), name);
        Config c = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name));
        spec.configs().forEach((k, v) -> assertEquals(v, c.get(k).value(), name + " " + k));
      }
    }

    Run second = run("topics", "create", "--bootstrap-servers", kafka.bootstrapServers(), "--topic-prefix",
        topics.prefix());
    assertEquals(0, second.rc(), second.out() + second.err());
    statuses(second.out(), topics).forEach((t, s) -> assertEquals("existed", s, t + "\n" + second.out()));
    assertTrue(second.out().contains("0 created, " + Topics.ALL.size() + " existed"), second.out());
    assertFalse(second.out().contains("differs"), second.out());
  }

  @Test
  void createReportsAnExistingTopicThatDiffersFromTheCatalogAndLeavesIt(TestKafka kafka) throws Exception {
    Topics topics = new Topics("td" + System.nanoTime() + ".");
    try (Admin admin = kafka.admin()) {
      // A compacted topic of the catalog, made by hand with time retention.
      admin.createTopics(List.of(new NewTopic(topics.policyVersions(), 1, (short) 1)
          .configs(Map.of("cleanup.policy", "delete")))).all().get(30, TimeUnit.SECONDS);
    }
    Run r = run("topics", "create", "--bootstrap-servers", kafka.bootstrapServers(), "--topic-prefix",
        topics.prefix());
    assertEquals(0, r.rc(), r.out() + r.err());
    Map<String, String> statuses = statuses(r.out(), topics);
    assertEquals("existed", statuses.get(topics.policyVersions()));
    assertEquals(Topics.ALL.size() - 1, statuses.values().stream().filter("created"::equals).count(), r.out());
    String line = r.out().lines().filter(l -> l.contains(topics.policyVersions())).findFirst().orElseThrow();
    assertTrue(line.contains("differs from the catalog: cleanup.policy delete, catalog compact"), line);
    try (Admin admin = kafka.admin()) {
      ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, topics.policyVersions());
      assertEquals("delete", admin.describeConfigs(List.of(res)).all().get(30, TimeUnit.SECONDS).get(res)
          .get("cleanup.policy").value(), "an existing topic is reported, never altered");
    }
  }

  @Test
  void listShowsTheCatalogWithoutABroker() {
    Run r = run("topics", "list", "--topic-prefix", "x.");
    assertEquals(0, r.rc(), r.out() + r.err());
    List<String> lines = r.out().lines().toList();
    assertTrue(lines.get(0).startsWith("TOPIC") && lines.get(0).contains("PARTITIONS")
        && lines.get(0).contains("RETENTION") && lines.get(0).contains("PURPOSE"), lines.get(0));
    assertEquals(Topics.ALL.size() + 1, lines.size(), r.out());
    Topics topics = new Topics("x.");
    for (int i = 0; i < Topics.ALL.size(); i++) {
      TopicSpec spec = Topics.ALL.get(i);
      String line = lines.get(i + 1);
      assertTrue(line.startsWith(topics.name(spec) + " "), line);
      assertTrue(line.contains(spec.compacted() ? " compact " : " delete "), line);
      assertTrue(line.contains(spec.description()), line);
      assertTrue(line.contains(spec.valueType() == null ? " bytes " : " " + spec.valueType().getSimpleName() + " "),
          line);
    }
    assertTrue(r.out().contains(topics.trajectories() + " ") && r.out().contains(" 7d "), r.out());
    assertTrue(r.out().contains(" forever "), r.out());
  }

  @Test
  void topicsAloneShowsItsCommands() {
    Run r = run("topics");
    assertEquals(0, r.rc());
    for (String sub : List.of("create", "list", "manifest")) {
      assertTrue(r.out().contains(sub), r.out());
    }
  }
}
