package io.shiq.learner.service;

import ai.djl.Device;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.shiq.avro.LearnerMetrics;
import io.shiq.avro.PolicyVersion;
import io.shiq.avro.PriorityUpdate;
import io.shiq.avro.ReplayBatch;
import io.shiq.avro.ReplayItem;
import io.shiq.learner.objective.Objectives;
import io.shiq.learner.objective.TrainingSequence;
import io.shiq.learner.publish.WeightPublisher;
import io.shiq.learner.train.StepStats;
import io.shiq.learner.train.Trainer;
import io.shiq.learner.train.TrainerConfig;
import io.shiq.policy.model.LlamaWeights;
import io.shiq.schemas.kafka.KafkaClients;
import io.shiq.schemas.serde.AvroDeserializer;
import io.shiq.schemas.serde.DeadLetterRouter;
import io.shiq.schemas.topic.TopicAdmin;
import io.shiq.schemas.topic.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The learner as a service: consumes training batches from {@code replay.batches}, trains one step per batch, and
 * sends the step's {@link LearnerMetrics} to {@code learner.metrics}, its trajectory priorities (mean |residual|) to
 * {@code replay.priorities}, and every {@code publishEvery} steps a new policy version to the actors.
 *
 * <p>Exactly-once training accounting. The learner does not use consumer-group commits: the next offset of every
 * batch partition is stored inside each checkpoint, and a starting learner seeks to the offsets of its latest one. A
 * step's outputs wait in an outbox that is saved in the checkpoint covering the step and released after it, in one
 * Kafka transaction (the transactional id is derived from the learner id, so a restarted learner also fences an old
 * instance that is still alive). The order of one step is:
 * <ol>
 *   <li>train on the batch (in memory);</li>
 *   <li>checkpoint: weights, optimizer, next offsets, outbox (atomic rename);</li>
 *   <li>release the outbox in a transaction;</li>
 *   <li>publish the policy version (on publish steps).</li>
 * </ol>
 * A crash before 2 loses the in-memory step: the restart trains the same batch again from the same state, and nothing
 * of the lost step was visible. A crash after 2 resumes after the batch; on start the learner reads the last step it
 * reported and re-sends only the outbox entries not yet committed, and publishes the version of a checkpointed publish
 * step that was not announced. So every batch appears once, in order, in the learner's reported steps.
 */
