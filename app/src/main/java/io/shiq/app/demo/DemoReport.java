package io.shiq.app.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shiq.learner.service.LearnerService;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Writes a demo run's results into its directory: {@code metrics.csv} (one row per learner step),
 * {@code reward.png} and {@code kl.png} (each against learner steps above and wall time below), {@code report.html}
 * (summary, the two plots side by side, sample episodes before and after, configuration) and returns the summary.
 */
public final class DemoReport {
  /** Share of the episodes at each end compared by reward_first / reward_last, and the best window's size. */
  public static final double SHARE = 0.2;
  /** Label of the optimum's line in reward.png and of its row in report.html. */
  public static final String OPTIMUM_LABEL = "optimum (regularised)";
  private static final int SAMPLES = 6;
  private static final String STEP_AXIS = "learner step";
  private static final String WALL_AXIS = "wall time (s)";
  private static final int CHART_WIDTH = 560;
  private static final int CHART_HEIGHT = 400;
  private static final Color EPISODES = new Color(31, 119, 180);
  private static final Color BATCH = new Color(255, 160, 60);
  private static final Color OPTIMUM = new Color(200, 30, 30);
  private static final Color KL = new Color(44, 160, 44);

  /**
   * @param rewardFirst     mean reward of the first 20% of the episodes
   * @param rewardLast      mean reward of the last 20%
   * @param rewardInitialVersion mean reward of the episodes of the first policy version served in this run
   * @param rewardBestWindow best mean reward over any 20% of the episodes in a row, in episode order
   * @param rewardOptimum   the environment's (regularised) optimum mean reward, empty when unknown
   * @param klLast          mean KL(pi || pi_ref) estimate of the last 5 learner steps
   * @param learnerSteps    learner steps in all (resumed ones included)
   * @param policyVersions  newest policy version
   * @param episodes        episodes this run
   * @param trajectoriesPerSecond episodes per second over the run
   * @param learnerTokensPerSecond token positions per second of learner compute
   * @param waitShare       share of learner time spent waiting for batches
   * @param seconds         run length
   */
  public record Summary(double rewardFirst, double rewardLast, double rewardInitialVersion, double rewardBestWindow,
                        OptionalDouble rewardOptimum, double klLast, long learnerSteps, long policyVersions,
                        int episodes, double trajectoriesPerSecond, double learnerTokensPerSecond, double waitShare,
                        double seconds) {}

  private DemoReport() {}

  /** {@link #write(Path, DemoRecorder, LearnerService, double, Map, OptionalDouble)} with the optimum unknown. */
  public static Summary write(Path dir, DemoRecorder recorder, LearnerService learner, double seconds,
                              Map<String, Object> config) throws IOException {
    return write(dir, recorder, learner, seconds, config, OptionalDouble.empty());
  }

  /**
   * @param rewardOptimum the environment's optimum mean reward under the objective's regularisation, drawn in
   *                      reward.png and reported; empty when unknown
   */
  public static Summary write(Path dir, DemoRecorder recorder, LearnerService learner, double seconds,
                              Map<String, Object> config, OptionalDouble rewardOptimum) throws IOException {
    return write(dir, recorder, learner == null ? 0 : learner.step(), learner == null ? 0 : learner.version(),
        learner == null ? 0 : learner.waitSeconds(), learner == null ? 0 : learner.computeSeconds(), seconds, config,
        rewardOptimum);
  }

