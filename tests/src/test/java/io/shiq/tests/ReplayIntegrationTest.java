package io.shiq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.avro.ReplayBatch;
import io.shiq.avro.ReplayItem;
import io.shiq.avro.Trajectory;
import io.shiq.replay.ReplayConfig;
import io.shiq.replay.ReplayService;
import io.shiq.schemas.SampleRecords;
import io.shiq.schemas.serde.AvroDeserializer;
import io.shiq.schemas.serde.AvroSerializer;
import io.shiq.schemas.topic.Topics;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The replay buffer on a real broker with exactly-once processing: a second instance joins (rebalance), the first is
 * stopped without warning mid-stream, and every trajectory still comes out exactly once, within the reuse cap and the
 * samples-per-insert ratio.
 */
@ExtendWith(KafkaExtension.class)
class ReplayIntegrationTest {

  private static ReplayConfig config(TestKafka kafka, Topics topics, String appId) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("schema.registry.url", kafka.registryUrl());
    p.put("application.id", appId);
    p.put("topic.prefix", topics.prefix());
    p.put("state.dir", Files.createTempDirectory("replay-it").toString());
    p.put("replay.batch.size", "1");
    p.put("replay.min.size", "1");
    p.put("replay.fresh.fraction", "1.0");
    p.put("replay.fresh.shortfall", "wait");
    p.put("replay.sampler", "fifo");
    p.put("replay.samples.per.insert", "1.0");
    p.put("replay.samples.per.insert.tolerance", "0");
    p.put("replay.max.times.sampled", "1");
    // The unclean stop leaves no LeaveGroup: the group notices after the session timeout (default 45 s).
    p.put("consumer.session.timeout.ms", "6000");
    p.put("consumer.heartbeat.interval.ms", "1000");
    return ReplayConfig.from(p);
  }

  @Test
  void rebalanceAndAnUncleanStopLoseAndDuplicateNothing(TestKafka kafka) throws Exception {
    Topics topics = kafka.newTopics();
    String appId = "replay-it-" + UUID.randomUUID();
    int n = 60;
    AvroSerializer<Trajectory> serializer = new AvroSerializer<>(kafka.registryClient());
    serializer.configure(Map.of("schema.registry.url", kafka.registryUrl()), false);
    ReplayService first = ReplayService.start(config(kafka, topics, appId));
    ReplayService second = null;
    try (KafkaProducer<String, Trajectory> producer = new KafkaProducer<>(kafka.producerProps(),
        new StringSerializer(), serializer)) {
      awaitRunning(first);
      for (int i = 0; i < n / 2; i++) {
        producer.send(new ProducerRecord<>(topics.trajectories(), "traj-" + i,
            SampleRecords.trajectory(i, 8, 16, 512))).get();
      }
      waitForItems(kafka, topics, n / 4);
      second = ReplayService.start(config(kafka, topics, appId)); // rebalance: partitions move
      first.close(Duration.ZERO); // no graceful shutdown: open transactions are aborted
      awaitRunning(second);
      for (int i = n / 2; i < n; i++) {
        producer.send(new ProducerRecord<>(topics.trajectories(), "traj-" + i,
            SampleRecords.trajectory(i, 8, 16, 512))).get();
      }
      List<ReplayItem> items = waitForItems(kafka, topics, n);
      Map<String, Integer> seen = new HashMap<>();
      items.forEach(it -> seen.merge(it.getTrajectory().getTrajectoryId(), 1, Integer::sum));
      assertEquals(n, seen.size(), "every trajectory came out");
      seen.forEach((id, count) -> assertEquals(1, count, id + " came out " + count + " times (reuse cap 1)"));
      assertTrue(items.stream().allMatch(it -> it.getTimesSampled() == 1));
      assertEquals(n, items.size(), "samples = 1.0 x inserts");
    } finally {
      first.close(Duration.ofSeconds(5));
      if (second != null) {
        second.close(Duration.ofSeconds(10));
      }
    }
  }

  private static void awaitRunning(ReplayService s) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (s.streams().state() != KafkaStreams.State.RUNNING && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
  }

  /** Reads committed batches from the start until {@code atLeast} items came out (or 90 s passed). */
  private static List<ReplayItem> waitForItems(TestKafka kafka, Topics topics, int atLeast) {
    Properties p = kafka.consumerProps("batches-" + UUID.randomUUID());
    p.put("isolation.level", "read_committed");
    List<ReplayItem> items = new ArrayList<>();
    try (KafkaConsumer<String, ReplayBatch> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
        new AvroDeserializer<>(kafka.registryClient(), ReplayBatch.class))) {
      consumer.subscribe(List.of(topics.replayBatches()));
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (items.size() < atLeast && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> items.addAll(r.value().getItems()));
      }
      // A little longer, so that duplicates (if any) would show up too.
      long settle = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      while (System.nanoTime() < settle) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> items.addAll(r.value().getItems()));
      }
    }
    return items;
  }
}
