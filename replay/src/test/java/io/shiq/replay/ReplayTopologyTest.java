package io.shiq.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.avro.PolicyVersion;
import io.shiq.avro.PriorityUpdate;
import io.shiq.avro.ReplayBatch;
import io.shiq.avro.ReplayItem;
import io.shiq.avro.ReplayOrigin;
import io.shiq.avro.RewardEvent;
import io.shiq.avro.Trajectory;
import io.shiq.avro.WeightTransport;
import io.shiq.replay.topology.ReplayTopology;
import io.shiq.schemas.SampleRecords;
import io.shiq.schemas.registry.SchemaRegistryClient;
import io.shiq.schemas.registry.embedded.EmbeddedSchemaRegistry;
import io.shiq.schemas.serde.AvroDeserializer;
import io.shiq.schemas.serde.AvroSerializer;
import io.shiq.schemas.serde.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The replay topology's parts on Kafka Streams' TopologyTestDriver, with a real (in-memory) registry over HTTP. */
class ReplayTopologyTest {
  private static EmbeddedSchemaRegistry registry;
  private static SchemaRegistryClient client;
  private TopologyTestDriver driver;
  private ReplayConfig config;

  @BeforeAll
  static void startRegistry() throws Exception {
    registry = EmbeddedSchemaRegistry.startInMemory();
    client = new SchemaRegistryClient(registry.url());
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  @AfterEach
  void closeDriver() {
    if (driver != null) {
      driver.close();
    }
  }

  private void start(Map<String, String> options) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", "unused:9092");
    p.put("schema.registry.url", registry.url());
    p.put("application.id", "replay-test");
    p.put("state.dir", Files.createTempDirectory("replay-ttd").toString());
    p.put("replay.batch.size", "4");
    p.put("replay.min.size", "4");
    p.put("replay.fresh.fraction", "1.0");
    p.put("replay.samples.per.insert", "1.0");
    p.put("replay.samples.per.insert.tolerance", "0");
    options.forEach(p::put);
    config = ReplayConfig.from(p);
    Properties streams = new Properties();
    streams.putAll(config.streams());
    streams.put("application.id", config.applicationId());
    streams.put("bootstrap.servers", config.bootstrapServers());
    streams.put("state.dir", p.getProperty("state.dir"));
    driver = new TopologyTestDriver(ReplayTopology.build(config, client), streams);
  }

  private TestInputTopic<String, Trajectory> fresh() {
    return driver.createInputTopic(config.topics().trajectories(), new StringSerializer(), serializer());
  }

  private TestInputTopic<String, Trajectory> history() {
    return driver.createInputTopic(config.topics().trajectoriesHistory(), new StringSerializer(), serializer());
  }

  private static <T extends org.apache.avro.specific.SpecificRecord> AvroSerializer<T> serializer() {
    AvroSerializer<T> s = new AvroSerializer<>(client);
    s.configure(Map.of("schema.registry.url", registry.url()), false);
    return s;
  }

  private List<ReplayBatch> batches() {
    TestOutputTopic<String, ReplayBatch> out = driver.createOutputTopic(config.topics().replayBatches(),
        new StringDeserializer(), new AvroDeserializer<>(client, ReplayBatch.class));
    return out.readValuesToList();
  }

  private static Trajectory traj(int i) {
    return SampleRecords.trajectory(i, 4, 6, 512);
  }

  private static String id(int i) {
    return "traj-" + i;
  }

  private static List<String> ids(ReplayBatch b) {
    return b.getItems().stream().map(x -> x.getTrajectory().getTrajectoryId()).toList();
  }

  @Test
  void batchesCarryProvenanceAndFollowTheSampleToInsertRatio() throws Exception {
    start(Map.of("replay.samples.per.insert", "0.5"));
    for (int i = 0; i < 16; i++) {
      fresh().pipeInput(id(i), traj(i));
    }
    List<ReplayBatch> out = batches();
    assertEquals(2, out.size(), "16 inserts x 0.5 samples per insert = 8 items = 2 batches of 4");
    ReplayItem first = out.get(0).getItems().get(0);
    assertEquals(ReplayOrigin.FRESH, first.getOrigin());
    assertEquals(1, first.getTimesSampled());
    assertEquals(config.topics().trajectories(), first.getSourceTopic());
    assertTrue(first.getSourceOffset() >= 0);
    assertEquals(1, out.get(1).getSequence() - out.get(0).getSequence());
  }

