package io.shiq.ab.evaluate;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiq.ab.monitor.Decision;
import io.shiq.ab.monitor.Evaluation;
import io.shiq.ab.monitor.ExperimentMonitor;
import io.shiq.avro.DecisionKind;
import io.shiq.avro.EvalResult;
import io.shiq.avro.Experiment;
import io.shiq.avro.ExperimentStatus;
import io.shiq.avro.PolicyVersion;
import io.shiq.schemas.serde.AvroDeserializer;
import io.shiq.schemas.signing.PolicySigner;
import io.shiq.schemas.topic.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one monitor per experiment and evaluates them all on a wall-clock schedule (see {@link EvaluatorTopology}).
 * Per experiment, the progress store keeps what must survive a restart besides the statistics: the current window
 * (start, per-arm counts), the version serving each arm, and whether the decision has been written.
 */
final class EvaluatorProcessor implements Processor<String, byte[], String, Output> {
  private static final Logger LOG = LoggerFactory.getLogger(EvaluatorProcessor.class);
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /** What the evaluator remembers of an experiment besides its statistics. */
  public static final class Progress {
    public long windowStart;
    public Map<String, long[]> windowCounts = new HashMap<>(); // arm -> {episodes}
    public Map<String, Double> windowSums = new HashMap<>();
    public Map<String, Long> versions = new HashMap<>();
    /** Kind and arm of the last decision written ("WINNER/b"); a later rollback is a new decision. */
    public String lastDecision;
    public long updatedAt;
    public long episodesAtLastResults = -1;
  }

  static final class Supplier implements ProcessorSupplier<String, byte[], String, Output> {
    private final Topics topics;
    private final AvroDeserializer<Experiment> experiments;
    private final AvroDeserializer<PolicyVersion> versions;
    private final Duration every;
    private final PolicySigner signer;

    Supplier(Topics topics, AvroDeserializer<Experiment> experiments, AvroDeserializer<PolicyVersion> versions,
             Duration every, PolicySigner signer) {
      this.topics = topics;
      this.experiments = experiments;
      this.versions = versions;
      this.every = every;
      this.signer = signer;
    }

    @Override
    public Processor<String, byte[], String, Output> get() {
      return new EvaluatorProcessor(topics, experiments, versions, every, signer);
    }

