package io.shiq.app.demo;

import ai.djl.Device;
import io.micrometer.core.instrument.MeterRegistry;
import io.shiq.envs.Environment;
import io.shiq.actor.loop.ActorLoop;
import io.shiq.actor.loop.BatchSource;
import io.shiq.actor.loop.EpisodeRunner;
import io.shiq.actor.pace.BackPressure;
import io.shiq.actor.weights.WeightSubscriber;
import io.shiq.embedded.EmbeddedStack;
import io.shiq.app.metrics.ActorMeters;
import io.shiq.app.metrics.ReplayMeters;
import io.shiq.avro.Trajectory;
import io.shiq.learner.service.LearnerListener;
import io.shiq.learner.service.LearnerService;
import io.shiq.learner.service.LearnerSettings;
import io.shiq.learner.train.TrainerConfig;
import io.shiq.policy.PolicyModel;
import io.shiq.policy.generate.SamplingParams;
import io.shiq.replay.ReplayConfig;
import io.shiq.replay.ReplayService;
import io.shiq.schemas.kafka.KafkaClients;
import io.shiq.schemas.topic.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole online loop in one JVM: the embedded KRaft broker and schema registry, the replay buffer (Kafka Streams),
 * the learner and several actor threads, all talking through the same topics as separate processes would. State
 * (broker log, replay stores, learner checkpoints) lives under one directory, so a second run resumes where the first
 * stopped.
 *
 * <p>Back-pressure: the replay buffer emits a batch per {@code batch size / samples-per-insert} new trajectories, so
 * actors faster than the learner would pile up batches that grow staler while they wait. Actors therefore pause while
 * more than {@code maxLearnerLag} batches wait for the learner.
 *
 * <p>Signed versions: the run keeps a key pair under {@code stateDir/keys} (made on first start); the learner signs
 * every version with it and the actors load only versions that verify, as separate processes given
 * {@code --signing-key} and {@code --policy-public-key} would.
 */
