package io.shiq.app.cli;

import io.shiq.replay.ReplayConfig;
import io.shiq.schemas.kafka.KafkaSettings;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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

  @Option(names = "--kafka-config", paramLabel = "FILE",
      description = "A Java properties file of Kafka client settings given to every producer, consumer and admin "
          + "client of this process (security.protocol, sasl.mechanism, ssl.truststore.location, ...); "
          + "--kafka-property wins over it. The way to pass them by environment: SHIQ_KAFKA_CONFIG=FILE.")
  Path clientConfigFile;

  @Option(names = "--connect-timeout", paramLabel = "SECONDS",
      description = "At start, how long to wait for Kafka and the schema registry to answer before exiting with "
          + "code 4 (unreachable) and what to check (default: 30).")
  Integer connectTimeoutSeconds;

  /** The start-up limit of each dependency check. */
  public java.time.Duration connectTimeout() {
    if (connectTimeoutSeconds != null && connectTimeoutSeconds < 1) {
      throw new IllegalArgumentException("--connect-timeout must be at least 1 second, got " + connectTimeoutSeconds);
    }
    return connectTimeoutSeconds == null ? io.shiq.schemas.kafka.Dependencies.DEFAULT_TIMEOUT
        : java.time.Duration.ofSeconds(connectTimeoutSeconds);
  }

  /**
   * The settings, once Kafka and the registry have answered within --connect-timeout: call after the local inputs
   * (model, files) are checked, so that a typo in a path is reported before any waiting on the network.
   *
   * @throws io.shiq.schemas.kafka.DependencyException naming the address and what to do
   */
  public KafkaSettings checkedSettings() {
    KafkaSettings s = settings();
    io.shiq.schemas.kafka.Dependencies.broker(s, connectTimeout());
    io.shiq.schemas.kafka.Dependencies.registry(s, connectTimeout());
    return s;
  }

  /** As {@link #checkedSettings()}, for commands that use Kafka but not the registry. */
  public KafkaSettings checkedBrokerSettings() {
    KafkaSettings s = settings();
    io.shiq.schemas.kafka.Dependencies.broker(s, connectTimeout());
    return s;
  }

  /** The settings, with the defaults where an option was not given. */
  public KafkaSettings settings() {
    return new KafkaSettings(bootstrapServers != null ? bootstrapServers : KafkaSettings.DEFAULT_BOOTSTRAP_SERVERS,
        registryUrl != null ? registryUrl : KafkaSettings.DEFAULT_REGISTRY_URL, clientSettings());
  }

  /** The client settings of --kafka-config's file, then --kafka-property's over them. */
  Map<String, String> clientSettings() {
    Map<String, String> merged = new LinkedHashMap<>();
    if (clientConfigFile != null) {
      merged.putAll(readClientConfig(clientConfigFile));
    }
    merged.putAll(clientSettings);
    return merged;
  }

  /** A properties file of client settings; a missing or unreadable file is an error naming it. */
  static Map<String, String> readClientConfig(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("--kafka-config: no such file: " + file.toAbsolutePath());
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("--kafka-config: cannot read " + file.toAbsolutePath() + ": "
          + e.getMessage(), e);
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String key : p.stringPropertyNames()) {
      String value = p.getProperty(key).strip();
      if (value.isEmpty()) {
        throw new IllegalArgumentException("--kafka-config " + file + ": key '" + key + "' has no value");
      }
      out.put(key, value);
    }
    return out;
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
        registryUrl != null ? registryUrl : fromFile.registryUrl(), clientSettings())));
  }
}
