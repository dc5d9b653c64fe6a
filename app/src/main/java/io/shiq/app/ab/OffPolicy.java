package io.shiq.app.ab;

import io.shiq.ab.ope.OffPolicyEstimate;
import io.shiq.ab.ope.OffPolicyEstimator;
import io.shiq.ab.report.OpeLine;
import io.shiq.actor.weights.VersionCatalog;
import io.shiq.avro.EvalResult;
import io.shiq.avro.Experiment;
import io.shiq.avro.ExperimentArm;
import io.shiq.avro.PolicyVersion;
import io.shiq.avro.Trajectory;
import io.shiq.policy.PolicyModel;
import io.shiq.policy.model.LlamaWeights;
import io.shiq.schemas.kafka.KafkaClients;
import io.shiq.schemas.serde.AvroDeserializer;
import io.shiq.schemas.topic.Topics;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Off-policy estimates of an experiment's arms before they serve: the most recent logged trajectories (with behaviour
 * log-probs) scored by each arm's policy ({@link OffPolicyEstimator}: IS, SNIS, DR with ShiQ's value readout against
 * the reference model), written to {@code eval.results} as results whose evalId is
 * {@code ope/<experiment>/<arm>/<IS|SNIS|DR>} so that the report shows them next to the live figures.
 */
public final class OffPolicy {
  public static final String PREFIX = "ope/";
  private static final List<String> ESTIMATORS = List.of("IS", "SNIS", "DR");

  private OffPolicy() {}

  public static boolean isEstimate(EvalResult r) {
    return r.getEvalId().startsWith(PREFIX);
  }

  /**
   * @param reference the model the arms' lines started from: its tokenizer, the weights of version 0 and the
   *                  reference of the value readout
   */
  public static List<EvalResult> estimate(Experiment e, KafkaClients kafka, Topics topics, VersionCatalog catalog,
                                          PolicyModel reference, int maxTrajectories, double beta, PrintStream out) {
    List<Trajectory> logged = recent(kafka, List.of(topics.trajectories(), topics.trajectoriesHistory()),
        maxTrajectories);
    out.printf("off-policy estimate: %d logged trajectories (the most recent on %s and %s)%n", logged.size(),
        topics.trajectories(), topics.trajectoriesHistory());
    List<EvalResult> results = new ArrayList<>();
    if (logged.isEmpty()) {
      out.println("off-policy estimate: nothing logged yet; no prediction");
      return results;
    }
    for (ExperimentArm a : e.getArms()) {
      Optional<PolicyVersion> v = a.getVersion() == null ? catalog.latest(a.getLine())
          : a.getVersion() == 0 ? Optional.empty() : catalog.get(a.getLine(), a.getVersion());
      LlamaWeights target = v.isPresent() ? catalog.load(v.get()) : reference.weights();
      try {
        OffPolicyEstimator estimator = new OffPolicyEstimator(target, reference.weights(),
            OffPolicyEstimator.Options.defaults().withBeta(beta).withTokenizerId(reference.tokenizer().id()));
        long t0 = System.nanoTime();
        OffPolicyEstimate est = estimator.estimate(logged);
        out.printf(Locale.ROOT, "  arm %-12s (%s v%d): IS %.4f [%.4f, %.4f], SNIS %.4f [%.4f, %.4f], DR %.4f [%.4f, "
                + "%.4f]; %d episodes, ESS %.1f, logged mean %.4f (%.1f s)%n", a.getName(), a.getLine(),
            v.map(PolicyVersion::getVersion).orElse(0L), est.is().estimate(), est.is().low(), est.is().high(),
            est.snis().estimate(), est.snis().low(), est.snis().high(), est.dr().estimate(), est.dr().low(),
            est.dr().high(), est.episodes(), est.effectiveSampleSize(), est.onPolicy().estimate(),
            (System.nanoTime() - t0) / 1e9);
        results.addAll(records(e, a.getName(), v.map(PolicyVersion::getVersion).orElse(0L), est));
      } finally {
        if (target != reference.weights()) {
          target.close();
        }
      }
    }
    return results;
  }

  static List<EvalResult> records(Experiment e, String arm, long version, OffPolicyEstimate est) {
    Map<String, Double> metrics = new HashMap<>();
    est.toMap().forEach((k, val) -> {
      if (Double.isFinite(val)) {
        metrics.put(k, val);
      }
    });
    metrics.put("ope", 1.0);
    List<EvalResult> out = new ArrayList<>();
    Instant now = Instant.now();
    List<OffPolicyEstimate.Interval> intervals = List.of(est.is(), est.snis(), est.dr());
    for (int i = 0; i < ESTIMATORS.size(); i++) {
      OffPolicyEstimate.Interval in = intervals.get(i);
      out.add(EvalResult.newBuilder().setEvalId(PREFIX + e.getExperimentId() + "/" + arm + "/" + ESTIMATORS.get(i))
          .setArm(arm).setPolicyVersion(version).setEnvId(e.getEnvId() == null ? "" : e.getEnvId())
          .setWindowStart(now).setWindowEnd(now).setEpisodes(est.episodes())
          .setMeanReward(finite(in.estimate())).setStdReward(finite(in.stdError()))
          .setCiLow(finite(in.low())).setCiHigh(finite(in.high())).setSuccessRate(null)
          .setBaselineArm(null).setPValue(null).setMetrics(metrics).setExperimentId(e.getExperimentId()).build());
    }
    return out;
  }

  /** The estimates as report lines. */
  public static List<OpeLine> lines(List<EvalResult> estimates) {
    List<OpeLine> out = new ArrayList<>();
    for (EvalResult r : estimates) {
      String id = r.getEvalId();
      String estimator = id.substring(id.lastIndexOf('/') + 1);
      out.add(new OpeLine(r.getArm(), estimator, r.getMeanReward(), r.getCiLow(), r.getCiHigh(), r.getEpisodes(),
          r.getMetrics().getOrDefault("ess", Double.NaN)));
    }
    return out;
  }

  /** The last {@code max} records of the topics (spread over their partitions), decodable ones only. */
  static List<Trajectory> recent(KafkaClients kafka, List<String> topics, int max) {
    AvroDeserializer<Trajectory> reader = kafka.deserializer(Trajectory.class);
    List<Trajectory> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c = kafka.rawConsumer(Map.of())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (String t : topics) {
        for (PartitionInfo p : c.partitionsFor(t)) {
          parts.add(new TopicPartition(t, p.partition()));
        }
      }
      Map<TopicPartition, Long> begin = c.beginningOffsets(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      long each = Math.max(1, (max + parts.size() - 1) / parts.size());
      c.assign(parts);
      for (TopicPartition tp : parts) {
        c.seek(tp, Math.max(begin.get(tp), end.get(tp) - each));
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          if (r.value() == null || r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
            continue;
          }
          try {
            Trajectory t = reader.deserialize(r.topic(), r.value());
            if (t.getTurns().stream().anyMatch(turn -> !turn.getBehaviourLogProbs().isEmpty())) {
              out.add(t);
            }
          } catch (RuntimeException e) {
            // undecodable: not a logged episode
          }
        }
      }
    }
    out.sort(java.util.Comparator.comparing(Trajectory::getCreatedAt));
    return out.size() > max ? new ArrayList<>(out.subList(out.size() - max, out.size())) : out;
  }

  private static double finite(double v) {
    return Double.isFinite(v) ? v : 0.0;
  }
}
