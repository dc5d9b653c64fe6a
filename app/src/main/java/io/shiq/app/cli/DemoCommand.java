package io.shiq.app.cli;

import io.shiq.policy.cli.ModelOptions;
import io.shiq.envs.EnvironmentDefaults;
import io.shiq.envs.Environments;
import io.shiq.app.demo.DemoRecorder;
import io.shiq.app.demo.DemoReport;
import io.shiq.app.demo.DemoRun;
import io.shiq.app.demo.RewardOptimum;
import io.shiq.app.metrics.MetricsEndpoint;
import io.shiq.policy.DataDirectory;
import io.shiq.policy.PolicyModel;
import io.shiq.schemas.storage.Directories;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code shiq demo}: the whole online loop in one JVM, with a live display and a report at the end. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Run the online loop in one JVM: the embedded Kafka broker and schema registry, the replay "
        + "buffer, the learner and several actor threads, for --minutes; then write runs/<timestamp>/ with "
        + "metrics.csv, reward.png, kl.png and report.html, and print a JSON summary as the last line.",
        "Uses stories260K from the data directory with the story-keyword reward (count of \"happy\") when found, "
            + "the synthetic token-tree environment otherwise. State (topics, replay stores, checkpoints) is kept "
            + "in <out>/state: a second run resumes from it unless --fresh. Ctrl-C stops cleanly and still writes "
            + "the report."})
public final class DemoCommand implements Callable<Integer> {
  @Mixin
  ModelOptions modelOptions;

  @Mixin
  LearnerOptions learnerOptions;

  @Option(names = "--minutes", description = "How long to run (default: ${DEFAULT-VALUE}).")
  double minutes = 4;

  @Option(names = "--env", description = "Environment: story-keyword, story-sentiment, synthetic or bfcl (default: "
      + "story-keyword when stories260K is in the data directory, synthetic otherwise). bfcl plays BFCL's multi-turn "
      + "tool records; without --model it starts from a small random model with the Qwen vocabulary.")
  String env;

  @Option(names = "--data", paramLabel = "DIR", description = "BFCL data for --env bfcl (default: bfcl/ of the data "
      + "directory).")
  Path bfclData;

  @Option(names = "--category", paramLabel = "C", description = "BFCL categories for --env bfcl (repeatable; "
      + "default: all).")
  java.util.List<String> categories = new java.util.ArrayList<>();

  @Option(names = "--actors", description = "Actor threads (default: ${DEFAULT-VALUE}).")
  int actors = 2;

  @Option(names = "--episodes-per-batch", description = "Episodes each actor generates together (default: "
      + "${DEFAULT-VALUE}; 4 for bfcl).")
  int episodesPerBatch = 16;

  @Option(names = "--max-tokens", description = "Tokens per story at most (story environments), per model step "
      + "(bfcl) (default: ${DEFAULT-VALUE}).")
  int maxTokens = 64;

  @Option(names = "--temperature", description = "Actors' sampling temperature (default: ${DEFAULT-VALUE}).")
  double temperature = 1.0;

  @Option(names = "--max-learner-lag", description = "Actors pause while more batches than this wait for the "
      + "learner (default: ${DEFAULT-VALUE}).")
  int maxLearnerLag = 2;

  @Option(names = "--seed", description = "Seeds tasks, sampling, the replay buffer and the trainer (default: "
      + "${DEFAULT-VALUE}).")
  long seed = 1;

  @Option(names = "--out", paramLabel = "DIR", description = "Reports go to DIR/<timestamp>/, the state to DIR/state/ "
      + "(default: ${DEFAULT-VALUE}).")
  Path out = Path.of("runs");

