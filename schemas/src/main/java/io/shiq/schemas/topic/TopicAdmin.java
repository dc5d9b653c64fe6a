package io.shiq.schemas.topic;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the declared topics that are missing; existing topics are left as they are (idempotent). */
public final class TopicAdmin {
  private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);
  private static final long TIMEOUT_S = 30;

  private TopicAdmin() {}

  /** What {@link #ensureTopics} did. */
  public record Result(List<String> created, List<String> existing) {}

  /**
   * Creates every missing topic of {@code specs} under {@code topics}' prefix. The replication factor is
   * min(3, number of brokers), so a single-broker cluster gets 1 and a production cluster 3.
   */
  public static Result ensureTopics(Admin admin, Topics topics, Collection<TopicSpec> specs) {
    try {
      int brokers = admin.describeCluster().nodes().get(TIMEOUT_S, TimeUnit.SECONDS).size();
      short replication = (short) Math.max(1, Math.min(3, brokers));
      Set<String> present = admin.listTopics().names().get(TIMEOUT_S, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      List<String> existing = new ArrayList<>();
      for (TopicSpec spec : specs) {
        String name = topics.name(spec);
        if (present.contains(name)) {
          existing.add(name);
        } else {
          missing.add(new NewTopic(name, spec.partitions(), replication).configs(spec.configs()));
        }
      }
      List<String> created = new ArrayList<>();
      if (!missing.isEmpty()) {
        CreateTopicsResult result = admin.createTopics(missing);
        for (var entry : result.values().entrySet()) {
          if (createdNow(entry.getKey(), entry.getValue())) {
            created.add(entry.getKey());
          } else {
            existing.add(entry.getKey());
          }
        }
      }
      if (!created.isEmpty()) {
        LOG.info("created topics {}", created);
        awaitLeaders(admin, created);
      }
      return new Result(List.copyOf(created), List.copyOf(existing));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not create topics with prefix '" + topics.prefix() + "': "
          + (e.getCause() != null ? e.getCause() : e), e);
    }
  }

  /**
   * Waits until every partition of {@code names} has a leader that serves it. A producer that writes to a partition
   * the moment it was created can have its first request refused with NOT_LEADER_OR_FOLLOWER while a later one is
   * appended; an idempotent producer then retries the first forever with OUT_OF_ORDER_SEQUENCE_NUMBER and its records
   * are lost when delivery.timeout.ms expires them (KAFKA-15591 / KAFKA-14312 / KAFKA-19880, fixed broker-side by
   * apache/kafka#23234, after the 4.1 line used here; seen in this project's serde benchmark). Leaders in the
   * metadata are not enough: ListOffsets is answered by the partition's leader replica itself, and the admin client
   * retries it until that replica serves the partition.
   */
  static void awaitLeaders(Admin admin, Collection<String> names)
      throws InterruptedException, ExecutionException, TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
    while (true) {
      boolean ready;
      try {
        ready = admin.describeTopics(names).allTopicNames().get(TIMEOUT_S, TimeUnit.SECONDS).values().stream()
            .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) {
          throw e;
        }
        ready = false; // the metadata of the new topic has not reached this broker yet
      }
      if (ready) {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(names).allTopicNames().get(TIMEOUT_S, TimeUnit.SECONDS).values().forEach(d ->
            d.partitions().forEach(p -> latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
        admin.listOffsets(latest).all().get(TIMEOUT_S, TimeUnit.SECONDS);
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("topics " + names + " have partitions without a leader after " + TIMEOUT_S + " s");
      }
      Thread.sleep(50);
    }
  }

  public static Result ensureAll(Admin admin, Topics topics) {
    return ensureTopics(admin, topics, Topics.ALL);
  }

  /** True when this call created the topic; false when another client created it first (a benign race). */
  private static boolean createdNow(String name, KafkaFuture<Void> future)
      throws InterruptedException, ExecutionException, TimeoutException {
    try {
      future.get(TIMEOUT_S, TimeUnit.SECONDS);
      return true;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TopicExistsException) {
        return false;
      }
      throw new ExecutionException("topic " + name + ": " + e.getCause().getMessage(), e.getCause());
    }
  }
}
