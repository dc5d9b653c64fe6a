package io.shiq.replay.topology;

import io.shiq.avro.PriorityUpdate;
import io.shiq.avro.ReplayItem;
import io.shiq.avro.ReplayOrigin;
import io.shiq.avro.RewardEvent;
import io.shiq.avro.Trajectory;
import io.shiq.avro.Turn;
import io.shiq.replay.ReplayConfig;
import io.shiq.replay.table.Candidate;
import io.shiq.replay.table.Sampler;
import io.shiq.schemas.registry.RegistryUnreachableException;
import io.shiq.schemas.serde.AvroDeserializer;
import io.shiq.schemas.serde.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The replay table of one partition: inserts fresh and historical trajectories (after validation, staleness and the
 * late-reward join), applies priority updates, evicts with the remover when full, and emits batches whenever the
 * rate limiter and the mixer allow. All state lives in changelogged stores, so a restarted task continues where the
 * last committed transaction left it.
 */
final class ReplayProcessor implements Processor<String, byte[], Object, Object> {
  /** Metadata key of a trajectory whose reward comes later on the rewards topic. */
  static final String REWARD_PENDING = "shiq.reward.pending";

  // The stores this processor owns (declared by ReplayProcessorSupplier; names are also changelog names: never rename).
  static final String ENTRIES = "replay-entries";
  static final String META = "replay-meta";
  static final String PENDING = "replay-pending-rewards";
  static final String EARLY_REWARDS = "replay-early-rewards";
  static final String COUNTERS = "replay-counters";
  /** The global store of the latest policy version per arm, read for staleness. */
  static final String VERSIONS = "replay-policy-versions";
  // The children it forwards to: the topology's sinks.
  static final String BATCHES = "batches";
  static final String TO_HISTORY = "to-history";
  static final String TO_HISTORY_AVRO = "to-history-avro";
  static final String DEAD_LETTERS = "dead-letters";
  /** How much of a too-large value its dead letter keeps. */
  static final int DEAD_LETTER_SAMPLE_BYTES = 1024;

  private final ReplayConfig config;
  private final AvroDeserializer<Trajectory> trajectories;
  private final AvroDeserializer<RewardEvent> rewards;
  private final AvroDeserializer<PriorityUpdate> priorities;
  private final TrajectoryBodies bodies;
  private ProcessorContext<Object, Object> context;
  private KeyValueStore<String, StoredTrajectory> entries;
  private KeyValueStore<String, byte[]> meta;
  private KeyValueStore<String, ReplayItem> pending;
  private KeyValueStore<String, RewardEvent> early;
  private KeyValueStore<String, Long> counters;
  private ReadOnlyKeyValueStore<String, Long> versions;
  private int partition;
  private ReplayMetrics metrics;
  // In-memory mirrors of the meta and counters stores (rebuilt from them at init, written through on every change):
  // sampling decisions scan the table's metadata, which must not cost a store iteration per batch.
  private final Map<String, EntryMeta> index = new java.util.LinkedHashMap<>();
  private final Map<String, Long> counts = new HashMap<>();
  private final java.util.Set<String> dirtyCounts = new java.util.HashSet<>();
  private long freshEntries;

