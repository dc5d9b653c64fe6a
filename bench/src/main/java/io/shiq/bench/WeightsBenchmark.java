package io.shiq.bench;

import ai.djl.Device;
import io.shiq.actor.weights.WeightSubscriber;
import io.shiq.embedded.EmbeddedStack;
import io.shiq.learner.publish.WeightPublisher;
import io.shiq.policy.io.WeightsPayload;
import io.shiq.policy.model.LlamaConfig;
import io.shiq.policy.model.LlamaWeights;
import io.shiq.schemas.kafka.KafkaClients;
import io.shiq.schemas.topic.TopicAdmin;
import io.shiq.schemas.topic.TopicSpec;
import io.shiq.schemas.topic.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shiq bench weights}: time from publishing a policy version to its verified weights being ready in an actor,
 * for about 1, 16 and 128 MB of weights, against sending and receiving the same bytes as plain records of the same
 * size on the same broker in the same run. Publish and receive run one after the other, so the figure is an upper
 * bound of the overlapped pipeline.
 */
@Command(name = "weights", mixinStandardHelpOptions = true,
    description = "Publish-to-use time of 1, 16 and 128 MB of weights (chunks, verification, model rebuilt) vs a "
        + "plain send + receive of the same bytes, on an embedded broker.")
public final class WeightsBenchmark implements Callable<Integer> {
  @Option(names = "--sizes-mb", split = ",", description = "Weight sizes in MB (default: ${DEFAULT-VALUE}).")
  List<Integer> sizesMb = List.of(1, 16, 128);

  @Override
  public Integer call() throws Exception {
    StringBuilder json = new StringBuilder("{\"bench\":\"weights\"");
    System.out.printf("%-10s %14s %18s %18s %8s%n", "size", "payload bytes", "publish->use ms", "plain transfer ms",
        "ratio");
    try (EmbeddedStack stack = EmbeddedStack.start(EmbeddedStack.Options.ephemeral())) {
      for (int mb : sizesMb) {
        // One small layer and a vocabulary sized to reach the target (float32, tied embeddings).
        long params = mb * 1_000_000L / 4;
        int layerParams = 4 * 128 * 128 + 3 * 128 * 344 + 2 * 128;
        int vocab = (int) Math.max(64, (params - layerParams - 128) / 128);
        LlamaConfig config = new LlamaConfig(128, 344, 1, 4, 4, vocab, 512, 10000, 1e-5, false, true,
            LlamaConfig.RopeLayout.HALVES);
        try (LlamaWeights weights = LlamaWeights.random(config, mb, Device.cpu())) {
          long[] r = measure(stack, weights);
          double ratio = (double) r[1] / r[2];
          System.out.printf("%-10s %14d %18d %18d %8.2f%n", mb + " MB", r[0], r[1], r[2], ratio);
          json.append(String.format(Locale.ROOT, ",\"publish_to_use_ms_%dmb\":%d,\"plain_transfer_ms_%dmb\":%d,"
              + "\"ratio_%dmb\":%.3f", mb, r[1], mb, r[2], mb, ratio));
        }
      }
    }
    System.out.println(json.append('}'));
    return 0;
  }

  /** {payload bytes, publish-to-use ms, plain transfer ms}. */
  private static long[] measure(EmbeddedStack stack, LlamaWeights weights)
      throws Exception {
    Topics topics = new Topics("bench-w-" + UUID.randomUUID().toString().substring(0, 6) + ".");
    KafkaClients kafka = stack.clients();
    try (Admin admin = kafka.admin()) {
      TopicAdmin.ensureAll(admin, topics);
      TopicAdmin.ensureTopics(admin, topics, List.of(new TopicSpec("plain", 1, false, -1, null, "bench")));
    }
    Map<String, String> large = Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(4 * 1024 * 1024));
    long publishToUse;
    try (KafkaProducer<String, SpecificRecord> producer = kafka.avroProducer(large); Admin admin = kafka.admin();
         WeightSubscriber subscriber = new WeightSubscriber(kafka, topics, "main", 0, Device.cpu())) {
      long t0 = System.nanoTime();
      new WeightPublisher(producer, admin, topics, WeightPublisher.DEFAULT_CHUNK_BYTES, 2)
          .publish("main", 1, 1, weights, "shiq", null);
      var loaded = subscriber.poll(Duration.ofMinutes(5)).orElseThrow(() -> new IllegalStateException(
          "the version never arrived"));
      publishToUse = (System.nanoTime() - t0) / 1_000_000;
      loaded.weights().close();
    }
    // Baseline: the same bytes, same chunk size, as plain byte[] records, sent and received.
    byte[] payload = WeightsPayload.encode(weights);
    int chunk = WeightPublisher.DEFAULT_CHUNK_BYTES;
    List<byte[]> parts = new ArrayList<>();
    for (int from = 0; from < payload.length; from += chunk) {
      parts.add(Arrays.copyOfRange(payload, from, Math.min(payload.length, from + chunk)));
    }
    long plain;
    try (KafkaProducer<String, byte[]> producer = kafka.producer(new StringSerializer(), new ByteArraySerializer(),
        large)) {
      try (KafkaConsumer<String, byte[]> consumer = kafka.rawConsumer(Map.of(
          ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(4 * 1024 * 1024)))) {
        TopicPartition tp = new TopicPartition(topics.prefix() + "plain", 0);
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        long t0 = System.nanoTime();
        for (int i = 0; i < parts.size(); i++) {
          producer.send(new ProducerRecord<>(tp.topic(), "c" + i, parts.get(i))).get();
        }
        long received = 0;
        while (received < payload.length) {
          for (var r : consumer.poll(Duration.ofMillis(100))) {
            received += r.value().length;
          }
        }
        plain = (System.nanoTime() - t0) / 1_000_000;
      }
    }
    return new long[] {payload.length, publishToUse, Math.max(1, plain)};
  }
}
