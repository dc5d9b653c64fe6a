package io.shiq.app.demo;

import io.shiq.ab.evaluate.EvaluatorService;
import io.shiq.ab.report.AbReport;
import io.shiq.actor.ab.ExperimentActorLoop;
import io.shiq.actor.ab.ExperimentFollower;
import io.shiq.actor.weights.VersionCatalog;
import io.shiq.app.ab.AbLog;
import io.shiq.app.ab.AbTable;
import io.shiq.app.ab.OffPolicy;
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
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * {@code shiq demo --ab}: after the learner has trained a while, two A/B experiments in turn between the current
 * policy (arm {@code candidate}: the latest version of line {@code main}, still learning) and a frozen copy of the
 * initial one (arm {@code baseline}: its own line, v1, published once as a file):
 * <ol>
 *   <li>{@code -quality}: guardrail kl_to_control at a loose limit; the evaluator should find the better arm;</li>
 *   <li>{@code -guardrail}: the same arms with a tight KL limit (--ab-kl-limit): a breach rolls the candidate back
 *       to the baseline's weights, and the actors serve them under the candidate's arm from then on.</li>
 * </ol>
 * Before each experiment's arms serve, an off-policy estimate of both arms from the traffic logged so far. The
 * actors are replaced by experiment actors serving both arms; one evaluator on the same broker evaluates both
 * experiments; at the end each report is written next to the demo's.
 */
public final class AbDemoPhase implements AutoCloseable {
  /** The quality experiment's KL limit: far above what the demo's learner reaches, so it never binds. */
  public static final double LOOSE_KL_LIMIT = 1.0;

  /**
   * @param klLimit         the guardrail experiment's limit on the candidate's per-token KL to the baseline
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
  private final String runId;
  private final List<Experiment> experiments = new ArrayList<>();
  private EvaluatorService evaluator;
  private AbLog log;
  private String baselineLine;

  public AbDemoPhase(DemoRun run, Options options, PrintWriter console) {
    this.run = run;
    this.options = options;
    this.console = console;
    this.runId = "demo-ab-" + java.time.LocalDateTime.now().format(
        java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
  }

  /** Ids of the experiments declared so far, in order. */
  public List<String> experimentIds() {
    return experiments.stream().map(Experiment::getExperimentId).toList();
  }

  /** Publishes the baseline, starts the evaluator and the first (quality) experiment. */
  public void start() throws IOException {
    KafkaClients kafka = run.stack().clients();
    baselineLine = "baseline-" + runId;
    try (Admin admin = kafka.admin()) {
      // URI transport: the frozen copy is a file every in-process actor reads; no chunk clean-up can remove it.
      new WeightPublisher(run.producer(), admin, topics, WeightPublisher.DEFAULT_CHUNK_BYTES, 1, run.signer())
          .publishUri(baselineLine, 1, 0, run.model().weights(), "frozen copy of the initial policy", null,
              run.settings().stateDir().resolve("ab-weights"));
    }
    evaluator = EvaluatorService.start(kafka, topics, new EvaluatorService.Settings("shiq-" + runId, false,
        Duration.ofSeconds(1), run.settings().stateDir().resolve("ab-streams").toString(), Map.of(
            "consumer.session.timeout.ms", "6000", "consumer.heartbeat.interval.ms", "1500"), run.signer(),
        run.verifier()));
    log = new AbLog(kafka, topics);
    declare(runId + "-quality", LOOSE_KL_LIMIT, "is the learning policy better than the initial one?");
  }

  /**
   * Starts the guardrail experiment once the quality experiment has decided (or {@code force}, when its time is
   * up); returns whether it started.
   */
  public boolean advance(boolean force) throws IOException {
    if (experiments.size() != 1) {
      return false;
    }
    log.catchUp(Duration.ofMillis(500));
    if (!force && log.decisions(experiments.get(0).getExperimentId()).isEmpty()) {
      return false;
    }
    declare(runId + "-guardrail", options.klLimit(), "the same arms with a tight guardrail on the candidate's "
        + "KL to the baseline: a breach rolls the candidate back");
    return true;
  }

