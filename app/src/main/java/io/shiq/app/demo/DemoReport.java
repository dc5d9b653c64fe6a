package io.shiq.app.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shiq.learner.service.LearnerService;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/**
 * Writes a demo run's results into its directory: {@code metrics.csv} (one row per learner step),
 * {@code reward.png} and {@code kl.png} (against learner steps and wall time), {@code report.html} (plots,
 * configuration, sample episodes before and after) and returns the summary.
 */
public final class DemoReport {
  /** Share of the episodes at each end compared by reward_first / reward_last. */
  public static final double SHARE = 0.2;
  private static final int SAMPLES = 6;

  /**
   * @param rewardFirst     mean reward of the first 20% of the episodes
   * @param rewardLast      mean reward of the last 20%
   * @param rewardInitialVersion mean reward of the episodes of the first policy version served in this run
   * @param klLast          mean KL(pi || pi_ref) estimate of the last 5 learner steps
   * @param learnerSteps    learner steps in all (resumed ones included)
   * @param policyVersions  newest policy version
   * @param episodes        episodes this run
   * @param trajectoriesPerSecond episodes per second over the run
   * @param learnerTokensPerSecond token positions per second of learner compute
   * @param waitShare       share of learner time spent waiting for batches
   * @param seconds         run length
   */
  public record Summary(double rewardFirst, double rewardLast, double rewardInitialVersion, double klLast, long learnerSteps, long policyVersions,
                        int episodes, double trajectoriesPerSecond, double learnerTokensPerSecond, double waitShare,
                        double seconds) {}

  private DemoReport() {}

  public static Summary write(Path dir, DemoRecorder recorder, LearnerService learner, double seconds,
                              Map<String, Object> config) throws IOException {
    Files.createDirectories(dir);
    List<DemoRecorder.Step> steps = recorder.steps();
    List<DemoRecorder.Episode> episodes = recorder.episodes();
    double[] fl = recorder.firstAndLast(SHARE);
    double kl = Double.NaN;
    if (!steps.isEmpty()) {
      kl = steps.subList(Math.max(0, steps.size() - 5), steps.size()).stream()
          .mapToDouble(s -> s.report().stats().klToReference()).average().orElse(Double.NaN);
    }
    double tokens = 0;
    double compute = 0;
    for (DemoRecorder.Step s : steps) {
      tokens += s.report().stats().tokensPerSecond() * s.report().computeSeconds();
      compute += s.report().computeSeconds();
    }
    double wait = learner.waitSeconds();
    double busy = learner.computeSeconds();
    Summary summary = new Summary(fl[0], fl[1], recorder.initialVersionReward(), kl, learner.step(), learner.version(), episodes.size(),
        episodes.size() / Math.max(1e-9, seconds), compute == 0 ? 0 : tokens / compute,
        wait + busy == 0 ? 0 : wait / (wait + busy), seconds);
    writeCsv(dir.resolve("metrics.csv"), steps);
    writeCharts(dir, steps);
    writeHtml(dir.resolve("report.html"), summary, steps, episodes, config);
    return summary;
  }

