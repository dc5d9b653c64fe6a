package io.shiq.bench;

import io.shiq.learner.objective.Objectives;
import io.shiq.bench.study.SyntheticStudy;
import io.shiq.envs.TreeMdp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code shiq bench synthetic}: every objective on a token-tree MDP with a known optimum, dense and final rewards. */
@Command(name = "synthetic", mixinStandardHelpOptions = true,
    description = "Token-tree MDP study: offline data from pi_ref, every objective trained for the same number of "
        + "steps from the same initialisation; prints KL(pi*||pi), expected reward and regularised return, writes a "
        + "PNG of them against steps, for dense and final-only rewards.")
public final class SyntheticBenchmark implements Callable<Integer> {
  @Option(names = "--steps", description = "AdamW steps per objective (default: ${DEFAULT-VALUE}).")
  int steps = SyntheticStudy.Settings.defaults().steps();

  @Option(names = "--samples", description = "Episodes sampled from pi_ref (default: ${DEFAULT-VALUE}).")
  int samples = SyntheticStudy.Settings.defaults().samples();

  @Option(names = "--vocab", description = "Action tokens per state (default: ${DEFAULT-VALUE}).")
  int vocab = SyntheticStudy.Settings.defaults().vocab();

  @Option(names = "--depth", description = "Actions per episode (default: ${DEFAULT-VALUE}).")
  int depth = SyntheticStudy.Settings.defaults().depth();

  @Option(names = "--beta", description = "KL strength beta (default: ${DEFAULT-VALUE}).")
  double beta = SyntheticStudy.Settings.defaults().beta();

  @Option(names = "--lr", description = "AdamW learning rate (default: ${DEFAULT-VALUE}).")
  double lr = SyntheticStudy.Settings.defaults().lr();

  @Option(names = "--seed", description = "Seed of the MDP and the dataset (default: ${DEFAULT-VALUE}).")
  long seed = SyntheticStudy.Settings.defaults().seed();

  @Option(names = "--objectives", split = ",", description = "Objectives to run (default: all: ${DEFAULT-VALUE}).")
  List<String> objectives = Objectives.NAMES;

  @Option(names = "--out", description = "Directory for the plot (default: runs/synthetic-<timestamp>).")
  Path out;

  @Override
  public Integer call() throws Exception {
    for (String o : objectives) {
      if (!Objectives.NAMES.contains(o)) {
        throw new IllegalArgumentException("--objectives: unknown objective '" + o + "'; choose from " + Objectives.NAMES);
      }
    }
    SyntheticStudy.Settings settings = new SyntheticStudy.Settings(vocab, depth, beta, samples, steps, lr,
        Math.max(1, steps / 40), seed);
    long t0 = System.nanoTime();
    List<SyntheticStudy.Result> results = SyntheticStudy.run(settings, objectives,
        List.of(TreeMdp.RewardKind.DENSE, TreeMdp.RewardKind.FINAL), System.err::println);
    System.out.printf("%nToken-tree MDP: %d tokens, depth %d, beta %.2f, gamma 1, %d episodes from pi_ref, %d AdamW "
        + "steps (lr %.3g), %.1f s%n%n", vocab, depth, beta, samples, steps, lr, (System.nanoTime() - t0) / 1e9);
    System.out.printf("%-6s %-17s %14s %16s %19s%n", "reward", "objective", "KL(pi*||pi)", "expected reward",
        "regularised return");
    TreeMdp.RewardKind previous = null;
    for (SyntheticStudy.Result r : results) {
      if (r.rewardKind() != previous) {
        System.out.printf("%-6s %-17s %14s %16.4f %19.4f%n", kind(r), "(optimum pi*)", "0", r.optimalReward(),
            r.optimalValue());
        previous = r.rewardKind();
      }
      System.out.printf("%-6s %-17s %14.5f %16.4f %19.4f%n", kind(r), r.objective(), r.last().klToOptimal(),
          r.last().expectedReward(), r.last().regularisedReturn());
    }
    Path dir = out != null ? out : Path.of("runs", "synthetic-"
        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    Files.createDirectories(dir);
    Path png = dir.resolve("synthetic.png");
    plot(results, png);
    System.out.println();
    System.out.println("plot: " + png);
    StringBuilder json = new StringBuilder("{\"bench\":\"synthetic\",\"results\":[");
    for (int i = 0; i < results.size(); i++) {
      SyntheticStudy.Result r = results.get(i);
      json.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
          "{\"objective\":\"%s\",\"reward_kind\":\"%s\",\"kl_to_optimal\":%.6g,\"expected_reward\":%.6g,"
              + "\"regularised_return\":%.6g,\"optimal_regularised_return\":%.6g}", r.objective(), kind(r),
          r.last().klToOptimal(), r.last().expectedReward(), r.last().regularisedReturn(), r.optimalValue()));
    }
    System.out.println(json.append("],\"plot\":\"").append(png).append("\"}"));
    return 0;
  }

  private static String kind(SyntheticStudy.Result r) {
    return r.rewardKind().name().toLowerCase(Locale.ROOT);
  }

  private static void plot(List<SyntheticStudy.Result> results, Path png) throws java.io.IOException {
    List<Chart<?, ?>> charts = new ArrayList<>();
    for (TreeMdp.RewardKind kind : TreeMdp.RewardKind.values()) {
      charts.add(chart(results, kind, "KL(pi* || pi_theta)", true, p -> Math.max(1e-6, p.metrics().klToOptimal())));
      charts.add(chart(results, kind, "expected reward", false, p -> p.metrics().expectedReward()));
      charts.add(chart(results, kind, "regularised return", false, p -> p.metrics().regularisedReturn()));
    }
    BitmapEncoder.saveBitmap(charts, 2, 3, png.toString().replaceAll("\\.png$", ""), BitmapEncoder.BitmapFormat.PNG);
  }

  private static XYChart chart(List<SyntheticStudy.Result> results, TreeMdp.RewardKind kind, String metric,
                               boolean log, ToDoubleFunction<SyntheticStudy.Point> value) {
    XYChart chart = new XYChartBuilder().width(520).height(380)
        .title(metric + " (" + kind.name().toLowerCase(Locale.ROOT) + " reward)").xAxisTitle("step").build();
    chart.getStyler().setYAxisLogarithmic(log);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    chart.getStyler().setMarkerSize(0);
    chart.getStyler().setLegendFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 10));
    for (SyntheticStudy.Result r : results) {
      if (r.rewardKind() != kind) {
        continue;
      }
      double[] x = r.curve().stream().mapToDouble(SyntheticStudy.Point::step).toArray();
      double[] y = r.curve().stream().mapToDouble(value).toArray();
      chart.addSeries(r.objective(), x, y);
    }
    return chart;
  }
}
