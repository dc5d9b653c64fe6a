package io.shiq.schemas.serde;

import io.shiq.schemas.registry.RegistryConnection;
import io.shiq.schemas.registry.SchemaRegistryClient;
import java.time.Duration;
import java.util.Map;

/**
 * Configuration keys of the Avro serde. The first three have the names Confluent's serde uses, so the same
 * client properties work with either implementation.
 */
public final class SerdeConfig {
  private SerdeConfig() {}

  /** Base URL of a Confluent-compatible schema registry (required). */
  public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
  /** Register the record's schema on first use (default true); when false it must already be registered. */
  public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
  /** Decode into generated classes (default true); false gives GenericRecord. */
  public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";
  /** Attempts per registry request before giving up (default 3). */
  public static final String REGISTRY_MAX_ATTEMPTS = "schema.registry.max.attempts";
  /** First back-off between attempts in ms, doubled each time (default 200). */
  public static final String REGISTRY_BACKOFF_MS = "schema.registry.backoff.ms";

  static SchemaRegistryClient client(Map<String, ?> configs) {
    Object url = configs.get(SCHEMA_REGISTRY_URL);
    if (url == null || url.toString().isBlank()) {
      throw new IllegalArgumentException("missing required serde config '" + SCHEMA_REGISTRY_URL + "'");
    }
    int attempts = intValue(configs, REGISTRY_MAX_ATTEMPTS, 3);
    long backoffMs = intValue(configs, REGISTRY_BACKOFF_MS, 200);
    return new SchemaRegistryClient(url.toString(), attempts, Duration.ofMillis(backoffMs), Duration.ofSeconds(10),
        RegistryConnection.from(configs, url.toString()));
  }

  static boolean booleanValue(Map<String, ?> configs, String key, boolean fallback) {
    Object v = configs.get(key);
    return v == null ? fallback : Boolean.parseBoolean(v.toString().trim());
  }

  static int intValue(Map<String, ?> configs, String key, int fallback) {
    Object v = configs.get(key);
    if (v == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(v.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("serde config '" + key + "' must be an integer, got '" + v + "'");
    }
  }
}