  ReplayProcessor(ReplayConfig config, AvroDeserializer<Trajectory> trajectories,
                  AvroDeserializer<RewardEvent> rewards, AvroDeserializer<PriorityUpdate> priorities,
                  TrajectoryBodies bodies) {
    this.config = config;
    this.bodies = bodies;
    this.trajectories = trajectories;
    this.rewards = rewards;
    this.priorities = priorities;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
    this.entries = context.getStateStore(ENTRIES);
    this.meta = context.getStateStore(META);
    this.pending = context.getStateStore(PENDING);
    this.early = context.getStateStore(EARLY_REWARDS);
    this.counters = context.getStateStore(COUNTERS);
    this.versions = context.getStateStore(VERSIONS);
    this.partition = context.taskId().partition();
    this.metrics = new ReplayMetrics(context.metrics(), context.taskId().toString());
    try (KeyValueIterator<String, byte[]> it = meta.all()) {
      while (it.hasNext()) {
        var kv = it.next();
        EntryMeta m = EntryMeta.decode(kv.value);
        index.put(kv.key, m);
        freshEntries += m.fresh() ? 1 : 0;
      }
    }
    try (KeyValueIterator<String, Long> it = counters.all()) {
      while (it.hasNext()) {
        var kv = it.next();
        counts.put(kv.key, kv.value);
      }
    }
    context.schedule(Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME, this::everySecond);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    try {
      route(record);
    } finally {
      flushCounters();
    }
  }

  private void route(Record<String, byte[]> record) {
    RecordMetadata where = context.recordMetadata().orElseThrow();
    String topic = where.topic();
    boolean trajectory = topic.equals(config.topics().trajectories())
        || topic.equals(config.topics().trajectoriesHistory());
    if (trajectory && record.value() != null && record.value().length > config.maxTrajectoryBytes()) {
      tooLarge(record, where);
    } else if (topic.equals(config.topics().trajectories())) {
      decode(record, where, trajectories).ifPresent(t -> onTrajectory(record, where, t, true));
    } else if (topic.equals(config.topics().trajectoriesHistory())) {
      decode(record, where, trajectories).ifPresent(t -> onTrajectory(record, where, t, false));
    } else if (topic.equals(config.topics().rewards())) {
      decode(record, where, rewards).ifPresent(r -> onReward(record, where, r));
    } else if (topic.equals(config.topics().replayPriorities())) {
      decode(record, where, priorities).ifPresent(this::onPriority);
    }
  }

  // ---- inputs -----------------------------------------------------------------------------------------------

  private void onTrajectory(Record<String, byte[]> record, RecordMetadata where, Trajectory t, boolean fresh) {
    String problem = TrajectoryChecks.problem(t);
    if (problem == null && record.key() == null) {
      problem = "no record key (the key must be the trajectory's id)";
    }
    if (problem != null) {
      deadLetter(record, where, "invalid trajectory " + t.getTrajectoryId() + ": " + problem + " (topic "
          + where.topic() + " partition " + where.partition() + " offset " + where.offset() + ")", null);
      return;
    }
    if (fresh) {
      Long latest = versions.get(t.getArm());
      if (latest != null) {
        bump(ReplayMetrics.stalenessCounter(latest - t.getPolicyVersion()), 1);
      }
      if (latest != null && latest - t.getPolicyVersion() > config.maxStaleVersions()) {
        bump("stale", 1);
        if (config.staleAction() == ReplayConfig.StaleAction.HISTORY) {
          context.forward(new Record<>(record.key(), record.value(), record.timestamp(), record.headers()),
              TO_HISTORY);
        }
        return;
      }
    }
    ReplayItem item = ReplayItem.newBuilder()
        .setTrajectory(t)
        .setOrigin(fresh ? ReplayOrigin.FRESH : ReplayOrigin.HISTORICAL)
        .setSourceTopic(where.topic())
        .setSourcePartition(where.partition())
        .setSourceOffset(where.offset())
        .setTimesSampled(0)
        .setPriority(1.0)
        .setImportanceWeight(1.0)
        .setInsertedAt(Instant.ofEpochMilli(record.timestamp()))
        .build();
    if ("true".equals(t.getMetadata().get(REWARD_PENDING))) {
      RewardEvent waiting = early.get(record.key());
      if (waiting == null) {
        item.setInsertedAt(Instant.ofEpochMilli(context.currentSystemTimeMs()));
        pending.put(record.key(), item);
        return;
      }
      early.delete(record.key());
      applyReward(item.getTrajectory(), waiting);
      insert(record.key(), item, bodies.encode(item.getTrajectory()));
    } else {
      insert(record.key(), item, bodies.body(where.topic(), record.value(), t));
    }
    emitBatches();
  }

