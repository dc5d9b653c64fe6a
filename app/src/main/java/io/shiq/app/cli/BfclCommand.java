package io.shiq.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code shiq bfcl}: BFCL's multi-turn executor and checker, ported to Java. */
@Command(name = "bfcl", mixinStandardHelpOptions = true,
    description = "BFCL (Berkeley Function Calling Leaderboard) multi-turn categories in Java: execute ground truths "
        + "with the eight tool backends, check model results as BFCL's multi-turn checker does, evaluate a policy on the "
        + "records, and import logged sessions for offline training.",
    subcommands = {BfclExecuteCommand.class, BfclCheckCommand.class, BfclImportCommand.class, BfclEvalCommand.class,
        BfclPerturbCommand.class, BfclFitCommand.class})
public final class BfclCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
