package io.shiq.app.ab;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code shiq ab}: topic-based A/B experiments between policy versions. */
@Command(name = "ab", mixinStandardHelpOptions = true,
    description = "A/B experiments between policy versions on live traffic: declare an experiment (arms, traffic "
        + "split, primary metric, guardrails), let actors serve its arms (shiq actor --experiment ID) and the "
        + "evaluator (shiq ab evaluate) test it with always-valid sequential statistics, sample-ratio checks and "
        + "guardrail rollbacks; watch, stop, report and replay it.",
    subcommands = {AbStartCommand.class, AbStatusCommand.class, AbStopCommand.class, AbReportCommand.class,
        AbReplayCommand.class, AbEvaluateCommand.class})
public final class AbCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
