package io.shiq.app.cli;

import io.shiq.policy.cli.ModelOptions;
import io.shiq.policy.PolicyModel;
import io.shiq.policy.generate.Generation;
import io.shiq.policy.generate.Generator;
import io.shiq.policy.generate.SamplingParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code shiq generate}: sample text from a model, batched, with the KV cache. */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = "Generate text with a Llama-family model on DJL (PyTorch engine): batched, with a KV cache. "
        + "Prints the prompt and its continuation for each sample.")
public final class GenerateCommand implements Callable<Integer> {
  @Mixin
  ModelOptions modelOptions;

  @Option(names = "--prompt", description = "Text to continue (default: empty, i.e. start from BOS).")
  String prompt = "";

  @Option(names = "--max-tokens", paramLabel = "N", description = "Tokens to generate at most (default: ${DEFAULT-VALUE}).")
  int maxTokens = 256;

  @Option(names = "--temperature", paramLabel = "T",
      description = "Softmax temperature; 0 means greedy (default: ${DEFAULT-VALUE}).")
  double temperature = 1.0;

  @Option(names = "--top-p", paramLabel = "P", description = "Nucleus sampling mass in (0, 1] (default: ${DEFAULT-VALUE}).")
  double topP = 1.0;

  @Option(names = "--top-k", paramLabel = "K", description = "Sample among the K most likely tokens; 0: all "
      + "(default: ${DEFAULT-VALUE}).")
  int topK = 0;

  @Option(names = "--seed", paramLabel = "S", description = "Random seed; sample i uses S + i (default: ${DEFAULT-VALUE}).")
  long seed = 42;

  @Option(names = "--samples", paramLabel = "N", description = "Continuations to generate, in one batch "
      + "(default: ${DEFAULT-VALUE}).")
  int samples = 1;

  @Option(names = "--show-tokens", description = "Also print token ids and behaviour log-probs.")
  boolean showTokens;

  @Override
  public Integer call() {
    if (samples < 1) {
      throw new IllegalArgumentException("--samples must be >= 1, got " + samples);
    }
    try (PolicyModel policy = modelOptions.load()) {
      int[] ids = policy.tokenizer().encode(prompt, policy.tokenizer().bosId() >= 0, false);
      if (ids.length == 0) {
        throw new IllegalArgumentException("the prompt is empty and the tokenizer has no BOS token: give --prompt");
      }
      Set<Integer> stop = policy.tokenizer().stopTokens();
      SamplingParams params = new SamplingParams(temperature, topK, topP, maxTokens, stop, seed);
      List<int[]> prompts = new ArrayList<>();
      for (int i = 0; i < samples; i++) {
        prompts.add(ids);
      }
      long t0 = System.nanoTime();
      List<Generation> out = new Generator(policy.model()).generate(prompts, params);
      double seconds = (System.nanoTime() - t0) / 1e9;
      long tokens = 0;
      for (int i = 0; i < out.size(); i++) {
        Generation g = out.get(i);
        tokens += g.tokens().length;
        if (samples > 1) {
          System.out.println("--- sample " + (i + 1) + " (" + g.tokens().length + " tokens, " + g.finish() + ")");
        }
        System.out.println(policy.tokenizer().decode(g.fullSequence()));
        if (showTokens) {
          System.out.println("tokens: " + java.util.Arrays.toString(g.tokens()));
          System.out.println("behaviour log-probs: " + java.util.Arrays.toString(g.behaviourLogProbs()));
        }
      }
      System.err.printf("%d tokens in %.2f s (%.0f tokens/s) on %s, model %s%n", tokens, seconds, tokens / seconds,
          policy.weights().device(), policy.source());
    }
    return 0;
  }
}
