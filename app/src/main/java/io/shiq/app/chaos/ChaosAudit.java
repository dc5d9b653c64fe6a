package io.shiq.app.chaos;

import io.shiq.actor.loop.AckLog;
import io.shiq.avro.LearnerMetrics;
import io.shiq.avro.PolicyVersion;
import io.shiq.avro.ReplayBatch;
import io.shiq.avro.ReplayItem;
import io.shiq.schemas.kafka.KafkaClients;
import io.shiq.schemas.serde.AvroDeserializer;
import io.shiq.schemas.serde.DeadLetterHeaders;
import io.shiq.schemas.topic.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * What {@code shiq chaos} checks once the stack has drained, from the topics, the actors' acknowledgement logs and the
 * processes' own reports, never from the chaos run's own bookkeeping of what it hoped happened:
 * <ul>
 *   <li><b>lost</b>: trajectories an actor's producer got an acknowledgement for that are neither in the replay table
 *       (the last committed value of its changelog topic) nor in any committed replay batch;</li>
 *   <li><b>trained twice</b>: batches that appear in more than one of the learner's committed step reports;</li>
 *   <li><b>skipped</b>: batch sequence numbers, per replay partition, from 1 to the highest emitted, that the learner
 *       neither trained nor reported skipping (so a gap in the emitted sequence counts too);</li>
 *   <li><b>dead letters</b>: every injected bad record in the dead-letter topic once, with a reason that says what
 *       was wrong, and nothing else there;</li>
 *   <li><b>versions</b>: every actor ends on the newest announced version of its arm, complete and verified.</li>
 * </ul>
 */
final class ChaosAudit {
  /** A bad record the broker acknowledged. */
  record Injected(BadRecords.Kind kind, String key, String topic, int partition, long offset) {}

  /** What an actor reported on its final weight check ({@code shiq actor --check-weights}). */
  record ActorCheck(String actor, long version, String sha256, String output) {}

  /** The figures and the lines of the human summary. */
  record Result(long acked, long lost, long trainedTwice, long skipped, long reportedSkips, long batches,
                long steps, int dlqExpected, int dlqFound, int dlqMatched, long tableSize, long sampledIds,
                long lastVersion, boolean actorsOnLastVersion, List<String> problems) {
    boolean passed() {
      return lost == 0 && trainedTwice == 0 && skipped == 0 && dlqFound == dlqExpected && dlqMatched == dlqExpected
          && actorsOnLastVersion;
    }
  }

  private static final Pattern BATCH_ID = Pattern.compile("(.*-p\\d+)-(\\d+)");
  private static final Pattern SKIP = Pattern.compile("skipping the batch at topic (\\S+) partition (\\d+) offset "
      + "(\\d+)");

  private ChaosAudit() {}