  /** The report from recorded figures alone (no learner needed; for tests). */
  static Summary write(Path dir, DemoRecorder recorder, long learnerSteps, long policyVersion, double waitSeconds,
                       double computeSeconds, double seconds, Map<String, Object> config,
                       OptionalDouble rewardOptimum) throws IOException {
    Files.createDirectories(dir);
    OptionalDouble optimum = rewardOptimum == null || (rewardOptimum.isPresent()
        && !Double.isFinite(rewardOptimum.getAsDouble())) ? OptionalDouble.empty() : rewardOptimum;
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
    double best = DemoRecorder.bestWindowMean(episodes.stream().mapToDouble(DemoRecorder.Episode::reward).toArray(),
        SHARE);
    Summary summary = new Summary(fl[0], fl[1], recorder.initialVersionReward(), best, optimum, kl, learnerSteps,
        policyVersion, episodes.size(), episodes.size() / Math.max(1e-9, seconds), compute == 0 ? 0 : tokens / compute,
        waitSeconds + computeSeconds == 0 ? 0 : waitSeconds / (waitSeconds + computeSeconds), seconds);
    writeCsv(dir.resolve("metrics.csv"), steps);
    writeCharts(dir, steps, episodes, optimum);
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

  /** One line of a chart. */
  private record Line(String name, List<Double> xs, List<Double> ys, Color color) {}

  private static void writeCharts(Path dir, List<DemoRecorder.Step> steps, List<DemoRecorder.Episode> episodes,
                                  OptionalDouble optimum) throws IOException {
    // ImageIO's disk cache registers a shutdown hook, which fails while Ctrl-C is stopping the JVM.
    javax.imageio.ImageIO.setUseCache(false);
    List<Double> rewardStep = new ArrayList<>();
    List<Double> reward = new ArrayList<>();
    List<Double> step = new ArrayList<>();
    List<Double> wall = new ArrayList<>();
    List<Double> batchReward = new ArrayList<>();
    List<Double> kl = new ArrayList<>();
    for (DemoRecorder.Step s : steps) {
      step.add((double) s.report().step());
      wall.add(s.seconds());
      batchReward.add(s.report().stats().meanReward());
      kl.add(s.report().stats().klToReference());
      if (!Double.isNaN(s.recentReward())) {
        rewardStep.add((double) s.report().step());
        reward.add(s.recentReward());
      }
    }
    // Reward against wall time comes from the episodes themselves: the moving mean after each batch of episodes.
    List<Double> episodeWall = new ArrayList<>();
    List<Double> episodeReward = new ArrayList<>();
    double sum = 0;
    double at = 0;
    for (int i = 0; i < episodes.size(); i++) {
      sum += episodes.get(i).reward();
      if (i >= DemoRecorder.RECENT) {
        sum -= episodes.get(i - DemoRecorder.RECENT).reward();
      }
      at = Math.max(at, episodes.get(i).seconds());
      if (i == episodes.size() - 1 || episodes.get(i + 1).seconds() != episodes.get(i).seconds()) {
        episodeWall.add(at);
        episodeReward.add(sum / Math.min(i + 1, DemoRecorder.RECENT));
      }
    }
    String recent = "episodes (last " + DemoRecorder.RECENT + ")";
    String rewardAxis = "mean episode reward";
    String klAxis = "KL(π‖π_ref) (nats/token)";
    // Both wall-time plots span the same seconds (episodes start before the first learner step).
    double[] wallRange = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
    for (List<Double> xs : List.of(episodeWall, wall)) {
      if (!xs.isEmpty()) {
        wallRange[0] = Math.min(wallRange[0], xs.get(0));
        wallRange[1] = Math.max(wallRange[1], xs.get(xs.size() - 1));
      }
    }
    List<Chart<?, ?>> rewardCharts = List.of(
        chart("Reward vs learner step", STEP_AXIS, rewardAxis, true, optimum, null,
            new Line(recent, rewardStep, reward, EPISODES),
            new Line("training batches", step, batchReward, BATCH)),
        chart("Reward vs wall time", WALL_AXIS, rewardAxis, true, optimum, wallRange,
            new Line(recent, episodeWall, episodeReward, EPISODES)));
    BitmapEncoder.saveBitmap(rewardCharts, 2, 1, dir.resolve("reward").toString(), BitmapEncoder.BitmapFormat.PNG);
    List<Chart<?, ?>> klCharts = List.of(
        chart("KL(π‖π_ref) vs learner step", STEP_AXIS, klAxis, false, OptionalDouble.empty(), null,
            new Line("KL estimate", step, kl, KL)),
        chart("KL(π‖π_ref) vs wall time", WALL_AXIS, klAxis, false, OptionalDouble.empty(), wallRange,
            new Line("KL estimate", wall, kl, KL)));
    BitmapEncoder.saveBitmap(klCharts, 2, 1, dir.resolve("kl").toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  /** A chart of the lines (and the optimum, when known) over at least {@code xRange} when given. */
  private static XYChart chart(String title, String xTitle, String yTitle, boolean legend, OptionalDouble optimum,
                               double[] xRange, Line... lines) {
    XYChart c = new XYChartBuilder().width(CHART_WIDTH).height(CHART_HEIGHT).title(title).xAxisTitle(xTitle)
        .yAxisTitle(yTitle).build();
    XYStyler st = c.getStyler();
    st.setChartBackgroundColor(Color.WHITE);
    st.setLegendVisible(legend);
    st.setLegendPosition(Styler.LegendPosition.OutsideS);
    st.setLegendLayout(Styler.LegendLayout.Horizontal);
    st.setLegendBorderColor(Color.WHITE);
    st.setPlotBorderVisible(true);
    st.setChartTitleBoxVisible(false);
    st.setLocale(Locale.ROOT);
    // Plain numbers (no thousands separators, at most 4 significant digits) and ticks far enough apart to read.
    // Learner steps are whole numbers: no labels between them (1, 1.5, 2, ...) when there are few.
    st.setxAxisTickLabelsFormattingFunction(xTitle.equals(STEP_AXIS) ? v -> v == Math.rint(v) ? tick(v) : ""
        : DemoReport::tick);
    st.setyAxisTickLabelsFormattingFunction(DemoReport::tick);
    st.setXAxisTickMarkSpacingHint(90);
    st.setYAxisTickMarkSpacingHint(50);
    double xMin = Double.POSITIVE_INFINITY;
    double xMax = Double.NEGATIVE_INFINITY;
    double yMin = Double.POSITIVE_INFINITY;
    double yMax = Double.NEGATIVE_INFINITY;
    int points = 0;
    for (Line l : lines) {
      for (int i = 0; i < l.xs().size(); i++) {
        xMin = Math.min(xMin, l.xs().get(i));
        xMax = Math.max(xMax, l.xs().get(i));
        if (Double.isFinite(l.ys().get(i))) {
          yMin = Math.min(yMin, l.ys().get(i));
          yMax = Math.max(yMax, l.ys().get(i));
        }
      }
      points = Math.max(points, l.xs().size());
    }
    if (points == 0) {
      c.setTitle(title + " (no data yet)");
      xMin = 0;
      xMax = 1;
    } else if (xRange != null && xRange[0] <= xRange[1]) {
      xMin = Math.min(xMin, xRange[0]);
      xMax = Math.max(xMax, xRange[1]);
    }
    if (yMin > yMax) {
      yMin = optimum.orElse(0);
      yMax = yMin;
    }
    // xchart puts the ticks of equally spaced values (learner steps 1, 2, 3, ...) on data values and lets their
    // labels overlap ("1,0791,2331,..."); a first, invisible series from the top right back to the bottom left makes
    // the values of both axes unequally spaced, so the axes get their ordinary round ticks. It also stretches the x
    // axis over xRange.
    XYSeries frame = xMin == xMax || yMin == yMax
        ? c.addSeries(" ", new double[] {xMin, xMax}, new double[] {yMin, yMax})
        : c.addSeries(" ", new double[] {xMax, xMin}, new double[] {yMax, yMin});
    frame.setShowInLegend(false);
    frame.setLineColor(new Color(0, 0, 0, 0));
    frame.setMarker(SeriesMarkers.NONE);
    for (Line l : lines) {
      if (l.xs().isEmpty()) {
        continue;
      }
      XYSeries s = c.addSeries(l.name(), l.xs(), l.ys());
      s.setLineColor(l.color());
      s.setLineWidth(l.color() == BATCH ? 1.2f : 2f);
      // A line needs two points: show markers while there are few.
      if (l.xs().size() <= 40) {
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setMarkerColor(l.color());
      } else {
        s.setMarker(SeriesMarkers.NONE);
      }
    }
    if (optimum.isPresent()) {
      double lo = xMin == xMax ? xMin - 0.5 : xMin;
      double hi = xMin == xMax ? xMax + 0.5 : xMax;
      XYSeries o = c.addSeries(OPTIMUM_LABEL, new double[] {lo, hi},
          new double[] {optimum.getAsDouble(), optimum.getAsDouble()});
      o.setLineColor(OPTIMUM);
      o.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 5f},
          0f));
      o.setMarker(SeriesMarkers.NONE);
    }
    return c;
  }

