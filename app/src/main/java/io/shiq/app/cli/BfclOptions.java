package io.shiq.app.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.Option;

/** The options every {@code shiq bfcl} command shares: where BFCL's data is, and the clock the backends read. */
public final class BfclOptions {
  @Option(names = "--data", required = true, paramLabel = "DIR", description = "BFCL data directory in BFCL's layout "
      + "(BFCL_v4_multi_turn_<category>.json and possible_answer/), e.g. ../shared/data/bfcl or BFCL's own "
      + "bfcl_eval/data.")
  Path data;

  @Option(names = "--now", paramLabel = "YYYY-MM-DDTHH:MM:SS", description = "Fix the clock the backends read "
      + "(TravelAPI's age check, TradingBot's time zone) to this local time (default: the system clock).")
  String now;

  public Path data() {
    return data;
  }

  /** A fixed clock in the system time zone, or the system clock when --now is not given. */
  public Clock clock() {
    if (now == null) {
      return Clock.systemDefaultZone();
    }
    try {
      ZoneId zone = ZoneId.systemDefault();
      return Clock.fixed(LocalDateTime.parse(now).atZone(zone).toInstant(), zone);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("--now must be an ISO date-time such as 2024-09-01T10:30:00, got '" + now
          + "'");
    }
  }
}
