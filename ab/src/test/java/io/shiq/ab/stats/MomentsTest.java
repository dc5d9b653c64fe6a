package io.shiq.ab.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MomentsTest {
  private static double[][] data(long seed, int n, double offset) {
    Random r = new Random(seed);
    double[][] xy = new double[n][2];
    for (int i = 0; i < n; i++) {
      double x = offset + r.nextGaussian();
      xy[i][0] = x;
      xy[i][1] = 3 + 0.7 * (x - offset) + 0.5 * r.nextGaussian() + offset;
    }
    return xy;
  }

  /** Two-pass reference: {mean y, var y, mean x, var x, cov}. */
  private static double[] twoPass(double[][] xy) {
    int n = xy.length;
    double mx = 0;
    double my = 0;
    for (double[] p : xy) {
      mx += p[0];
      my += p[1];
    }
    mx /= n;
    my /= n;
    double vx = 0;
    double vy = 0;
    double c = 0;
    for (double[] p : xy) {
      vx += (p[0] - mx) * (p[0] - mx);
      vy += (p[1] - my) * (p[1] - my);
      c += (p[0] - mx) * (p[1] - my);
    }
    return new double[] {my, vy / (n - 1), mx, vx / (n - 1), c / (n - 1)};
  }

  @Test
  void matchesTwoPassStatistics() {
    double[][] xy = data(1, 5000, 0);
    Moments m = new Moments();
    for (double[] p : xy) {
      m.add(p[1], p[0]);
    }
    double[] ref = twoPass(xy);
    assertEquals(5000, m.n());
    assertEquals(ref[0], m.meanY(), 1e-12);
    assertEquals(ref[1], m.varianceY(), 1e-12);
    assertEquals(ref[2], m.meanX(), 1e-12);
    assertEquals(ref[3], m.varianceX(), 1e-12);
    assertEquals(ref[4], m.covariance(), 1e-12);
  }

  @Test
  void staysAccurateFarFromZero() {
    // Naive sums of squares lose every digit of a variance of ~1 around 1e9.
    double[][] xy = data(2, 2000, 1e9);
    Moments m = new Moments();
    for (double[] p : xy) {
      m.add(p[1], p[0]);
    }
    double[] ref = twoPass(xy);
    assertEquals(ref[1], m.varianceY(), 1e-6 * ref[1]);
    assertEquals(ref[4], m.covariance(), 1e-6 * Math.abs(ref[4]));
  }

  @Test
  void mergeEqualsOneSequentialPass() {
    double[][] xy = data(3, 3001, 5);
    Moments all = new Moments();
    Moments a = new Moments();
    Moments b = new Moments();
    for (int i = 0; i < xy.length; i++) {
      all.add(xy[i][1], xy[i][0]);
      (i < 1000 ? a : b).add(xy[i][1], xy[i][0]);
    }
    Moments merged = a.merge(b);
    assertEquals(all.n(), merged.n());
    assertEquals(all.meanY(), merged.meanY(), 1e-12);
    assertEquals(all.varianceY(), merged.varianceY(), 1e-12);
    assertEquals(all.meanX(), merged.meanX(), 1e-12);
    assertEquals(all.varianceX(), merged.varianceX(), 1e-12);
    assertEquals(all.covariance(), merged.covariance(), 1e-12);
    assertEquals(a.n(), new Moments().merge(a).n());
    assertEquals(a.meanY(), a.merge(new Moments()).meanY(), 0);
  }

  @Test
  void emptyAndSingleObservation() {
    Moments m = new Moments();
    assertTrue(Double.isNaN(m.meanY()));
    m.add(4.0);
    assertEquals(4.0, m.meanY(), 0);
    assertTrue(Double.isNaN(m.varianceY()));
    m.add(6.0);
    assertEquals(2.0, m.varianceY(), 1e-15);
    assertEquals(0.0, m.varianceX(), 0);
  }

  @Test
  void stateRoundTripsThroughJson() throws Exception {
    Moments m = new Moments();
    for (double[] p : data(4, 100, 0)) {
      m.add(p[1], p[0]);
    }
    ObjectMapper json = new ObjectMapper();
    Moments back = Moments.of(json.readValue(json.writeValueAsBytes(m.state()), Moments.State.class));
    assertEquals(m.state(), back.state());
  }
}
