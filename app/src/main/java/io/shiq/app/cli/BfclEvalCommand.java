package io.shiq.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shiq.app.bfcl.BfclEvaluation;
import io.shiq.avro.EvalResult;
import io.shiq.bfcl.check.Accuracy;
import io.shiq.bfcl.check.MultiTurnChecker;
import io.shiq.bfcl.check.Verdict;
import io.shiq.bfcl.data.BfclTask;
import io.shiq.envs.Environments;
import io.shiq.envs.bfcl.BfclEnvironment;
import io.shiq.envs.bfcl.BfclEpisode;
import io.shiq.policy.PolicyModel;
import io.shiq.policy.cli.ModelOptions;
import io.shiq.policy.generate.SamplingParams;
import io.shiq.schemas.kafka.KafkaClients;
import io.shiq.schemas.topic.TopicAdmin;
import io.shiq.schemas.topic.Topics;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code shiq bfcl eval}: a policy on BFCL's multi-turn records, scored by the checker. */
@Command(name = "eval", mixinStandardHelpOptions = true,
    description = "Run a policy on BFCL multi-turn records (batched, greedy by default) as BFCL's inference loop "
        + "does: tools rendered by the model's chat template (function-calling style) or BFCL's default system prompt "
        + "(prompting style), each step's calls executed on the Java backends, up to 20 steps a turn. Writes "
        + "OUT/results.jsonl (BFCL's result format: {id, result: [turn][step][call]}, plus the raw outputs; 'shiq "
        + "bfcl check --results' accepts it and scores it the same), OUT/verdicts.jsonl, prints accuracy per "
        + "category and, last, one JSON line {\"bfcl\":\"eval\",\"entries\":N,\"accuracy\":{...},\"overall\":x,"
        + "\"model\":...}. With --bootstrap-servers, also writes EvalResult records to the eval.results topic.")
public final class BfclEvalCommand implements Callable<Integer> {
  @Mixin
  BfclOptions bfcl;

  @Mixin
  ModelOptions modelOptions;

  @Option(names = "--category", paramLabel = "C", description = "Only this category (repeatable): base, miss_func, "
      + "miss_param, long_context, ... (default: every category in --data).")
  List<String> categories = new ArrayList<>();

  @Option(names = "--limit", paramLabel = "N", description = "At most N records (in file order; 0: all; default: "
      + "${DEFAULT-VALUE}).")
  int limit = 0;

  @Option(names = "--batch", paramLabel = "N", description = "Records played together (default: ${DEFAULT-VALUE}).")
  int batch = 8;

  @Option(names = "--max-tokens", description = "Tokens per model step at most (default: ${DEFAULT-VALUE}).")
  int maxTokens = 256;

  @Option(names = "--temperature", description = "Sampling temperature; 0 decodes greedily (default: "
      + "${DEFAULT-VALUE}).")
  double temperature = 0;

  @Option(names = "--seed", description = "Sampling seed when --temperature > 0 (default: ${DEFAULT-VALUE}).")
  long seed = 1;