public final class LearnerService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LearnerService.class);

  /** Where a test may stop the learner as if it crashed (see {@link LearnerListener#onFault}). */
  public enum FaultPoint {
    /** Trained in memory, nothing saved or sent: mid-step. */
    AFTER_TRAIN,
    /** Checkpoint written, outputs not released: mid-step. */
    AFTER_CHECKPOINT,
    /** Outputs released and version published: between steps. */
    AFTER_STEP
  }

  /**
   * What one step did, for progress displays.
   *
   * @param step           learner steps in all (this one included)
   * @param policyVersion  latest version published by this learner
   * @param batchId        the batch trained on
   * @param batchSequence  the replay buffer's sequence number of that batch
   * @param stats          the trainer's diagnostics
   * @param waitSeconds    time spent waiting for this batch
   * @param computeSeconds time spent training, checkpointing and sending for this step
   * @param consumerLag    batches waiting behind this one
   * @param versionLag     mean (current version - version that generated the trajectory) over the batch
   */
  public record StepReport(long step, long policyVersion, String batchId, long batchSequence, StepStats stats,
                           double waitSeconds, double computeSeconds, long consumerLag, double versionLag) {}

  private final LearnerSettings settings;
  private final Trainer trainer;
  private final TrajectoryConverter converter;
  private final BatchReader reader;
  private final StepOutputs outputs;
  private final KafkaProducer<String, SpecificRecord> weightsProducer;
  private final KafkaProducer<byte[], byte[]> deadLetterProducer;
  private final Admin admin;
  private final WeightPublisher publisher;
  private final DeadLetterRouter deadLetters;
  private final AvroDeserializer<ReplayBatch> batches;
  private final Outbox outbox = new Outbox();
  private final List<LearnerListener> listeners = new ArrayList<>();
  private long version;
  private final KafkaClients kafka;
  private long versionStep;
  private long skippedBatches;
  private double waitNanos;
  private double computeNanos;
  private boolean closed;

  private LearnerService(LearnerSettings settings, Trainer trainer, Outbox restored, MeterRegistry registry) {
    this.settings = settings;
    this.trainer = trainer;
    this.converter = new TrajectoryConverter(trainer.policy().config().vocabSize(),
        trainer.policy().config().maxSeqLen());
    listeners.add(new LearnerMeters(registry == null ? new SimpleMeterRegistry() : registry, settings.learnerId()));
    Topics topics = settings.topics();
    KafkaClients kafka = new KafkaClients(settings.kafka());
    this.kafka = kafka;
    this.batches = kafka.deserializer(ReplayBatch.class);
    this.admin = kafka.admin();
    TopicAdmin.ensureAll(admin, topics);
    this.reader = new BatchReader(kafka);
    this.outputs = new StepOutputs(kafka, topics, settings.learnerId());
    this.weightsProducer = kafka.avroProducer(Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
        Integer.toString(2 * 1024 * 1024)));
    this.publisher = new WeightPublisher(weightsProducer, admin, topics, WeightPublisher.DEFAULT_CHUNK_BYTES, 3,
        settings.signer());
    if (settings.signer() != null) {
      LOG.info("learner {}: signing policy versions with key {}", settings.learnerId(), settings.signer().keyId());
    }
    this.deadLetterProducer = kafka.producer(new ByteArraySerializer(), new ByteArraySerializer(), Map.of());
    this.deadLetters = new DeadLetterRouter(deadLetterProducer, topics.deadLetters());

    recover(restored, kafka);
    reader.assign(topics.replayBatches(), trainer.positions(), settings.startFromLatest());
    listeners.forEach(l -> l.onVersion(version));
  }

  /**
   * Opens the learner: resumes from the latest checkpoint under the settings' checkpoint directory when there is one
   * (its trainer configuration wins over {@code config}), otherwise starts a new run from {@code initial}'s weights,
   * which also become the frozen reference.
   *
   * @param registry Micrometer registry for the learner's meters (null: a private one)
   */
  public static LearnerService open(LearnerSettings settings, TrainerConfig config, Supplier<LlamaWeights> initial,
                                    Device device, MeterRegistry registry) throws IOException {
    if (Objectives.create(config.objective()).needsPairs()) {
      throw new IllegalArgumentException("objective " + config.objective().name() + " trains on (y, y') pairs of one "
          + "prompt, and replay batches are not made of such pairs; use shiq, naive, shifted-sampling, shifted-init "
          + "or dro online (pairwise objectives are available offline: shiq bench synthetic / stories)");
    }
    Optional<Path> latest = Trainer.latest(settings.checkpointDir());
    Trainer trainer;
    Outbox restored = new Outbox();
    if (latest.isPresent()) {
      trainer = Trainer.resume(settings.checkpointDir(), device, config);
      Path box = latest.get().resolve(Outbox.FILE);
      if (Files.exists(box)) {
        restored = Outbox.decode(Files.readAllBytes(box), box.toString());
      }
      LOG.info("learner {}: resuming from {} (step {}, offsets {})", settings.learnerId(), latest.get(), trainer.step(),
          trainer.positions());
      List<Trainer.ConfigChange> changes = trainer.configChanges();
      if (!changes.isEmpty() && changes.get(changes.size() - 1).fromStep() == trainer.step() + 1) {
        LOG.info("learner {}: changed on resume, applied from step {}: {}", settings.learnerId(),
            trainer.step() + 1, String.join(", ", changes.get(changes.size() - 1).changes()));
      }
    } else {
      trainer = new Trainer(initial.get(), config);
      LOG.info("learner {}: new run in {} with objective {}", settings.learnerId(), settings.checkpointDir(),
          config.objective().name());
    }
    try {
      return new LearnerService(settings, trainer, restored, registry);
    } catch (RuntimeException e) {
      trainer.close();
      throw e;
    }
  }

  /**
   * Adds a listener after those already there (the first is the learner's meters); listeners are called in the order
   * they were added, on the learner's thread.
   */
  public LearnerService addListener(LearnerListener listener) {
    listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    return this;
  }

  public Trainer trainer() {
    return trainer;
  }

  public long step() {
    return trainer.step();
  }

  /** Latest version this learner published (or found announced for its arm on start). */
  public long version() {
    return version;
  }

  public long skippedBatches() {
    return skippedBatches;
  }

  /** Seconds spent waiting for batches since this instance started. */
  public double waitSeconds() {
    return waitNanos / 1e9;
  }

  /** Seconds spent training, checkpointing and publishing since this instance started. */
  public double computeSeconds() {
    return computeNanos / 1e9;
  }

  public boolean done() {
    return settings.maxSteps() > 0 && trainer.step() >= settings.maxSteps();
  }

  /** Runs steps until {@code stop} says so or max steps are done. */
  public void run(java.util.function.BooleanSupplier stop) {
    while (!stop.getAsBoolean() && !done()) {
      runOnce(Duration.ofMillis(500));
    }
  }

  /**
   * Waits up to {@code timeout} for the next batch and trains on it; returns whether a step was taken (a batch that
   * cannot be decoded or holds no usable trajectory is skipped, logged and counted).
   */
  public boolean runOnce(Duration timeout) {
    long t0 = System.nanoTime();
    ConsumerRecord<byte[], byte[]> record = reader.next(timeout);
    long t1 = System.nanoTime();
    waitNanos += t1 - t0;
    double waited = (t1 - t0) / 1e9;
    listeners.forEach(l -> l.onWait(waited));
    if (record == null) {
      return false;
    }
    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
    Optional<ReplayBatch> decoded = deadLetters.decode(record, batches);
    if (decoded.isEmpty()) {
      skip(tp, record, "undecodable (sent to " + settings.topics().deadLetters() + ")");
      return false;
    }
    ReplayBatch batch = decoded.get();
    List<TrainingSequence> sequences = new ArrayList<>();
    double versionLag = 0;
    for (ReplayItem item : batch.getItems()) {
      try {
        sequences.add(converter.convert(item));
        versionLag += Math.max(0, version - item.getTrajectory().getPolicyVersion());
      } catch (IllegalArgumentException e) {
        LOG.warn("batch {} at {}: skipping a trajectory: {}", batch.getBatchId(), DeadLetterRouter.where(record),
            e.getMessage());
      }
    }
    if (sequences.isEmpty()) {
      skip(tp, record, "batch " + batch.getBatchId() + " has no usable trajectory");
      return false;
    }
    versionLag /= sequences.size();
    StepStats stats = trainer.step(sequences);
    trainer.positions().put(key(tp), Long.toString(record.offset() + 1));
    fault(FaultPoint.AFTER_TRAIN);

    long step = trainer.step();
    long lag = reader.lag();
    boolean publish = step % settings.publishEvery() == 0;
    Instant now = Instant.now();
    List<PriorityUpdate> priorities = new ArrayList<>();
    stats.priorities().forEach((id, priority) -> priorities.add(PriorityUpdate.newBuilder().setTrajectoryId(id)
        .setPriority(priority).setLearnerStep(step).setCreatedAt(now).build()));
    Map<String, Double> extra = new HashMap<>();
    extra.put("batch.sequence", (double) batch.getSequence());
    extra.put("batch.size", (double) sequences.size());
    extra.put("wait.seconds", (t1 - t0) / 1e9);
    extra.put("consumer.lag", (double) lag);
    extra.put("policy.version.lag", versionLag);
    outbox.add(new Outbox.Entry(LearnerMetrics.newBuilder().setLearnerId(settings.learnerId())
        .setArm(settings.arm()).setStep(step).setPolicyVersion(publish ? version + 1 : version).setCreatedAt(now)
        .setObjective(trainer.config().objective().name()).setBatchId(batch.getBatchId()).setLoss(stats.loss())
        .setMeanReward(stats.meanReward()).setKlToRef(stats.klToReference())
        .setMeanAbsResidual(stats.meanAbsResidual()).setGradNorm(stats.gradNorm())
        .setLearningRate(stats.learningRate()).setTokensPerSecond(stats.tokensPerSecond())
        .setTrajectories(stats.trajectories()).setActionTokens(stats.actionTokens()).setExtra(extra).build(),
        priorities));
    if (publish || step % settings.checkpointEvery() == 0 || done()) {
      checkpoint();
      fault(FaultPoint.AFTER_CHECKPOINT);
      release();
      if (publish) {
        publish(step);
      }
    }
    fault(FaultPoint.AFTER_STEP);
    long t2 = System.nanoTime();
    computeNanos += t2 - t1;
    StepReport report = new StepReport(step, version, batch.getBatchId(), batch.getSequence(), stats,
        (t1 - t0) / 1e9, (t2 - t1) / 1e9, lag, versionLag);
    listeners.forEach(l -> l.onStep(report));
    return true;
  }

  private void fault(FaultPoint point) {
    listeners.forEach(l -> l.onFault(point));
  }

  private void skip(TopicPartition tp, ConsumerRecord<byte[], byte[]> record, String why) {
    skippedBatches++;
    listeners.forEach(l -> l.onSkip(why));
    trainer.positions().put(key(tp), Long.toString(record.offset() + 1));
    LOG.warn("learner {}: skipping the batch at {}: {}", settings.learnerId(), DeadLetterRouter.where(record), why);
  }

  private void checkpoint() {
    try {
      trainer.save(settings.checkpointDir(), Map.of(Outbox.FILE, outbox.encode()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a checkpoint under " + settings.checkpointDir(), e);
    }
  }

  /** Sends the outbox in one transaction. */
  private void release() {
    outputs.release(outbox);
  }

  private void publish(long step) {
    // Someone else may have announced a newer version of this line since (an A/B evaluator's rollback re-announces
    // the control's weights under the treatment's line): versions of a line only grow, so continue above it.
    long announced = KafkaTail.latestVersion(kafka, settings.topics(), settings.arm()).map(PolicyVersion::getVersion)
        .orElse(0L);
    if (announced > version) {
      LOG.info("learner {}: {} v{} was announced by someone else ({}); publishing above it", settings.learnerId(),
          settings.arm(), announced, "e.g. an A/B rollback");
      version = announced;
    }
    PolicyVersion v = publisher.publish(settings.arm(), version + 1, step, trainer.policy(),
        trainer.config().objective().name(), version == 0 ? null : version);
    version = v.getVersion();
    versionStep = step;
    listeners.forEach(l -> l.onVersion(version));
    LOG.info("learner {}: published {} v{} (step {})", settings.learnerId(), settings.arm(), version, step);
  }

  /**
   * Re-sends what a crash left unsent and publishes a checkpointed version that was not announced (what to redo is
   * decided by {@link Recovery}).
   */
  private void recover(Outbox restored, KafkaClients kafka) {
    Recovery plan = Recovery.plan(settings, kafka, trainer.step(), restored);
    version = plan.version();
    versionStep = plan.versionStep();
    plan.unsent().forEach(outbox::add);
    if (!outbox.isEmpty()) {
      LOG.info("learner {}: releasing the outputs of {} checkpointed step(s) a crash left unsent",
          settings.learnerId(), outbox.entries().size());
      release();
    }
    if (plan.publishUnannounced()) {
      long step = trainer.step();
      LOG.info("learner {}: publishing the version of checkpointed step {} that a crash left unannounced",
          settings.learnerId(), step);
      publish(step);
    }
  }

  private static String key(TopicPartition tp) {
    return BatchReader.key(tp);
  }

  /** Saves a final checkpoint (releasing what is pending) and closes the clients. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (!outbox.isEmpty()) {
        checkpoint();
        release();
      }
    } finally {
      closeClients(Duration.ofSeconds(10));
      trainer.close();
      listeners.forEach(LearnerListener::onClose);
    }
  }

  /** Drops everything without saving or sending: what a crash leaves (for tests). */
  public void abandon() {
    closed = true;
    closeClients(Duration.ZERO);
    trainer.close();
    listeners.forEach(LearnerListener::onClose);
  }

  private void closeClients(Duration timeout) {
    reader.close();
    outputs.close(timeout);
    weightsProducer.close(timeout);
    deadLetterProducer.close(timeout);
    admin.close(timeout);
  }
}