  private static void writeCsv(Path file, List<DemoRecorder.Step> steps) throws IOException {
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
      out.println("step,wall_seconds,policy_version,batch_id,loss,batch_reward,kl_to_reference,mean_abs_residual,"
          + "grad_norm,learning_rate,learner_tokens_per_s,wait_seconds,compute_seconds,consumer_lag,version_lag,"
          + "episodes,episode_reward_recent,trajectories_per_s");
      for (DemoRecorder.Step s : steps) {
        LearnerService.StepReport r = s.report();
        out.printf(Locale.ROOT, "%d,%.3f,%d,%s,%.6f,%.6f,%.6f,%.6f,%.6f,%.3g,%.1f,%.4f,%.4f,%d,%.3f,%d,%.6f,%.3f%n",
            r.step(), s.seconds(), r.policyVersion(), r.batchId(), r.stats().loss(), r.stats().meanReward(),
            r.stats().klToReference(), r.stats().meanAbsResidual(), r.stats().gradNorm(), r.stats().learningRate(),
            r.stats().tokensPerSecond(), r.waitSeconds(), r.computeSeconds(), r.consumerLag(), r.versionLag(),
            s.episodes(), s.recentReward(), s.trajectoriesPerSecond());
      }
    }
  }

  private static void writeCharts(Path dir, List<DemoRecorder.Step> steps) throws IOException {
    // ImageIO's disk cache registers a shutdown hook, which fails while Ctrl-C is stopping the JVM.
    javax.imageio.ImageIO.setUseCache(false);
    List<Double> step = new ArrayList<>();
    List<Double> wall = new ArrayList<>();
    List<Double> reward = new ArrayList<>();
    List<Double> batchReward = new ArrayList<>();
    List<Double> kl = new ArrayList<>();
    for (DemoRecorder.Step s : steps) {
      if (Double.isNaN(s.recentReward())) {
        continue;
      }
      step.add((double) s.report().step());
      wall.add(s.seconds());
      reward.add(s.recentReward());
      batchReward.add(s.report().stats().meanReward());
      kl.add(s.report().stats().klToReference());
    }
    if (step.isEmpty()) {
      step.add(0.0);
      wall.add(0.0);
      reward.add(0.0);
      batchReward.add(0.0);
      kl.add(0.0);
    }
    List<Chart> rewardCharts = List.of(
        chart("Reward vs learner step", "learner step", "reward", step,
            Map.of("episodes (last " + DemoRecorder.RECENT + ")", reward, "training batch", batchReward)),
        chart("Reward vs wall time", "seconds", "reward", wall,
            Map.of("episodes (last " + DemoRecorder.RECENT + ")", reward)));
    BitmapEncoder.saveBitmap(rewardCharts, 1, 2, dir.resolve("reward").toString(), BitmapEncoder.BitmapFormat.PNG);
    List<Chart> klCharts = List.of(
        chart("KL(pi || pi_ref) vs learner step", "learner step", "KL estimate", step, Map.of("KL", kl)),
        chart("KL(pi || pi_ref) vs wall time", "seconds", "KL estimate", wall, Map.of("KL", kl)));
    BitmapEncoder.saveBitmap(klCharts, 1, 2, dir.resolve("kl").toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  private static XYChart chart(String title, String x, String y, List<Double> xs, Map<String, List<Double>> series) {
    XYChart c = new XYChartBuilder().width(560).height(380).title(title).xAxisTitle(x).yAxisTitle(y).build();
    c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    c.getStyler().setMarkerSize(0);
    c.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    series.forEach((name, ys) -> c.addSeries(name, xs, ys));
    return c;
  }

  private static void writeHtml(Path file, Summary s, List<DemoRecorder.Step> steps,
                                List<DemoRecorder.Episode> episodes, Map<String, Object> config) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode cfg = json.valueToTree(config);
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>shiq demo report</title><style>")
        .append("body{font-family:sans-serif;max-width:1180px;margin:2em auto;color:#222}")
        .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;")
        .append("vertical-align:top;text-align:left}pre{white-space:pre-wrap;margin:0}</style></head><body>")
        .append("<h1>shiq demo</h1>");
    h.append("<h2>Summary</h2><table>");
    row(h, "environment", String.valueOf(config.get("env")));
    row(h, "objective", String.valueOf(config.get("objective")));
    row(h, "run length", String.format(Locale.ROOT, "%.1f s", s.seconds()));
    row(h, "learner steps", Long.toString(s.learnerSteps()));
    row(h, "policy versions", Long.toString(s.policyVersions()));
    row(h, "episodes", Integer.toString(s.episodes()));
    row(h, "mean reward, first 20% of episodes", fmt(s.rewardFirst()));
    row(h, "mean reward, last 20% of episodes", fmt(s.rewardLast()));
    row(h, "mean reward of the first policy version's episodes", fmt(s.rewardInitialVersion()));
    row(h, "KL(pi || pi_ref), last steps", fmt(s.klLast()));
    row(h, "trajectories per second", fmt(s.trajectoriesPerSecond()));
    row(h, "learner tokens per second (of compute)", String.format(Locale.ROOT, "%.0f", s.learnerTokensPerSecond()));
    row(h, "learner time waiting for data", String.format(Locale.ROOT, "%.0f%%", 100 * s.waitShare()));
    h.append("</table>");
    h.append("<h2>Reward</h2><img src=\"reward.png\" alt=\"reward\"><h2>KL to the reference</h2>")
        .append("<img src=\"kl.png\" alt=\"KL\">");
    h.append("<h2>Sample episodes</h2>");
    episodes(h, "First episodes (initial policy)", episodes.subList(0, Math.min(SAMPLES, episodes.size())));
    episodes(h, "Last episodes", episodes.subList(Math.max(0, episodes.size() - SAMPLES), episodes.size()));
    h.append("<h2>Configuration</h2><pre>").append(escape(json.writerWithDefaultPrettyPrinter()
        .writeValueAsString(cfg))).append("</pre>");
    h.append("<p>Per-step figures: <a href=\"metrics.csv\">metrics.csv</a> (").append(steps.size())
        .append(" rows).</p></body></html>\n");
    Files.writeString(file, h.toString(), StandardCharsets.UTF_8);
  }

  private static void episodes(StringBuilder h, String title, List<DemoRecorder.Episode> list) {
    h.append("<h3>").append(escape(title)).append("</h3><table><tr><th>at</th><th>version</th><th>reward</th>")
        .append("<th>prompt</th><th>policy's text</th></tr>");
    for (DemoRecorder.Episode e : list) {
      h.append(String.format(Locale.ROOT, "<tr><td>%.0f s</td><td>v%d</td><td>%s</td><td><pre>%s</pre></td>"
          + "<td><pre>%s</pre></td></tr>", e.seconds(), e.version(), fmt(e.reward()), escape(e.prompt()),
          escape(e.text())));
    }
    h.append("</table>");
  }

  private static void row(StringBuilder h, String k, String v) {
    h.append("<tr><th>").append(escape(k)).append("</th><td>").append(escape(v)).append("</td></tr>");
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
