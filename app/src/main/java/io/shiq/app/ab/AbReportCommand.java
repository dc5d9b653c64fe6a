package io.shiq.app.ab;

import io.shiq.avro.Experiment;
import io.shiq.schemas.kafka.KafkaClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code shiq ab report ID --out DIR}: the experiment's HTML report. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Write an experiment's report: DIR/index.html (self-contained: per-arm means over time with their "
        + "always-valid confidence sequences, the effect's confidence sequence narrowing, always-valid against "
        + "fixed-horizon p-values, SRM status, guardrails, the decision and its time, the off-policy estimate next to "
        + "the live result), DIR/results.csv and DIR/summary.json.")
public final class AbReportCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "ID", description = "Experiment id.")
  String id;

  @Option(names = "--out", paramLabel = "DIR", required = true, description = "Directory to write the report to.")
  Path out;

  @Mixin
  AbConnection connection;

  @Override
  public Integer call() throws Exception {
    KafkaClients kafka = connection.clients();
    try (AbLog log = new AbLog(kafka, connection.topics())) {
      log.catchUp(Duration.ofSeconds(60));
      Experiment e = log.experiments().get(id);
      if (e == null) {
        throw new IllegalArgumentException("no experiment '" + id + "' on " + connection.topics().experiments()
            + " (known: " + log.experiments().keySet() + ")");
      }
      Path index = AbReports.write(out, e, log.results(id), log.decisions(id), log.estimates(id));
      System.out.printf("%s: %d results, %d decision(s), %d off-policy estimate(s)%nreport: %s%n", id,
          log.results(id).size(), log.decisions(id).size(), log.estimates(id).size(), index.toAbsolutePath());
    }
    return 0;
  }
}
