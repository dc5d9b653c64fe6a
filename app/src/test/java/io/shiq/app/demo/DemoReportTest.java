package io.shiq.app.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.learner.service.LearnerService;
import io.shiq.learner.train.StepStats;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report from recorded data alone: summary figures, the plots and report.html, with and without an optimum. */
class DemoReportTest {

  /** A run of {@code steps} learner steps over {@code episodes} episodes whose reward rises from 0.2 towards 0.8. */
  static DemoRecorder recorded(int steps, int episodes) {
    DemoRecorder r = new DemoRecorder();
    java.util.Random random = new java.util.Random(3);
    double seconds = 30.0 * Math.max(steps, 1) / 100;
    for (int i = 0; i < episodes; i++) {
      double t = (double) i / Math.max(1, episodes - 1);
      long version = (long) (t * steps / 10);
      double at = 1 + seconds * (i / 32 * 32) / Math.max(1, episodes - 1); // batches of 32 end together
      r.add(new DemoRecorder.Episode(at, "actor-" + (i % 2), version, 0.2 + 0.6 * t + 0.2 * random.nextGaussian(), "<s>", "a" + (i % 5) + " a1"));
    }
    for (int s = 1; s <= steps; s++) {
      double t = (double) s / steps;
      StepStats stats = new StepStats(s, 0.1, 0.2 + 0.6 * t, 0.002 * s / Math.max(1, steps) * 40, 0.1, 1, 1e-3,
          5000, 64, 128, Map.of());
      LearnerService.StepReport report = new LearnerService.StepReport(s, s / 10, "b" + s, s, stats, 0.01, 0.02, 0,
          0.5);
      r.add(new DemoRecorder.Step(1 + t * seconds, report, (long) (t * episodes), 0.2 + 0.55 * t, 12));
    }
    return r;
  }

  static Map<String, Object> config() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("env", "synthetic");
    config.put("objective", "shiq");
    return config;
  }

  @Test
  void theSummaryCarriesTheBestWindowAndTheOptimum(@TempDir Path dir) throws Exception {
    DemoRecorder r = recorded(1500, 4000);
    DemoReport.Summary s = DemoReport.write(dir, r, 1500, 150, 3, 30, 60, config(), OptionalDouble.of(0.85));
    assertEquals(r.bestWindow(DemoReport.SHARE), s.rewardBestWindow(), 1e-12);
    assertTrue(s.rewardBestWindow() >= s.rewardLast() - 1e-12);
    assertEquals(0.85, s.rewardOptimum().getAsDouble(), 0);
    assertEquals(4000, s.episodes());
    String html = Files.readString(dir.resolve("report.html"));
    assertTrue(html.contains(DemoReport.OPTIMUM_LABEL) && html.contains("0.8500"), "optimum in the summary");
    assertTrue(html.contains("best mean reward over any 20% of the episodes in a row (800 episodes)"), html);
    assertTrue(html.contains("Before: First episodes") && html.contains("After: Last episodes"), "samples");
    assertTrue(html.contains("class=\"plots\"") && html.contains("reward.png") && html.contains("kl.png"));
    List<String> csv = Files.readAllLines(dir.resolve("metrics.csv"));
    assertEquals(1501, csv.size());
    assertTrue(csv.get(0).startsWith("step,wall_seconds,policy_version"));
    for (String png : List.of("reward.png", "kl.png")) {
      BufferedImage image = ImageIO.read(dir.resolve(png).toFile());
      assertTrue(image.getWidth() >= 500 && image.getHeight() > image.getWidth(), png + ": two plots, one above "
          + "the other, " + image.getWidth() + "x" + image.getHeight());
    }
  }

  @Test
  void anUnknownOptimumIsReportedAsUnknown(@TempDir Path dir) throws Exception {
    DemoReport.Summary s = DemoReport.write(dir, recorded(40, 300), 40, 4, 1, 2, 20, config(),
        OptionalDouble.empty());
    assertFalse(s.rewardOptimum().isPresent());
    String html = Files.readString(dir.resolve("report.html"));
    assertTrue(html.contains("<td>unknown</td>"), "optimum unknown");
    assertFalse(html.contains("dashed red"), "no optimum line described");
  }

  @Test
  void aRunWithoutStepsOrEpisodesStillGetsAReport(@TempDir Path dir) throws Exception {
    DemoReport.Summary s = DemoReport.write(dir, new DemoRecorder(), 0, 0, 0, 0, 1, config(),
        OptionalDouble.of(0.5));
    assertTrue(Double.isNaN(s.rewardBestWindow()));
    for (String f : List.of("report.html", "metrics.csv", "reward.png", "kl.png")) {
      assertTrue(Files.size(dir.resolve(f)) > 0, f);
    }
    DemoReport.write(dir.resolve("one"), recorded(1, 3), 1, 0, 0, 1, 1, config(), OptionalDouble.of(0.5));
    assertTrue(Files.size(dir.resolve("one/reward.png")) > 0);
  }

  @Test
  void tickLabelsArePlainNumbers() {
    assertEquals("1079", DemoReport.tick(1079));
    assertEquals("0", DemoReport.tick(0));
    assertEquals("0.25", DemoReport.tick(0.25));
    assertEquals("0.3", DemoReport.tick(0.30000000000000004));
    assertEquals("0.0004", DemoReport.tick(0.0004));
    assertEquals("-1.5", DemoReport.tick(-1.5));
  }

  /** Writes sample reports for looking at: {@code -Dshiq.demoReportSamples=DIR}. */
  @Test
  void samples() throws Exception {
    String out = System.getProperty("shiq.demoReportSamples");
    if (out == null) {
      return;
    }
    for (int steps : new int[] {1, 3, 40, 1500}) {
      DemoReport.write(Path.of(out, "steps" + steps), recorded(steps, steps * 30), steps, steps / 10, 3, 30, 60,
          config(), steps == 40 ? OptionalDouble.empty() : OptionalDouble.of(0.85));
    }
  }
}
