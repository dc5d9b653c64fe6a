package io.shiq.bench;

import io.shiq.embedded.EmbeddedStack;
import io.shiq.avro.Trajectory;
import io.shiq.schemas.kafka.KafkaClients;
import io.shiq.schemas.SampleRecords;
import io.shiq.schemas.registry.SchemaRegistryClient;
import io.shiq.schemas.serde.AvroDeserializer;
import io.shiq.schemas.serde.AvroSerializer;
import io.shiq.schemas.topic.TopicAdmin;
import io.shiq.schemas.topic.TopicSpec;
import io.shiq.schemas.topic.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shiq bench serde}: produce and consume throughput of ~1 KiB Avro trajectories through shiq's serde and
 * registry, against raw byte[] records of the very same bytes on the same broker in the same run.
 */
@Command(name = "serde", mixinStandardHelpOptions = true,
    description = "Throughput of ~1 KiB Avro trajectories through the serde + registry vs raw byte[] records of the same bytes, on an embedded broker started by the benchmark (its start time is reported too).")
public final class SerdeBenchmark implements Callable<Integer> {

  @Option(names = "--records", description = "Records per measured round (default: ${DEFAULT-VALUE}).")
  int records = 50_000;

  @Option(names = "--rounds", description = "Measured rounds of each kind, alternated; medians reported "
      + "(default: ${DEFAULT-VALUE}).")
  int rounds = 3;

  @Option(names = "--answer-tokens", description = "Assistant tokens per trajectory; 110 gives ~1 KiB "
      + "(default: ${DEFAULT-VALUE}).")
  int answerTokens = 110;

  /** One measured round: records per second to produce (acknowledged) and to consume (decoded). */
  record Round(double produceRecS, double consumeRecS) {}