public final class DemoRun implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DemoRun.class);
  /** How often a paused actor asks the learner's lag again. */
  private static final Duration PAUSE_POLL = Duration.ofMillis(50);

  /**
   * @param stateDir          broker data, replay stores and checkpoints (kept between runs)
   * @param env               environment name
   * @param trainer           trainer configuration of a new run
   * @param actors            actor threads
   * @param episodesPerBatch  episodes each actor generates together
   * @param maxTokens         tokens per policy turn at most
   * @param temperature       actors' sampling temperature
   * @param seed              seeds tasks, sampling and the replay buffer
   * @param publishEvery      a new policy version every this many learner steps
   * @param checkpointEvery   a checkpoint every this many learner steps
   * @param maxLearnerLag     actors pause while more batches than this wait for the learner
   * @param replay            replay options (ReplayConfig keys) over the demo's defaults
   * @param environment       makes each actor's environment (named {@code env})
   * @param maxTurns          policy turns per episode at most
   */
  public record Settings(Path stateDir, String env, TrainerConfig trainer, int actors, int episodesPerBatch,
                         int maxTokens, double temperature, long seed, int publishEvery, int checkpointEvery,
                         int maxLearnerLag, Map<String, String> replay,
                         java.util.function.Supplier<Environment> environment, int maxTurns) {
    public Settings {
      if (actors < 1) {
        throw new IllegalArgumentException("--actors must be >= 1, got " + actors);
      }
      if (episodesPerBatch < 1 || maxTokens < 1) {
        throw new IllegalArgumentException("episodes per batch and max tokens must be >= 1");
      }
    }
  }

  private final Settings settings;
  private final PolicyModel model;
  private final DemoRecorder recorder;
  private final MeterRegistry registry;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final List<Thread> actorThreads = new ArrayList<>();
  private final AtomicBoolean actorsStopping = new AtomicBoolean();
  private int generation;
  private EmbeddedStack stack;
  private ReplayService replay;
  private LearnerService learner;
  private Thread learnerThread;
  private KafkaProducer<String, SpecificRecord> producer;
  private long resumedFromStep;
  private boolean closed;
  private io.shiq.schemas.signing.PolicySigner signer;
  private io.shiq.schemas.signing.PolicyVerifier verifier;

  public DemoRun(Settings settings, PolicyModel model, DemoRecorder recorder, MeterRegistry registry) {
    this.settings = settings;
    this.model = model;
    this.recorder = recorder;
    this.registry = registry;
  }

  /** Starts everything; returns once the broker, replay buffer, learner and actors are running. */
  public void start() throws IOException {
    Files.createDirectories(settings.stateDir());
    Topics topics = Topics.withDefaultPrefix();
    stack = EmbeddedStack.start(new EmbeddedStack.Options(settings.stateDir().resolve("kafka"), 0, 0, 0, topics));

    Properties p = ReplayConfig.connection(stack.kafkaSettings());
    p.put("application.id", "shiq-demo-replay");
    p.put("state.dir", settings.stateDir().resolve("streams").toAbsolutePath().toString());
    p.put("replay.seed", Long.toString(settings.seed()));
    p.put("replay.batch.size", "32");
    p.put("replay.min.size", "32");
    p.put("replay.samples.per.insert", "1.0");
    p.put("replay.samples.per.insert.tolerance", "64");
    p.put("replay.fresh.fraction", "0.75");
    p.put("replay.max.times.sampled", "4");
    p.put("replay.staleness.max.versions", "3");
    // A resumed demo's replay buffer rejoins its group; the member of the previous run stays until its session times
    // out (Kafka Streams does not leave on close), so keep that short: the broker's minimum, 6 s, not 45 s.
    p.put("consumer.session.timeout.ms", "6000");
    p.put("consumer.heartbeat.interval.ms", "1500");
    p.putAll(settings.replay());
    replay = ReplayService.start(ReplayConfig.from(p));
    ReplayMeters.bind(registry, replay);

    Device device = model.weights().device();
    Path keys = settings.stateDir().resolve("keys");
    if (!Files.exists(keys.resolve(io.shiq.schemas.signing.SigningKeys.PRIVATE_FILE))) {
      io.shiq.schemas.signing.SigningKeys.writePair(io.shiq.schemas.signing.SigningKeys.generate(), keys);
    }
    signer = io.shiq.schemas.signing.PolicySigner.load(keys.resolve(io.shiq.schemas.signing.SigningKeys.PRIVATE_FILE));
    verifier = io.shiq.schemas.signing.PolicyVerifier.load(List.of(keys.resolve(
        io.shiq.schemas.signing.SigningKeys.PUBLIC_FILE)));
    LearnerSettings ls = new LearnerSettings(stack.kafkaSettings(), topics, "demo-learner", "main",
        settings.stateDir().resolve("learner"), settings.publishEvery(), settings.checkpointEvery(), 0,
        false, signer);
    learner = LearnerService.open(ls, settings.trainer(), () -> model.weights().copy(), device, registry);
    resumedFromStep = learner.step();
    learner.addListener(LearnerListener.steps(recorder::onStep));
    learnerThread = new Thread(() -> guard("learner", () -> learner.run(stopping::get)), "shiq-demo-learner");
    learnerThread.start();

    KafkaClients kafka = stack.clients();
    producer = kafka.avroProducer(Map.of(ProducerConfig.LINGER_MS_CONFIG, "10"));
    startActors((actorId, env, as) -> new ActorLoop(model.weights().copy(), 0, model.tokenizer(), env, as, producer,
        topics, new WeightSubscriber(kafka, topics, "main", 0, device, versionCheck())));
  }

  /** The key the run's learner signs versions with (set by {@link #start}). */
  public io.shiq.schemas.signing.PolicySigner signer() {
    return signer;
  }

  /** A new check of the run's key, for one more actor. */
  public io.shiq.actor.weights.VersionCheck versionCheck() {
    return io.shiq.actor.weights.VersionCheck.signedBy(verifier);
  }

  /** The run's public key, trusted by its actors. */
  public io.shiq.schemas.signing.PolicyVerifier verifier() {
    return verifier;
  }

  /** Makes one actor's batch source from its id, environment and settings. */
  public interface ActorFactory {
    BatchSource make(String actorId, Environment env, ActorLoop.Settings settings);
  }

  /**
   * Stops the running actors (after their current batch) and starts {@code settings.actors()} new ones made by
   * {@code factory}, e.g. actors serving an A/B experiment in place of the single-arm ones.
   */
  public void replaceActors(ActorFactory factory) {
    actorsStopping.set(true);
    for (Thread t : actorThreads) {
      join(t);
    }
    actorThreads.clear();
    actorsStopping.set(false);
    generation++;
    startActors(factory);
  }

  public KafkaProducer<String, SpecificRecord> producer() {
    return producer;
  }

  public PolicyModel model() {
    return model;
  }

  public Settings settings() {
    return settings;
  }

  private void startActors(ActorFactory factory) {
    BackPressure learnerLag = () -> recorder.learnerLag() > settings.maxLearnerLag();
    for (int i = 0; i < settings.actors(); i++) {
      String actorId = "demo-actor-" + i;
      Environment env = settings.environment().get();
      Set<Integer> stop = env.stopTokens().orElse(model.tokenizer().stopTokens());
      ActorLoop.Settings as = new ActorLoop.Settings(actorId, "main", settings.episodesPerBatch(), settings.maxTurns(),
          new SamplingParams(settings.temperature(), 0, 1.0, settings.maxTokens(), stop, 0),
          settings.seed() * 1_000 + i + 1_000_000L * resumedFromStep + 7_919L * generation);
      BatchSource loop = factory.make(actorId, env, as);
      ActorMeters meters = new ActorMeters(registry, actorId + (generation == 0 ? "" : "-" + generation));
      EpisodeRunner runner = new EpisodeRunner(loop, learnerLag, PAUSE_POLL,
          () -> stopping.get() || actorsStopping.get())
          .addListener(new EpisodeRunner.Listener() {
            @Override
            public void onBatch(long index, List<Trajectory> out, long version) {
              if (out.isEmpty()) {
                return;
              }
              meters.onBatch(out, version);
              recorder.onEpisodes(actorId, out, version);
            }
          });
      Thread t = new Thread(() -> guard(actorId, () -> {
        try (loop) {
          runner.run(0);
        }
        return null;
      }), "shiq-demo-" + actorId);
      actorThreads.add(t);
      t.start();
    }
  }

  private interface Body {
    Object run() throws Exception;
  }

  private void guard(String who, Runnable r) {
    guard(who, () -> {
      r.run();
      return null;
    });
  }

  private void guard(String who, Body body) {
    try {
      body.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable e) {
      if (!stopping.get()) {
        LOG.error("demo {} failed: {}", who, e.toString(), e);
        failure.compareAndSet(null, new IllegalStateException(who + " failed: " + e.getMessage(), e));
        stopping.set(true);
      }
    }
  }

  /** Learner step at which this run started (0 for a new run). */
  public long resumedFromStep() {
    return resumedFromStep;
  }

  public LearnerService learner() {
    return learner;
  }

  public EmbeddedStack stack() {
    return stack;
  }

  /** The first failure of a component, if any (the run stops on it). */
  public Throwable failure() {
    return failure.get();
  }

  public boolean stopping() {
    return stopping.get();
  }

  /** Asks every component to stop after its current batch or step. */
  public void requestStop() {
    stopping.set(true);
  }

  /** Stops actors, then the learner (final checkpoint), then the replay buffer and the broker. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopping.set(true);
    for (Thread t : actorThreads) {
      join(t);
    }
    if (learnerThread != null) {
      join(learnerThread);
    }
    if (learner != null) {
      learner.close();
    }
    if (producer != null) {
      producer.close(Duration.ofSeconds(10));
    }
    if (replay != null) {
      replay.close(Duration.ofSeconds(30));
    }
    if (stack != null) {
      stack.close();
    }
  }

  private static void join(Thread t) {
    try {
      t.join(120_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
