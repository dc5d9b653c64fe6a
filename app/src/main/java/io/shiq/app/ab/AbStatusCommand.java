package io.shiq.app.ab;

import io.shiq.avro.Experiment;
import io.shiq.schemas.kafka.KafkaClients;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code shiq ab status [ID]}: a live table of experiments in the terminal. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Show experiments as a live table (refreshed until Ctrl-C): per arm the episodes, traffic share, "
        + "mean with its fixed-horizon CI and always-valid confidence sequence, the effect against the control with "
        + "its confidence sequence, always-valid and fixed-horizon p-values; the sample-ratio check, guardrails and "
        + "the decision.")
public final class AbStatusCommand implements Callable<Integer> {
  @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "Experiment id (default: all).")
  String id;

  @Option(names = "--once", description = "Print the table once and exit.")
  boolean once;

  @Option(names = "--interval", description = "Seconds between refreshes (default: ${DEFAULT-VALUE}).")
  double interval = 2;

  @Mixin
  AbConnection connection;

  @Override
  public Integer call() throws InterruptedException {
    KafkaClients kafka = connection.clients();
    try (AbLog log = new AbLog(kafka, connection.topics())) {
      boolean ansi = !once && System.console() != null;
      do {
        log.catchUp(Duration.ofSeconds(30));
        if (id != null && !log.experiments().containsKey(id)) {
          throw new IllegalArgumentException("no experiment '" + id + "' on " + connection.topics().experiments()
              + " (known: " + log.experiments().keySet() + ")");
        }
        StringBuilder screen = new StringBuilder();
        if (ansi) {
          screen.append("\033[H\033[2J"); // home, clear: a table that refreshes in place
        }
        screen.append("shiq ab status - ").append(Instant.now()).append('\n');
        if (log.experiments().isEmpty()) {
          screen.append("no experiments declared on ").append(connection.topics().experiments())
              .append(" (shiq ab start FILE)\n");
        }
        for (Experiment e : log.experiments().values()) {
          if (id == null || id.equals(e.getExperimentId())) {
            screen.append(AbTable.render(e, log.results(e.getExperimentId()), log.decisions(e.getExperimentId())))
                .append('\n');
          }
        }
        System.out.print(screen);
        System.out.flush();
        if (!once) {
          Thread.sleep(Math.round(interval * 1000));
        }
      } while (!once);
    }
    return 0;
  }
}
