package io.shiq.app.cli;

import io.shiq.policy.cli.ModelOptions;
import io.shiq.envs.Environment;
import io.shiq.envs.Environments;
import io.shiq.actor.loop.ActorLoop;
import io.shiq.actor.loop.EpisodeRunner;
import io.shiq.actor.pace.BackPressure;
import io.shiq.actor.pace.LearnerLagMonitor;
import io.shiq.actor.weights.WeightSubscriber;
import io.shiq.app.metrics.ActorMeters;
import io.shiq.app.metrics.MetricsEndpoint;
import io.shiq.avro.Trajectory;
import io.shiq.policy.PolicyModel;
import io.shiq.policy.generate.SamplingParams;
import io.shiq.schemas.kafka.KafkaClients;
import io.shiq.schemas.topic.TopicAdmin;
import io.shiq.schemas.topic.Topics;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code shiq actor}: the policy in an environment, trajectories to Kafka, new weights swapped in between batches. */
@Command(name = "actor", mixinStandardHelpOptions = true,
    description = "Run an actor: batches of episodes of an environment with the current policy of an arm, each "
        + "episode produced as a Trajectory (token ids, action mask, behaviour log-probs, rewards, policy version) "
        + "to the trajectories topic; newer verified weights from the learner are swapped in between batches. "
        + "Several actors may run side by side (give each its own --actor-id).")
public final class ActorCommand implements Callable<Integer> {
  /** How often a paused actor asks the learner's lag again. */
  private static final Duration PAUSE_POLL = Duration.ofMillis(200);

  @Mixin
  ModelOptions modelOptions;

  @Mixin
  KafkaOptions kafkaOptions;

  @Option(names = "--env", description = "Environment: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
      completionCandidates = EnvNames.class)
  String env = "story-keyword";

  @Option(names = "--arm", description = "A/B arm (policy line) served (default: ${DEFAULT-VALUE}).")
  String arm = "main";

  @Option(names = "--experiment", paramLabel = "ID", description = "Serve every arm of this A/B experiment (see "
      + "'shiq ab start'): each episode's session is assigned an arm by a hash of its id, every arm's weights are held "
      + "at once; --arm is then not used.")
  String experiment;

  @Option(names = "--sessions", description = "With --experiment: the pool of simulated sessions (users) episodes are "
      + "drawn from; a session keeps its arm. The sample-ratio check counts episodes, so keep the pool much larger "
      + "than the episodes of an experiment unless sessions really repeat (default: ${DEFAULT-VALUE}).")
  int sessions = 1_000_000;

  @Option(names = "--actor-id", description = "Actor id in every trajectory (default: actor-<pid>).")
  String actorId;

  @Option(names = "--topic-prefix", description = "Topic prefix (default: ${DEFAULT-VALUE}).")
  String topicPrefix = Topics.DEFAULT_PREFIX;

  @Option(names = "--episodes-per-batch", description = "Episodes generated together (default: ${DEFAULT-VALUE}).")
  int episodesPerBatch = 32;

  @Option(names = "--max-tokens", description = "Tokens per policy turn at most (default: ${DEFAULT-VALUE}).")
  int maxTokens = 96;

  @Option(names = "--max-turns", description = "Policy turns (generation calls) per episode at most (default: 64 "
      + "for bfcl, whose records take several turns of several tool steps, 1 otherwise).")
  Integer maxTurns;

  @Option(names = "--data", paramLabel = "DIR", description = "BFCL data for --env bfcl: BFCL's data directory "
      + "(BFCL_v4_multi_turn_*.json, possible_answer/, multi_turn_func_doc/) or a shiq data directory with bfcl/ "
      + "(default: bfcl/ of the data directory).")
  java.nio.file.Path bfclData;

  @Option(names = "--category", paramLabel = "C", description = "BFCL categories to draw records from (repeatable; "
      + "default: all in --data).")
  List<String> categories = new java.util.ArrayList<>();

  @Option(names = "--temperature", description = "Sampling temperature (default: ${DEFAULT-VALUE}).")
  double temperature = 1.0;

  @Option(names = "--top-p", description = "Nucleus sampling mass (default: ${DEFAULT-VALUE}).")
  double topP = 1.0;

  @Option(names = "--seed", description = "Seed of tasks and sampling, mixed with the actor id so that actors started "
      + "alike (the replicas of a Deployment) draw different episodes; the same seed and actor id repeat a run "
      + "(default: ${DEFAULT-VALUE}).")
  long seed = 1;

  @Option(names = "--batches", description = "Batches to run, then exit; 0 runs until Ctrl-C (default: "
      + "${DEFAULT-VALUE}).")
  int batches = 0;

  @Option(names = "--no-weight-updates", description = "Keep the loaded weights; do not follow the learner.")
  boolean noWeightUpdates;