  private double metric(String name) {
    return driver.metrics().entrySet().stream().filter(e -> e.getKey().name().equals(name))
        .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).sum();
  }

  @Test
  void lowestPriorityAndReservoirRemovers() throws Exception {
    // lowest-priority: traj-1 gets the lowest priority and is the one evicted by the 4th insert.
    start(Map.of("replay.capacity", "3", "replay.batch.size", "3", "replay.min.size", "3",
        "replay.samples.per.insert", "0.75", "replay.sampler", "fifo", "replay.remover", "lowest-priority"));
    var prio = driver.createInputTopic(config.topics().replayPriorities(), new StringSerializer(),
        ReplayTopologyTest.<PriorityUpdate>serializer());
    for (int i = 0; i < 3; i++) {
      fresh().pipeInput(id(i), traj(i));
      prio.pipeInput(id(i), PriorityUpdate.newBuilder().setTrajectoryId(id(i)).setPriority(i == 1 ? 0.1 : 5.0)
          .setLearnerStep(1).setCreatedAt(Instant.EPOCH).build());
    }
    fresh().pipeInput(id(3), traj(3));
    assertEquals(List.of(id(0), id(2), id(3)), ids(batches().get(0)));
    driver.advanceWallClockTime(Duration.ofSeconds(1));
    assertEquals(1.0, metric("evictions-total"));
    closeDriver();
    driver = null;
    // reservoir: 10 slots, 400 inserts, one batch of everything at the end: a uniform sample of all inserts, not
    // the last 10 (fifo) or the first 10 (lifo).
    start(Map.of("replay.capacity", "10", "replay.batch.size", "10", "replay.min.size", "10",
        "replay.samples.per.insert", "0.025", "replay.sampler", "fifo", "replay.remover", "reservoir"));
    for (int i = 0; i < 400; i++) {
      fresh().pipeInput(id(i), SampleRecords.trajectory(i, 2, 2, 512));
    }
    List<ReplayBatch> out = batches();
    assertEquals(1, out.size());
    List<Integer> kept = ids(out.get(0)).stream().map(x -> Integer.parseInt(x.substring(5))).toList();
    assertTrue(kept.stream().anyMatch(i -> i < 390) && kept.stream().anyMatch(i -> i >= 10), kept.toString());
  }

  @Test
  void uniformSamplerReachesEveryEntry() throws Exception {
    start(Map.of("replay.fresh.fraction", "0", "replay.batch.size", "2", "replay.min.size", "5",
        "replay.samples.per.insert", "40", "replay.max.times.sampled", "1000"));
    for (int i = 0; i < 5; i++) {
      history().pipeInput(id(i), traj(i));
    }
    java.util.Set<String> seen = batches().stream().flatMap(b -> ids(b).stream()).collect(Collectors.toSet());
    assertEquals(5, seen.size(), seen.toString());
  }

  @Test
  void manyAllowedBatchesGoOutAFewPerCallAndTheRestEverySecond() throws Exception {
    // Offline training on history: the rate limiter allows 5 x 20 / 2 = 50 batches at once. They leave at most 4 per
    // processed record and 4 per wall-clock second, so no Streams transaction grows without bound.
    start(Map.of("replay.fresh.fraction", "0", "replay.batch.size", "2", "replay.min.size", "5",
        "replay.samples.per.insert", "20", "replay.samples.per.insert.tolerance", "0", "replay.max.times.sampled",
        "1000", "replay.emit.max.batches", "4"));
    for (int i = 0; i < 5; i++) {
      history().pipeInput(id(i), traj(i));
    }
    assertEquals(4, batches().size());
    int total = 4;
    for (int second = 0; second < 20; second++) {
      driver.advanceWallClockTime(java.time.Duration.ofSeconds(1));
      int now = batches().size();
      assertTrue(now <= 4, "at most 4 a second, got " + now);
      total += now;
    }
    assertEquals(50, total, "every allowed batch goes out in the end");
  }

  @Test
  void theToleranceBandLetsSamplesRunAheadByThatManyItems() throws Exception {
    // ratio 0.5, band 4: a batch of 4 may go out when samples + 4 <= 0.5 x inserts + 4, i.e. at inserts 4, 8, 16, 24
    // (without the band: 8, 16, 24).
    start(Map.of("replay.samples.per.insert", "0.5", "replay.samples.per.insert.tolerance", "4"));
    int[] expectedAfter = {0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 3};
    int total = 0;
    for (int i = 0; i < expectedAfter.length; i++) {
      fresh().pipeInput(id(i), traj(i));
      total += batches().size();
      assertEquals(expectedAfter[i], total, "batches after " + (i + 1) + " inserts");
    }
  }

  @Test
  void reuseCapRemovesATrajectoryAfterItsLastAllowedSample() throws Exception {
    start(Map.of("replay.samples.per.insert", "3.0", "replay.max.times.sampled", "2",
        "replay.fresh.fraction", "0.0", "replay.samples.per.insert.tolerance", "0"));
    for (int i = 0; i < 12; i++) {
      fresh().pipeInput(id(i), traj(i));
    }
    Map<String, Long> counts = batches().stream().flatMap(b -> ids(b).stream())
        .collect(Collectors.groupingBy(x -> x, Collectors.counting()));
    assertFalse(counts.isEmpty());
    counts.forEach((k, n) -> assertTrue(n <= 2, k + " sampled " + n + " times"));
  }

  @Test
  void mixerTakesTheConfiguredFreshShareAndWaitsWhenAsked() throws Exception {
    start(Map.of("replay.fresh.fraction", "0.5", "replay.min.size", "8", "replay.samples.per.insert", "0.34"));
    for (int i = 0; i < 8; i++) {
      history().pipeInput(id(100 + i), traj(100 + i));
    }
    for (int i = 0; i < 4; i++) {
      fresh().pipeInput(id(i), traj(i));
    }
    List<ReplayBatch> out = batches();
    assertEquals(1, out.size());
    long freshCount = out.get(0).getItems().stream().filter(x -> x.getOrigin() == ReplayOrigin.FRESH).count();
    assertEquals(2, freshCount, "half of a batch of 4");
    closeDriver();
    driver = null;
    start(Map.of("replay.fresh.fraction", "1.0", "replay.fresh.shortfall", "wait", "replay.min.size", "4",
        "replay.samples.per.insert", "1.0", "replay.samples.per.insert.tolerance", "8"));
    for (int i = 0; i < 6; i++) {
      history().pipeInput(id(100 + i), traj(100 + i));
    }
    assertEquals(0, batches().size(), "no fresh data: the batch waits");
    for (int i = 0; i < 4; i++) {
      fresh().pipeInput(id(i), traj(i));
    }
    List<ReplayBatch> later = batches();
    assertEquals(1, later.size());
    assertTrue(later.get(0).getItems().stream().allMatch(x -> x.getOrigin() == ReplayOrigin.FRESH));
  }

  @Test
  void fifoAndNewestSamplersAndFifoAndLifoRemovers() throws Exception {
    // capacity 3; the only batch (3 items) goes out at the 4th insert and shows what the table kept.
    Map<String, String> base = Map.of("replay.capacity", "3", "replay.batch.size", "3", "replay.min.size", "3",
        "replay.samples.per.insert", "0.75", "replay.sampler", "fifo");
    Map<String, List<String>> expected = Map.of("fifo", List.of(id(1), id(2), id(3)), "lifo",
        List.of(id(0), id(1), id(3)));
    for (var e : expected.entrySet()) {
      Map<String, String> o = new HashMap<>(base);
      o.put("replay.remover", e.getKey());
      start(o);
      for (int i = 0; i < 4; i++) {
        fresh().pipeInput(id(i), traj(i));
      }
      List<ReplayBatch> out = batches();
      assertEquals(1, out.size(), e.getKey());
      assertEquals(e.getValue(), ids(out.get(0)), "remover " + e.getKey() + ", fifo sampler");
      closeDriver();
      driver = null;
    }
    Map<String, String> newest = new HashMap<>(base);
    newest.put("replay.sampler", "newest");
    newest.put("replay.batch.size", "2");
    newest.put("replay.min.size", "2");
    newest.put("replay.samples.per.insert", "0.5");
    start(newest);
    for (int i = 0; i < 4; i++) {
      fresh().pipeInput(id(i), traj(i));
    }
    List<ReplayBatch> out = batches();
    assertEquals(List.of(id(3), id(2)), ids(out.get(out.size() - 1)));
  }

  @Test
  void prioritiesSteerThePrioritizedSampler() throws Exception {
    start(Map.of("replay.sampler", "prioritized", "replay.priority.alpha", "1.0", "replay.priority.beta", "1.0",
        "replay.fresh.fraction", "0", "replay.batch.size", "1", "replay.min.size", "4",
        "replay.samples.per.insert", "1.0", "replay.samples.per.insert.tolerance", "200",
        "replay.max.times.sampled", "1000", "replay.emit.max.batches", "1000"));
    // The batches come out at insert time, so set priorities between the 4th insert and a trigger insert.
    for (int i = 0; i < 3; i++) {
      history().pipeInput(id(i), traj(i));
    }
    var prio = driver.createInputTopic(config.topics().replayPriorities(), new StringSerializer(),
        ReplayTopologyTest.<PriorityUpdate>serializer());
    prio.pipeInput(id(2), PriorityUpdate.newBuilder().setTrajectoryId(id(2)).setPriority(97.0).setLearnerStep(1)
        .setCreatedAt(Instant.EPOCH).build());
    history().pipeInput(id(3), traj(3)); // priorities 1, 1, 97, 1 -> P(traj-2) = 0.97
    List<ReplayBatch> out = batches();
    assertTrue(out.size() > 50, "batches: " + out.size());
    long hits = out.stream().filter(b -> ids(b).get(0).equals(id(2))).count();
    assertTrue(hits > 0.85 * out.size(), "high-priority share " + hits + "/" + out.size());
    ReplayItem heavy = out.stream().map(b -> b.getItems().get(0))
        .filter(x -> x.getTrajectory().getTrajectoryId().equals(id(2))).findFirst().orElseThrow();
    ReplayItem light = out.stream().map(b -> b.getItems().get(0))
        .filter(x -> !x.getTrajectory().getTrajectoryId().equals(id(2))).findFirst().orElseThrow();
    assertTrue(heavy.getImportanceWeight() < light.getImportanceWeight(), "importance weights correct the bias");
    assertEquals(97.0, heavy.getPriority(), 1e-9);
  }

  @Test
  void staleFreshTrajectoriesMoveToHistoryOrAreDropped() throws Exception {
    for (String action : List.of("history", "drop")) {
      start(Map.of("replay.staleness.max.versions", "4", "replay.staleness.action", action,
          "replay.min.size", "100"));
      var versions = driver.createInputTopic(config.topics().policyVersions(), new StringSerializer(),
          ReplayTopologyTest.<PolicyVersion>serializer());
      versions.pipeInput("main", PolicyVersion.newBuilder().setArm("main").setVersion(12).setLearnerStep(1200)
          .setFormat("safetensors").setModelConfigJson("{}").setSizeBytes(1).setSha256("x")
          .setTransport(WeightTransport.URI).setUri("file:///x").setObjective("shiq").setCreatedAt(Instant.EPOCH)
          .build());
      Trajectory old = traj(1); // policy version 7: 5 behind
      Trajectory recent = traj(2);
      recent.setPolicyVersion(9L);
      fresh().pipeInput(id(1), old);
      fresh().pipeInput(id(2), recent);
      var moved = driver.createOutputTopic(config.topics().trajectoriesHistory(), new StringDeserializer(),
          new AvroDeserializer<>(client, Trajectory.class)).readKeyValuesToList();
      if (action.equals("history")) {
        assertEquals(1, moved.size());
        assertEquals(id(1), moved.get(0).key);
      } else {
        assertEquals(0, moved.size());
      }
      closeDriver();
      driver = null;
    }
  }

  @Test
  void lateRewardsAreJoinedAndTimeOutToHistory() throws Exception {
    start(Map.of("replay.min.size", "1", "replay.batch.size", "1", "replay.reward.timeout.ms", "5000",
        "replay.reward.timeout.action", "history"));
    var rewards = driver.createInputTopic(config.topics().rewards(), new StringSerializer(),
        ReplayTopologyTest.<RewardEvent>serializer());
    Trajectory waiting = traj(1);
    waiting.setReward(null);
    waiting.setMetadata(Map.of("shiq.reward.pending", "true"));
    fresh().pipeInput(id(1), waiting);
    assertEquals(0, batches().size(), "held until its reward arrives");
    rewards.pipeInput(id(1), RewardEvent.newBuilder().setEventId("e1").setTrajectoryId(id(1)).setReward(0.75)
        .setSource("human").setCreatedAt(Instant.EPOCH).build());
    List<ReplayBatch> out = batches();
    assertEquals(1, out.size());
    Trajectory joined = out.get(0).getItems().get(0).getTrajectory();
    assertEquals(0.75, joined.getReward(), 1e-12);
    assertNull(joined.getMetadata().get("shiq.reward.pending"));
    // A reward that comes first waits for its trajectory.
    rewards.pipeInput(id(2), RewardEvent.newBuilder().setEventId("e2").setTrajectoryId(id(2)).setReward(0.5)
        .setSource("judge").setCreatedAt(Instant.EPOCH).build());
    Trajectory second = traj(2);
    second.setReward(null);
    second.setMetadata(Map.of("shiq.reward.pending", "true"));
    fresh().pipeInput(id(2), second);
    assertEquals(0.5, batches().get(0).getItems().get(0).getTrajectory().getReward(), 1e-12);
    // No reward in time: emitted unrewarded to history.
    Trajectory never = traj(3);
    never.setReward(null);
    never.setMetadata(Map.of("shiq.reward.pending", "true"));
    fresh().pipeInput(id(3), never);
    driver.advanceWallClockTime(Duration.ofSeconds(6));
    var moved = driver.createOutputTopic(config.topics().trajectoriesHistory(), new StringDeserializer(),
        new AvroDeserializer<>(client, Trajectory.class)).readKeyValuesToList();
    assertEquals(1, moved.size());
    assertEquals(id(3), moved.get(0).key);
    assertEquals("true", moved.get(0).value.getMetadata().get("shiq.reward.timeout"));
    // The test driver feeds the history topic back in: the timed-out trajectory comes back as historical data.
    assertEquals(List.of(id(3)), batches().stream().flatMap(b -> ids(b).stream()).toList());
    // A reward whose trajectory never comes is forgotten after the time-out: a later trajectory waits afresh.
    rewards.pipeInput(id(4), RewardEvent.newBuilder().setEventId("e4").setTrajectoryId(id(4)).setReward(0.9)
        .setSource("judge").setCreatedAt(Instant.EPOCH)
        .build());
    driver.advanceWallClockTime(Duration.ofSeconds(6));
    Trajectory late = traj(4);
    late.setReward(null);
    late.setMetadata(Map.of("shiq.reward.pending", "true"));
    fresh().pipeInput(id(4), late);
    org.apache.kafka.streams.state.KeyValueStore<String, Long> counters = driver.getKeyValueStore(
        "replay-counters");
    assertEquals(1L, counters.get("orphan-rewards"), "orphaned reward forgotten");
    assertEquals(0, batches().size(), "the orphaned reward was dropped, so the trajectory waits");
  }

  @Test
  void badRecordsGoToTheDeadLetterTopicAndTheTopologyKeepsRunning() throws Exception {
    start(Map.of("replay.min.size", "1", "replay.batch.size", "1"));
    var raw = driver.createInputTopic(config.topics().trajectories(), new StringSerializer(),
        new ByteArraySerializer());
    raw.pipeInput("garbage", "not avro".getBytes(StandardCharsets.UTF_8));
    Trajectory noAction = traj(1);
    noAction.getTurns().get(1).setActionMask(new ArrayList<>(java.util.Collections.nCopies(6, false)));
    Trajectory negative = traj(2);
    negative.setReward(-1.0);
    Trajectory mismatch = traj(3);
    mismatch.getTurns().get(0).setActionMask(List.of(false));
    Trajectory nan = traj(4);
    nan.getTurns().get(1).setReward(Double.NaN);
    fresh().pipeInput(id(1), noAction);
    fresh().pipeInput(id(2), negative);
    fresh().pipeInput(id(3), mismatch);
    fresh().pipeInput(id(4), nan);
    fresh().pipeInput(id(5), traj(5));
    driver.createInputTopic(config.topics().rewards(), new StringSerializer(),
        ReplayTopologyTest.<RewardEvent>serializer()).pipeInput(id(6), RewardEvent.newBuilder().setEventId("bad")
        .setTrajectoryId(id(6)).setReward(-2.0).setSource("judge").setCreatedAt(Instant.EPOCH).build());
    List<TestRecord<byte[], byte[]>> dead = driver.createOutputTopic(config.topics().deadLetters(),
        new ByteArrayDeserializer(), new ByteArrayDeserializer()).readRecordsToList();
    assertEquals(6, dead.size());
    List<String> reasons = dead.stream().map(r -> header(r, DeadLetterHeaders.REASON)).toList();
    assertTrue(reasons.get(0).startsWith("undecodable"), reasons.get(0));
    assertTrue(reasons.get(1).contains("no action token"), reasons.get(1));
    assertTrue(reasons.get(2).contains("negative"), reasons.get(2));
    assertTrue(reasons.get(3).contains("action-mask"), reasons.get(3));
    assertTrue(reasons.get(4).contains("NaN"), reasons.get(4));
    assertTrue(reasons.get(5).contains("invalid reward event bad") && reasons.get(5).contains("-2.0"),
        reasons.get(5));
    assertEquals("not avro", new String(dead.get(0).value(), StandardCharsets.UTF_8), "original bytes kept");
    assertEquals("0", header(dead.get(0), DeadLetterHeaders.OFFSET));
    // The same shiq.dlq.* headers as DeadLetterRouter's: the source timestamp, and the decoding error if any.
    for (TestRecord<byte[], byte[]> d : dead) {
      assertEquals(Long.toString(d.timestamp()), header(d, DeadLetterHeaders.TIMESTAMP));
    }
    assertEquals("org.apache.kafka.common.errors.SerializationException",
        header(dead.get(0), DeadLetterHeaders.ERROR_CLASS));
    assertTrue(header(dead.get(0), DeadLetterHeaders.ERROR_MESSAGE).contains("magic byte"),
        header(dead.get(0), DeadLetterHeaders.ERROR_MESSAGE));
    assertEquals("", header(dead.get(1), DeadLetterHeaders.ERROR_CLASS), "failed validation: no exception");
    assertEquals("", header(dead.get(1), DeadLetterHeaders.ERROR_MESSAGE));
    assertEquals(List.of(id(5)), ids(batches().get(0)), "the valid record after them is processed");
    driver.advanceWallClockTime(Duration.ofSeconds(1)); // metrics are reported every second
    assertEquals(6.0, metric("dead-letters-total"), "dead letters are counted in the Streams metrics");
    assertEquals(1.0, metric("inserts-total"));
    assertEquals(1.0, metric("samples-per-insert"));
  }

  @Test
  void aValueAboveTheSizeLimitGoesToTheDeadLetterTopicTruncatedAndTheNextRecordIsProcessed() throws Exception {
    start(Map.of("replay.min.size", "1", "replay.batch.size", "1", "replay.max.trajectory.bytes", "4096"));
    var raw = driver.createInputTopic(config.topics().trajectories(), new StringSerializer(),
        new ByteArraySerializer());
    byte[] huge = new byte[10_000];
    java.util.Arrays.fill(huge, (byte) 7);
    raw.pipeInput("huge", huge);
    fresh().pipeInput(id(1), traj(1));
    List<TestRecord<byte[], byte[]>> dead = driver.createOutputTopic(config.topics().deadLetters(),
        new ByteArrayDeserializer(), new ByteArrayDeserializer()).readRecordsToList();
    assertEquals(1, dead.size());
    String reason = header(dead.get(0), DeadLetterHeaders.REASON);
    assertTrue(reason.contains("10000 bytes exceeds replay.max.trajectory.bytes (4096)")
        && reason.contains("partition 0 offset 0"), reason);
    assertEquals("10000", header(dead.get(0), DeadLetterHeaders.VALUE_BYTES));
    assertEquals(1024, dead.get(0).value().length, "only the start of the value is kept");
    assertEquals("huge", new String(dead.get(0).key(), StandardCharsets.UTF_8));
    assertEquals(List.of(id(1)), ids(batches().get(0)), "the partition goes on");
  }

  private static String header(TestRecord<byte[], byte[]> record, String key) {
    var h = record.headers().lastHeader(key);
    assertNotNull(h, "no header " + key);
    return new String(h.value(), StandardCharsets.UTF_8);
  }
}