  @Override
  public Integer call() throws Exception {
    if (records < 1 || rounds < 1 || answerTokens < 1) {
      throw new IllegalArgumentException("--records, --rounds and --answer-tokens must be >= 1");
    }
    try (EmbeddedStack stack = EmbeddedStack.start(EmbeddedStack.Options.ephemeral())) {
      long brokerStartMs = stack.broker().startTime().toMillis();
      System.out.printf("embedded broker ready in %d ms at %s; registry at %s%n", brokerStartMs,
          stack.bootstrapServers(), stack.registryUrl());
      SchemaRegistryClient registry = new SchemaRegistryClient(stack.registryUrl());
      List<Trajectory> trajectories = new ArrayList<>(records);
      for (int i = 0; i < records; i++) {
        trajectories.add(SampleRecords.trajectory(i, 24, answerTokens, 512));
      }
      AvroSerializer<Trajectory> encoder = AvroSerializer.forValues(registry);
      // The raw baseline sends exactly the bytes the serde produces, so the ratio isolates the serde's cost.
      List<byte[]> raw = new ArrayList<>(records);
      long bytes = 0;
      for (Trajectory t : trajectories) {
        byte[] b = encoder.serialize("shiq.bench.avro", t);
        raw.add(b);
        bytes += b.length;
      }
      double recordBytes = (double) bytes / records;
      System.out.printf("%d records of %.0f bytes (%.1f MiB per round), %d rounds each%n", records, recordBytes,
          bytes / 1048576.0, rounds);

      AvroDeserializer<Trajectory> decoder = new AvroDeserializer<>(registry, Trajectory.class);
      // Warm-up (JIT, connections, registry cache), then alternate raw and Avro rounds.
      int warm = Math.min(records, 5_000);
      // Every round's topic exists (with its leaders) before the first record is sent: writing to a partition the
      // moment it was created got NOT_LEADER_OR_FOLLOWER, after which an idempotent producer was seen stuck on
      // OUT_OF_ORDER_SEQUENCE_NUMBER (Kafka 4.1 clients; the run never ended).
      List<TopicSpec> specs = new ArrayList<>();
      for (String name : roundTopicNames()) {
        specs.add(new TopicSpec(name, 3, false, -1, null, "benchmark"));
      }
      try (Admin admin = stack.clients().admin()) {
        TopicAdmin.ensureTopics(admin, new Topics("shiq.bench."), specs);
      }
      round(stack, "raw-warmup", raw.subList(0, warm), new ByteArraySerializer(), new ByteArrayDeserializer(),
          b -> b);
      round(stack, "avro-warmup", trajectories.subList(0, warm), encoder, decoder, t -> t);
      List<Round> rawRounds = new ArrayList<>();
      List<Round> avroRounds = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        rawRounds.add(round(stack, "raw-" + r, raw, new ByteArraySerializer(), new ByteArrayDeserializer(),
            b -> b));
        avroRounds.add(round(stack, "avro-" + r, trajectories, encoder, decoder, t -> t));
        System.out.printf("round %d: raw produce %.0f rec/s consume %.0f rec/s | avro produce %.0f rec/s consume "
            + "%.0f rec/s%n", r + 1, rawRounds.get(r).produceRecS, rawRounds.get(r).consumeRecS,
            avroRounds.get(r).produceRecS, avroRounds.get(r).consumeRecS);
      }
      double rawProduce = median(rawRounds.stream().mapToDouble(Round::produceRecS).toArray());
      double rawConsume = median(rawRounds.stream().mapToDouble(Round::consumeRecS).toArray());
      double avroProduce = median(avroRounds.stream().mapToDouble(Round::produceRecS).toArray());
      double avroConsume = median(avroRounds.stream().mapToDouble(Round::consumeRecS).toArray());
      double mib = recordBytes / 1048576.0;
      System.out.println();
      System.out.printf("%-22s %14s %10s %14s %10s%n", "", "produce rec/s", "MiB/s", "consume rec/s", "MiB/s");
      System.out.printf("%-22s %14.0f %10.1f %14.0f %10.1f%n", "raw byte[] (baseline)", rawProduce,
          rawProduce * mib, rawConsume, rawConsume * mib);
      System.out.printf("%-22s %14.0f %10.1f %14.0f %10.1f%n", "Avro serde + registry", avroProduce,
          avroProduce * mib, avroConsume, avroConsume * mib);
      System.out.printf("%-22s %14.2f %10s %14.2f%n", "ratio avro/raw", avroProduce / rawProduce, "",
          avroConsume / rawConsume);
      System.out.println(String.format(Locale.ROOT, "{\"bench\":\"serde\",\"broker_start_ms\":%d,\"records\":%d,"
              + "\"record_bytes\":%.0f,\"raw_produce_rec_s\":%.0f,\"avro_produce_rec_s\":%.0f,"
              + "\"produce_ratio\":%.3f,\"raw_consume_rec_s\":%.0f,\"avro_consume_rec_s\":%.0f,"
              + "\"consume_ratio\":%.3f}", brokerStartMs, records, recordBytes, rawProduce, avroProduce,
          avroProduce / rawProduce, rawConsume, avroConsume, avroConsume / rawConsume));
    }
    return 0;
  }

  private List<String> roundTopicNames() {
    List<String> names = new ArrayList<>(List.of("raw-warmup", "avro-warmup"));
    for (int r = 0; r < rounds; r++) {
      names.add("raw-" + r);
      names.add("avro-" + r);
    }
    return names;
  }

  /** Produces {@code values} to a new topic, then consumes and decodes them all; a fresh topic per round. */
  private static <V> Round round(EmbeddedStack stack, String name, List<V> values, Serializer<V> serializer,
                                 Deserializer<?> deserializer, Function<V, V> identity) {
    Topics topics = new Topics("shiq.bench.");
    KafkaClients kafka = stack.clients();
    try (Admin admin = kafka.admin()) {
      TopicAdmin.ensureTopics(admin, topics, List.of(new TopicSpec(name, 3, false, -1, null, "benchmark")));
    }
    String topic = topics.prefix() + name;
    double produceRate;
    try (KafkaProducer<String, V> producer = kafka.producer(new StringSerializer(), serializer, Map.of(
        ProducerConfig.LINGER_MS_CONFIG, "5", ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(128 * 1024)))) {
      producer.partitionsFor(topic); // metadata fetched before the clock starts
      long t0 = System.nanoTime();
      for (int i = 0; i < values.size(); i++) {
        producer.send(new ProducerRecord<>(topic, "ep-" + i, identity.apply(values.get(i))));
      }
      producer.flush();
      produceRate = values.size() / ((System.nanoTime() - t0) / 1e9);
    }
    try (KafkaConsumer<String, Object> consumer = kafka.consumer(new StringDeserializer(),
        castDeserializer(deserializer), Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000",
            ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(16 * 1024 * 1024)))) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo info : consumer.partitionsFor(topic)) {
        partitions.add(new TopicPartition(topic, info.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long toRead = values.size();
      long read = 0;
      long t0 = System.nanoTime();
      while (read < toRead) {
        var batch = consumer.poll(Duration.ofMillis(500));
        for (var record : batch) {
          if (record.value() == null) {
            throw new IllegalStateException("null value at " + record.topic() + "-" + record.partition());
          }
          read++;
        }
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      return new Round(produceRate, read / seconds);
    }
  }

  @SuppressWarnings("unchecked")
  private static Deserializer<Object> castDeserializer(Deserializer<?> d) {
    return (Deserializer<Object>) d;
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