  @Option(names = "--out", paramLabel = "DIR", description = "Where results go (default: runs/bfcl-eval-<time>).")
  Path out;

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]", description = "Also write EvalResult "
      + "records (one per category and one overall) to this Kafka's eval.results topic.")
  String bootstrapServers;

  @Option(names = "--schema-registry-url", paramLabel = "URL", description = "Schema registry of that Kafka "
      + "(default: http://localhost:8081).")
  String registryUrl;

  @Option(names = "--topic-prefix", description = "Topic prefix (default: ${DEFAULT-VALUE}).")
  String topicPrefix = Topics.DEFAULT_PREFIX;

  @Option(names = "--arm", description = "Arm named in the EvalResult records (default: ${DEFAULT-VALUE}).")
  String arm = "main";

  @Override
  public Integer call() throws Exception {
    if (limit < 0) {
      throw new IllegalArgumentException("--limit must be >= 0, got " + limit);
    }
    Clock clock = bfcl.clock();
    Path dir = out != null ? out : Path.of("runs", "bfcl-eval-"
        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    ObjectMapper json = new ObjectMapper();
    try (PolicyModel model = modelOptions.load()) {
      BfclEnvironment env = (BfclEnvironment) Environments.create("bfcl", model.tokenizer(), bfcl.data(),
          categories, clock);
      List<BfclTask> tasks = limit == 0 ? env.tasks() : env.tasks().subList(0, Math.min(limit, env.tasks().size()));
      SamplingParams sampling = temperature == 0 ? SamplingParams.greedy(maxTokens, env.stepStopTokens())
          : new SamplingParams(temperature, 0, 1.0, maxTokens, env.stepStopTokens(), seed);
      System.out.printf("bfcl eval: %d records, model %s (%s style, template %s) on %s, batch %d%n", tasks.size(),
          model.source(), env.style(), env.template().id(), model.weights().device(), batch);
      Instant start = Instant.now();
      long t0 = System.nanoTime();
      List<BfclEpisode> played = new BfclEvaluation(env, model.weights(), batch).run(tasks, sampling,
          done -> System.out.printf(Locale.ROOT, "  %d/%d records (%.0f s)%n", done, tasks.size(),
              (System.nanoTime() - t0) / 1e9));
      double seconds = (System.nanoTime() - t0) / 1e9;
      Files.createDirectories(dir);
      List<Verdict> verdicts = new ArrayList<>();
      int disagreements = 0;
      try (BufferedWriter results = Files.newBufferedWriter(dir.resolve("results.jsonl"), StandardCharsets.UTF_8);
           BufferedWriter verdictFile = Files.newBufferedWriter(dir.resolve("verdicts.jsonl"),
               StandardCharsets.UTF_8)) {
        for (BfclEpisode e : played) {
          ObjectNode line = BfclEvaluation.resultLine(json, e);
          results.write(json.writeValueAsString(line));
          results.newLine();
          Verdict v = e.verdict();
          verdicts.add(v);
          verdictFile.write(json.writeValueAsString(BfclCheckCommand.verdictJson(json, v)));
          verdictFile.newLine();
          // The result file must score the same through the checker alone (what 'shiq bfcl check' does).
          Verdict again = MultiTurnChecker.check(e.task().record(), line.get("result"), b -> b.setClock(clock));
          if (again.valid() != v.valid()) {
            disagreements++;
            System.err.printf("bfcl eval: %s: the episode's verdict (%s) differs from the checker's on the result "
                + "file (%s)%n", v.id(), v.valid(), again.valid());
          }
        }
      }
      Accuracy acc = Accuracy.of(verdicts);
      BfclCheckCommand.printAccuracy(acc);
      int steps = played.stream().mapToInt(e -> Integer.parseInt(e.metadata().get("bfcl.steps"))).sum();
      System.out.printf(Locale.ROOT, "%d records in %.1f s, %d tool steps; results: %s%n", played.size(), seconds,
          steps, dir.resolve("results.jsonl"));
      if (bootstrapServers != null) {
        publish(acc, model.source(), start);
      }
      ObjectNode last = json.createObjectNode();
      last.put("bfcl", "eval");
      last.put("entries", acc.entries());
      last.set("accuracy", json.valueToTree(acc.byCategory()));
      last.put("overall", acc.overall());
      last.put("model", model.source());
      last.put("seconds", Math.round(seconds * 10) / 10.0);
      last.put("tool_steps", steps);
      last.put("results", dir.resolve("results.jsonl").toString());
      System.out.println(json.writeValueAsString(last));
      return disagreements == 0 ? 0 : 1;
    }
  }

  /** One EvalResult per category (success = entry accuracy) and one overall, keyed by eval id. */
  private void publish(Accuracy acc, String modelSource, Instant start) throws Exception {
    Topics topics = new Topics(topicPrefix);
    KafkaOptions k = new KafkaOptions();
    k.bootstrapServers = bootstrapServers;
    k.registryUrl = registryUrl;
    KafkaClients kafka = new KafkaClients(k.settings());
    try (Admin admin = kafka.admin()) {
      TopicAdmin.ensureAll(admin, topics);
    }
    Instant end = Instant.now();
    String evalId = "bfcl-eval-" + start.toEpochMilli();
    Map<String, double[]> rows = new LinkedHashMap<>();
    acc.byCategory().forEach((c, a) -> rows.put(c, new double[] {a, acc.counts().get(c)[1]}));
    rows.put("overall", new double[] {acc.overall(), acc.entries()});
    try (KafkaProducer<String, SpecificRecord> producer = kafka.avroProducer(Map.of())) {
      for (Map.Entry<String, double[]> r : rows.entrySet()) {
        double p = r.getValue()[0];
        long n = (long) r.getValue()[1];
        double std = Math.sqrt(p * (1 - p));
        double half = n == 0 ? 0 : 1.96 * std / Math.sqrt(n);
        EvalResult e = EvalResult.newBuilder().setEvalId(evalId + "-" + r.getKey()).setArm(arm).setPolicyVersion(null)
            .setEnvId("bfcl:" + r.getKey()).setWindowStart(start).setWindowEnd(end).setEpisodes(n).setMeanReward(p)
            .setStdReward(std).setCiLow(Math.max(0, p - half)).setCiHigh(Math.min(1, p + half)).setSuccessRate(p)
            .setMetrics(Map.of()).build();
        producer.send(new ProducerRecord<>(topics.evalResults(), e.getEvalId(), e)).get();
      }
    }
    System.out.printf("EvalResult records (%s-*) -> %s (model %s)%n", evalId, topics.evalResults(), modelSource);
  }
}