  /** A tick label: whole numbers plainly, others to 4 significant digits. */
  static String tick(double v) {
    if (!Double.isFinite(v)) {
      return "";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
  }

  private static void writeHtml(Path file, Summary s, List<DemoRecorder.Step> steps,
                                List<DemoRecorder.Episode> episodes, Map<String, Object> config) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode cfg = json.valueToTree(config);
    int window = DemoRecorder.windowSize(s.episodes(), SHARE);
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>shiq demo report</title><style>")
        .append("body{font-family:sans-serif;max-width:1180px;margin:2em auto;padding:0 1em;color:#222}")
        .append("table{border-collapse:collapse;margin:0.5em 0 1em}td,th{border:1px solid #ccc;padding:4px 8px;")
        .append("vertical-align:top;text-align:left}th{background:#f5f5f5;font-weight:600}")
        .append("pre{white-space:pre-wrap;word-break:break-word;margin:0}")
        .append(".summary th{font-weight:normal}.summary td{font-variant-numeric:tabular-nums}")
        .append(".key td{font-weight:bold}.none{color:#888;font-style:italic}")
        .append(".plots{display:flex;flex-wrap:wrap;gap:20px;align-items:flex-start}")
        .append(".plots figure{margin:0;flex:1 1 500px;max-width:").append(CHART_WIDTH).append("px}")
        .append(".plots img{width:100%;height:auto;border:1px solid #ddd}")
        .append(".plots figcaption{font-size:0.9em;color:#555;margin-top:4px}")
        .append(".episodes{width:100%;table-layout:fixed}.episodes .n{width:5.5em}.episodes .p{width:22%}")
        .append("</style></head><body>")
        .append("<h1>shiq demo</h1>");
    h.append("<h2>Summary</h2><table class=\"summary\">");
    row(h, "environment", String.valueOf(config.get("env")));
    row(h, "objective", String.valueOf(config.get("objective")));
    row(h, "run length", String.format(Locale.ROOT, "%.1f s", s.seconds()));
    row(h, "learner steps", Long.toString(s.learnerSteps()));
    row(h, "policy versions", Long.toString(s.policyVersions()));
    row(h, "episodes", Integer.toString(s.episodes()));
    row(h, "mean reward, first 20% of episodes", fmt(s.rewardFirst()));
    row(h, "mean reward, last 20% of episodes", fmt(s.rewardLast()), true);
    row(h, "best mean reward over any 20% of the episodes in a row (" + window + " episodes)",
        fmt(s.rewardBestWindow()), true);
    row(h, OPTIMUM_LABEL, s.rewardOptimum().isPresent() ? fmt(s.rewardOptimum().getAsDouble()) : "unknown", true);
    row(h, "mean reward of the first policy version's episodes", fmt(s.rewardInitialVersion()));
    row(h, "KL(π‖π_ref), mean of the last 5 steps (nats/token)", fmt(s.klLast()));
    row(h, "trajectories per second", String.format(Locale.ROOT, "%.1f", s.trajectoriesPerSecond()));
    row(h, "learner tokens per second (of compute)", String.format(Locale.ROOT, "%.0f", s.learnerTokensPerSecond()));
    row(h, "learner time waiting for data", String.format(Locale.ROOT, "%.0f%%", 100 * s.waitShare()));
    h.append("</table>");
    h.append("<h2>Reward and KL to the reference</h2><div class=\"plots\">")
        .append("<figure><img src=\"reward.png\" alt=\"mean episode reward against learner step and wall time\">")
        .append("<figcaption>Mean episode reward (moving mean of the last ").append(DemoRecorder.RECENT)
        .append(" episodes; the training batches' mean in orange)")
        .append(s.rewardOptimum().isPresent() ? "; dashed red: the " + OPTIMUM_LABEL : "")
        .append(".</figcaption></figure>")
        .append("<figure><img src=\"kl.png\" alt=\"KL to the reference against learner step and wall time\">")
        .append("<figcaption>KL(π‖π_ref) estimate per learner step: mean ln π/π_ref over the batch's action tokens.")
        .append("</figcaption></figure></div>");
    h.append("<h2>Sample episodes</h2>");
    List<DemoRecorder.Episode> before = episodes.subList(0, Math.min(SAMPLES, episodes.size()));
    List<DemoRecorder.Episode> after = episodes.subList(Math.max(before.size(), episodes.size() - SAMPLES),
        episodes.size());
    episodes(h, "Before: First episodes", before);
    episodes(h, "After: Last episodes", after);
    h.append("<h2>Configuration</h2><pre>").append(escape(json.writerWithDefaultPrettyPrinter()
        .writeValueAsString(cfg))).append("</pre>");
    h.append("<p>Per-step figures: <a href=\"metrics.csv\">metrics.csv</a> (").append(steps.size())
        .append(" rows).</p></body></html>\n");
    Files.writeString(file, h.toString(), StandardCharsets.UTF_8);
  }

