package io.shiq.app.cli;

import io.shiq.policy.io.ModelInit;
import io.shiq.policy.model.LlamaConfig;
import io.shiq.policy.model.LlamaWeights;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code shiq model init}: a randomly initialised model of a chosen shape, with a chosen tokenizer. */
@Command(name = "init", mixinStandardHelpOptions = true,
    description = {"Write a randomly initialised Llama-family model (N(0, 0.02) weights, unit norms) to train from "
        + "scratch, in the Hugging Face layout (config.json + model.safetensors + the tokenizer files) or as a "
        + "llama2.c checkpoint (model.bin + tokenizer.bin). Load it with --model DIR.",
        "",
        "Shapes: tiny (the synthetic policy's: dim 32, 2 layers, 4 heads, 2 kv heads), stories260k (dim 64, hidden "
            + "172, 5 layers, 8 heads, 4 kv heads, seq 512), stories15m (dim 288, hidden 768, 6 layers, 6 heads, "
            + "seq 256), qwen2 (q/k/v biases, grouped-query attention, tied embeddings, RoPE theta 1e6; default "
            + "dim 256, hidden 704, 4 layers, 4 heads, 2 kv heads: resize with --layers, --dim, ...).",
        "The vocabulary is the tokenizer's (its highest id + 1) unless --vocab or --config says more.",
        "",
        "Example: shiq model init --shape qwen2 --layers 8 --dim 512 --heads 8 --hidden 1408 "
            + "--tokenizer ../shared/data/qwen3-tokenizer --out my-qwen"})
public final class ModelInitCommand implements Callable<Integer> {
  @ArgGroup(exclusive = true, multiplicity = "1")
  Base base;

  static final class Base {
    @Option(names = "--shape", paramLabel = "NAME", description = "tiny, stories260k, stories15m or qwen2.")
    String shape;

    @Option(names = "--config", paramLabel = "FILE",
        description = "Copy the shape of an existing model: a Hugging Face config.json (or its directory), a "
            + "shiq-model.json, or a llama2.c checkpoint .bin (its header).")
    Path config;
  }

  @Option(names = "--tokenizer", paramLabel = "PATH", required = true,
      description = "The tokenizer to ship with the model: a tokenizer.json (hf; tokenizer_config.json and "
          + "generation_config.json beside it are copied too) or a llama2.c tokenizer .bin (llama2c), or a "
          + "directory holding one.")
  Path tokenizer;

  @Option(names = "--out", paramLabel = "DIR", required = true,
      description = "Directory to create (must not exist, or be empty).")
  Path out;

  @Option(names = "--format", paramLabel = "hf|llama2c",
      description = "hf: config.json (LlamaForCausalLM or Qwen2ForCausalLM) + model.safetensors; llama2c: a "
          + "llama2.c legacy checkpoint (no q/k/v biases; RoPE theta 10000, eps 1e-5) (default: ${DEFAULT-VALUE}).")
  String format = "hf";

  @Option(names = "--seed", paramLabel = "S", description = "Random seed of the weights (default: ${DEFAULT-VALUE}).")
  long seed = 0;

  @Option(names = "--layers", paramLabel = "N", description = "Transformer blocks.")
  Integer layers;

  @Option(names = "--dim", paramLabel = "N", description = "Model width (a multiple of --heads).")
  Integer dim;

  @Option(names = "--hidden", paramLabel = "N", description = "SwiGLU inner width.")
  Integer hidden;

  @Option(names = "--heads", paramLabel = "N", description = "Query heads.")
  Integer heads;

  @Option(names = "--kv-heads", paramLabel = "N", description = "Key/value heads (--heads is a multiple of it).")
  Integer kvHeads;

  @Option(names = "--vocab", paramLabel = "N", description = "Vocabulary size (at least the tokenizer's).")
  Integer vocab;

  @Option(names = "--seq-len", paramLabel = "N", description = "Longest sequence (max_position_embeddings).")
  Integer seqLen;

  @Override
  public Integer call() throws Exception {
    ModelInit.Format f = switch (format.toLowerCase(Locale.ROOT)) {
      case "hf" -> ModelInit.Format.HF;
      case "llama2c" -> ModelInit.Format.LLAMA2C;
      default -> throw new IllegalArgumentException("--format must be hf or llama2c, got '" + format + "'");
    };
    Path tokFile = ModelInit.tokenizerFile(tokenizer, f);
    int tokens = ModelInit.tokenizerVocab(tokFile);
    LlamaConfig b = base.shape != null ? ModelInit.shape(base.shape, tokens) : ModelInit.readConfig(base.config);
    LlamaConfig c;
    try {
      c = new LlamaConfig(or(dim, b.dim()), or(hidden, b.hiddenDim()), or(layers, b.nLayers()),
          or(heads, b.nHeads()), or(kvHeads, b.nKvHeads()), or(vocab, b.vocabSize()), or(seqLen, b.maxSeqLen()),
          b.ropeTheta(), b.normEps(), b.qkvBias(), b.tiedEmbeddings(), b.ropeLayout());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad shape: " + e.getMessage());
    }
    LlamaConfig written = ModelInit.write(c, seed, tokFile, f, out);
    long params = LlamaWeights.expectedShapes(written).values().stream()
        .mapToLong(s -> Arrays.stream(s).reduce(1, Math::multiplyExact)).sum();
    System.out.printf(Locale.ROOT, "wrote %s (%s): %d layers, dim %d, hidden %d, %d heads, %d kv heads, vocab %d, "
            + "seq %d%s; %,d parameters, seed %d%n", out, f == ModelInit.Format.HF
            ? (written.qkvBias() ? "Qwen2ForCausalLM" : "LlamaForCausalLM") : "llama2c", written.nLayers(),
        written.dim(), written.hiddenDim(), written.nHeads(), written.nKvHeads(), written.vocabSize(),
        written.maxSeqLen(), written.tiedEmbeddings() ? ", tied embeddings" : "", params, seed);
    System.out.println("use it: shiq generate --model " + out);
    return 0;
  }

  private static int or(Integer value, int fallback) {
    return value != null ? value : fallback;
  }
}
