package io.shiq.app.cli;

import io.shiq.replay.ReplayConfig;
import io.shiq.schemas.kafka.KafkaSettings;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/** Where a command finds Kafka and the schema registry: the connection options every service command shares. */
public final class KafkaOptions {
  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
      description = "Kafka bootstrap servers (default: " + KafkaSettings.DEFAULT_BOOTSTRAP_SERVERS
          + ", what 'shiq kafka' prints).")
  String bootstrapServers;

  @Option(names = "--schema-registry-url", paramLabel = "URL",
      description = "Confluent-compatible schema registry (default: " + KafkaSettings.DEFAULT_REGISTRY_URL + ").")
  String registryUrl;

  @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
      description = "A Kafka client setting given to every producer, consumer and admin client of this process "
          + "(repeatable), e.g. --kafka-property security.protocol=SSL.")
  Map<String, String> clientSettings = new LinkedHashMap<>();

  /** The settings, with the defaults where an option was not given. */
  public KafkaSettings settings() {
    return new KafkaSettings(bootstrapServers != null ? bootstrapServers : KafkaSettings.DEFAULT_BOOTSTRAP_SERVERS,
        registryUrl != null ? registryUrl : KafkaSettings.DEFAULT_REGISTRY_URL, clientSettings);
  }

  /**
   * Writes the options that were given over a replay options file's values (the defaults fill what neither gives);
   * client settings pass through to Kafka Streams.
   */
  public void applyTo(Properties replayOptions) {
    KafkaSettings fromFile = new KafkaSettings(
        replayOptions.getProperty(ReplayConfig.BOOTSTRAP_SERVERS, KafkaSettings.DEFAULT_BOOTSTRAP_SERVERS),
        replayOptions.getProperty(ReplayConfig.SCHEMA_REGISTRY_URL, KafkaSettings.DEFAULT_REGISTRY_URL), Map.of());
    replayOptions.putAll(ReplayConfig.connection(new KafkaSettings(
        bootstrapServers != null ? bootstrapServers : fromFile.bootstrapServers(),
        registryUrl != null ? registryUrl : fromFile.registryUrl(), clientSettings)));
  }
}
