package io.shiq.bench;

import io.shiq.embedded.EmbeddedStack;
import io.shiq.avro.ReplayBatch;
import io.shiq.avro.Trajectory;
import io.shiq.replay.ReplayConfig;
import io.shiq.replay.ReplayService;
import io.shiq.schemas.kafka.KafkaClients;
import io.shiq.schemas.SampleRecords;
import io.shiq.schemas.registry.SchemaRegistryClient;
import io.shiq.schemas.serde.AvroDeserializer;
import io.shiq.schemas.serde.AvroSerializer;
import io.shiq.schemas.topic.TopicAdmin;
import io.shiq.schemas.topic.TopicSpec;
import io.shiq.schemas.topic.Topics;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shiq bench replay}: trajectories per second through the replay topology (exactly-once, RocksDB table, batches
 * out) against a plain consumer-to-producer copy of the same records on the same embedded broker in the same run.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = "Trajectories/s through the replay topology vs a plain consumer-to-producer copy of the same "
        + "records, for ~1 KiB and ~16 KiB trajectories, on an embedded broker.")
public final class ReplayBenchmark implements Callable<Integer> {
  @Option(names = "--records-1k", description = "1 KiB trajectories per run (default: ${DEFAULT-VALUE}).")
  int records1k = 20_000;

  @Option(names = "--records-16k", description = "16 KiB trajectories per run (default: ${DEFAULT-VALUE}).")
  int records16k = 3_000;

  @Option(names = "--batch", description = "Replay batch size (default: ${DEFAULT-VALUE}).")
  int batch = 32;

  @Option(names = "--rounds", description = "Measured rounds of each size; medians are reported (default: "
      + "${DEFAULT-VALUE}).")
  int rounds = 3;

  @Option(names = "--commit-interval-ms", description = "Kafka Streams commit interval of the replay app (default: "
      + "${DEFAULT-VALUE}, the replay service's own default).")
  int commitIntervalMs = 200;

  @Option(names = "--stream-threads", description = "Kafka Streams threads of the replay app (default: "
      + "${DEFAULT-VALUE}).")
  int streamThreads = 1;

  @Option(names = "--guarantee", description = "processing.guarantee of the replay app: exactly_once_v2 or "
      + "at_least_once (default: ${DEFAULT-VALUE}).")
  String guarantee = "exactly_once_v2";

