package io.shiq.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.shiq.app.bfcl.BfclImport;
import io.shiq.avro.Trajectory;
import io.shiq.bfcl.data.BfclData;
import io.shiq.bfcl.data.BfclTask;
import io.shiq.envs.Environments;
import io.shiq.envs.bfcl.BfclEnvironment;
import io.shiq.policy.DataDirectory;
import io.shiq.policy.PolicyModel;
import io.shiq.policy.tokenizer.HfTokenizer;
import io.shiq.policy.tokenizer.Llama2cTokenizer;
import io.shiq.policy.tokenizer.Tokenizer;
import io.shiq.schemas.kafka.KafkaClients;
import io.shiq.schemas.serde.DeadLetterHeaders;
import io.shiq.schemas.topic.TopicAdmin;
import io.shiq.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code shiq bfcl import}: logged BFCL sessions (and, optionally, the ground truth) into trajectories.history. */
@Command(name = "import", mixinStandardHelpOptions = true,
    description = "Rebuild logged BFCL sessions as trajectories for offline training: each entry of the result "
        + "files (BFCL's {id, result: [turn][step]} with the model's raw outputs, decoded call strings or "
        + "function-calling dicts; or shiq bfcl eval's results.jsonl) replays through the bfcl environment: calls "
        + "executed on the Java backends, every turn scored by the checker, prompts tokenised with the chosen "
        + "model's chat template. When the entry has BFCL's inference_log, its logged tool results are compared "
        + "with the rebuilt ones (metadata import.inference_log; differences are reported). Trajectories (origin "
        + "IMPORT_BFCL, per-turn rewards, tool results as TOOL turns) "
        + "go to trajectories.history, keyed by an id derived from their content: importing the same file again "
        + "adds nothing. An entry that cannot be rebuilt goes to the dead-letter topic with the reason. Prints "
        + "counts and, last, one JSON line {\"bfcl\":\"import\",...}.")
public final class BfclImportCommand implements Callable<Integer> {
  @Mixin
  BfclOptions bfcl;

  @Mixin
  KafkaOptions kafkaOptions;

  @Option(names = "--results", paramLabel = "FILE", arity = "1..*", description = "BFCL result files (JSON lines).")
  List<Path> results = new ArrayList<>();

  @Option(names = "--ground-truth", description = "Also import every record's possible answer as an expert session "
      + "(one step with the turn's calls, then an answer without calls; a turn with an empty ground truth declines).")
  boolean groundTruth;

  @Option(names = "--model", paramLabel = "PATH", description = "Tokenise with this model's tokenizer and chat "
      + "template (a model directory, as for 'shiq actor').")
  Path model;

