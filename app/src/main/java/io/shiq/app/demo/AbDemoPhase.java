package io.shiq.app.demo;

import io.shiq.ab.evaluate.EvaluatorService;
import io.shiq.actor.ab.ExperimentActorLoop;
import io.shiq.actor.ab.ExperimentFollower;
import io.shiq.actor.weights.VersionCatalog;
import io.shiq.app.ab.AbLog;
import io.shiq.app.ab.AbTable;
import io.shiq.app.ab.OffPolicy;
import io.shiq.ab.report.AbReport;
import io.shiq.avro.EvalResult;
import io.shiq.avro.Experiment;
import io.shiq.avro.ExperimentArm;
import io.shiq.avro.ExperimentDecision;
import io.shiq.avro.ExperimentStatus;
import io.shiq.avro.Guardrail;
import io.shiq.avro.GuardrailDirection;
import io.shiq.learner.publish.WeightPublisher;
import io.shiq.schemas.kafka.KafkaClients;
import io.shiq.schemas.topic.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;

/**
 * {@code shiq demo --ab}: after the learner has trained a while, an A/B experiment between the current policy
 * (arm {@code candidate}: the latest version of line {@code main}, still learning) and a frozen copy of the initial
 * one (arm {@code baseline}: line {@code baseline} v1, published once). Before the arms serve, an off-policy estimate
 * of each from the traffic logged so far; then the actors are replaced by experiment actors serving both arms, the
 * evaluator runs on the same broker, and at the end the A/B report is written next to the demo's.
 */
public final class AbDemoPhase implements AutoCloseable {
  /**
   * @param klLimit         guardrail: the candidate's per-token KL to the baseline at most this (nats/token)
   * @param mde             minimum detectable effect on the mean reward
   * @param minEpisodes     episodes per arm before any test
   * @param sessions        simulated sessions per actor
   * @param opeTrajectories logged trajectories for the off-policy estimate
   * @param beta            beta of the value readout
   */
  public record Options(double klLimit, double mde, int minEpisodes, int sessions, int opeTrajectories,
                        double beta) {}

  private final DemoRun run;
  private final Options options;
  private final PrintWriter console;
  private final Topics topics = Topics.withDefaultPrefix();
  private final String experimentId;
  private EvaluatorService evaluator;
  private AbLog log;
  private Experiment declared;

