package io.shiq.app.cli;

import io.shiq.policy.hub.DownloadListener;
import io.shiq.policy.hub.HubCache;
import io.shiq.policy.hub.HubClient;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code shiq model pull}: a Hugging Face model repository into the shared cache. */
@Command(name = "pull", mixinStandardHelpOptions = true,
    description = {"Download a model repository from the Hugging Face Hub into the cache that Python's "
        + "huggingface_hub uses ($HF_HUB_CACHE, default $HF_HOME/hub, HF_HOME default ~/.cache/huggingface), so "
        + "models downloaded by either are shared.",
        "",
        "Fetches what a Llama/Qwen2 loader needs: config.json, generation_config.json, tokenizer.json, "
            + "tokenizer_config.json, special_tokens_map.json and the model*.safetensors weights (only the shards "
            + "named by model.safetensors.index.json when there is one). Each file is checked against the size "
            + "and hash the Hub reports before it appears in the snapshot; files already there are not downloaded "
            + "again; an interrupted pull resumes where it stopped when run again.",
        "",
        "Environment: HF_ENDPOINT (a mirror; default https://huggingface.co), HF_TOKEN (access token for "
            + "private or gated repositories; else the token file of 'huggingface-cli login'), HF_HOME, "
            + "HF_HUB_CACHE.",
        "",
        "Afterwards: shiq generate --model REPO_ID (or REPO_ID@REVISION)."})
public final class ModelPullCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "REPO_ID",
      description = "Repository on the Hub, e.g. Qwen/Qwen2.5-0.5B-Instruct (org/name; org/name@REVISION works "
          + "too).")
  String repo;

  @Option(names = "--revision", paramLabel = "R",
      description = "Branch, tag or commit hash (default: main).")
  String revision;

  @Option(names = "--dir", paramLabel = "D",
      description = "Also copy the snapshot into D as a plain model directory (for --model D, or to move it "
          + "elsewhere).")
  Path dir;

  @Option(names = "--include", paramLabel = "GLOB",
      description = "Also fetch the files matching GLOB (repeatable), e.g. '*.md' or 'original/*'.")
  List<String> include = new ArrayList<>();

  @Option(names = "--endpoint", paramLabel = "URL",
      description = "The Hub or a mirror (default: $HF_ENDPOINT, else https://huggingface.co).")
  String endpoint;

  @Mixin
  HubCacheOption hubCache;

  @Option(names = "--progress", paramLabel = "auto|bar|lines",
      description = "Progress display: bars on a terminal, a line per file otherwise (default: ${DEFAULT-VALUE}).")
  String progress = "auto";

  @Override
  public Integer call() {
    HubCache.ModelRef ref = HubCache.ModelRef.parse(repo).orElseGet(() -> new HubCache.ModelRef(repo, null));
    if (revision != null) {
      if (repo.contains("@") && !ref.revision().equals(revision)) {
        throw new IllegalArgumentException("two revisions given: " + repo + " and --revision " + revision);
      }
      ref = new HubCache.ModelRef(ref.repoId(), revision);
    }
    boolean bars = progress.equals("bar") || (progress.equals("auto") && System.console() != null);
    if (!bars && !progress.equals("lines") && !progress.equals("auto")) {
      throw new IllegalArgumentException("--progress must be auto, bar or lines, got '" + progress + "'");
    }
    HubCache cache = hubCache.cache();
    HubClient client = HubClient.fromEnvironment(cache, endpoint);
    PrintStream out = System.out;
    out.println("pulling " + ref.repoId() + " (" + ref.revision() + ") from " + client.endpoint() + " into "
        + cache.root());
    Display display = new Display(out, bars);
    HubClient.PullResult result;
    try {
      result = client.pull(ref, include, display);
    } finally {
      display.close();
    }
    out.printf(Locale.ROOT, "done: %d files, %d downloaded (%s), snapshot %s%n", result.files().size(),
        result.downloaded(), bytes(result.downloadedBytes()), result.snapshot());
    if (dir != null) {
      HubClient.export(result.snapshot(), dir);
      out.println("copied to " + dir);
    }
    out.println("use it: shiq generate --model " + ref);
    return 0;
  }

  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /** Progress bars (one per downloading file) or a line per file. */
  private static final class Display implements DownloadListener, AutoCloseable {
    private final PrintStream out;
    private final boolean bars;
    private ProgressBar bar;

    Display(PrintStream out, boolean bars) {
      this.out = out;
      this.bars = bars;
    }

    @Override
    public void resolved(HubCache.ModelRef ref, String commit) {
      out.println("  commit " + commit);
    }

    @Override
    public void fileStarted(String file, long size, long resumedFrom) {
      if (bars) {
        close();
        ProgressBarBuilder b = new ProgressBarBuilder().setTaskName(file.length() > 32 ? "…"
                + file.substring(file.length() - 31) : file)
            .setInitialMax(Math.max(size, 0)).setUnit(" MiB", 1 << 20).showSpeed()
            .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(250)
            .setMaxRenderedLength(120);
        bar = b.build();
        bar.stepTo(resumedFrom);
      } else if (resumedFrom > 0) {
        out.println("  " + file + ": resuming at " + bytes(resumedFrom) + " of " + bytes(size));
      }
    }

    @Override
    public void progress(String file, long bytes) {
      if (bar != null) {
        bar.stepTo(bytes);
      }
    }

    @Override
    public void fileDone(String file, long size, boolean downloaded) {
      if (bar != null) {
        bar.stepTo(size);
        close();
      }
      out.printf(Locale.ROOT, "  %-40s %10s  %s%n", file, bytes(size), downloaded ? "downloaded, checked"
          : "already in the cache");
    }

    @Override
    public void close() {
      if (bar != null) {
        bar.close();
        bar = null;
      }
    }
  }
}