  private void onReward(Record<String, byte[]> record, RecordMetadata where, RewardEvent r) {
    String key = record.key();
    double v = r.getReward();
    if (key == null || v < 0 || Double.isNaN(v) || Double.isInfinite(v)) {
      deadLetter(record, where, "invalid reward event " + r.getEventId() + " for " + r.getTrajectoryId() + ": "
          + (key == null ? "no record key (the key must be the trajectory id)" : "reward " + v), null);
      return;
    }
    ReplayItem waiting = pending.get(key);
    if (waiting == null) {
      early.put(key, r);
      return;
    }
    pending.delete(key);
    applyReward(waiting.getTrajectory(), r);
    waiting.setInsertedAt(Instant.ofEpochMilli(context.currentSystemTimeMs()));
    insert(key, waiting, bodies.encode(waiting.getTrajectory()));
    emitBatches();
  }

  private void onPriority(PriorityUpdate p) {
    EntryMeta m = index.get(p.getTrajectoryId());
    if (m != null && p.getPriority() > 0 && Double.isFinite(p.getPriority())) {
      putMeta(p.getTrajectoryId(), m.withPriority(p.getPriority()));
    }
  }

  private void putMeta(String key, EntryMeta m) {
    EntryMeta old = index.put(key, m);
    freshEntries += (m.fresh() ? 1 : 0) - (old != null && old.fresh() ? 1 : 0);
    meta.put(key, m.encode());
  }

  private static void applyReward(Trajectory t, RewardEvent r) {
    if (r.getTurnIndex() == null) {
      t.setReward(r.getReward());
    } else if (r.getTurnIndex() >= 0 && r.getTurnIndex() < t.getTurns().size()) {
      Turn turn = t.getTurns().get(r.getTurnIndex());
      turn.setReward(r.getReward());
    }
    Map<String, String> m = new HashMap<>(t.getMetadata());
    m.remove(REWARD_PENDING);
    m.put("shiq.reward.source", r.getSource());
    t.setMetadata(m);
  }

  /** Every second: gauges, then pending trajectories whose reward did not come in time. */
  private void everySecond(long now) {
    expirePending(now);
    emitBatches(); // what the per-call cap held back when no record arrives (offline training on history)
    reportMetrics();
  }

  private final Map<String, Long> reported = new HashMap<>();

  /** Metrics from the counters: deltas since the last report for rates and totals, current values for gauges. */
  void reportMetrics() {
    metrics.report(name -> {
      long value = get(name);
      long delta = value - reported.getOrDefault(name, 0L);
      reported.put(name, value);
      return delta;
    });
    recordGauges();
  }

  /** Pending trajectories whose reward did not come in time: dropped, or emitted unrewarded to history. */
  private void expirePending(long now) {
    List<String> expired = new ArrayList<>();
    try (KeyValueIterator<String, ReplayItem> it = pending.all()) {
      while (it.hasNext()) {
        var kv = it.next();
        if (kv.value.getInsertedAt().toEpochMilli() + config.rewardTimeoutMs() <= now) {
          expired.add(kv.key);
          if (config.rewardTimeoutAction() == ReplayConfig.StaleAction.HISTORY) {
            Trajectory t = kv.value.getTrajectory();
            Map<String, String> m = new HashMap<>(t.getMetadata());
            m.remove(REWARD_PENDING);
            m.put("shiq.reward.timeout", "true");
            t.setMetadata(m);
            context.forward(new Record<>(kv.key, t, now), TO_HISTORY_AVRO);
          }
        }
      }
    }
    expired.forEach(pending::delete);
    bump("reward-timeouts", expired.size());
    // Rewards whose trajectory never came are forgotten after the same time-out (by their creation time).
    List<String> orphans = new ArrayList<>();
    try (KeyValueIterator<String, RewardEvent> it = early.all()) {
      while (it.hasNext()) {
        var kv = it.next();
        if (kv.value.getCreatedAt().toEpochMilli() + config.rewardTimeoutMs() <= now) {
          orphans.add(kv.key);
        }
      }
    }
    orphans.forEach(early::delete);
    bump("orphan-rewards", orphans.size());
    flushCounters();
  }

