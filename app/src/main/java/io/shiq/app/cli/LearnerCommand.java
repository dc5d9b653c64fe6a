package io.shiq.app.cli;

import io.shiq.policy.cli.ModelOptions;
import io.shiq.envs.Environments;
import io.shiq.app.metrics.MetricsEndpoint;
import io.shiq.learner.service.LearnerListener;
import io.shiq.learner.service.LearnerService;
import io.shiq.learner.service.LearnerSettings;
import io.shiq.policy.PolicyModel;
import io.shiq.schemas.topic.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code shiq learner}: training batches in, new policy versions, priorities and metrics out. */
@Command(name = "learner", mixinStandardHelpOptions = true,
    description = "Run the learner: consumes training batches from the replay buffer, trains the policy with the "
        + "objective (ShiQ by default) on the GPU when DJL sees one, publishes a new policy version every "
        + "--publish-every steps, sends trajectory priorities to the replay buffer and per-step metrics to "
        + "learner.metrics. Consumed offsets live in its checkpoints: a restarted learner continues after the last "
        + "batch it checkpointed, and no batch is trained on twice or skipped.")
public final class LearnerCommand implements Callable<Integer> {
  @Mixin
  ModelOptions modelOptions;

  @Mixin
  LearnerOptions learnerOptions;

  @Mixin
  KafkaOptions kafkaOptions;

  @Option(names = "--env", description = "Environment whose initial policy a new run starts from: synthetic starts "
      + "from the fixed random model the synthetic actors use; any other from --model (default: ${DEFAULT-VALUE}).")
  String env = "story-keyword";

  @Option(names = "--topic-prefix", description = "Topic prefix (default: ${DEFAULT-VALUE}).")
  String topicPrefix = Topics.DEFAULT_PREFIX;

  @Option(names = "--learner-id", description = "This learner's id; one live instance per id (default: "
      + "${DEFAULT-VALUE}).")
  String learnerId = "learner";

  @Option(names = "--arm", description = "A/B arm (policy line) whose versions it publishes (default: "
      + "${DEFAULT-VALUE}).")
  String arm = "main";

  @Option(names = "--checkpoint-dir", paramLabel = "DIR", description = "Checkpoints; an existing one is resumed "
      + "(default: checkpoints/<learner-id>).")
  Path checkpointDir;

  @Option(names = "--max-steps", description = "Stop after this many steps in all; 0 runs until Ctrl-C (default: "
      + "${DEFAULT-VALUE}).")
  long maxSteps = 0;

  @Option(names = "--start-from", description = "Without a checkpoint, start at the earliest or latest batch "
      + "(default: ${DEFAULT-VALUE}).")
  String startFrom = "earliest";

  @Option(names = "--seed", description = "Seeds what the trainer draws (default: ${DEFAULT-VALUE}).")
  long seed = 1;

  @Option(names = "--log-every", description = "Print a progress line every N steps (default: ${DEFAULT-VALUE}).")
  int logEvery = 10;

  @Mixin
  SigningOptions signing;

  @Mixin
  MetricsOptions metricsOptions;

  @Option(names = "--config", paramLabel = "FILE", description = "Options from a .properties or .yaml file, keyed by "
      + "option name without dashes (objective=dro, publish-every=8, ...); the command line wins.")
  Path configFile;

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (configFile != null) {
      return ConfigFiles.rerun(spec, configFile, new LearnerCommand());
    }
    if (!startFrom.equals("earliest") && !startFrom.equals("latest")) {
      throw new IllegalArgumentException("--start-from must be earliest or latest, got '" + startFrom + "'");
    }
    learnerOptions.applyEnvironmentDefaults(Environments.defaults(env), spec.commandLine().getParseResult());
    io.shiq.schemas.signing.PolicySigner signer = signing.signer(); // a bad key file fails before anything else
    // Local inputs first (the model, unless a checkpoint resumes the run), then Kafka and the registry.
    Path checkpoints = checkpointDir != null ? checkpointDir : Path.of("checkpoints", learnerId);
    if (Files.exists(checkpoints) && !Files.isDirectory(checkpoints)) {
      throw new IllegalArgumentException("--checkpoint-dir " + checkpoints + " is a file, not a directory");
    }
    if (!Files.isDirectory(checkpoints) || isEmpty(checkpoints)) {
      PolicySource.checkLocal(env, modelOptions);
    }
    LearnerSettings settings = new LearnerSettings(kafkaOptions.checkedSettings(), new Topics(topicPrefix),
        learnerId, arm, checkpointDir != null ? checkpointDir : Path.of("checkpoints", learnerId),
        learnerOptions.publishEvery, learnerOptions.checkpointEvery, maxSteps, startFrom.equals("latest"), signer);
    AtomicBoolean stopping = new AtomicBoolean();
    Thread hook = Shutdown.stopAndWait("shiq-learner-shutdown", () -> stopping.set(true), Thread.currentThread(),
        120_000);
    try (MetricsEndpoint metrics = metricsOptions.start(System.out::println);
         io.shiq.app.metrics.DependencyWatch watch = new io.shiq.app.metrics.DependencyWatch(settings.kafka(),
             metrics.registry(), java.time.Duration.ofSeconds(10), m -> System.err.println("shiq learner: " + m));
         LearnerService learner = LearnerService.open(settings, learnerOptions.trainerConfig(seed), () -> {
           PolicyModel m = PolicySource.load(env, modelOptions);
           return m.weights();
         }, modelOptions.device(), metrics.registry())) {
      System.out.printf("learner %s: %s on %s, step %d, %s -> policy %s v%d every %d steps, checkpoints in %s%n",
          learnerId, learner.trainer().config().objective().name(), learner.trainer().policy().device(),
          learner.step(), settings.topics().replayBatches(), arm, learner.version(), settings.publishEvery(),
          settings.checkpointDir().toAbsolutePath());
      learner.addListener(LearnerListener.steps(r -> {
        if (r.step() % logEvery == 0) {
          System.out.printf(Locale.ROOT, "step %d: v%d, loss %.4f, batch reward %.3f, KL %.4f, %.0f tokens/s, "
                  + "lag %d batches, waited %.0f%% of the time%n", r.step(), r.policyVersion(), r.stats().loss(),
              r.stats().meanReward(), r.stats().klToReference(), r.stats().tokensPerSecond(), r.consumerLag(),
              100 * learner.waitSeconds() / Math.max(1e-9, learner.waitSeconds() + learner.computeSeconds()));
        }
      }));
      learner.run(stopping::get);
      System.out.printf("learner %s: stopped at step %d, v%d%n", learnerId, learner.step(), learner.version());
    }
    Shutdown.remove(hook);
    return 0;
  }

  private static boolean isEmpty(Path dir) throws java.io.IOException {
    try (var entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }
}
