package io.shiq.bench;

import io.shiq.policy.cli.ModelOptions;
import io.shiq.learner.objective.ObjectiveConfig;
import io.shiq.learner.objective.Objectives;
import io.shiq.learner.objective.TrainingSequence;
import io.shiq.learner.train.OptimizerConfig;
import io.shiq.learner.train.StepStats;
import io.shiq.learner.train.Trainer;
import io.shiq.learner.train.TrainerConfig;
import io.shiq.policy.PolicyModel;
import io.shiq.policy.generate.Generation;
import io.shiq.policy.generate.Generator;
import io.shiq.policy.generate.SamplingParams;
import io.shiq.policy.generate.Scorer;
import io.shiq.policy.generate.TokenScores;
import io.shiq.policy.model.Llama;
import io.shiq.policy.model.LlamaWeights;
import io.shiq.policy.tokenizer.Llama2cTokenizer;
import io.shiq.policy.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code shiq bench stories}: the real-model check. Sample stories from the base model, reward each by how often a
 * word occurs, train offline on them (ShiQ and DRO by default), sample again, and report mean reward and the KL to the
 * base model before and after.
 */
@Command(name = "stories", mixinStandardHelpOptions = true,
    description = "Offline training on stories260K samples rewarded by a word count: mean reward and KL(pi || base) "
        + "before and after, per objective.")
public final class StoriesBenchmark implements Callable<Integer> {
  @Mixin
  ModelOptions modelOptions;

  @Option(names = "--word", description = "Reward = occurrences of this word in the story (default: ${DEFAULT-VALUE}).")
  String word = "happy";

  @Option(names = "--stories", description = "Stories sampled from the base model for training (default: "
      + "${DEFAULT-VALUE}).")
  int stories = 2000;

  @Option(names = "--eval-stories", description = "Stories sampled to evaluate each policy (default: ${DEFAULT-VALUE}).")
  int evalStories = 512;

  @Option(names = "--max-tokens", description = "Tokens per story at most (default: ${DEFAULT-VALUE}).")
  int maxTokens = 96;

  @Option(names = "--objectives", split = ",", description = "Objectives to compare (default: ${DEFAULT-VALUE}).")
  List<String> objectives = List.of("shiq", "dro");

  @Option(names = "--beta", description = "KL strength (default: ${DEFAULT-VALUE}).")
  double beta = 0.5;

  @Option(names = "--epochs", description = "Passes over the sampled stories (default: ${DEFAULT-VALUE}).")
  int epochs = 2;

  @Option(names = "--batch", description = "Trajectories per step (default: ${DEFAULT-VALUE}).")
  int batch = 32;

  @Option(names = "--lr", description = "Peak AdamW learning rate (default: ${DEFAULT-VALUE}).")
  double lr = 1e-4;

  @Option(names = "--seed", description = "Seed of sampling and shuffling (default: ${DEFAULT-VALUE}).")
  long seed = 7;

  @Option(names = "--log-every", description = "Print training diagnostics every N steps (default: ${DEFAULT-VALUE}).")
  int logEvery = 20;

  @Option(names = "--normalization", description = "per_trajectory or per_token (default: ${DEFAULT-VALUE}).")
  ObjectiveConfig.Normalization normalization = ObjectiveConfig.Normalization.PER_TRAJECTORY;