  // ---- the table --------------------------------------------------------------------------------------------

  private void insert(String key, ReplayItem item, byte[] body) {
    long inserts = bump("inserts", 1);
    int tokens = TrajectoryChecks.tokens(item.getTrajectory());
    if (index.containsKey(key)) {
      remove(key); // a newer copy replaces the older one
    }
    SplittableRandom rnd = new SplittableRandom(config.seed() * 1_000_003L + partition * 7919L + inserts);
    while (get("size") >= config.capacity() || get("tokens") + tokens > config.capacityTokens()) {
      if (get("size") == 0) {
        return; // a trajectory larger than the whole token budget: nothing can make room
      }
      Optional<Candidate> victim = config.remover().victim(candidates(null), inserts, config.capacity(), rnd);
      if (victim.isEmpty()) {
        bump("reservoir-rejections", 1);
        return;
      }
      remove(victim.get().key());
      bump("evictions", 1);
    }
    long order = bump("insert-order", 1);
    entries.put(key, new StoredTrajectory(item.getSourceTopic(), item.getSourcePartition(), item.getSourceOffset(),
        item.getInsertedAt().toEpochMilli(), body));
    putMeta(key, new EntryMeta(order, item.getPriority(), 0, item.getOrigin() == ReplayOrigin.FRESH, tokens));
    bump("size", 1);
    bump("tokens", tokens);
  }

  private void recordGauges() {
    metrics.table(get("size"), freshEntries, get("inserts"), get("samples"));
  }

  private void remove(String key) {
    EntryMeta m = index.remove(key);
    if (m == null) {
      return;
    }
    freshEntries -= m.fresh() ? 1 : 0;
    entries.delete(key);
    meta.delete(key);
    bump("size", -1);
    bump("tokens", -m.tokens());
  }

  /** Candidates of the table; fresh only (true), historical only (false) or all (null). */
  private List<Candidate> candidates(Boolean fresh) {
    List<Candidate> out = new ArrayList<>();
    for (var e : index.entrySet()) {
      EntryMeta m = e.getValue();
      if (fresh == null || m.fresh() == fresh) {
        out.add(new Candidate(e.getKey(), m.insertOrder(), m.priority(), m.timesSampled()));
      }
    }
    return out;
  }

  private void emitBatches() {
    int size = config.batchSize();
    for (int emitted = 0; emitted < config.emitMaxBatches()
        && config.rateLimiter().canSample(get("inserts"), get("samples"), get("size"), size); emitted++) {
      List<Candidate> fresh = candidates(true);
      List<Candidate> historical = candidates(false);
      int[] split = config.mixer().split(size, fresh.size(), historical.size());
      if (split == null) {
        return;
      }
      long sequence = bump("batches", 1);
      SplittableRandom rnd = new SplittableRandom(config.seed() * 31L + partition * 1_000_003L + sequence);
      List<Sampler.Pick> picks = new ArrayList<>(config.sampler().pick(fresh, split[0], rnd));
      picks.addAll(config.sampler().pick(historical, split[1], rnd));
      List<RawBatch.Item> items = new ArrayList<>();
      for (Sampler.Pick pick : picks) {
        String key = pick.candidate().key();
        StoredTrajectory stored = entries.get(key);
        EntryMeta m = index.get(key);
        EntryMeta after = m.sampled();
        items.add(new RawBatch.Item(stored.body(), m.fresh() ? ReplayOrigin.FRESH : ReplayOrigin.HISTORICAL,
            stored.sourceTopic(), stored.sourcePartition(), stored.sourceOffset(), after.timesSampled(),
            m.priority(), pick.importanceWeight(), stored.insertedAtMs()));
        if (after.timesSampled() >= config.maxTimesSampled()) {
          remove(key); // reuse cap reached
        } else {
          putMeta(key, after);
        }
      }
      bump("samples", items.size());
      String batchId = "replay-" + config.applicationId() + "-p" + partition + "-" + sequence;
      RawBatch batch = new RawBatch(batchId, sequence, context.currentSystemTimeMs(), items, latestVersion(),
          get("size"), config.sampler().name());
      context.forward(new Record<>(batchId, batch, context.currentSystemTimeMs()), BATCHES);
    }
  }