  @Option(names = "--ack-log", paramLabel = "FILE", description = "Append a line per trajectory the broker "
      + "acknowledged (id, topic, partition, offset) to FILE, handed to the OS before the next acknowledgement: "
      + "evidence of what was produced that survives a killed process ('shiq chaos' audits it).")
  java.nio.file.Path ackLog;

  @Option(names = "--check-weights", description = "Do not play: load the newest complete version of --arm from the "
      + "weight topics as between batches (every chunk, sha256 verified), print its number and checksum, and exit "
      + "(1 when there is none).")
  boolean checkWeights;

  @Option(names = "--max-rate", paramLabel = "EPISODES_PER_S", description = "Produce at most this many episodes per "
      + "second on average, sleeping between batches (a fixed load, e.g. for a soak test); 0: as fast as it can "
      + "(default: ${DEFAULT-VALUE}).")
  double maxRate = 0;

  @Option(names = "--max-learner-lag", description = "Pause while more replay batches than this wait for the arm's "
      + "learner (read from learner.metrics; a learner silent for 30 s does not count); -1: never pause (default: "
      + "${DEFAULT-VALUE}).")
  int maxLearnerLag = 4;

  @Mixin
  VerificationOptions verification;

  @Mixin
  MetricsOptions metricsOptions;

  @Option(names = "--config", paramLabel = "FILE", description = "Options from a .properties or .yaml file, keyed by "
      + "option name without dashes (env=story-sentiment, bootstrap-servers=...); the command line wins.")
  java.nio.file.Path configFile;

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  /** The environment names for --help. */
  static final class EnvNames extends java.util.ArrayList<String> {
    private static final long serialVersionUID = 1L;

    EnvNames() {
      super(Environments.NAMES);
    }
  }

  private ActorLoop.Settings settings(String id, Set<Integer> stop) {
    int turns = maxTurns != null ? maxTurns : Environments.defaultPolicyTurns(env);
    return new ActorLoop.Settings(id, arm, episodesPerBatch, turns, new SamplingParams(temperature, 0, topP,
        maxTokens, stop, 0), actorSeed(seed, id));
  }

