package io.shiq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.embedded.EmbeddedKafkaBroker;
import io.shiq.schemas.topic.TopicAdmin;
import io.shiq.schemas.topic.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(KafkaExtension.class)
class BrokerLifecycleTest {

  @Test
  void extensionBrokerAnswers(TestKafka kafka) throws Exception {
    try (Admin admin = kafka.admin()) {
      assertFalse(admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).isEmpty());
    }
    assertTrue(Set.of("embedded", "testcontainers").contains(kafka.kind()));
  }

  @Test
  void topicDeclarationIsIdempotentAndAppliesConfigs(TestKafka kafka) throws Exception {
    Topics topics = kafka.newTopics(); // creates all of them
    try (Admin admin = kafka.admin()) {
      TopicAdmin.Result again = TopicAdmin.ensureAll(admin, topics);
      assertEquals(List.of(), again.created());
      assertEquals(Topics.ALL.size(), again.existing().size());
      var resource = new ConfigResource(ConfigResource.Type.TOPIC, topics.policyVersions());
      var config = admin.describeConfigs(List.of(resource)).all().get(10, TimeUnit.SECONDS).get(resource);
      assertEquals("compact", config.get("cleanup.policy").value());
      var partitions = admin.describeTopics(List.of(topics.trajectories())).allTopicNames().get()
          .get(topics.trajectories()).partitions().size();
      assertEquals(Topics.TRAJECTORIES.partitions(), partitions);
    }
  }

  /** What {@code shiq kafka --data-dir} promises: a restart keeps topics, records and committed offsets. */
  @Test
  void restartOnTheSameDirectoryKeepsTopicsRecordsAndOffsets(@TempDir Path dir) throws Exception {
    String topic = "persisted";
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, 0, 0)) {
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(10, TimeUnit.SECONDS);
      }
      try (var producer = new KafkaProducer<>(producerProps(broker), new StringSerializer(),
          new StringSerializer())) {
        for (int i = 0; i < 3; i++) {
          producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get();
        }
      }
      try (var consumer = new KafkaConsumer<>(consumerProps(broker), new StringDeserializer(),
          new StringDeserializer())) {
        consumer.commitSync(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(2)));
      }
    }
    assertTrue(Files.exists(dir.resolve("kafka-logs").resolve("meta.properties")));
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, 0, 0)) {
      try (var consumer = new KafkaConsumer<>(consumerProps(broker), new StringDeserializer(),
          new StringDeserializer())) {
        TopicPartition tp = new TopicPartition(topic, 0);
        assertEquals(2, consumer.committed(Set.of(tp)).get(tp).offset(), "committed offset survives");
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        List<String> values = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (values.size() < 3 && System.nanoTime() < deadline) {
          consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
        }
        assertEquals(List.of("v0", "v1", "v2"), values, "records survive");
      }
    }
  }

  private static Properties producerProps(EmbeddedKafkaBroker broker) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    return p;
  }

  private static Properties consumerProps(EmbeddedKafkaBroker broker) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "lifecycle");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    return p;
  }
}
