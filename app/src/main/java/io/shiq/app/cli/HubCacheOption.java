package io.shiq.app.cli;

import io.shiq.policy.hub.HubCache;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --cache-dir}: the Hugging Face hub cache that {@code model pull} fills and {@code model list} reads. */
final class HubCacheOption {
  @Option(names = "--cache-dir", paramLabel = "DIR",
      description = "The hub cache directory (default: $HF_HUB_CACHE, else $HF_HOME/hub, else "
          + "~/.cache/huggingface/hub).")
  Path cacheDir;

  /** The cache at --cache-dir, else where the environment puts it (as Python's huggingface_hub does). */
  HubCache cache() {
    return cacheDir != null ? new HubCache(cacheDir) : HubCache.fromEnvironment();
  }
}