  private static void episodes(StringBuilder h, String title, List<DemoRecorder.Episode> list) {
    h.append("<h3>").append(escape(title));
    if (list.isEmpty()) {
      h.append("</h3><p>none</p>");
      return;
    }
    long lo = list.stream().mapToLong(DemoRecorder.Episode::version).min().orElse(0);
    long hi = list.stream().mapToLong(DemoRecorder.Episode::version).max().orElse(0);
    double mean = list.stream().mapToDouble(DemoRecorder.Episode::reward).average().orElse(Double.NaN);
    String from = String.format(Locale.ROOT, "%.0f", list.get(0).seconds());
    String to = String.format(Locale.ROOT, "%.0f", list.get(list.size() - 1).seconds());
    h.append(String.format(Locale.ROOT, " (policy %s, mean reward %s, at %s s)", lo == hi ? "v" + lo
        : "v" + lo + "&ndash;v" + hi, fmt(mean), from.equals(to) ? from : from + "&ndash;" + to));
    h.append("</h3><table class=\"episodes\"><colgroup><col class=\"n\"><col class=\"n\"><col class=\"n\">")
        .append("<col class=\"p\"><col></colgroup><tr><th>at</th><th>policy</th><th>reward</th>")
        .append("<th>prompt</th><th>policy's text</th></tr>");
    for (DemoRecorder.Episode e : list) {
      h.append(String.format(Locale.ROOT, "<tr><td>%.0f s</td><td>v%d</td><td>%s</td><td><pre>%s</pre></td>"
          + "<td><pre>%s</pre></td></tr>", e.seconds(), e.version(), fmt(e.reward()), escape(e.prompt()),
          e.text().isEmpty() ? "<span class=\"none\">(nothing)</span>" : escape(e.text())));
    }
    h.append("</table>");
  }

  private static void row(StringBuilder h, String k, String v) {
    row(h, k, v, false);
  }

  private static void row(StringBuilder h, String k, String v, boolean key) {
    h.append(key ? "<tr class=\"key\">" : "<tr>").append("<th>").append(escape(k)).append("</th><td>")
        .append(escape(v)).append("</td></tr>");
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