  private void declare(String id, double klLimit, String purpose) {
    KafkaClients kafka = run.stack().clients();
    Experiment e = Experiment.newBuilder().setExperimentId(id)
        .setDescription("shiq demo --ab: the learning policy (latest of line main) against a frozen copy of the "
            + "initial policy; " + purpose)
        .setArms(List.of(
            ExperimentArm.newBuilder().setName("baseline").setLine(baselineLine).setVersion(1L).setWeight(1).build(),
            ExperimentArm.newBuilder().setName("candidate").setLine("main").setVersion(null).setWeight(1).build()))
        .setControlArm("baseline").setPrimaryMetric("mean_reward")
        .setGuardrails(List.of(Guardrail.newBuilder().setMetric("kl_to_control")
            .setDirection(GuardrailDirection.AT_MOST).setLimit(klLimit).build()))
        .setMinimumDetectableEffect(options.mde()).setAlpha(0.05).setPower(0.8).setWindowMs(5_000)
        .setMinEpisodesPerArm(options.minEpisodes()).setStartAt(Instant.now()).setStatus(ExperimentStatus.RUNNING)
        .setStatusReason("declared by shiq demo --ab").setUpdatedAt(Instant.now()).build();
    try (VersionCatalog catalog = new VersionCatalog(kafka, topics, run.model().weights().device(),
        run.versionCheck())) {
      catalog.refresh(Duration.ofSeconds(10));
      List<EvalResult> estimates = OffPolicy.estimate(e, kafka, topics, catalog, run.model(),
          options.opeTrajectories(), options.beta(), new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
              console.write(b);
            }
          }, true));
      for (EvalResult r : estimates) {
        AbLog.send(kafka, topics.evalResults(), r.getEvalId(), r);
      }
    }
    AbLog.send(kafka, topics.experiments(), id, e);
    experiments.add(e);
    run.replaceActors((actorId, env, as) -> new ExperimentActorLoop(run.model().weights().copy(),
        run.model().tokenizer(), env, new ExperimentActorLoop.Settings(actorId, id, as.episodesPerBatch(),
            as.maxTurns(), as.sampling(), as.seed(), options.sessions()), run.producer(), topics,
        new ExperimentFollower(kafka, topics, id), new VersionCatalog(kafka, topics, run.model().weights().device(),
        run.versionCheck())));
    console.printf(Locale.ROOT, "shiq demo --ab: experiment %s declared: baseline (frozen initial policy) vs "
        + "candidate (line main, latest), guardrail kl_to_control <= %s; actors now serve both arms%n", id, klLimit);
    console.flush();
  }

  /** One line for the live display. */
  public String status() {
    if (log == null || experiments.isEmpty()) {
      return "A/B not started";
    }
    log.catchUp(Duration.ofMillis(500));
    String id = experiments.get(experiments.size() - 1).getExperimentId();
    List<ExperimentDecision> d = log.decisions(id);
    StringBuilder s = new StringBuilder(id.substring(id.lastIndexOf('-') + 1));
    AbTable.latestPerArm(log.results(id)).forEach((arm, r) -> s.append(String.format(Locale.ROOT,
        " %s %d ep %.3f", arm, r.getEpisodes(), r.getMeanReward())));
    for (ExperimentDecision x : d) {
      s.append(" -> ").append(x.getKind()).append(x.getArm() == null ? "" : " " + x.getArm());
    }
    if (d.isEmpty()) {
      s.append(" (no decision yet)");
    }
    return s.toString();
  }

  /** What one experiment came to, and where its report is. */
  public record Outcome(String experimentId, List<ExperimentDecision> decisions, Path report, String table) {}

  /** Writes each experiment's report under {@code dir/<id>/}; call before the stack stops. */
  public List<Outcome> finish(Path dir) throws IOException {
    List<Outcome> out = new ArrayList<>();
    if (log == null) {
      return out;
    }
    try {
      Thread.sleep(2500); // the last evaluation and results window
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    }
    log.catchUp(Duration.ofSeconds(30));
    for (Experiment declared : experiments) {
      String id = declared.getExperimentId();
      Experiment e = log.experiments().getOrDefault(id, declared);
      List<ExperimentDecision> decisions = log.decisions(id);
      Path index = AbReport.write(dir.resolve(id), e, log.results(id), decisions,
          OffPolicy.lines(log.estimates(id)));
      out.add(new Outcome(id, decisions, index, AbTable.render(e, log.results(id), decisions)));
    }
    return out;
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
