package io.shiq.app.cli;

import io.shiq.schemas.kafka.KafkaClients;
import io.shiq.schemas.topic.TopicAdmin;
import io.shiq.schemas.topic.TopicSpec;
import io.shiq.schemas.topic.Topics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code shiq topics create}: every catalog topic on the broker, created when missing (the one-shot topics job). */
@Command(name = "create", mixinStandardHelpOptions = true,
    description = {"Create every topic of the catalog that is missing, with its partitions and configs (cleanup "
        + "policy, retention); the replication factor is min(3, brokers). Topics that exist are left as they are: "
        + "each is compared with the catalog and a difference is reported, never altered. Prints one line per "
        + "topic (created / existed) and exits: the one-shot 'topics' job of compose and Kubernetes.",
        "",
        "Needs Create, Describe and DescribeConfigs on the topic prefix (KafkaUser <prefix>-topics of "
            + "'shiq topics manifest --users')."})
public final class TopicsCreateCommand implements Callable<Integer> {
  private static final long TIMEOUT_S = 30;

  @Mixin
  KafkaOptions kafkaOptions;

  @Option(names = "--topic-prefix", paramLabel = "PREFIX", description = "Topic prefix (default: ${DEFAULT-VALUE}).")
  String topicPrefix = Topics.DEFAULT_PREFIX;

  @Override
  public Integer call() throws InterruptedException {
    Topics topics = new Topics(topicPrefix);
    KafkaClients kafka = new KafkaClients(kafkaOptions.checkedBrokerSettings());
    try (Admin admin = kafka.admin()) {
      TopicAdmin.Result result = TopicAdmin.ensureAll(admin, topics);
      Map<String, String> differences = differences(admin, topics, result.existing());
      int width = Topics.ALL.stream().mapToInt(s -> topics.name(s).length()).max().orElse(0);
      for (TopicSpec spec : Topics.ALL) {
        String name = topics.name(spec);
        String what = result.created().contains(name) ? "created" : "existed";
        String differs = differences.get(name);
        System.out.println((what + "  " + String.format("%-" + width + "s", name)
            + (differs == null ? "" : "  (differs from the catalog: " + differs + ")")).stripTrailing());
      }
      System.out.printf("%d topics with prefix '%s' on %s: %d created, %d existed%n", Topics.ALL.size(),
          topics.prefix(), kafka.settings().bootstrapServers(), result.created().size(), result.existing().size());
    }
    return 0;
  }

  /**
   * For each existing topic that differs from the catalog, what differs: fewer partitions than declared, another
   * cleanup policy or retention. (More partitions than declared is a deliberate scale-up, not a difference.)
   */
  static Map<String, String> differences(Admin admin, Topics topics, List<String> existing)
      throws InterruptedException {
    Map<String, String> out = new HashMap<>();
    if (existing.isEmpty()) {
      return out;
    }
    Map<String, TopicSpec> specs = new HashMap<>();
    Topics.ALL.forEach(s -> specs.put(topics.name(s), s));
    List<ConfigResource> resources = existing.stream()
        .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
    try {
      Map<String, TopicDescription> descriptions = admin.describeTopics(existing).allTopicNames()
          .get(TIMEOUT_S, TimeUnit.SECONDS);
      Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(TIMEOUT_S, TimeUnit.SECONDS);
      for (String name : existing) {
        TopicSpec spec = specs.get(name);
        if (spec == null) {
          continue;
        }
        List<String> diffs = new ArrayList<>();
        int partitions = descriptions.get(name).partitions().size();
        if (partitions < spec.partitions()) {
          diffs.add("partitions " + partitions + ", catalog " + spec.partitions());
        }
        Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name));
        spec.configs().forEach((key, expected) -> {
          ConfigEntry entry = config.get(key);
          String actual = entry == null ? null : entry.value();
          if (!expected.equals(actual)) {
            diffs.add(key + " " + actual + ", catalog " + expected);
          }
        });
        if (!diffs.isEmpty()) {
          out.put(name, String.join("; ", diffs));
        }
      }
    } catch (ExecutionException | TimeoutException e) {
      System.err.println("shiq topics create: could not compare the existing topics with the catalog: "
          + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
    }
    return out;
  }
}
