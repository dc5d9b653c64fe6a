package io.shiq.app.ab;

import io.shiq.ab.experiment.ExperimentFile;
import io.shiq.actor.weights.VersionCatalog;
import io.shiq.avro.EvalResult;
import io.shiq.avro.Experiment;
import io.shiq.avro.ExperimentArm;
import io.shiq.avro.ExperimentStatus;
import io.shiq.policy.PolicyModel;
import io.shiq.policy.cli.ModelOptions;
import io.shiq.schemas.kafka.KafkaClients;
import io.shiq.schemas.topic.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code shiq ab start FILE}: declares an experiment, after an off-policy estimate of its arms. */
@Command(name = "start", mixinStandardHelpOptions = true,
    description = {"Declare an experiment from a YAML/JSON file on the compacted experiments topic; actors started "
        + "with --experiment ID begin serving its arms and the evaluator (shiq ab evaluate) begins testing it.",
        "Before the arms get traffic, with --model, an off-policy estimate of each arm's value is computed from "
            + "logged trajectories (importance sampling with the recorded behaviour log-probs: IS, self-normalised "
            + "IS and a doubly robust estimate with ShiQ's value readout) and written to eval.results, so the report "
            + "shows the prediction next to the live result.",
        "The file format is in the README (section A/B experiments) and in 'shiq ab start --help-format'."})
public final class AbStartCommand implements Callable<Integer> {
  @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "The experiment declaration.")
  Path file;

  @Option(names = "--help-format", description = "Print the declaration format with its defaults, then exit.")
  boolean helpFormat;

  @Option(names = "--replace", description = "Declare again even if an experiment with this id is running "
      + "(its evaluator state is kept: use a new id to start over).")
  boolean replace;

  @Option(names = "--ope-trajectories", description = "Logged trajectories the off-policy estimate reads, the most "
      + "recent with behaviour log-probs (default: ${DEFAULT-VALUE}; 0: no estimate).")
  int opeTrajectories = 256;

  @Option(names = "--beta", description = "ShiQ's beta for the value readout of the doubly robust estimate "
      + "(default: ${DEFAULT-VALUE}).")
  double beta = 0.5;

  @Mixin
  ModelOptions modelOptions;

  @Mixin
  AbConnection connection;

  @Mixin
  io.shiq.app.cli.VerificationOptions verification;

  @Override
  public Integer call() throws Exception {
    if (helpFormat) {
      System.out.println(FORMAT);
      return 0;
    }
    if (file == null) {
      throw new IllegalArgumentException("give the experiment FILE (see --help-format)");
    }
    Experiment experiment = ExperimentFile.read(file, Instant.now());
    io.shiq.actor.weights.VersionCheck check = verification.check(); // a bad key file fails before the network
    KafkaClients kafka = connection.clients();
    Topics topics = connection.topics();
    try (AbLog log = new AbLog(kafka, topics)) {
      Experiment existing = log.catchUp(Duration.ofSeconds(30)).experiments().get(experiment.getExperimentId());
      if (existing != null && existing.getStatus() != ExperimentStatus.STOPPED && !replace) {
        throw new IllegalArgumentException("experiment " + experiment.getExperimentId() + " is already declared ("
            + existing.getStatus() + "); stop it first (shiq ab stop " + experiment.getExperimentId()
            + "), use a new id, or --replace");
      }
    }
    // With --policy-public-key, the off-policy estimate scores only verified versions, as actors would serve them.
    try (VersionCatalog catalog = new VersionCatalog(kafka, topics, ai.djl.Device.cpu(), check)) {
      catalog.refresh(Duration.ofSeconds(10));
      for (ExperimentArm a : experiment.getArms()) {
        String serves = a.getVersion() == null ? catalog.latest(a.getLine()).map(v -> "latest = v" + v.getVersion())
            .orElse("nothing announced yet: actors serve the model they were started with (v0)")
            : a.getVersion() == 0 ? "v0, the model actors were started with"
            : catalog.get(a.getLine(), a.getVersion()).map(v -> "v" + v.getVersion())
                .orElse("v" + a.getVersion() + " NOT announced (yet)");
        System.out.printf("arm %-12s line %-12s weight %.3g: %s%s%n", a.getName(), a.getLine(), a.getWeight(), serves,
            a.getName().equals(experiment.getControlArm()) ? " (control)" : "");
      }
      if (opeTrajectories > 0) {
        PolicyModel model;
        try {
          model = modelOptions.load();
        } catch (RuntimeException e) {
          model = null;
          System.out.println("no off-policy estimate: " + e.getMessage() + " (give --model: the model the arms' "
              + "lines were trained from, for its tokenizer and as the reference of the value readout)");
        }
        if (model != null) {
          try (PolicyModel m = model) {
            List<EvalResult> estimates = OffPolicy.estimate(experiment, kafka, topics, catalog, m, opeTrajectories,
                beta, System.out);
            for (EvalResult r : estimates) {
              AbLog.send(kafka, topics.evalResults(), r.getEvalId(), r);
            }
          }
        }
      }
    }
    AbLog.send(kafka, topics.experiments(), experiment.getExperimentId(), experiment);
    System.out.printf("experiment %s declared on %s: control %s, primary %s, MDE %s, alpha %s, power %s, %d "
            + "guardrail(s)%n", experiment.getExperimentId(), topics.experiments(), experiment.getControlArm(),
        experiment.getPrimaryMetric(), experiment.getMinimumDetectableEffect(), experiment.getAlpha(),
        experiment.getPower(), experiment.getGuardrails().size());
    System.out.printf("next: shiq actor --experiment %s ...; shiq ab evaluate; shiq ab status %s%n",
        experiment.getExperimentId(), experiment.getExperimentId());
    return 0;
  }

  static final String FORMAT = """
      # shiq A/B experiment (YAML or JSON). Required: id, control, arms (>= 2), minimumDetectableEffect.
      id: candidate-vs-main           # [A-Za-z0-9._-]+
      description: "new objective against the current policy"
      control: main
      arms:
        - {name: main, line: main, version: 12, weight: 1}   # version pinned; omit it to serve the latest
        - {name: candidate, line: candidate, weight: 1}      # weight: relative traffic share
      primaryMetric: mean_reward       # or success_rate
      minimumDetectableEffect: 0.05    # absolute, in the metric's units
      alpha: 0.05                      # default 0.05
      power: 0.8                       # default 0.8 (sets the horizon with the MDE)
      guardrails:                      # breached when the arm's always-valid CS is beyond the limit -> rollback
        - {metric: kl_to_control, atMost: 0.05}    # also episode_tokens, action_tokens, tool_errors, reward,
        - {metric: episode_tokens, atMost: 400}    # success, or a numeric trajectory metadata key
      cupedCovariate: user.prior_reward  # numeric metadata key of a pre-period covariate (optional)
      envId: story-keyword             # count only this environment's episodes (optional)
      windowSeconds: 60                # results per arm and window on eval.results (default 60)
      minEpisodesPerArm: 100           # no test before (default 100)
      maxEpisodesPerArm: 20000         # stop without a verdict (default: from MDE, alpha, power)
      start: 2026-12-03T10:00:00Z      # default now
      stop: 2026-12-10T10:00:00Z       # optional""";
}