    @Override
    public Set<StoreBuilder<?>> stores() {
      return Set.of(
          Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EvaluatorTopology.MONITORS), Serdes.String(),
              Serdes.ByteArray()),
          Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EvaluatorTopology.PROGRESS), Serdes.String(),
              Serdes.ByteArray()));
    }
  }

  private final Topics topics;
  private final AvroDeserializer<Experiment> experimentReader;
  private final AvroDeserializer<PolicyVersion> versionReader;
  private final Duration every;
  private final PolicySigner signer;
  private ProcessorContext<String, Output> context;
  private KeyValueStore<String, byte[]> monitors;
  private KeyValueStore<String, byte[]> progress;
  private KeyValueStore<String, byte[]> declared;
  private KeyValueStore<String, byte[]> announced;
  private final Map<String, ExperimentMonitor> cache = new HashMap<>();

  EvaluatorProcessor(Topics topics, AvroDeserializer<Experiment> experiments, AvroDeserializer<PolicyVersion> versions,
                     Duration every, PolicySigner signer) {
    this.topics = topics;
    this.experimentReader = experiments;
    this.versionReader = versions;
    this.every = every;
    this.signer = signer;
  }

  @Override
  public void init(ProcessorContext<String, Output> context) {
    this.context = context;
    cache.clear(); // a revived task (after an aborted transaction) must start again from its stores
    this.monitors = context.getStateStore(EvaluatorTopology.MONITORS);
    this.progress = context.getStateStore(EvaluatorTopology.PROGRESS);
    this.declared = context.getStateStore(EvaluatorTopology.EXPERIMENTS);
    this.announced = context.getStateStore(EvaluatorTopology.VERSIONS);
    context.schedule(every, PunctuationType.WALL_CLOCK_TIME, this::evaluateAll);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    String id = record.key();
    ObservationMessage m;
    try {
      m = ObservationMessage.fromBytes(record.value());
    } catch (UncheckedIOException e) {
      LOG.warn("experiment {}: skipping an undecodable observation: {}", id, e.getMessage());
      return;
    }
    Experiment experiment = experiment(id);
    if (experiment == null) {
      return;
    }
    ExperimentMonitor monitor = monitor(id, experiment);
    try {
      monitor.record(m.observation());
    } catch (IllegalArgumentException e) {
      LOG.warn("experiment {}: skipping the episode from {}: {}", id, m.source(), e.getMessage());
      return;
    }
    monitors.put(id, monitor.state());
    Progress p = progress(id);
    if (p.windowStart == 0) {
      p.windowStart = System.currentTimeMillis();
    }
    p.windowCounts.computeIfAbsent(m.observation().arm(), a -> new long[1])[0]++;
    p.windowSums.merge(m.observation().arm(), m.observation().reward(), Double::sum);
    p.versions.put(m.observation().arm(), m.policyVersion());
    save(id, p);
  }

  /** Evaluates every experiment with episodes: results once per window, a decision as soon as it is made. */
  private void evaluateAll(long now) {
    try (KeyValueIterator<String, byte[]> it = monitors.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        try {
          evaluate(kv.key, now);
        } catch (RuntimeException e) {
          LOG.error("experiment {}: evaluation failed: {}", kv.key, e.toString(), e);
        }
      }
    }
  }

  private void evaluate(String id, long now) {
    Experiment experiment = experiment(id);
    if (experiment == null) {
      return;
    }
    ExperimentMonitor monitor = monitor(id, experiment);
    Progress p = progress(id);
    Evaluation e = monitor.evaluate(now);
    boolean decide = e.decision().isPresent() && !key(e.decision().get()).equals(p.lastDecision);
    boolean windowDue = p.windowStart > 0 && now - p.windowStart >= experiment.getWindowMs();
    if (windowDue || decide) {
      Map<String, EvalRecords.WindowCounts> window = new HashMap<>();
      p.windowCounts.forEach((arm, n) -> window.put(arm, new EvalRecords.WindowCounts(n[0],
          p.windowSums.getOrDefault(arm, 0.0))));
      if (monitor.episodes() != p.episodesAtLastResults || decide) {
        for (EvalResult r : EvalRecords.results(monitor.experiment(), e, p.windowStart, window, p.versions,
            experiment.getEnvId())) {
          context.forward(new Record<>(r.getEvalId(), new Output(topics.evalResults(), r), now));
        }
        p.episodesAtLastResults = monitor.episodes();
      }
      p.windowStart = now;
      p.windowCounts.clear();
      p.windowSums.clear();
    }
    if (decide) {
      writeDecision(monitor.experiment(), e.decision().get(), now);
      p.lastDecision = key(e.decision().get());
    }
    save(id, p);
  }

  private void writeDecision(Experiment experiment, Decision d, long now) {
    Long rollbackVersion = null;
    String note = null;
    Experiment updated;
    if (d.kind() == DecisionKind.ROLLBACK) {
      Rollback.Plan plan = Rollback.plan(experiment, d.arm(), d.reason(), now, this::announcement);
      if (plan.announcement() != null) {
        rollbackVersion = plan.announcement().getVersion();
        PolicyVersion announcement = signer == null ? plan.announcement() : signer.sign(plan.announcement());
        context.forward(new Record<>(announcement.getArm(), new Output(topics.policyVersions(), announcement), now));
      }
      note = plan.note();
      updated = plan.experiment();
    } else {
      ExperimentStatus status = d.kind() == DecisionKind.STOPPED ? ExperimentStatus.STOPPED : ExperimentStatus.DECIDED;
      updated = Experiment.newBuilder(experiment).setStatus(status).setStatusReason(d.kind() + ": " + d.reason())
          .setUpdatedAt(Instant.ofEpochMilli(now)).build();
    }
    context.forward(new Record<>(experiment.getExperimentId(), new Output(topics.experimentDecisions(),
        EvalRecords.decision(experiment, d, rollbackVersion, note)), now));
    context.forward(new Record<>(experiment.getExperimentId(), new Output(topics.experiments(), updated), now));
    LOG.info("experiment {}: {}{} - {}{}", experiment.getExperimentId(), d.kind(),
        d.arm() == null ? "" : " " + d.arm(), d.reason(), note == null ? "" : " (" + note + ")");
  }

  private static String key(Decision d) {
    return d.kind() + "/" + d.arm();
  }

  /** The announcement of {@code line} at {@code version} (null: the newest), or null when none is known. */
  private PolicyVersion announcement(String line, Long version) {
    byte[] b = version == null ? announced.get(line) : announced.get(line + "@" + version);
    if (b == null && version != null) {
      byte[] latest = announced.get(line); // the global store may hold only the newest per line after a restore
      if (latest != null && versionReader.deserialize(topics.policyVersions(), latest).getVersion() == version) {
        b = latest;
      }
    }
    return b == null ? null : versionReader.deserialize(topics.policyVersions(), b);
  }

  private Experiment experiment(String id) {
    byte[] b = declared.get(id);
    return b == null ? null : experimentReader.deserialize(topics.experiments(), b);
  }

  /** The monitor of {@code id}, restored from the store, brought up to the experiment's latest record. */
  private ExperimentMonitor monitor(String id, Experiment experiment) {
    ExperimentMonitor m = cache.get(id);
    if (m == null) {
      byte[] state = monitors.get(id);
      m = state == null ? new ExperimentMonitor(experiment) : ExperimentMonitor.restore(experiment, state);
      cache.put(id, m);
    } else if (!m.experiment().equals(experiment)) {
      m.update(experiment);
    }
    return m;
  }

  private Progress progress(String id) {
    byte[] b = progress.get(id);
    if (b == null) {
      return new Progress();
    }
    try {
      return JSON.readValue(b, Progress.class);
    } catch (IOException e) {
      throw new UncheckedIOException("experiment " + id + ": unreadable evaluator progress", e);
    }
  }

  private void save(String id, Progress p) {
    try {
      progress.put(id, JSON.writeValueAsBytes(p));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> storeNames() {
    return List.of(EvaluatorTopology.MONITORS, EvaluatorTopology.PROGRESS);
  }
}