  @Option(names = "--fresh", description = "Start over: delete <out>/state (topics, replay stores, checkpoints).")
  boolean fresh;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Replay-buffer option over the demo's defaults "
      + "(repeatable), e.g. --set replay.sampler=prioritized; see 'shiq replay --list-options'.")
  Map<String, String> replay = new LinkedHashMap<>();

  @Option(names = "--ab", description = "After --ab-after minutes, run an A/B experiment: the learning policy "
      + "against a frozen copy of the initial one, with an off-policy estimate of both before they serve, a KL "
      + "guardrail, the evaluator on the same broker: first a quality experiment (loose KL limit), then, once it has "
      + "decided, a guardrail experiment (--ab-kl-limit) whose breach rolls the candidate back; reports in <run>/ab/.")
  boolean ab;

  @Option(names = "--ab-after", paramLabel = "MIN", description = "With --ab: minutes of plain training before the "
      + "experiment starts (default: 40% of --minutes).")
  Double abAfter;

  @Option(names = "--ab-kl-limit", description = "With --ab: guardrail on the candidate's per-token KL to the "
      + "baseline in the second experiment, in nats per action token; a breach rolls the candidate back (default: "
      + "${DEFAULT-VALUE}).")
  double abKlLimit = 0.002;

  @Option(names = "--ab-mde", description = "With --ab: minimum detectable effect on the mean reward (default: "
      + "${DEFAULT-VALUE}).")
  double abMde = 0.1;

  @Option(names = "--ab-min-episodes", description = "With --ab: episodes per arm before any test (default: "
      + "${DEFAULT-VALUE}).")
  int abMinEpisodes = 100;

  @Mixin
  MetricsOptions metricsOptions;

  @Option(names = "--progress", description = "Live display: bar (a progress bar), lines (a line every 10 s, for "
      + "logs), or auto: bar on a terminal, lines otherwise (default: ${DEFAULT-VALUE}).")
  String progress = "auto";

  @Option(names = "--verbose", description = "Keep shiq's INFO log lines (they interleave with the bar).")
  boolean verbose;

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  private java.io.PrintWriter console;

  @Override
  public Integer call() throws Exception {
    console = spec.commandLine().getOut();
    if (!(minutes > 0)) {
      throw new IllegalArgumentException("--minutes must be > 0, got " + minutes);
    }
    String chosenEnv = env;
    String why = "";
    if (chosenEnv == null) {
      boolean stories = modelOptions.model != null || DataDirectory.find(modelOptions.dataDir, "stories260k")
          .isPresent();
      chosenEnv = stories ? "story-keyword" : "synthetic";
      if (!stories) {
        console.println("shiq demo: stories260K not found (" + DataDirectory.searched(modelOptions.dataDir,
            "stories260k") + "), so this demo uses the synthetic token-tree environment; to run it on a language model, "
            + "put stories260K.bin and tok512.bin from huggingface.co/karpathy/tinyllamas (folder stories260K) in "
            + "DIR/stories260k/ and pass --data-dir DIR (or set $SHIQ_DATA), or bring your own with "
            + "'shiq model pull ORG/NAME' and --model.");
        why = " (fallback: no stories260K)";
      }
    }
    if (chosenEnv.equals("bfcl")) {
      // A BFCL episode is thousands of tokens (the tools are in every prompt): small batches keep a learner step and
      // an actor's batch to seconds, not minutes, on a laptop.
      var parsed = spec.commandLine().getParseResult();
      if (!parsed.hasMatchedOption("--episodes-per-batch")) {
        episodesPerBatch = 4;
      }
      replay.putIfAbsent("replay.batch.size", "4");
      replay.putIfAbsent("replay.min.size", "4"); // per partition (3): the first batches after a dozen episodes
    }
    EnvironmentDefaults envDefaults = Environments.defaults(chosenEnv);
    learnerOptions.applyEnvironmentDefaults(envDefaults, spec.commandLine().getParseResult());
    int tokens = envDefaults.answerTokens().orElse(maxTokens);
    Path state = out.resolve("state");
    if (fresh) {
      Directories.deleteRecursively(state);
    }
    boolean resuming = Files.isDirectory(state.resolve("learner"));
    Path runDir = out.resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    if (!verbose) {
      Configurator.setLevel("io.shiq", Level.WARN);
    }
    PolicyModel model = PolicySource.load(chosenEnv, modelOptions);
    // The reference is the initial policy (a resumed learner's reference.safetensors holds the same weights).
    String envName = chosenEnv;
    Path bfcl = envName.equals("bfcl") ? (bfclData != null ? bfclData : DataDirectory.find(modelOptions.dataDir,
        "bfcl").orElseThrow(() -> new IllegalArgumentException("--env bfcl needs BFCL's data: give --data DIR "
        + "(none in " + DataDirectory.searched(modelOptions.dataDir, "bfcl") + ")"))) : null;
    java.util.function.Supplier<io.shiq.envs.Environment> environments = () -> Environments.create(envName,
        model.tokenizer(), bfcl, categories, java.time.Clock.systemDefaultZone());
    OptionalDouble rewardOptimum = RewardOptimum.of(environments.get(), model.weights(), learnerOptions.beta);
    console.printf("shiq demo: %s%s, policy %s on %s, objective %s, %d actor(s), %.1f min%s%n", chosenEnv, why,
        model.source(), model.weights().device(), learnerOptions.objective, actors, minutes,
        resuming ? ", resuming from " + state : "");

    Map<String, Object> config = new LinkedHashMap<>();
    config.put("env", chosenEnv);
    config.put("model", model.source());
    config.put("objective", learnerOptions.objective);
    config.put("beta", learnerOptions.beta);
    config.put("gamma", learnerOptions.gamma);
    config.put("lr", learnerOptions.lr);
    config.put("micro_batch", learnerOptions.microBatch);
    config.put("publish_every", learnerOptions.publishEvery);
    config.put("checkpoint_every", learnerOptions.checkpointEvery);
    config.put("actors", actors);
    config.put("episodes_per_batch", episodesPerBatch);
    config.put("max_tokens", tokens);
    config.put("temperature", temperature);
    config.put("max_learner_lag", maxLearnerLag);
    config.put("seed", seed);
    config.put("minutes", minutes);
    config.put("replay_overrides", replay);
    config.put("state", state.toAbsolutePath().toString());

    DemoRecorder recorder = new DemoRecorder();
    DemoRun.Settings settings = new DemoRun.Settings(state, chosenEnv, learnerOptions.trainerConfig(seed), actors,
        episodesPerBatch, tokens, temperature, seed, learnerOptions.publishEvery, learnerOptions.checkpointEvery,
        maxLearnerLag, replay, environments, Environments.defaultPolicyTurns(chosenEnv));
    try (MetricsEndpoint metrics = metricsOptions.start(console::println); model) {
      DemoRun run = new DemoRun(settings, model, recorder, metrics.registry());
      Thread hook = Shutdown.stopAndWait("shiq-demo-shutdown", run::requestStop, Thread.currentThread(), 180_000);
      double seconds;
      io.shiq.app.demo.AbDemoPhase abPhase = ab ? new io.shiq.app.demo.AbDemoPhase(run,
          new io.shiq.app.demo.AbDemoPhase.Options(abKlLimit, abMde, abMinEpisodes, 1_000_000, 256,
              learnerOptions.beta), console) : null;
      java.util.List<io.shiq.app.demo.AbDemoPhase.Outcome> abOutcome = null;
      if (ab && (abAfter == null ? 0.4 * minutes : abAfter) >= minutes) {
        throw new IllegalArgumentException("--ab-after (" + abAfter + ") must be below --minutes (" + minutes + ")");
      }
      try {
        run.start();
        config.put("resumed_from_step", run.resumedFromStep());
        // What the learner trains with (a resumed run applies changed hyper-parameters from its next step).
        var trainer = run.learner().trainer();
        config.put("beta", trainer.config().objective().beta());
        config.put("gamma", trainer.config().objective().gamma());
        config.put("lr", trainer.config().optimizer().learningRate());
        config.put("micro_batch", trainer.config().microBatch());
        config.put("config_changes", trainer.configChanges());
        trainer.configChanges().stream().filter(c -> c.fromStep() == run.resumedFromStep() + 1).forEach(c ->
            console.println("shiq demo: changed on resume, applied from step " + c.fromStep() + ": "
                + String.join(", ", c.changes())));
        seconds = display(run, recorder, abPhase);
        if (abPhase != null) {
          abOutcome = abPhase.finish(runDir.resolve("ab"));
        }
      } finally {
        if (abPhase != null) {
          abPhase.close();
        }
        run.close();
      }
      if (abOutcome != null) {
        for (var o : abOutcome) {
          console.printf("%n%sA/B report: %s%n", o.table(), o.report());
        }
        config.put("ab_experiments", abPhase.experimentIds());
      }
      if (run.failure() != null) {
        System.err.println("shiq demo: " + run.failure().getMessage() + " (writing the report of what ran)");
      }
      DemoReport.Summary s = DemoReport.write(runDir, recorder, run.learner(), seconds, config,
          rewardOptimum);
      String optimum = s.rewardOptimum().isPresent() ? num(s.rewardOptimum().getAsDouble()) : "unknown";
      console.printf(Locale.ROOT, "%nran %.1f s: %d learner steps (from step %d), policy v%d, %d episodes "
              + "(%.1f/s); mean reward first 20%% %.4f -> last 20%% %.4f (best 20%% window %.4f, optimum %s); "
              + "KL %.4f; learner %.0f tokens/s, waiting for data %.0f%% of the time%nreport: %s%n", s.seconds(),
          s.learnerSteps(), run.resumedFromStep(), s.policyVersions(), s.episodes(), s.trajectoriesPerSecond(),
          s.rewardFirst(), s.rewardLast(), s.rewardBestWindow(), optimum, s.klLast(), s.learnerTokensPerSecond(),
          100 * s.waitShare(), runDir.resolve("report.html"));
      console.println(String.format(Locale.ROOT, "{\"demo\":\"%s\",\"env\":\"%s\",\"objective\":\"%s\","
              + "\"reward_first\":%s,\"reward_last\":%s,\"reward_initial_version\":%s,"
              + "\"reward_best_window\":%s,\"reward_optimum\":%s,\"kl_last\":%s,\"learner_steps\":%d,\"policy_versions\":%d,"
              + "\"actor_version\":%d,\"resumed_from_step\":%d,\"episodes\":%d,\"seconds\":%.1f,"
              + "\"trajectories_per_s\":%.2f,\"learner_tokens_per_s\":%.0f,\"learner_wait_share\":%.3f,%s\"report\":\"%s\"}",
          run.failure() == null ? "done" : "failed", chosenEnv, learnerOptions.objective, num(s.rewardFirst()),
          num(s.rewardLast()), num(s.rewardInitialVersion()), num(s.rewardBestWindow()),
          s.rewardOptimum().isPresent() ? num(s.rewardOptimum().getAsDouble()) : "null", num(s.klLast()), s.learnerSteps(), s.policyVersions(), recorder.actorVersion(),
          run.resumedFromStep(), s.episodes(), s.seconds(), s.trajectoriesPerSecond(), s.learnerTokensPerSecond(),
          s.waitShare(), abJson(abPhase, abOutcome),
          runDir.resolve("report.html").toString().replace("\\", "/")));
      console.flush();
      Shutdown.remove(hook);
      return run.failure() == null ? 0 : 1;
    }
  }

  /** The A/B part of the JSON line (empty without --ab). */
  private static String abJson(io.shiq.app.demo.AbDemoPhase phase,
                               java.util.List<io.shiq.app.demo.AbDemoPhase.Outcome> outcomes) {
    if (phase == null) {
      return "";
    }
    StringBuilder s = new StringBuilder("\"ab\":[");
    for (int i = 0; outcomes != null && i < outcomes.size(); i++) {
      var o = outcomes.get(i);
      StringBuilder decisions = new StringBuilder("[");
      for (var x : o.decisions()) {
        decisions.append(decisions.length() == 1 ? "" : ",").append(String.format(Locale.ROOT,
            "{\"kind\":\"%s\",\"arm\":%s,\"after_episodes\":%d}", x.getKind(),
            x.getArm() == null ? "null" : "\"" + x.getArm() + "\"", x.getEpisodes()));
      }
      s.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "{\"experiment\":\"%s\",\"decisions\":%s],"
              + "\"report\":\"%s\"}", o.experimentId(), decisions, o.report().toString().replace("\\", "/")));
    }
    return s.append("],").toString();
  }

  private static String num(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "null";
  }

  /** Shows progress until the time is up or something stops the run; returns the seconds run. */
  private double display(DemoRun run, DemoRecorder recorder, io.shiq.app.demo.AbDemoPhase abPhase)
      throws InterruptedException, java.io.IOException {
    double abAt = abPhase == null ? Double.POSITIVE_INFINITY : 60 * (abAfter == null ? 0.4 * minutes : abAfter);
    boolean abStarted = false;
    double lastAdvance = 0;
    long total = Math.round(minutes * 60);
    boolean bar = progress.equals("bar") || (progress.equals("auto") && System.console() != null);
    if (!bar && !progress.equals("lines") && !progress.equals("auto")) {
      throw new IllegalArgumentException("--progress must be auto, bar or lines, got '" + progress + "'");
    }
    double lastLine = 0;
    ProgressBar pb = bar ? new ProgressBarBuilder().setTaskName("demo").setInitialMax(total).setUnit(" s", 1)
        .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(500).setMaxRenderedLength(160).build() : null;
    try {
      while (!run.stopping() && recorder.seconds() < total) {
        Thread.sleep(250);
        double now = recorder.seconds();
        if (!abStarted && now >= abAt) {
          abStarted = true;
          if (pb != null) {
            pb.setExtraMessage("starting the A/B experiments (off-policy estimate first)");
          }
          abPhase.start();
        } else if (abStarted && now - lastAdvance >= 5) {
          // The guardrail experiment follows the quality experiment's decision, or half of the A/B time.
          lastAdvance = now;
          abPhase.advance(now >= abAt + (total - abAt) / 2);
        }
        String status = status(run, recorder, now) + (abStarted ? " | " + abPhase.status() : "");
        if (pb != null) {
          pb.stepTo(Math.min(total, (long) now));
          pb.setExtraMessage(status);
        } else if (now - lastLine >= 10) {
          lastLine = now;
          console.printf(Locale.ROOT, "[%4.0f/%d s] %s%n", now, total, status);
          console.flush();
        }
      }
    } finally {
      if (pb != null) {
        pb.close();
      }
    }
    return recorder.seconds();
  }

  private static String status(DemoRun run, DemoRecorder recorder, double now) {
    var steps = recorder.steps();
    var last = steps.isEmpty() ? null : steps.get(steps.size() - 1);
    double reward = recorder.recentReward();
    return String.format(Locale.ROOT, "step %d v%d reward %s KL %s %.1f traj/s lag %d",
        run.learner() == null ? 0 : run.learner().step(), run.learner() == null ? 0 : run.learner().version(),
        Double.isNaN(reward) ? "-" : String.format(Locale.ROOT, "%.3f", reward),
        last == null ? "-" : String.format(Locale.ROOT, "%.4f", last.report().stats().klToReference()),
        recorder.trajectoriesPerSecond(now), recorder.learnerLag());
  }
}
