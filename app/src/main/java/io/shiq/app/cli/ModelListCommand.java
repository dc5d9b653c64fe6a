package io.shiq.app.cli;

import io.shiq.policy.DataDirectory;
import io.shiq.policy.hub.HubCache;
import io.shiq.policy.hub.LocalModel;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code shiq model list}: the models of the Hugging Face cache and of the data directory. */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = {"List the local models: those of the Hugging Face cache (pulled by shiq or by Python tools) "
        + "and those of the data directory, with their architecture (config.json's architectures / model_type, "
        + "llama2c or shiq), vocabulary size and size on disk.",
        "",
        "The NAME column is what --model takes."})
public final class ModelListCommand implements Callable<Integer> {
  @Mixin
  HubCacheOption hubCache;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Data directory (default: $SHIQ_DATA, then ../shared/data).")
  Path dataDir;

  @Override
  public Integer call() {
    PrintStream out = System.out;
    HubCache cache = hubCache.cache();
    print(out, "Hugging Face cache " + cache.root(), LocalModel.inCache(cache));
    Optional<Path> data = DataDirectory.find(dataDir);
    if (data.isPresent()) {
      print(out, "data directory " + data.get(), LocalModel.under(data.get()));
    } else {
      out.println("(no data directory: --data-dir, $SHIQ_DATA or ../shared/data)");
    }
    return 0;
  }

  private static void print(PrintStream out, String title, List<LocalModel> models) {
    out.println(title + ":");
    if (models.isEmpty()) {
      out.println("  (none)");
      return;
    }
    int width = Math.max(4, models.stream().mapToInt(m -> m.name().length()).max().orElse(4));
    out.printf(Locale.ROOT, "  %-" + width + "s  %-24s %8s %10s%n", "NAME", "ARCHITECTURE", "VOCAB", "SIZE");
    for (LocalModel m : models) {
      out.printf(Locale.ROOT, "  %-" + width + "s  %-24s %8s %10s%n", m.name(), m.architecture(),
          m.vocabSize() < 0 ? "?" : Integer.toString(m.vocabSize()),
          m.bytes() < 0 ? "?" : ModelPullCommand.bytes(m.bytes()));
    }
  }
}
