package io.shiq.app.ab;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiq.ab.evaluate.EpisodeMeasures;
import io.shiq.ab.evaluate.EvalRecords;
import io.shiq.ab.experiment.ExperimentFile;
import io.shiq.ab.monitor.Evaluation;
import io.shiq.ab.monitor.ExperimentMonitor;
import io.shiq.ab.monitor.Observation;
import io.shiq.avro.EvalResult;
import io.shiq.avro.Experiment;
import io.shiq.avro.ExperimentDecision;
import io.shiq.avro.ExperimentStatus;
import io.shiq.avro.Trajectory;
import io.shiq.schemas.kafka.KafkaClients;
import io.shiq.schemas.serde.AvroDeserializer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code shiq ab replay ID}: re-evaluates an experiment from the log. Its trajectories are read from the topics to
 * their end, ordered by event time, and fed to the same {@link ExperimentMonitor} the live evaluator runs, looking
 * after every episode; results are kept per window of event time. Being a pure function of the log, a replay gives
 * the same decision every time, and shows what another declaration (a different MDE, a guardrail) would have decided
 * on the same traffic ({@code --experiment-file}).
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = "Re-evaluate an experiment from the log: read its trajectories from the topics (by default "
        + "trajectories and trajectories.history) in event-time order through the evaluator's own statistics, "
        + "print the table and the decision, and optionally write the HTML report.")
