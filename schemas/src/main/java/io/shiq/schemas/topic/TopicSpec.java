package io.shiq.schemas.topic;

import java.util.Map;
import java.util.Objects;

/**
 * One topic of the architecture: its role-name (without prefix), its partitions and its log settings.
 *
 * @param role        the name without prefix, e.g. {@code trajectories}
 * @param partitions  partition count when the topic is created
 * @param compacted   log compaction (policy announcements, registry state) instead of time retention
 * @param retentionMs time retention in ms, -1 for unlimited; ignored for compacted topics
 * @param valueType   the Avro record carried as value, or null for raw bytes (dead letters)
 * @param description what the topic is for (README, --help)
 */
public record TopicSpec(String role, int partitions, boolean compacted, long retentionMs,
                        Class<?> valueType, String description) {
  public TopicSpec {
    Objects.requireNonNull(role, "role");
    if (partitions < 1) {
      throw new IllegalArgumentException("topic " + role + ": partitions must be >= 1, got " + partitions);
    }
    if (!compacted && retentionMs < -1) {
      throw new IllegalArgumentException("topic " + role + ": retentionMs must be -1 or >= 0, got " + retentionMs);
    }
  }

  /** Broker-side configs for creation (and for checking an existing topic). */
  public Map<String, String> configs() {
    if (compacted) {
      return Map.of("cleanup.policy", "compact");
    }
    return Map.of("cleanup.policy", "delete", "retention.ms", Long.toString(retentionMs));
  }

  public TopicSpec withPartitions(int n) {
    return new TopicSpec(role, n, compacted, retentionMs, valueType, description);
  }
}
