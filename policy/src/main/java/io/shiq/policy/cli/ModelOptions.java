package io.shiq.policy.cli;

import ai.djl.Device;
import io.shiq.policy.DataDirectory;
import io.shiq.policy.PolicyModel;
import io.shiq.policy.hub.HubCache;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Option;

/** Options shared by commands that load a model: which model, where data lives, which device. */
public final class ModelOptions {
  @Option(names = "--model", paramLabel = "PATH|ORG/NAME[@REV]",
      description = "Model to load: a shiq checkpoint dir (shiq-model.json), a Hugging Face dir (config.json + "
          + "safetensors + tokenizer.json, Llama or Qwen2), a llama2.c .bin (dir), or a repository id of the Hugging "
          + "Face cache (org/name or org/name@revision; 'shiq model pull' / 'shiq model list'). Default: "
          + "stories260k/ in the data directory.")
  public String model;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Data directory (default: $SHIQ_DATA, then ../shared/data).")
  public Path dataDir;

  @Option(names = "--device", paramLabel = "auto|cpu|gpu",
      description = "Where to run: auto picks the GPU when DJL sees one (default: ${DEFAULT-VALUE}).")
  public String device = "auto";

  public Path modelPath() {
    if (model != null) {
      return HubCache.fromEnvironment().resolveModel(model);
    }
    return DataDirectory.find(dataDir, "stories260k").orElseThrow(() -> new IllegalArgumentException(
        "no --model given and no stories260k/ in a data directory (--data-dir, $SHIQ_DATA or ../shared/data); "
            + "get stories260K.bin and tok512.bin from huggingface.co/karpathy/tinyllamas (stories260K/)"));
  }

  public Device device() {
    return switch (device.toLowerCase(Locale.ROOT)) {
      case "auto" -> PolicyModel.defaultDevice();
      case "cpu" -> Device.cpu();
      case "gpu" -> Device.gpu();
      default -> throw new IllegalArgumentException("--device must be auto, cpu or gpu, got '" + device + "'");
    };
  }

  public PolicyModel load() {
    return PolicyModel.load(modelPath(), device());
  }
}
