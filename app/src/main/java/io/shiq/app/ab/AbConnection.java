package io.shiq.app.ab;

import io.shiq.app.cli.KafkaOptions;
import io.shiq.schemas.kafka.KafkaClients;
import io.shiq.schemas.topic.TopicAdmin;
import io.shiq.schemas.topic.Topics;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Broker, registry and topic prefix: what every {@code shiq ab} command connects to. */
public final class AbConnection {
  @Mixin
  KafkaOptions kafkaOptions;

  @Option(names = "--topic-prefix", description = "Topic prefix (default: ${DEFAULT-VALUE}).")
  String topicPrefix = Topics.DEFAULT_PREFIX;

  public Topics topics() {
    return new Topics(topicPrefix);
  }

  /** Clients, with the topics of the catalog created when missing. */
  public KafkaClients clients() {
    KafkaClients kafka = new KafkaClients(kafkaOptions.checkedSettings());
    try (Admin admin = kafka.admin()) {
      TopicAdmin.ensureAll(admin, topics());
    }
    return kafka;
  }
}