  static Result run(KafkaClients kafka, Topics topics, String replayApplicationId, List<Path> ackLogs,
                    List<Injected> injected, String learnerLog, List<ActorCheck> actorChecks, String arm)
      throws IOException {
    List<String> problems = new ArrayList<>();
    Duration read = Duration.ofSeconds(120);

    // What actors were told the broker has.
    Map<String, AckLog.Entry> acked = new LinkedHashMap<>();
    for (Path log : ackLogs) {
      for (AckLog.Entry e : AckLog.read(log)) {
        acked.putIfAbsent(e.trajectoryId(), e);
      }
    }

    // The replay table: the last committed value of each key of its entries' changelog.
    Map<String, Boolean> table = new HashMap<>();
    try (TopicTail changelog = new TopicTail(kafka, replayApplicationId + "-replay-entries-changelog")) {
      if (!changelog.catchUp(read)) {
        problems.add("could not read the replay table's changelog to its end");
      }
      for (ConsumerRecord<byte[], byte[]> r : changelog.records()) {
        table.put(new String(r.key(), StandardCharsets.UTF_8), r.value() != null);
      }
    }
    long tableSize = table.values().stream().filter(b -> b).count();

    // Committed batches: what was sampled, and the sequence numbers per replay partition.
    AvroDeserializer<ReplayBatch> batchReader = kafka.deserializer(ReplayBatch.class);
    Set<String> sampled = new HashSet<>();
    Map<String, TreeSet<Long>> emitted = new TreeMap<>();
    Map<Long, String> batchAtOffset = new HashMap<>();
    long batches = 0;
    try (TopicTail tail = new TopicTail(kafka, topics.replayBatches())) {
      if (!tail.catchUp(read)) {
        problems.add("could not read " + topics.replayBatches() + " to its end");
      }
      for (ConsumerRecord<byte[], byte[]> r : tail.records()) {
        ReplayBatch b = batchReader.deserialize(r.topic(), r.value());
        batches++;
        batchAtOffset.put(r.offset(), b.getBatchId().toString());
        for (ReplayItem item : b.getItems()) {
          sampled.add(item.getTrajectory().getTrajectoryId().toString());
        }
        emitted.computeIfAbsent(stream(b.getBatchId().toString()), k -> new TreeSet<>()).add(b.getSequence());
      }
    }

    long lost = 0;
    for (AckLog.Entry e : acked.values()) {
      if (!Boolean.TRUE.equals(table.get(e.trajectoryId())) && !sampled.contains(e.trajectoryId())) {
        lost++;
        if (lost <= 10) {
          problems.add("lost: " + e.trajectoryId() + " (acknowledged at topic " + e.topic() + " partition "
              + e.partition() + " offset " + e.offset() + ") is neither in the replay table nor in a batch");
        }
      }
    }

    // The learner's committed step reports.
    AvroDeserializer<LearnerMetrics> metricsReader = kafka.deserializer(LearnerMetrics.class);
    Map<String, Integer> trainedCount = new HashMap<>();
    Map<String, TreeSet<Long>> trained = new TreeMap<>();
    long steps = 0;
    Set<Long> stepNumbers = new HashSet<>();
    try (TopicTail tail = new TopicTail(kafka, topics.learnerMetrics())) {
      if (!tail.catchUp(read)) {
        problems.add("could not read " + topics.learnerMetrics() + " to its end");
      }
      for (ConsumerRecord<byte[], byte[]> r : tail.records()) {
        LearnerMetrics m = metricsReader.deserialize(r.topic(), r.value());
        steps++;
        if (!stepNumbers.add(m.getStep())) {
          problems.add("learner step " + m.getStep() + " reported twice (topic " + r.topic() + " partition "
              + r.partition() + " offset " + r.offset() + ")");
        }
        if (m.getBatchId() == null) {
          continue;
        }
        String id = m.getBatchId().toString();
        trainedCount.merge(id, 1, Integer::sum);
        Matcher bm = BATCH_ID.matcher(id);
        if (bm.matches()) {
          trained.computeIfAbsent(bm.group(1), k -> new TreeSet<>()).add(Long.parseLong(bm.group(2)));
        }
      }
    }
    long trainedTwice = 0;
    for (var e : trainedCount.entrySet()) {
      if (e.getValue() > 1) {
        trainedTwice += e.getValue() - 1;
        problems.add("trained twice: batch " + e.getKey() + " in " + e.getValue() + " learner steps");
      }
    }

    // Skips the learner reported (in its log), mapped to batch ids where the batch is known.
    Map<String, TreeSet<Long>> reported = new TreeMap<>();
    long reportedSkips = 0;
    Matcher sm = SKIP.matcher(learnerLog);
    while (sm.find()) {
      reportedSkips++;
      String id = sm.group(1).equals(topics.replayBatches()) ? batchAtOffset.get(Long.parseLong(sm.group(3))) : null;
      Matcher bm = id == null ? null : BATCH_ID.matcher(id);
      if (bm != null && bm.matches()) {
        reported.computeIfAbsent(bm.group(1), k -> new TreeSet<>()).add(Long.parseLong(bm.group(2)));
      }
    }
    long skipped = 0;
    for (var e : emitted.entrySet()) {
      long max = e.getValue().last();
      Set<Long> done = trained.getOrDefault(e.getKey(), new TreeSet<>());
      Set<Long> said = reported.getOrDefault(e.getKey(), new TreeSet<>());
      List<Long> missing = new ArrayList<>();
      for (long s = 1; s <= max; s++) {
        if (!done.contains(s) && !said.contains(s)) {
          missing.add(s);
        }
      }
      skipped += missing.size();
      if (!missing.isEmpty()) {
        problems.add("skipped: " + e.getKey() + " sequence numbers " + abbreviate(missing) + " of 1.." + max
            + " neither trained nor reported skipped" + (e.getValue().containsAll(missing) ? ""
            : " (some never reached " + topics.replayBatches() + ")"));
      }
    }

    // Dead letters: exactly the injected records, each with a reason that names its fault.
    Map<String, Injected> expected = new HashMap<>();
    injected.forEach(i -> expected.put(i.topic() + "/" + i.partition() + "/" + i.offset(), i));
    Set<String> matchedKeys = new HashSet<>();
    int found = 0;
    try (TopicTail tail = new TopicTail(kafka, topics.deadLetters())) {
      if (!tail.catchUp(read)) {
        problems.add("could not read " + topics.deadLetters() + " to its end");
      }
      for (ConsumerRecord<byte[], byte[]> r : tail.records()) {
        found++;
        String where = header(r, DeadLetterHeaders.TOPIC) + "/" + header(r, DeadLetterHeaders.PARTITION) + "/"
            + header(r, DeadLetterHeaders.OFFSET);
        String reason = header(r, DeadLetterHeaders.REASON);
        Injected i = expected.get(where);
        if (i == null) {
          problems.add("dead letter not injected: " + where.replace('/', ' ') + ": " + reason);
        } else if (!matchedKeys.add(where)) {
          problems.add("dead letter twice: " + i.kind() + " at " + where.replace('/', ' '));
        } else if (!reason.contains(i.kind().reason)) {
          problems.add("dead letter of " + i.kind() + " has reason '" + reason + "', expected one with '"
              + i.kind().reason + "'");
          matchedKeys.remove(where);
        } else if (r.value() != null && r.value().length > 64 * 1024) {
          problems.add("dead letter of " + i.kind() + " is " + r.value().length + " bytes: too large to keep");
          matchedKeys.remove(where);
        }
      }
    }
    for (var e : expected.entrySet()) {
      if (!matchedKeys.contains(e.getKey())) {
        problems.add("injected " + e.getValue().kind() + " (" + e.getKey().replace('/', ' ')
            + ") has no dead letter with its reason");
      }
    }

    // Versions: the newest announced one of the arm, and what each actor would serve now.
    AvroDeserializer<PolicyVersion> versionReader = kafka.deserializer(PolicyVersion.class);
    PolicyVersion last = null;
    try (TopicTail tail = new TopicTail(kafka, topics.policyVersions())) {
      tail.catchUp(read);
      for (ConsumerRecord<byte[], byte[]> r : tail.records()) {
        if (r.value() == null) {
          continue;
        }
        PolicyVersion v = versionReader.deserialize(r.topic(), r.value());
        if (v.getArm().toString().equals(arm) && (last == null || v.getVersion() > last.getVersion())) {
          last = v;
        }
      }
    }
    boolean actorsOk = last != null;
    if (last == null) {
      problems.add("no version of arm " + arm + " was announced");
    }
    for (ActorCheck c : actorChecks) {
      if (last != null && (c.version() != last.getVersion() || !last.getSha256().toString().equals(c.sha256()))) {
        actorsOk = false;
        problems.add(c.actor() + " ends on " + (c.version() < 0 ? "no verified version" : "v" + c.version()
            + " (sha256 " + c.sha256() + ")") + ", not the last announced v" + last.getVersion() + " (sha256 "
            + last.getSha256() + "): " + c.output().strip());
      }
    }
    return new Result(acked.size(), lost, trainedTwice, skipped, reportedSkips, batches, steps, injected.size(),
        found, matchedKeys.size(), tableSize, sampled.size(), last == null ? -1 : last.getVersion(), actorsOk,
        problems);
  }

  /** The replay instance and partition a batch id names ({@code replay-<app>-p<partition>}). */
  private static String stream(String batchId) {
    Matcher m = BATCH_ID.matcher(batchId);
    return m.matches() ? m.group(1) : batchId;
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String key) {
    Header h = r.headers().lastHeader(key);
    return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static String abbreviate(List<Long> values) {
    return values.size() <= 12 ? values.toString() : values.subList(0, 12) + " and " + (values.size() - 12) + " more";
  }
}