public final class AbReplayCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "ID", description = "Experiment id (trajectories labelled with it count).")
  String id;

  @Option(names = "--from-topic", paramLabel = "TOPIC", description = "Topic to read trajectories from (repeatable; "
      + "default: the trajectories and trajectories.history topics).")
  List<String> fromTopics = new ArrayList<>();

  @Option(names = "--experiment-file", paramLabel = "FILE", description = "Evaluate with this declaration instead "
      + "of the one on the experiments topic (same id; e.g. another MDE or guardrail).")
  Path experimentFile;

  @Option(names = "--look-every", description = "Episodes between looks (default: ${DEFAULT-VALUE}, every episode).")
  int lookEvery = 1;

  @Option(names = "--out", paramLabel = "DIR", description = "Also write the HTML report of the replay here.")
  Path out;

  @Mixin
  AbConnection connection;

  @Override
  public Integer call() throws Exception {
    if (lookEvery < 1) {
      throw new IllegalArgumentException("--look-every must be >= 1, got " + lookEvery);
    }
    KafkaClients kafka = connection.clients();
    Experiment experiment;
    List<EvalResult> estimates;
    try (AbLog log = new AbLog(kafka, connection.topics())) {
      log.catchUp(Duration.ofSeconds(60));
      estimates = log.estimates(id);
      if (experimentFile != null) {
        experiment = ExperimentFile.read(experimentFile, Instant.now());
        if (!experiment.getExperimentId().equals(id)) {
          throw new IllegalArgumentException(experimentFile + ": declares experiment '" + experiment.getExperimentId()
              + "', not '" + id + "'");
        }
      } else {
        experiment = log.experiments().get(id);
        if (experiment == null) {
          throw new IllegalArgumentException("no experiment '" + id + "' on " + connection.topics().experiments()
              + " (known: " + log.experiments().keySet() + "); give --experiment-file");
        }
      }
    }
    // The replay judges the traffic as declared: a live decision's status change is not an input.
    experiment = Experiment.newBuilder(experiment).setStatus(ExperimentStatus.RUNNING).build();
    List<String> topics = fromTopics.isEmpty() ? List.of(connection.topics().trajectories(),
        connection.topics().trajectoriesHistory()) : fromTopics;
    List<Observation> observations = read(kafka, topics, experiment);
    Replay r = replay(experiment, observations, lookEvery);
    System.out.print(AbTable.render(experiment, r.results(), r.decisions()));
    if (out != null) {
      Path index = AbReports.write(out, experiment, r.results(), r.decisions(), estimates);
      System.out.println("report: " + index.toAbsolutePath());
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("ab_replay", id);
    json.put("episodes", observations.size());
    json.put("topics", topics);
    Optional<ExperimentDecision> d = r.decisions().stream().reduce((a, b) -> b); // the last: a rollback may follow
    json.put("decision", d.map(x -> x.getKind().toString()).orElse(null));
    json.put("decision_arm", d.map(ExperimentDecision::getArm).orElse(null));
    json.put("decided_after_episodes", d.map(ExperimentDecision::getEpisodes).orElse(null));
    System.out.println(new ObjectMapper().writeValueAsString(json));
    return 0;
  }

  /** Results per event-time window, and the decision, of feeding {@code observations} in order. */
  public record Replay(List<EvalResult> results, List<ExperimentDecision> decisions) {}

  public static Replay replay(Experiment experiment, List<Observation> observations, int lookEvery) {
    ExperimentMonitor monitor = new ExperimentMonitor(experiment);
    List<EvalResult> results = new ArrayList<>();
    List<ExperimentDecision> decisions = new ArrayList<>();
    Map<String, long[]> counts = new HashMap<>();
    Map<String, Double> sums = new HashMap<>();
    long windowStart = observations.isEmpty() ? 0 : observations.get(0).timeMs();
    for (int i = 0; i < observations.size(); i++) {
      Observation o = observations.get(i);
      monitor.record(o);
      counts.computeIfAbsent(o.arm(), a -> new long[1])[0]++;
      sums.merge(o.arm(), o.reward(), Double::sum);
      boolean last = i == observations.size() - 1;
      if ((i + 1) % lookEvery != 0 && !last) {
        continue;
      }
      Evaluation e = monitor.evaluate(o.timeMs());
      boolean decided = e.decision().isPresent() && (decisions.isEmpty()
          || decisions.get(decisions.size() - 1).getKind() != e.decision().get().kind());
      if (decided || last || o.timeMs() - windowStart >= experiment.getWindowMs()) {
        Map<String, EvalRecords.WindowCounts> window = new HashMap<>();
        counts.forEach((arm, n) -> window.put(arm, new EvalRecords.WindowCounts(n[0], sums.getOrDefault(arm, 0.0))));
        results.addAll(EvalRecords.results(experiment, e, windowStart, window, Map.of(), experiment.getEnvId()));
        counts.clear();
        sums.clear();
        windowStart = o.timeMs();
      }
      if (decided) {
        decisions.add(EvalRecords.decision(experiment, e.decision().get(), null, "replayed from the log"));
      }
    }
    return new Replay(results, decisions);
  }

  static List<Observation> read(KafkaClients kafka, List<String> topics, Experiment experiment) {
    AvroDeserializer<Trajectory> reader = kafka.deserializer(Trajectory.class);
    List<Observation> out = new ArrayList<>();
    long skipped = 0;
    try (KafkaConsumer<String, byte[]> c = kafka.rawConsumer(java.util.Map.of())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (String t : topics) {
        List<PartitionInfo> infos = c.partitionsFor(t);
        if (infos == null || infos.isEmpty()) {
          throw new IllegalArgumentException("--from-topic " + t + ": no such topic");
        }
        for (PartitionInfo p : infos) {
          parts.add(new TopicPartition(t, p.partition()));
        }
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      long total = end.values().stream().mapToLong(Long::longValue).sum();
      long read = 0;
      long lastPrint = System.nanoTime();
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          read++;
          if (r.value() == null) {
            continue;
          }
          try {
            EpisodeMeasures.of(experiment, reader.deserialize(r.topic(), r.value())).ifPresent(out::add);
          } catch (RuntimeException e) {
            skipped++;
          }
        }
        if (System.nanoTime() - lastPrint > 5e9) {
          System.err.printf("read %d of %d records, %d episodes of %s%n", read, total, out.size(),
              experiment.getExperimentId());
          lastPrint = System.nanoTime();
        }
      }
    }
    if (skipped > 0) {
      System.err.printf("%d undecodable records skipped%n", skipped);
    }
    out.sort(Comparator.comparingLong(Observation::timeMs));
    return out;
  }
}