  public AbDemoPhase(DemoRun run, Options options, PrintWriter console) {
    this.run = run;
    this.options = options;
    this.console = console;
    this.experimentId = "demo-ab-" + java.time.LocalDateTime.now().format(
        java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
  }

  public String experimentId() {
    return experimentId;
  }

  /** Publishes the baseline, estimates both arms off-policy, declares the experiment, switches the actors. */
  public void start() throws IOException {
    KafkaClients kafka = run.stack().clients();
    Path weights = run.settings().stateDir().resolve("ab-weights");
    try (Admin admin = kafka.admin()) {
      // URI transport: the frozen copy is a file every in-process actor reads; no chunk clean-up can remove it.
      new WeightPublisher(run.producer(), admin, topics, WeightPublisher.DEFAULT_CHUNK_BYTES, 1)
          .publishUri("baseline-" + experimentId, 1, 0, run.model().weights(), "frozen copy of the initial policy",
              null, weights);
    }
    declared = Experiment.newBuilder().setExperimentId(experimentId)
        .setDescription("shiq demo --ab: the learning policy (latest of line main) against a frozen copy of the "
            + "initial policy; guardrail: KL to the baseline")
        .setArms(List.of(
            ExperimentArm.newBuilder().setName("baseline").setLine("baseline-" + experimentId).setVersion(1L)
                .setWeight(1).build(),
            ExperimentArm.newBuilder().setName("candidate").setLine("main").setVersion(null).setWeight(1).build()))
        .setControlArm("baseline").setPrimaryMetric("mean_reward")
        .setGuardrails(List.of(Guardrail.newBuilder().setMetric("kl_to_control")
            .setDirection(GuardrailDirection.AT_MOST).setLimit(options.klLimit()).build()))
        .setMinimumDetectableEffect(options.mde()).setAlpha(0.05).setPower(0.8).setWindowMs(10_000)
        .setMinEpisodesPerArm(options.minEpisodes()).setStartAt(Instant.now()).setStatus(ExperimentStatus.RUNNING)
        .setStatusReason("declared by shiq demo --ab").setUpdatedAt(Instant.now()).build();
    try (VersionCatalog catalog = new VersionCatalog(kafka, topics, run.model().weights().device())) {
      catalog.refresh(Duration.ofSeconds(10));
      List<EvalResult> estimates = OffPolicy.estimate(declared, kafka, topics, catalog, run.model(),
          options.opeTrajectories(), options.beta(), new java.io.PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
              console.write(b);
            }
          }, true));
      for (EvalResult r : estimates) {
        AbLog.send(kafka, topics.evalResults(), r.getEvalId(), r);
      }
    }
    console.flush();
    AbLog.send(kafka, topics.experiments(), experimentId, declared);
    evaluator = EvaluatorService.start(kafka, topics, new EvaluatorService.Settings("shiq-demo-" + experimentId,
        false, Duration.ofSeconds(1), run.settings().stateDir().resolve("ab-streams").toString(), Map.of(
            "consumer.session.timeout.ms", "6000", "consumer.heartbeat.interval.ms", "1500")));
    log = new AbLog(kafka, topics);
    run.replaceActors((actorId, env, as) -> new ExperimentActorLoop(run.model().weights().copy(),
        run.model().tokenizer(), env, new ExperimentActorLoop.Settings(actorId, experimentId,
            as.episodesPerBatch(), as.maxTurns(), as.sampling(), as.seed(), options.sessions()), run.producer(),
        topics, new ExperimentFollower(kafka, topics, experimentId),
        new VersionCatalog(kafka, topics, run.model().weights().device())));
    console.printf("shiq demo --ab: experiment %s declared: baseline (frozen initial policy) vs candidate (line main, "
        + "latest), guardrail kl_to_control <= %s; actors now serve both arms%n", experimentId, options.klLimit());
    console.flush();
  }

  /** One line for the live display. */
  public String status() {
    if (log == null) {
      return "A/B not started";
    }
    log.catchUp(Duration.ofMillis(500));
    List<ExperimentDecision> d = log.decisions(experimentId);
    Map<String, EvalResult> latest = AbTable.latestPerArm(log.results(experimentId));
    StringBuilder s = new StringBuilder("A/B");
    latest.forEach((arm, r) -> s.append(String.format(java.util.Locale.ROOT, " %s %d ep %.3f", arm,
        r.getEpisodes(), r.getMeanReward())));
    s.append(d.isEmpty() ? " (no decision yet)" : " -> " + d.get(0).getKind() + (d.get(0).getArm() == null ? ""
        : " " + d.get(0).getArm()));
    return s.toString();
  }

  /** What the experiment came to, and where its report is. */
  public record Outcome(Optional<ExperimentDecision> decision, Path report, String table) {}

  /** Writes the A/B report under {@code dir}; call before the stack stops. */
  public Outcome finish(Path dir) throws IOException {
    if (log == null) {
      return new Outcome(Optional.empty(), null, "the A/B phase did not start");
    }
    try {
      Thread.sleep(2500); // the last evaluation and results window
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    }
    log.catchUp(Duration.ofSeconds(30));
    Experiment e = log.experiments().getOrDefault(experimentId, declared);
    List<ExperimentDecision> decisions = log.decisions(experimentId);
    Path index = AbReport.write(dir, e, log.results(experimentId), decisions,
        OffPolicy.lines(log.estimates(experimentId)));
    return new Outcome(decisions.stream().findFirst(), index, AbTable.render(e, log.results(experimentId),
        decisions));
  }

  @Override
  public void close() {
    if (evaluator != null) {
      evaluator.close();
    }
    if (log != null) {
      log.close();
    }
  }
}
