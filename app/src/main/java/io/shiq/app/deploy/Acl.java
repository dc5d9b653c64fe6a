package io.shiq.app.deploy;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * One allow rule of a role: operations on the resources whose name is {@code name} (literal) or starts with it
 * (prefix), in Kafka's own terms (as Strimzi's {@code KafkaUser} spells them), with the reason: the code that needs it.
 *
 * @param type       the kind of resource
 * @param name       the resource name, or its prefix; {@code *} literal means every resource of the type; ignored for
 *                   the cluster
 * @param pattern    literal or prefix
 * @param operations what the rule allows
 * @param why        the code that needs the rule (README, comments in the generated manifests)
 */
public record Acl(ResourceType type, String name, PatternType pattern, Set<Operation> operations, String why) {
  /** Kafka's resource types, with Strimzi's spelling. */
  public enum ResourceType {
    TOPIC("topic"), GROUP("group"), TRANSACTIONAL_ID("transactionalId"), CLUSTER("cluster");

    private final String strimzi;

    ResourceType(String strimzi) {
      this.strimzi = strimzi;
    }

    public String strimzi() {
      return strimzi;
    }
  }

  /** How {@link #name} matches a resource: the whole name, or its beginning. */
  public enum PatternType {
    LITERAL("literal"), PREFIX("prefix");

    private final String strimzi;

    PatternType(String strimzi) {
      this.strimzi = strimzi;
    }

    public String strimzi() {
      return strimzi;
    }
  }

  /** Kafka's ACL operations, with Strimzi's spelling (which is also kafka-acls.sh's). */
  public enum Operation {
    READ("Read"), WRITE("Write"), CREATE("Create"), DELETE("Delete"), ALTER("Alter"), DESCRIBE("Describe"),
    CLUSTER_ACTION("ClusterAction"), ALTER_CONFIGS("AlterConfigs"), DESCRIBE_CONFIGS("DescribeConfigs"),
    IDEMPOTENT_WRITE("IdempotentWrite"), ALL("All");

    private final String strimzi;

    Operation(String strimzi) {
      this.strimzi = strimzi;
    }

    public String strimzi() {
      return strimzi;
    }
  }

  public Acl {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(pattern, "pattern");
    Objects.requireNonNull(why, "why");
    if (type == ResourceType.CLUSTER) {
      name = "kafka-cluster";
      pattern = PatternType.LITERAL;
    }
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("an ACL needs a resource name or prefix (a literal * for every " + type
          + ")");
    }
    if (operations.isEmpty()) {
      throw new IllegalArgumentException("an ACL on " + type + " " + name + " without operations");
    }
    operations = Collections.unmodifiableSet(EnumSet.copyOf(operations));
  }

  /** A literal rule on one resource. */
  public static Acl literal(ResourceType type, String name, String why, Operation... operations) {
    return new Acl(type, name, PatternType.LITERAL, Set.of(operations), why);
  }

  /**
   * A prefixed rule on every resource whose name starts with {@code prefix}; an empty prefix means every resource of
   * the type (a literal {@code *}), since Kafka has no empty prefix.
   */
  public static Acl prefixed(ResourceType type, String prefix, String why, Operation... operations) {
    return prefix.isEmpty() ? literal(type, "*", why, operations)
        : new Acl(type, prefix, PatternType.PREFIX, Set.of(operations), why);
  }

  /** True when this rule names {@code resource} of {@code resourceType}, as Kafka's authorizer matches it. */
  public boolean matches(ResourceType resourceType, String resource) {
    if (resourceType != type) {
      return false;
    }
    if (type == ResourceType.CLUSTER) {
      return true;
    }
    return pattern == PatternType.PREFIX ? resource.startsWith(name) : name.equals("*") || name.equals(resource);
  }

  /**
   * True when this rule allows {@code operation} on {@code resource}, with Kafka's implications: All allows
   * everything, Read, Write, Delete and Alter imply Describe, AlterConfigs implies DescribeConfigs.
   */
  public boolean allows(ResourceType resourceType, String resource, Operation operation) {
    return matches(resourceType, resource) && implied(operations, operation);
  }

  static boolean implied(Set<Operation> granted, Operation operation) {
    if (granted.contains(Operation.ALL) || granted.contains(operation)) {
      return true;
    }
    return switch (operation) {
      case DESCRIBE -> granted.contains(Operation.READ) || granted.contains(Operation.WRITE)
          || granted.contains(Operation.DELETE) || granted.contains(Operation.ALTER);
      case DESCRIBE_CONFIGS -> granted.contains(Operation.ALTER_CONFIGS);
      default -> false;
    };
  }

  /** The operations in Strimzi's spelling, in Kafka's order. */
  public java.util.List<String> strimziOperations() {
    return operations.stream().map(Operation::strimzi).toList();
  }
}