  /**
   * The seed an actor runs with: --seed mixed with its id (SplitMix64's finaliser over both), so that replicas given
   * the same options do not generate the same episodes, while a given seed and id still repeat exactly.
   */
  static long actorSeed(long seed, String actorId) {
    long z = seed * 0x9E3779B97F4A7C15L
        + java.util.Arrays.hashCode(actorId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private io.shiq.actor.ab.ExperimentActorLoop experimentLoop(String id, Set<Integer> stop, PolicyModel model,
      Environment environment, KafkaProducer<String, SpecificRecord> producer, Topics topics, KafkaClients kafka,
      io.shiq.actor.weights.VersionCheck check) {
    ActorLoop.Settings s = settings(id, stop);
    return new io.shiq.actor.ab.ExperimentActorLoop(model.weights(), model.tokenizer(), environment,
        new io.shiq.actor.ab.ExperimentActorLoop.Settings(id, experiment, s.episodesPerBatch(), s.maxTurns(),
            s.sampling(), s.seed(), sessions), producer, topics,
        new io.shiq.actor.ab.ExperimentFollower(kafka, topics, experiment),
        new io.shiq.actor.weights.VersionCatalog(kafka, topics, model.weights().device(), check));
  }

  /** --data, else bfcl/ of the data directory (only read by --env bfcl). */
  private java.nio.file.Path bfclData() {
    if (bfclData != null || !env.equals("bfcl")) {
      return bfclData;
    }
    return io.shiq.policy.DataDirectory.find(modelOptions.dataDir, "bfcl").orElseThrow(() ->
        new IllegalArgumentException("--env bfcl needs BFCL's data: give --data DIR (none in "
            + io.shiq.policy.DataDirectory.searched(modelOptions.dataDir, "bfcl") + ")"));
  }

  @Override
  public Integer call() throws java.io.IOException {
    if (configFile != null) {
      return ConfigFiles.rerun(spec, configFile, new ActorCommand());
    }
    Topics topics = new Topics(topicPrefix);
    String id = actorId != null ? actorId : "actor-" + ManagementFactory.getRuntimeMXBean().getPid();
    if (checkWeights) {
      return checkWeights(id, topics, verification.check());
    }
    if (ackLog != null && experiment != null) {
      throw new IllegalArgumentException("--ack-log is not available with --experiment");
    }
    io.shiq.actor.loop.AckLog acks = ackLog == null ? null : io.shiq.actor.loop.AckLog.append(ackLog);
    io.shiq.actor.weights.VersionCheck check = verification.check(); // a bad key file fails before anything else
    // Local inputs first (model, tokenizer, BFCL data), then Kafka and the registry.
    PolicyModel model = PolicySource.load(env, modelOptions);
    maxTokens = Environments.defaults(env).answerTokens().orElse(maxTokens);
    Environment environment = Environments.create(env, model.tokenizer(), bfclData(), categories,
        java.time.Clock.systemDefaultZone());
    KafkaClients kafka = new KafkaClients(kafkaOptions.checkedSettings());
    try (Admin admin = kafka.admin()) {
      TopicAdmin.ensureAll(admin, topics);
    }
    Set<Integer> stop = environment.stopTokens().orElse(model.tokenizer().stopTokens());
    WeightSubscriber weights = noWeightUpdates || experiment != null ? null : new WeightSubscriber(kafka, topics, arm, 0,
        model.weights().device(), check);
    AtomicBoolean stopping = new AtomicBoolean();
    Thread hook = Shutdown.stopAndWait("shiq-actor-shutdown", () -> stopping.set(true), Thread.currentThread(),
        60_000);
    System.out.printf("actor %s: %s on %s, arm %s, model %s -> %s%n", id, env, model.weights().device(), arm,
        model.source(), topics.trajectories());
    try (LearnerLagMonitor pace = maxLearnerLag < 0 ? null : new LearnerLagMonitor(kafka, topics, arm,
            Duration.ofSeconds(30), maxLearnerLag);
         MetricsEndpoint metrics = metricsOptions.start(System.out::println);
         io.shiq.app.metrics.DependencyWatch watch = new io.shiq.app.metrics.DependencyWatch(kafka.settings(),
             metrics.registry(), Duration.ofSeconds(10), m -> System.err.println("shiq actor: " + m));
         KafkaProducer<String, SpecificRecord> producer = kafka.avroProducer(Map.of(ProducerConfig.LINGER_MS_CONFIG, "10"));
         io.shiq.actor.loop.BatchSource loop = experiment == null ? new ActorLoop(model.weights(), 0,
             model.tokenizer(), environment, settings(id, stop), producer, topics, weights)
             .onAcknowledged(acks == null ? null : acks::acknowledged)
             : experimentLoop(id, stop, model, environment, producer, topics, kafka, check)) {
      ActorMeters meters = new ActorMeters(metrics.registry(), id);
      check.addListener(meters::onRejected);
      if (batches >= 0) { // a negative --batches runs none, as it always did
        new EpisodeRunner(loop, pace == null ? BackPressure.NONE : pace, PAUSE_POLL, stopping::get)
            .addListener(new Console(pace, meters))
            .addListener(maxRate > 0 ? new io.shiq.actor.pace.Throttle(maxRate) : new EpisodeRunner.Listener() {})
            .run(batches);
      }
    }
    if (acks != null) {
      acks.close(); // after the producer: its close runs the last acknowledgements
    }
    Shutdown.remove(hook);
    return 0;
  }

  /**
   * --check-weights: what this actor would serve now, verified as between batches (the sha256, and the signature
   * when --policy-public-key is given).
   */
  private int checkWeights(String id, Topics topics, io.shiq.actor.weights.VersionCheck check) {
    KafkaClients kafka = new KafkaClients(kafkaOptions.checkedSettings());
    try (WeightSubscriber weights = new WeightSubscriber(kafka, topics, arm, 0, modelOptions.device(), check)) {
      java.util.Optional<WeightSubscriber.Loaded> loaded = weights.poll(Duration.ofSeconds(60));
      if (loaded.isEmpty()) {
        System.out.printf("actor %s: no complete version of arm %s%n", id, arm);
        return 1;
      }
      loaded.get().weights().close();
      io.shiq.avro.PolicyVersion v = loaded.get().announcement();
      System.out.printf("actor %s: arm %s v%d complete and verified, sha256 %s%n", id, arm, v.getVersion(),
          v.getSha256());
      return 0;
    }
  }

  /** Meters and a line per batch on the console; says when it pauses for the learner. */
  private final class Console implements EpisodeRunner.Listener {
    private final LearnerLagMonitor pace;
    private final ActorMeters meters;
    private final long t0 = System.nanoTime();
    private long episodes;

    Console(LearnerLagMonitor pace, ActorMeters meters) {
      this.pace = pace;
      this.meters = meters;
    }

    @Override
    public void onBatch(long index, List<Trajectory> out, long version) {
      if (out.isEmpty()) {
        return; // an experiment actor waiting for its experiment
      }
      episodes += out.size();
      meters.onBatch(out, version);
      double reward = out.stream().mapToDouble(ActorMeters::reward).sum() / out.size();
      System.out.printf("batch %d: %d episodes (%d in all, %.1f/s), mean reward %.3f, policy v%d%n", index + 1,
          out.size(), episodes, episodes / ((System.nanoTime() - t0) / 1e9), reward, version);
    }

    /** Back-pressure: the learner has more than --max-learner-lag batches to train on. */
    @Override
    public void onPause() {
      System.out.printf("pausing: %d batches wait for the learner (--max-learner-lag %d)%n", pace.lastLag(),
          maxLearnerLag);
    }
  }

}
