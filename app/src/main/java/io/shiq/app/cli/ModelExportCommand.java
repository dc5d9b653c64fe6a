package io.shiq.app.cli;

import ai.djl.Device;
import io.shiq.learner.train.Trainer;
import io.shiq.policy.PolicyModel;
import io.shiq.policy.io.ModelInit;
import io.shiq.policy.io.Safetensors;
import io.shiq.policy.io.ShiqCheckpoint;
import io.shiq.policy.model.LlamaWeights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code shiq model export}: a learner checkpoint as a model directory every {@code --model} option loads. */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Write the policy of a learner checkpoint as a model directory (model.safetensors + "
        + "shiq-model.json + the tokenizer files) that every --model option loads: to evaluate a trained policy "
        + "(shiq bfcl eval, shiq generate) or serve it from a fresh actor.",
        "",
        "Example: shiq model export --checkpoint checkpoints/learner --tokenizer my-qwen --out my-qwen-trained"})
public final class ModelExportCommand implements Callable<Integer> {
  @Option(names = "--checkpoint", paramLabel = "DIR", required = true,
      description = "A learner checkpoint directory (its newest complete step is taken) or one step-* directory "
          + "in it.")
  Path checkpoint;

  @Option(names = "--tokenizer", paramLabel = "PATH", required = true,
      description = "The tokenizer the policy was trained with: the initial model's directory (its tokenizer.json, "
          + "tokenizer_config.json with the chat template, generation_config.json are copied) or a llama2.c "
          + "tokenizer .bin (or a directory holding one).")
  Path tokenizer;

  @Option(names = "--out", paramLabel = "DIR", required = true,
      description = "Directory to create (must not exist, or be empty).")
  Path out;

  @Override
  public Integer call() throws Exception {
    if (Files.isDirectory(out)) {
      try (var s = Files.list(out)) {
        if (s.findAny().isPresent()) {
          throw new IllegalArgumentException("--out " + out + " exists and is not empty");
        }
      }
    }
    boolean hf = Files.isRegularFile(tokenizer.resolve("tokenizer.json"))
        || tokenizer.getFileName().toString().endsWith(".json");
    Path tokenizerFile = ModelInit.tokenizerFile(tokenizer, hf ? ModelInit.Format.HF : ModelInit.Format.LLAMA2C);
    List<Path> files = new ArrayList<>(List.of(tokenizerFile));
    if (hf) {
      Path dir = tokenizerFile.toAbsolutePath().getParent();
      for (String name : ModelInit.HF_TOKENIZER_FILES.subList(1, ModelInit.HF_TOKENIZER_FILES.size())) {
        if (Files.isRegularFile(dir.resolve(name))) {
          files.add(dir.resolve(name));
        }
      }
    }
    try (LlamaWeights weights = Trainer.loadPolicy(checkpoint, Device.cpu())) {
      int tokens = ModelInit.tokenizerVocab(tokenizerFile);
      if (tokens > weights.config().vocabSize()) {
        throw new IllegalArgumentException("--tokenizer " + tokenizer + " uses " + tokens + " ids but the "
            + "checkpoint's vocabulary is " + weights.config().vocabSize() + ": not the tokenizer it was trained with");
      }
      ShiqCheckpoint.save(weights, out, Safetensors.DType.F32, files.toArray(Path[]::new));
    }
    try (PolicyModel check = PolicyModel.load(out, Device.cpu())) { // loads back, or the export is not done
      System.out.printf("exported %s -> %s (%s, vocabulary %d)%n", checkpoint, out.toAbsolutePath(),
          check.tokenizer().getClass().getSimpleName(), check.weights().config().vocabSize());
    }
    return 0;
  }
}
