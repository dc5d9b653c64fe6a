package io.shiq.ab.report;

import io.shiq.avro.EvalResult;
import io.shiq.avro.Experiment;
import io.shiq.avro.ExperimentDecision;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The A/B experiment report: a self-contained {@code index.html} (inline CSS and SVG charts, no script and no
 * external resource), {@code results.csv} (one row per EvalResult) and {@code summary.json} (the final figures).
 *
 * <p>The page shows the declaration (arms, control, primary metric, MDE, alpha, power, status), the decision or "no
 * decision yet", the sample-ratio check, the per-arm figures, three charts over time (each arm's cumulative mean with
 * its always-valid confidence sequence; the effect's confidence sequence with 0, +-MDE and the decision time; the
 * always-valid against the fixed-horizon p-value on a log scale with alpha), the guardrails (table and one chart
 * per metric) and the off-policy estimates made before the experiment next to the live result of their arm.
 *
 * <p>Inputs: EvalResults as the evaluator writes them (main fields cumulative since the start, the always-valid and
 * comparison figures in the metrics map, see {@code io.shiq.ab.evaluate.EvalRecords}); any metric may be missing.
 * Results are ordered by windowEnd (the evaluation time), decisions by decidedAt; the latest decision is the one in
 * force. Null lists count as empty. All user text is escaped; all times are UTC ISO-8601.
 */
public final class AbReport {
  public static final String INDEX = "index.html";
  public static final String RESULTS_CSV = "results.csv";
  public static final String SUMMARY_JSON = "summary.json";

  private AbReport() {}

  /**
   * Writes index.html, results.csv and summary.json into {@code outDir} (created if needed; existing files of those
   * names are replaced) and returns the path of index.html.
   *
   * @param results   the experiment's EvalResults (any order; may be empty)
   * @param decisions its decisions (any order; may be empty)
   * @param ope       off-policy estimates made before the experiment (may be empty or null)
   * @throws UncheckedIOException when a file cannot be written
   */
  public static Path write(Path outDir, Experiment experiment, List<EvalResult> results,
                           List<ExperimentDecision> decisions, List<OpeLine> ope) {
    ReportModel model = new ReportModel(experiment, results, decisions, ope);
    try {
      Files.createDirectories(outDir);
      writeFile(outDir.resolve(RESULTS_CSV), ResultsCsv.render(model.results));
      writeFile(outDir.resolve(SUMMARY_JSON), SummaryJson.render(model));
      Path index = outDir.resolve(INDEX);
      writeFile(index, ReportHtml.render(model));
      return index;
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the A/B report to " + outDir + ": " + e.getMessage(), e);
    }
  }

  /** Writes to a temporary file next to the target, then moves it over the target (readers never see half a file). */
  private static void writeFile(Path target, String content) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    // getBytes replaces malformed text (a lone surrogate) instead of failing the whole report.
    Files.write(tmp, content.getBytes(StandardCharsets.UTF_8));
    try {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (java.nio.file.AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
