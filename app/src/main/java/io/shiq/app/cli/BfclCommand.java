package io.shiq.app.cli;

import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneId;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code shiq bfcl}: BFCL's multi-turn executor and checker, ported to Java. */
@Command(name = "bfcl", mixinStandardHelpOptions = true,
    description = "BFCL (Berkeley Function Calling Leaderboard) multi-turn categories in Java: execute ground truths "
        + "with the eight tool backends, and check model results as BFCL's multi-turn checker does.",
    subcommands = {BfclExecuteCommand.class, BfclCheckCommand.class})
public final class BfclCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** {@code --now}: a fixed clock in the system time zone, or the system clock when not given. */
  static Clock clock(String now) {
    if (now == null) {
      return Clock.systemDefaultZone();
    }
    try {
      ZoneId zone = ZoneId.systemDefault();
      return Clock.fixed(LocalDateTime.parse(now).atZone(zone).toInstant(), zone);
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException("--now must be an ISO date-time such as 2024-09-01T10:30:00, got '" + now
          + "'");
    }
  }
}