  private long latestVersion() {
    long latest = -1;
    try (KeyValueIterator<String, Long> it = versions.all()) {
      while (it.hasNext()) {
        latest = Math.max(latest, it.next().value);
      }
    }
    return latest;
  }

  // ---- plumbing ---------------------------------------------------------------------------------------------

  private <T> Optional<T> decode(Record<String, byte[]> record, RecordMetadata where,
                                 org.apache.kafka.common.serialization.Deserializer<T> d) {
    try {
      return Optional.ofNullable(d.deserialize(where.topic(), record.value()));
    } catch (RegistryUnreachableException e) {
      throw e; // not the record's fault: fail the task, nothing is committed, it is retried
    } catch (KafkaException | IllegalArgumentException e) {
      deadLetter(record, where, "undecodable: " + e.getMessage(), e);
      return Optional.empty();
    }
  }

  /** {@code error} is the decoding failure, or null for a record that decoded but failed validation. */
  private void deadLetter(Record<String, byte[]> record, RecordMetadata where, String reason, Throwable error) {
    Headers h = DeadLetterHeaders.of(record.headers(), where.topic(), where.partition(), where.offset(),
        record.timestamp(), reason, error);
    deadLetter(record, record.value(), h);
  }

  /**
   * A value above replay.max.trajectory.bytes is not decoded (a compressed batch can carry one far above the broker's
   * message limit): its dead letter keeps only the first {@link #DEAD_LETTER_SAMPLE_BYTES}, so it stays small enough
   * to be produced, and says the original size.
   */
  private void tooLarge(Record<String, byte[]> record, RecordMetadata where) {
    int size = record.value().length;
    String reason = "too large: a value of " + size + " bytes exceeds replay.max.trajectory.bytes ("
        + config.maxTrajectoryBytes() + ") at topic " + where.topic() + " partition " + where.partition()
        + " offset " + where.offset() + "; the dead letter keeps its first " + DEAD_LETTER_SAMPLE_BYTES + " bytes";
    Headers h = DeadLetterHeaders.of(record.headers(), where.topic(), where.partition(), where.offset(),
        record.timestamp(), reason, null);
    h.add(DeadLetterHeaders.VALUE_BYTES, Integer.toString(size).getBytes(StandardCharsets.UTF_8));
    deadLetter(record, java.util.Arrays.copyOf(record.value(), DEAD_LETTER_SAMPLE_BYTES), h);
  }

  private void deadLetter(Record<String, byte[]> record, byte[] value, Headers headers) {
    byte[] key = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
    context.forward(new Record<>(key, value, record.timestamp(), headers), DEAD_LETTERS);
    bump("dead-letters", 1);
  }

  private long get(String counter) {
    return counts.getOrDefault(counter, 0L);
  }

  private long bump(String counter, long delta) {
    long v = get(counter) + delta;
    counts.put(counter, v);
    dirtyCounts.add(counter);
    return v;
  }

  /** Writes the counters changed by one input record, once each (they change several times per record). */
  private void flushCounters() {
    for (String c : dirtyCounts) {
      counters.put(c, counts.get(c));
    }
    dirtyCounts.clear();
  }
}