  @Override
  public Integer call() throws Exception {
    try (EmbeddedStack stack = EmbeddedStack.start(EmbeddedStack.Options.ephemeral())) {
      SchemaRegistryClient registry = new SchemaRegistryClient(stack.registryUrl());
      // JIT and client warm-up for both paths, as long as a measured 1 KiB round (a shorter one left the first
      // measured round of the topology visibly colder than the rest). Not reported.
      run(stack, registry, "warm-up", records1k, 110);
      List<double[]> smallRuns = new ArrayList<>();
      List<double[]> largeRuns = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        smallRuns.add(run(stack, registry, "1k", records1k, 110));
        largeRuns.add(run(stack, registry, "16k", records16k, 2100));
      }
      double[] small = medians(smallRuns);
      double[] large = medians(largeRuns);
      System.out.println();
      System.out.printf("%-8s %10s %12s %16s %10s%n", "size", "records", "plain copy/s", "replay topology/s",
          "ratio");
      System.out.printf("%-8s %10d %12.0f %16.0f %10.2f%n", "~1 KiB", records1k, small[0], small[1], small[3]);
      System.out.printf("%-8s %10d %12.0f %16.0f %10.2f%n", "~16 KiB", records16k, large[0], large[1], large[3]);
      System.out.printf("(medians of %d rounds; per-round ratios 1 KiB %s, 16 KiB %s)%n", rounds,
          ratios(smallRuns), ratios(largeRuns));
      System.out.println(String.format(Locale.ROOT, "{\"bench\":\"replay\",\"plain_copy_per_s_1k\":%.0f,"
              + "\"replay_per_s_1k\":%.0f,\"ratio_vs_plain_copy_1k\":%.3f,\"plain_copy_per_s_16k\":%.0f,"
              + "\"replay_per_s_16k\":%.0f,\"ratio_vs_plain_copy_16k\":%.3f,\"record_bytes_1k\":%.0f,"
              + "\"record_bytes_16k\":%.0f,\"rounds\":%d}", small[0], small[1], small[3], large[0], large[1],
          large[3], small[2], large[2], rounds));
    }
    return 0;
  }

  private static String ratios(List<double[]> runs) {
    return runs.stream().map(x -> String.format(Locale.ROOT, "%.2f", x[1] / x[0])).toList().toString();
  }

  /** Per column: the median over rounds; the ratio column (index 3) is the median of the per-round ratios. */
  private static double[] medians(List<double[]> runs) {
    double[] out = new double[4];
    for (int c = 0; c < 3; c++) {
      final int col = c;
      out[c] = SerdeBenchmark.median(runs.stream().mapToDouble(x -> x[col]).toArray());
    }
    out[3] = SerdeBenchmark.median(runs.stream().mapToDouble(x -> x[1] / x[0]).toArray());
    return out;
  }

  /** {plain copy records/s, replay records/s, mean record bytes}. */
  private double[] run(EmbeddedStack stack, SchemaRegistryClient registry, String label, int n, int answerTokens)
      throws Exception {
    Topics topics = new Topics("bench-" + label + "-" + UUID.randomUUID().toString().substring(0, 6) + ".");
    KafkaClients kafka = stack.clients();
    try (Admin admin = kafka.admin()) {
      TopicAdmin.ensureAll(admin, topics);
      TopicAdmin.ensureTopics(admin, topics, List.of(new TopicSpec("copy-in", 3, false, -1, null, "bench"),
          new TopicSpec("copy-out", 3, false, -1, null, "bench")));
    }
    AvroSerializer<Trajectory> serializer = AvroSerializer.forValues(registry);
    List<byte[]> values = new ArrayList<>(n);
    long bytes = 0;
    for (int i = 0; i < n; i++) {
      byte[] v = serializer.serialize(topics.trajectories(), SampleRecords.trajectory(i, 24, answerTokens, 512));
      values.add(v);
      bytes += v.length;
    }
    System.err.printf("%s: %d trajectories of %.0f bytes%n", label, n, (double) bytes / n);
    try (KafkaProducer<String, byte[]> producer = kafka.producer(new StringSerializer(), new ByteArraySerializer(),
        Map.of(ProducerConfig.LINGER_MS_CONFIG, "5", ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024)))) {
      for (int i = 0; i < n; i++) {
        producer.send(new ProducerRecord<>(topics.prefix() + "copy-in", "traj-" + i, values.get(i)));
        producer.send(new ProducerRecord<>(topics.trajectories(), "traj-" + i, values.get(i)));
      }
    }
    double plain = plainCopy(kafka, topics.prefix() + "copy-in", topics.prefix() + "copy-out", n);
    double replay = throughTopology(stack, kafka, topics, n);
    System.err.printf("%s: plain copy %.0f/s, replay topology %.0f/s%n", label, plain, replay);
    return new double[] {plain, replay, (double) bytes / n};
  }

  private static double plainCopy(KafkaClients kafka, String from, String to, int n) {
    try (KafkaConsumer<byte[], byte[]> consumer = kafka.consumer(new ByteArrayDeserializer(),
        new ByteArrayDeserializer(), Map.of(ConsumerConfig.GROUP_ID_CONFIG, "copy-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1000"));
         KafkaProducer<byte[], byte[]> producer = kafka.producer(new ByteArraySerializer(), new ByteArraySerializer(),
             Map.of(ProducerConfig.LINGER_MS_CONFIG, "5"))) {
      consumer.subscribe(List.of(from));
      long copied = 0;
      long t0 = 0;
      while (copied < n) {
        var records = consumer.poll(Duration.ofMillis(200));
        if (t0 == 0 && !records.isEmpty()) {
          t0 = System.nanoTime();
        }
        for (var r : records) {
          producer.send(new ProducerRecord<>(to, r.key(), r.value()));
          copied++;
        }
        consumer.commitAsync();
      }
      producer.flush();
      return n / ((System.nanoTime() - t0) / 1e9);
    }
  }

  private double throughTopology(EmbeddedStack stack, KafkaClients kafka, Topics topics, int n) throws Exception {
    Properties p = ReplayConfig.connection(kafka.settings());
    p.put("application.id", "bench-replay-" + UUID.randomUUID());
    p.put("topic.prefix", topics.prefix());
    p.put("state.dir", Files.createTempDirectory("bench-replay").toString());
    p.put("replay.batch.size", Integer.toString(batch));
    p.put("replay.min.size", Integer.toString(batch));
    p.put("replay.fresh.fraction", "1.0");
    p.put("replay.sampler", "fifo");
    p.put("replay.samples.per.insert", "1.0");
    p.put("replay.samples.per.insert.tolerance", "0");
    p.put("replay.max.times.sampled", "1");
    p.put("commit.interval.ms", Integer.toString(commitIntervalMs));
    p.put("num.stream.threads", Integer.toString(streamThreads));
    p.put("processing.guarantee", guarantee);
    int expected = n - 3 * (batch - 1); // at most batch-1 items wait in each of the 3 partitions
    // The measuring consumer counts batches without decoding them (with ratio 1, fifo and reuse cap 1 every batch
    // holds exactly `batch` items), so that, like the plain copy's, it costs the machine almost nothing; the last
    // batch is decoded to check that.
    AvroDeserializer<ReplayBatch> check = kafka.deserializer(ReplayBatch.class);
    try (ReplayService service = ReplayService.start(ReplayConfig.from(p));
         KafkaConsumer<String, byte[]> consumer = kafka.rawConsumer(Map.of(
             ConsumerConfig.GROUP_ID_CONFIG, "batches-" + UUID.randomUUID(),
             ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
             ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
             ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(16 * 1024 * 1024)))) {
      consumer.subscribe(List.of(topics.replayBatches()));
      long t0 = 0;
      long items = 0;
      byte[] last = null;
      long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      while (items < expected && System.nanoTime() < deadline) {
        if (t0 == 0 && service.streams().state() == KafkaStreams.State.RUNNING) {
          t0 = System.nanoTime();
        }
        for (var r : consumer.poll(Duration.ofMillis(100))) {
          items += batch;
          last = r.value();
        }
      }
      double rate = items / ((System.nanoTime() - t0) / 1e9);
      if (items < expected) {
        throw new IllegalStateException("replay emitted " + items + " of " + expected + " items in 5 minutes");
      }
      int size = check.deserialize(topics.replayBatches(), last).getItems().size();
      if (size != batch) {
        throw new IllegalStateException("a batch held " + size + " items, expected " + batch);
      }
      return rate;
    }
  }
}