  @Override
  public Integer call() {
    for (String o : objectives) {
      if (!Objectives.NAMES.contains(o)) {
        throw new IllegalArgumentException("--objectives: unknown objective '" + o + "'");
      }
    }
    if (modelOptions.device.equals("auto")) {
      modelOptions.device = "cpu";
    }
    Pattern pattern = Pattern.compile("\\b" + Pattern.quote(word.toLowerCase(Locale.ROOT)) + "\\b");
    try (PolicyModel base = modelOptions.load()) {
      Tokenizer tok = base.tokenizer();
      Set<Integer> stop = tok.stopTokens();
      long t0 = System.nanoTime();
      List<Generation> data = sample(base.weights(), stories, stop, seed);
      List<TrainingSequence> sequences = new ArrayList<>();
      double baseReward = 0;
      for (int i = 0; i < data.size(); i++) {
        Generation g = data.get(i);
        double r = reward(tok, g, pattern);
        baseReward += r;
        boolean[] mask = new boolean[g.prompt().length + g.tokens().length];
        for (int t = g.prompt().length; t < mask.length; t++) {
          mask[t] = true;
        }
        sequences.add(TrainingSequence.withFinalReward("story-" + i, g.fullSequence(), mask, r,
            g.finish() != Generation.FinishReason.STOP));
      }
      baseReward /= data.size();
      System.err.printf("sampled %d stories from the base model in %.1f s; mean reward (\"%s\" count) %.3f%n",
          data.size(), (System.nanoTime() - t0) / 1e9, word, baseReward);
      double baseEval = evaluate(base.weights(), base.weights(), tok, stop, pattern)[0];

      List<String> rows = new ArrayList<>();
      StringBuilder json = new StringBuilder(String.format(Locale.ROOT,
          "{\"bench\":\"stories\",\"word\":\"%s\",\"stories\":%d,\"beta\":%.4g,\"reward_base_eval\":%.4f,\"results\":[",
          word, stories, beta, baseEval));
      for (int k = 0; k < objectives.size(); k++) {
        String name = objectives.get(k);
        try (LlamaWeights policy = base.weights().copy()) {
          int steps = epochs * ((sequences.size() + batch - 1) / batch);
          TrainerConfig config = new TrainerConfig(new ObjectiveConfig(name, beta, 1.0, normalization,
              ObjectiveConfig.Truncation.BOOTSTRAP),
              OptimizerConfig.adamW(lr).withSchedule(Math.max(1, steps / 20), steps, lr / 10), 16, seed, 100_000);
          long t1 = System.nanoTime();
          StepStats last = null;
          try (Trainer trainer = new Trainer(policy, config)) {
            Random shuffle = new Random(seed);
            for (int e = 0; e < epochs; e++) {
              List<TrainingSequence> order = new ArrayList<>(sequences);
              Collections.shuffle(order, shuffle);
              for (int from = 0; from + batch <= order.size(); from += batch) {
                last = trainer.step(order.subList(from, from + batch));
                if (last.step() % logEvery == 0) {
                  System.err.printf("%s step %d/%d: loss %.4f, KL est %.4f, |R| %.3f, |grad| %.3f, %.0f tokens/s%n", name,
                      last.step(), steps, last.loss(), last.klToReference(), last.meanAbsResidual(), last.gradNorm(),
                      last.tokensPerSecond());
                }
              }
            }
          }
          double trainSeconds = (System.nanoTime() - t1) / 1e9;
          double[] after = evaluate(policy, base.weights(), tok, stop, pattern);
          rows.add(String.format("%-8s %12.3f %12.3f %12.4f %12.4f %10.0f", name, baseEval, after[0], 0.0, after[1],
              trainSeconds));
          json.append(k == 0 ? "" : ",").append(String.format(Locale.ROOT, "{\"objective\":\"%s\","
                  + "\"reward_before\":%.4f,\"reward_after\":%.4f,\"kl_before\":0,\"kl_after\":%.4f,"
                  + "\"train_steps\":%d,\"train_seconds\":%.1f}", name, baseEval, after[0], after[1],
              last == null ? 0 : last.step(), trainSeconds));
        }
      }
      System.out.printf("%nOffline training on %d stories of <= %d tokens sampled from %s; reward = occurrences of "
          + "\"%s\"; beta %.3g, %d epochs, batch %d; evaluated on %d fresh samples per policy%n%n", stories, maxTokens,
          base.source(), word, beta, epochs, batch, evalStories);
      System.out.printf("%-8s %12s %12s %12s %12s %10s%n", "objective", "reward before", "reward after",
          "KL before", "KL after", "train s");
      rows.forEach(System.out::println);
      System.out.println(json.append("]}"));
    }
    return 0;
  }

  private List<Generation> sample(LlamaWeights weights, int n, Set<Integer> stop, long sampleSeed) {
    Generator gen = new Generator(new Llama(weights));
    List<Generation> out = new ArrayList<>();
    for (int from = 0; from < n; from += 64) {
      int size = Math.min(64, n - from);
      List<int[]> prompts = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        prompts.add(new int[] {Llama2cTokenizer.BOS});
      }
      out.addAll(gen.generate(prompts, new SamplingParams(1.0, 0, 1.0, maxTokens, stop, sampleSeed * 1_000_003L
          + from)));
    }
    return out;
  }

  /** Mean reward of fresh samples, and the Monte-Carlo KL(pi || base) = E_pi[sum_t ln pi - ln base]. */
  private double[] evaluate(LlamaWeights policy, LlamaWeights base, Tokenizer tok, Set<Integer> stop,
                            Pattern pattern) {
    List<Generation> samples = sample(policy, evalStories, stop, seed + 99);
    List<int[]> seqs = samples.stream().map(Generation::fullSequence).toList();
    List<TokenScores> mine = new Scorer(new Llama(policy), 64).score(seqs);
    List<TokenScores> theirs = new Scorer(new Llama(base), 64).score(seqs);
    double reward = 0;
    double kl = 0;
    for (int i = 0; i < samples.size(); i++) {
      reward += reward(tok, samples.get(i), pattern);
      float[] a = mine.get(i).logProbs();
      float[] b = theirs.get(i).logProbs();
      for (int t = samples.get(i).prompt().length - 1; t < a.length; t++) {
        kl += a[t] - b[t];
      }
    }
    return new double[] {reward / samples.size(), kl / samples.size()};
  }

  private static double reward(Tokenizer tok, Generation g, Pattern pattern) {
    Matcher m = pattern.matcher(tok.decode(g.tokens()).toLowerCase(Locale.ROOT));
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
