package io.shiq.app.ab;

import io.shiq.ab.report.AbReport;
import io.shiq.avro.EvalResult;
import io.shiq.avro.Experiment;
import io.shiq.avro.ExperimentDecision;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Writes an experiment's HTML report from what the A/B topics hold (or what a replay computed). */
final class AbReports {
  private AbReports() {}

  static Path write(Path out, Experiment e, List<EvalResult> results, List<ExperimentDecision> decisions,
                    List<EvalResult> estimates) throws IOException {
    return AbReport.write(out, e, results, decisions, OffPolicy.lines(estimates));
  }
}
