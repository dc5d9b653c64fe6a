package io.shiq.app.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The best-window reward (reward_best_window) and the window size it shares with reward_first / reward_last. */
class DemoRecorderTest {
  private static final double SHARE = DemoReport.SHARE;

  @Test
  void noEpisodesHaveNoBestWindow() {
    assertTrue(Double.isNaN(DemoRecorder.bestWindowMean(new double[0], SHARE)));
    assertTrue(Double.isNaN(new DemoRecorder().bestWindow(SHARE)));
  }

  @Test
  void fewerThanFiveEpisodesMakeOneEpisodeWindows() {
    for (int n = 1; n < 5; n++) {
      assertEquals(1, DemoRecorder.windowSize(n, SHARE), "n=" + n);
    }
    assertEquals(0.7, DemoRecorder.bestWindowMean(new double[] {0.7}, SHARE), 1e-12);
    assertEquals(3, DemoRecorder.bestWindowMean(new double[] {1, 3, -2, 0}, SHARE), 1e-12);
    assertEquals(-1, DemoRecorder.bestWindowMean(new double[] {-4, -1, -2}, SHARE), 1e-12);
  }

  @Test
  void theWindowIsTwentyPercentRoundedDown() {
    assertEquals(1, DemoRecorder.windowSize(5, SHARE));
    assertEquals(1, DemoRecorder.windowSize(9, SHARE));
    assertEquals(2, DemoRecorder.windowSize(10, SHARE));
    assertEquals(2, DemoRecorder.windowSize(14, SHARE));
    assertEquals(3, DemoRecorder.windowSize(15, SHARE));
    assertEquals(20, DemoRecorder.windowSize(100, SHARE));
    assertEquals(20, DemoRecorder.windowSize(104, SHARE));
    // n * 0.2 is not exact in binary for these; the size must still be the whole number.
    for (int k = 1; k <= 2000; k++) {
      assertEquals(k, DemoRecorder.windowSize(5 * k, SHARE), "n=" + 5 * k);
    }
    // 9 episodes: one-episode windows, so the best single episode; 10 episodes: pairs.
    assertEquals(5, DemoRecorder.bestWindowMean(new double[] {0, 0, 0, 5, 0, 0, 0, 4, 4}, SHARE), 1e-12);
    assertEquals(4, DemoRecorder.bestWindowMean(new double[] {0, 0, 0, 5, 0, 0, 0, 4, 4, 0}, SHARE), 1e-12);
  }

  @Test
  void theWindowSlidesOverEveryPosition() {
    // 20 episodes, windows of 4: the best is in the middle, neither the first nor the last 20%.
    double[] r = new double[20];
    r[9] = 1;
    r[10] = 1;
    r[11] = 1;
    r[12] = 1;
    r[19] = 3;
    assertEquals(1.0, DemoRecorder.bestWindowMean(r, SHARE), 1e-12);
    // At the very end.
    r[16] = 3;
    r[17] = 3;
    r[18] = 3;
    assertEquals(3.0, DemoRecorder.bestWindowMean(r, SHARE), 1e-12);
  }

  @Test
  void theBestWindowIsAtLeastTheFirstAndTheLast() {
    DemoRecorder recorder = new DemoRecorder();
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < 537; i++) {
      recorder.add(new DemoRecorder.Episode(i * 0.1, "a", i / 50, random.nextGaussian() + i / 300.0, "", ""));
    }
    double[] fl = recorder.firstAndLast(SHARE);
    double best = recorder.bestWindow(SHARE);
    assertTrue(best >= fl[0] - 1e-12 && best >= fl[1] - 1e-12, best + " vs " + fl[0] + ", " + fl[1]);
    // Brute force over every window of floor(537 * 0.2) = 107 episodes.
    double[] values = recorder.episodes().stream().mapToDouble(DemoRecorder.Episode::reward).toArray();
    double brute = Double.NEGATIVE_INFINITY;
    for (int i = 0; i + 107 <= values.length; i++) {
      double sum = 0;
      for (int j = i; j < i + 107; j++) {
        sum += values[j];
      }
      brute = Math.max(brute, sum / 107);
    }
    assertEquals(brute, best, 1e-9);
  }
}
