package io.shiq.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.app.ShiqCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import org.junit.jupiter.api.Test;

class EnvironmentOptionsTest {
  private static ActorCommand actor(Map<String, String> env, String... args) {
    CommandLine cl = new CommandLine(new ShiqCommand());
    cl.setDefaultValueProvider(new EnvironmentOptions(env));
    CommandLine.ParseResult r = cl.parseArgs(args);
    return (ActorCommand) r.subcommand().commandSpec().userObject();
  }

  @Test
  void aVariableSetsTheOptionAndTheCommandLineWins() {
    Map<String, String> env = Map.of("SHIQ_TOPIC_PREFIX", "team-a.", "SHIQ_EPISODES_PER_BATCH", "7",
        "SHIQ_BOOTSTRAP_SERVERS", "kafka:9092", "SHIQ_NO_WEIGHT_UPDATES", "true");
    ActorCommand a = actor(env, "actor");
    assertEquals("team-a.", a.topicPrefix);
    assertEquals(7, a.episodesPerBatch);
    assertEquals("kafka:9092", a.kafkaOptions.settings().bootstrapServers());
    assertTrue(a.noWeightUpdates);
    ActorCommand b = actor(env, "actor", "--topic-prefix", "cli.");
    assertEquals("cli.", b.topicPrefix);
    assertEquals(32, actor(Map.of(), "actor").episodesPerBatch, "unset: the annotated default");
  }

  @Test
  void theDataDirectoryVariableIsNotBfclsDataOption() {
    ActorCommand a = actor(Map.of("SHIQ_DATA", "/data"), "actor");
    assertEquals(null, a.bfclData, "SHIQ_DATA is the data directory, not --data (BFCL's folder)");
  }

  @Test
  void namesFollowOneRule() {
    assertEquals("SHIQ_SCHEMA_REGISTRY_URL", EnvironmentOptions.variable("--schema-registry-url"));
    assertEquals("SHIQ_CONFIG", EnvironmentOptions.variable("--config"));
  }

  @Test
  void kafkaClientSettingsComeFromTheConfigFileAndPropertiesWin(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("kafka-client.properties");
    Files.writeString(file, "# the listener\nsecurity.protocol=SASL_PLAINTEXT\nsasl.mechanism = SCRAM-SHA-512\n"
        + "client.rack=a\n");
    ActorCommand a = actor(Map.of("SHIQ_KAFKA_CONFIG", file.toString()), "actor", "--kafka-property",
        "client.rack=b");
    Map<String, String> client = a.kafkaOptions.settings().client();
    assertEquals("SASL_PLAINTEXT", client.get("security.protocol"));
    assertEquals("SCRAM-SHA-512", client.get("sasl.mechanism"));
    assertEquals("b", client.get("client.rack"), "--kafka-property wins over the file");

    ActorCommand missing = actor(Map.of(), "actor", "--kafka-config", dir.resolve("nope.properties").toString());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> missing.kafkaOptions.settings());
    assertTrue(e.getMessage().contains("nope.properties"), e.getMessage());
    Files.writeString(file, "security.protocol=\n");
    e = assertThrows(IllegalArgumentException.class, () -> a.kafkaOptions.settings());
    assertTrue(e.getMessage().contains("security.protocol"), e.getMessage());
  }

  @Test
  void actorsStartedAlikeDrawDifferentEpisodes() {
    assertEquals(ActorCommand.actorSeed(1, "shiq-actor-0"), ActorCommand.actorSeed(1, "shiq-actor-0"));
    assertNotEquals(ActorCommand.actorSeed(1, "shiq-actor-0"), ActorCommand.actorSeed(1, "shiq-actor-1"));
    assertNotEquals(ActorCommand.actorSeed(1, "shiq-actor-0"), ActorCommand.actorSeed(2, "shiq-actor-0"));
  }
}
