package io.shiq.bench;

import io.shiq.envs.Environments;
import io.shiq.actor.loop.ActorLoop;
import io.shiq.actor.loop.EpisodeRunner;
import io.shiq.actor.pace.BackPressure;
import io.shiq.policy.cli.ModelOptions;
import io.shiq.embedded.EmbeddedStack;
import io.shiq.avro.Trajectory;
import io.shiq.avro.Turn;
import io.shiq.policy.PolicyModel;
import io.shiq.policy.generate.Generator;
import io.shiq.policy.generate.SamplingParams;
import io.shiq.policy.model.Llama;
import io.shiq.policy.tokenizer.Llama2cTokenizer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code shiq bench actor}: trajectories and tokens per second of one actor (stories260K, story-keyword) producing to
 * an embedded broker, against generation alone with the same batch size and budget in the same run.
 */
@Command(name = "actor", mixinStandardHelpOptions = true,
    description = "Trajectories/s and tokens/s of one actor on stories260K (story-keyword) into an embedded broker, "
        + "vs the same generation without environment and Kafka.")
public final class ActorBenchmark implements Callable<Integer> {
  /** The benchmark never pauses (no back-pressure), so the runner's poll interval is never used. */
  private static final Duration NEVER_POLLED = Duration.ofMillis(200);

  @Mixin
  ModelOptions modelOptions;

  @Option(names = "--batches", description = "Measured batches (default: ${DEFAULT-VALUE}; one more warms up).")
  int batches = 5;

  @Option(names = "--episodes-per-batch", description = "Episodes per batch (default: ${DEFAULT-VALUE}).")
  int episodesPerBatch = 32;

  @Option(names = "--max-tokens", description = "Tokens per episode at most (default: ${DEFAULT-VALUE}).")
  int maxTokens = 96;

  @Override
  public Integer call() throws Exception {
    if (modelOptions.device.equals("auto")) {
      modelOptions.device = "cpu";
    }
    try (EmbeddedStack stack = EmbeddedStack.start(EmbeddedStack.Options.ephemeral());
         PolicyModel model = modelOptions.load()) {
      Set<Integer> stop = model.tokenizer().stopTokens();
      SamplingParams sampling = new SamplingParams(1.0, 0, 1.0, maxTokens, stop, 0);
      // Baseline: the same generation, nothing else.
      Generator generator = new Generator(new Llama(model.weights()));
      List<int[]> prompts = new ArrayList<>();
      for (int i = 0; i < episodesPerBatch; i++) {
        prompts.add(new int[] {Llama2cTokenizer.BOS});
      }
      generator.generate(prompts, sampling);
      long genTokens = 0;
      long t0 = System.nanoTime();
      for (int b = 0; b < batches; b++) {
        genTokens += generator.generate(prompts, new SamplingParams(1.0, 0, 1.0, maxTokens, stop, b)).stream()
            .mapToLong(g -> g.tokens().length).sum();
      }
      double genSeconds = (System.nanoTime() - t0) / 1e9;

      long trajectories = 0;
      long tokens = 0;
      double seconds;
      try (KafkaProducer<String, SpecificRecord> producer = stack.clients().avroProducer(Map.of());
           ActorLoop loop = new ActorLoop(model.weights().copy(), 0, model.tokenizer(),
               Environments.create("story-keyword", model.tokenizer()), new ActorLoop.Settings("bench-actor", "main",
               episodesPerBatch, 1, sampling, 3), producer, stack.topics(), null)) {
        new EpisodeRunner(loop, BackPressure.NONE, NEVER_POLLED, () -> false).run(1); // warm-up
        Counts counts = new Counts();
        EpisodeRunner runner = new EpisodeRunner(loop, BackPressure.NONE, NEVER_POLLED, () -> false)
            .addListener(counts);
        long t1 = System.nanoTime();
        if (batches > 0) { // run(0) would not stop
          runner.run(batches);
        }
        seconds = (System.nanoTime() - t1) / 1e9;
        trajectories = counts.trajectories;
        tokens = counts.tokens;
      }
      double trajPerS = trajectories / seconds;
      double tokPerS = tokens / seconds;
      double genTokPerS = genTokens / genSeconds;
      System.out.printf("%n%-40s %14s %12s%n", "", "trajectories/s", "tokens/s");
      System.out.printf("%-40s %14s %12.0f%n", "generation only (baseline, same run)", "", genTokPerS);
      System.out.printf("%-40s %14.1f %12.0f%n", "actor: env + trajectories to Kafka", trajPerS, tokPerS);
      System.out.printf("ratio actor/generation tokens/s: %.2f (%d episodes of <= %d tokens, batches of %d)%n",
          tokPerS / genTokPerS, trajectories, maxTokens, episodesPerBatch);
      System.out.println(String.format(Locale.ROOT, "{\"bench\":\"actor\",\"trajectories_per_s\":%.2f,"
              + "\"tokens_per_s\":%.1f,\"generation_only_tokens_per_s\":%.1f,\"ratio_vs_generation\":%.3f}",
          trajPerS, tokPerS, genTokPerS, tokPerS / genTokPerS));
    }
    return 0;
  }

  /** Trajectories and action tokens of the measured batches. */
  private static final class Counts implements EpisodeRunner.Listener {
    long trajectories;
    long tokens;

    @Override
    public void onBatch(long index, List<Trajectory> batch, long version) {
      for (Trajectory t : batch) {
        trajectories++;
        for (Turn turn : t.getTurns()) {
          if (turn.getActionMask().contains(true)) {
            tokens += turn.getTokenIds().size();
          }
        }
      }
    }
  }
}