  @Option(names = "--tokenizer", paramLabel = "DIR|FILE", description = "Tokenise with this tokenizer: a directory "
      + "with tokenizer.json (and tokenizer_config.json for its chat template) or a llama2.c tokenizer .bin. "
      + "Default: qwen3-tokenizer/ of the data directory.")
  Path tokenizer;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "shiq data directory for the default tokenizer "
      + "(default: $SHIQ_DATA, then ../shared/data).")
  Path dataDir;

  @Option(names = "--arm", description = "Policy line the trajectories train (default: ${DEFAULT-VALUE}).")
  String arm = "main";

  @Option(names = "--topic-prefix", description = "Topic prefix (default: ${DEFAULT-VALUE}).")
  String topicPrefix = Topics.DEFAULT_PREFIX;

  @Option(names = "--category", paramLabel = "C", description = "Only records of this category (repeatable): base, "
      + "miss_func, miss_param, long_context, ...; entries of other records are skipped and counted (default: all).")
  List<String> categories = new java.util.ArrayList<>();

  @Override
  public Integer call() throws Exception {
    if (results.isEmpty() && !groundTruth) {
      throw new IllegalArgumentException("nothing to import: give --results FILE... and/or --ground-truth");
    }
    for (Path f : results) {
      if (!Files.isRegularFile(f)) {
        throw new IllegalArgumentException("--results " + f + ": no such file");
      }
    }
    List<BfclTask> all = BfclData.loadTasks(bfcl.data(), categories);
    Set<String> known = new java.util.HashSet<>();
    all.forEach(t -> known.add(t.record().id()));
    Set<String> everyRecord = new java.util.HashSet<>();
    if (!categories.isEmpty()) {
      BfclData.loadTasks(bfcl.data(), List.of()).forEach(t -> everyRecord.add(t.record().id()));
    }
    try (Tokenizers tok = tokenizer()) {
      BfclEnvironment env = (BfclEnvironment) Environments.create("bfcl", tok.tokenizer, bfcl.data(), categories,
          bfcl.clock());
      BfclImport importer = new BfclImport(env, arm);
      Topics topics = new Topics(topicPrefix);
      KafkaClients kafka = new KafkaClients(kafkaOptions.checkedSettings());
      try (Admin admin = kafka.admin()) {
        TopicAdmin.ensureAll(admin, topics);
      }
      Set<String> existing = existingKeys(kafka, topics.trajectoriesHistory());
      System.out.printf("bfcl import: %d records in %s, tokenizer %s, template %s (%s style); %d trajectories "
          + "already in %s%n", all.size(), bfcl.data(), tok.tokenizer.id(), env.template().id(), env.style(),
          existing.size(), topics.trajectoriesHistory());
      long[] counts = new long[7]; // imported, already there, dead-lettered, entries read, other categories,
                                   // entries with an inference log, of which differing from the rebuilt results
      double rewardSum = 0;
      long rewardTurns = 0;
      try (KafkaProducer<String, SpecificRecord> producer = kafka.avroProducer(Map.of());
           KafkaProducer<byte[], byte[]> dead = kafka.producer(new ByteArraySerializer(), new ByteArraySerializer(),
               Map.of())) {
        for (Path file : results) {
          for (Map.Entry<Integer, JsonNode> line : BfclData.lines(file).entrySet()) {
            counts[3]++;
            String source = file + " line " + line.getKey();
            String entryId = line.getValue().path("id").asText(null);
            if (!categories.isEmpty() && entryId != null && !known.contains(entryId) && everyRecord.contains(entryId)) {
              counts[4]++; // a record of another category: not asked for, not an error
              continue;
            }
            BfclImport.Outcome o = importer.fromResultLine(line.getValue(), source);
            if (o.trajectory() == null) {
              counts[2]++;
              String reason = "cannot rebuild BFCL entry " + o.entryId() + " (" + source + "): " + o.problem();
              System.err.println("bfcl import: " + reason);
              // A file line is not a Kafka record: the dead letter names the file as its topic, the line as offset.
              dead.send(new ProducerRecord<>(topics.deadLetters(), null,
                  o.entryId() == null ? null : o.entryId().getBytes(StandardCharsets.UTF_8),
                  line.getValue().toString().getBytes(StandardCharsets.UTF_8),
                  DeadLetterHeaders.of(List.of(), file.toString(), 0, line.getKey(), System.currentTimeMillis(),
                      reason, null))).get(30, TimeUnit.SECONDS);
              continue;
            }
            String log = o.trajectory().getMetadata().get("import.inference_log");
            if (log != null) {
              counts[5]++;
              if (!log.startsWith("match")) {
                counts[6]++;
                System.err.println("bfcl import: " + source + " (" + o.entryId() + "): the inference log's tool "
                    + "results differ from the Java backends' (" + log + "; first: " + o.trajectory().getMetadata()
                    .get("import.inference_log_first_difference") + "); imported as rebuilt");
              }
            }
            rewardSum += send(producer, topics, o.trajectory(), existing, counts);
            rewardTurns += rewardedTurns(o.trajectory());
          }
        }
        if (groundTruth) {
          for (BfclTask t : all) {
            counts[3]++;
            BfclImport.Outcome o = importer.groundTruth(t);
            if (o.trajectory() == null) {
              throw new IllegalStateException("ground truth of " + t.record().id() + " does not rebuild: "
                  + o.problem());
            }
            rewardSum += send(producer, topics, o.trajectory(), existing, counts);
            rewardTurns += rewardedTurns(o.trajectory());
          }
        }
        producer.flush();
      }
      System.out.printf("%d entries read: %d imported, %d already imported, %d dead-lettered (%s)%s; mean turn "
              + "reward %.3f%n", counts[3], counts[0], counts[1], counts[2], topics.deadLetters(),
          (counts[4] == 0 ? "" : ", " + counts[4] + " of other categories skipped")
              + (counts[5] == 0 ? "" : ", " + counts[5] + " with an inference log (" + counts[6] + " differing)"),
          rewardTurns == 0 ? 0.0 : rewardSum / rewardTurns);
      System.out.printf("{\"bfcl\":\"import\",\"entries\":%d,\"imported\":%d,\"already_imported\":%d,"
              + "\"dead_lettered\":%d,\"skipped_other_categories\":%d,\"inference_logs\":%d,"
              + "\"inference_logs_differing\":%d,\"mean_turn_reward\":%s,\"topic\":\"%s\"}%n",
          counts[3], counts[0], counts[1], counts[2], counts[4], counts[5], counts[6],
          rewardTurns == 0 ? "null" : String.format(java.util.Locale.ROOT, "%.4f", rewardSum / rewardTurns),
          topics.trajectoriesHistory());
      return 0;
    }
  }

  /** Sends one trajectory unless its id is already in the topic; returns the sum of its turn rewards. */
  private static double send(KafkaProducer<String, SpecificRecord> producer, Topics topics, Trajectory t,
                             Set<String> existing, long[] counts) throws Exception {
    double sum = 0;
    for (var turn : t.getTurns()) {
      sum += turn.getReward() == null ? 0 : turn.getReward();
    }
    if (!existing.add(t.getTrajectoryId())) {
      counts[1]++;
      return sum;
    }
    producer.send(new ProducerRecord<>(topics.trajectoriesHistory(), t.getTrajectoryId(), t)).get(30,
        TimeUnit.SECONDS);
    counts[0]++;
    return sum;
  }

  private static long rewardedTurns(Trajectory t) {
    return t.getTurns().stream().filter(x -> x.getReward() != null).count();
  }

  /** The keys already in {@code topic}, read from the beginning to the current end of every partition. */
  static Set<String> existingKeys(KafkaClients kafka, String topic) {
    Set<String> keys = new HashSet<>();
    try (KafkaConsumer<String, byte[]> c = kafka.rawConsumer(Map.of())) {
      List<TopicPartition> parts = new ArrayList<>();
      c.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> parts.add(new TopicPartition(topic,
          p.partition())));
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(30));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (parts.stream().anyMatch(p -> c.position(p, Duration.ofSeconds(30)) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read " + topic + " to its end within 120 s");
        }
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
          if (r.key() != null) {
            keys.add(r.key());
          }
        }
      }
    }
    return keys;
  }

  /** The tokenizer to import with, closed after. */
  private record Tokenizers(Tokenizer tokenizer, AutoCloseable owner) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      if (owner != null) {
        owner.close();
      }
    }
  }

  private Tokenizers tokenizer() throws java.io.IOException {
    if (model != null && tokenizer != null) {
      throw new IllegalArgumentException("give --model or --tokenizer, not both");
    }
    if (model != null) {
      PolicyModel m = PolicyModel.load(model, ai.djl.Device.cpu());
      return new Tokenizers(m.tokenizer(), m);
    }
    Path t = tokenizer;
    if (t == null) {
      t = DataDirectory.find(dataDir, "qwen3-tokenizer").orElseThrow(() -> new IllegalArgumentException(
          "no --tokenizer or --model given and no qwen3-tokenizer/ in a data directory (" + DataDirectory.searched(
              dataDir, "qwen3-tokenizer") + ")"));
    }
    if (Files.isDirectory(t)) {
      HfTokenizer hf = HfTokenizer.load(t);
      return new Tokenizers(hf, hf);
    }
    return new Tokenizers(Llama2cTokenizer.load(t, io.shiq.policy.io.ModelInit.tokenizerVocab(t)), null);
  }
}
