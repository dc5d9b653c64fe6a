package io.shiq.ab.report;

import static io.shiq.ab.report.Fmt.esc;
import static io.shiq.ab.report.Fmt.xy;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * A small inline-SVG line chart shared by the report's figures: axes with ticks (linear, log10 or UTC time on x),
 * lines (solid or dashed, NaN makes a gap), shaded bands (NaN makes a gap), horizontal reference lines, vertical
 * markers and a legend. The output is self-contained, well-formed XML; every text is escaped.
 *
 * <p>Values at or beyond {@link Fmt#UNBOUNDED} (an unbounded end of a confidence sequence) never set the axis range
 * and are drawn clipped at the plot's edge. Bands widen the y range at most {@link #BAND_STRETCH} times the span of
 * the lines, so that the first, very wide, confidence sequences do not flatten the rest of the chart.
 */
final class SvgChart {
  static final double BAND_STRETCH = 1.0;
  private static final double CHAR_WIDTH = 6.2;
  private static final long[] TIME_STEPS_MS = {1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000,
      300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000,
      172_800_000, 604_800_000, 1_209_600_000, 2_592_000_000L};

  private record Line(String label, String color, double[] x, double[] y, boolean dashed, double width) {}

  private record Band(String label, String color, double[] x, double[] lo, double[] hi) {}

  private record HLine(double y, String color, boolean dashed, String label) {}

  private record Marker(double x, String color, String label) {}

  private record LegendItem(String label, String color, String kind) {}

  private final String id;
  private final String title;
  private final int width;
  private final int height;
  private boolean timeX;
  private boolean logY;
  private double logFloor = 1e-6;
  private String xLabel = "";
  private String yLabel = "";
  private String emptyMessage = "no data yet";
  private final List<Line> lines = new ArrayList<>();
  private final List<Band> bands = new ArrayList<>();
  private final List<HLine> hLines = new ArrayList<>();
  private final List<Marker> markers = new ArrayList<>();
  private final List<LegendItem> legend = new ArrayList<>();

  /** {@code id} must be unique within the page (it prefixes the clip path's id). */
  SvgChart(String id, String title, int width, int height) {
    this.id = id.replaceAll("[^A-Za-z0-9_-]", "_");
    this.title = title;
    this.width = width;
    this.height = height;
  }

  /** x values are epoch milliseconds, labelled as UTC times. */
  SvgChart timeX() {
    this.timeX = true;
    return this;
  }

  /** log10 y axis; values at or below zero are drawn at {@code floor}. */
  SvgChart logY(double floor) {
    this.logY = true;
    this.logFloor = floor;
    return this;
  }

  SvgChart xLabel(String label) {
    this.xLabel = label == null ? "" : label;
    return this;
  }

  SvgChart yLabel(String label) {
    this.yLabel = label == null ? "" : label;
    return this;
  }

  /** Shown instead of the plot when there is nothing to draw. */
  SvgChart emptyMessage(String message) {
    this.emptyMessage = message;
    return this;
  }

  /** A line through (x[i], y[i]); a non-finite y interrupts it. A null label keeps it out of the legend. */
  SvgChart line(String label, String color, double[] x, double[] y, boolean dashed) {
    return line(label, color, x, y, dashed, 2.0);
  }

  SvgChart line(String label, String color, double[] x, double[] y, boolean dashed, double strokeWidth) {
    check(x, y);
    lines.add(new Line(label, color, x, y, dashed, strokeWidth));
    if (label != null) {
      legend.add(new LegendItem(label, color, dashed ? "dashed" : "line"));
    }
    return this;
  }

  /** A shaded band between lo[i] and hi[i]; a NaN end interrupts it. */
  SvgChart band(String label, String color, double[] x, double[] lo, double[] hi) {
    check(x, lo);
    check(x, hi);
    bands.add(new Band(label, color, x, lo, hi));
    if (label != null) {
      legend.add(new LegendItem(label, color, "band"));
    }
    return this;
  }

  /** A horizontal reference line across the plot, labelled at its right end. */
  SvgChart hLine(double y, String color, boolean dashed, String label) {
    if (Double.isFinite(y) && Math.abs(y) < Fmt.UNBOUNDED) {
      hLines.add(new HLine(y, color, dashed, label));
    }
    return this;
  }

  /** A vertical marker (e.g. the decision time), labelled at its top. */
  SvgChart marker(double x, String color, String label) {
    if (Double.isFinite(x)) {
      markers.add(new Marker(x, color, label));
    }
    return this;
  }

  boolean isEmpty() {
    return lines.stream().noneMatch(l -> anyFinite(l.x, l.y)) && bands.stream().noneMatch(b -> anyFinite(b.x, b.lo));
  }

  String render() {
    StringBuilder s = new StringBuilder(4096);
    List<List<LegendItem>> legendRows = legendRows();
    int top = 26 + 16 * legendRows.size() + 8;
    int left = 64;
    int right = 18;
    int bottom = 44;
    int plotW = width - left - right;
    int plotH = Math.max(40, height - top - bottom);
    int h = top + plotH + bottom;
    s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" width=\"").append(width)
        .append("\" height=\"").append(h).append("\" viewBox=\"0 0 ").append(width).append(' ').append(h)
        .append("\" aria-labelledby=\"").append(id).append("-title\">\n");
    s.append("<title id=\"").append(id).append("-title\">").append(esc(title)).append("</title>\n");
    s.append("<text class=\"ct\" x=\"").append(left).append("\" y=\"16\">").append(esc(title)).append("</text>\n");
    renderLegend(s, legendRows, left);
    if (isEmpty()) {
      s.append("<rect class=\"frame\" x=\"").append(left).append("\" y=\"").append(top).append("\" width=\"")
          .append(plotW).append("\" height=\"").append(plotH).append("\"/>\n");
      s.append("<text class=\"empty\" x=\"").append(left + plotW / 2).append("\" y=\"").append(top + plotH / 2)
          .append("\" text-anchor=\"middle\">").append(esc(emptyMessage)).append("</text>\n</svg>");
      return s.toString();
    }
    double[] xr = xRange();
    double[] yr = yRange();
    Axis xAxis = timeX ? timeAxis(xr[0], xr[1]) : linearAxis(xr[0], xr[1], Math.max(3, plotW / 110), false);
    Axis yAxis = logY ? logAxis(yr[0], yr[1]) : linearAxis(yr[0], yr[1], Math.max(3, plotH / 45), true);
    Scale sx = new Scale(xAxis.lo, xAxis.hi, left, left + plotW, false);
    Scale sy = new Scale(yAxis.lo, yAxis.hi, top + plotH, top, logY);

    s.append("<defs><clipPath id=\"").append(id).append("-clip\"><rect x=\"").append(left).append("\" y=\"")
        .append(top).append("\" width=\"").append(plotW).append("\" height=\"").append(plotH)
        .append("\"/></clipPath></defs>\n");
    // Grid and tick labels.
    s.append("<g class=\"grid\">\n");
    for (int i = 0; i < yAxis.ticks.size(); i++) {
      double py = sy.map(yAxis.ticks.get(i));
      s.append("<line x1=\"").append(left).append("\" x2=\"").append(left + plotW).append("\" y1=\"")
          .append(xy(py)).append("\" y2=\"").append(xy(py)).append("\"/>");
      s.append("<text class=\"tick\" x=\"").append(left - 6).append("\" y=\"").append(xy(py + 4))
          .append("\" text-anchor=\"end\">").append(esc(yAxis.labels.get(i))).append("</text>\n");
    }
    for (int i = 0; i < xAxis.ticks.size(); i++) {
      double px = sx.map(xAxis.ticks.get(i));
      s.append("<line x1=\"").append(xy(px)).append("\" x2=\"").append(xy(px)).append("\" y1=\"").append(top)
          .append("\" y2=\"").append(top + plotH).append("\"/>");
      s.append("<text class=\"tick\" x=\"").append(xy(px)).append("\" y=\"").append(top + plotH + 16)
          .append("\" text-anchor=\"middle\">").append(esc(xAxis.labels.get(i))).append("</text>\n");
    }
    s.append("</g>\n");
    String xTitle = xLabel;
    if (timeX) {
      xTitle = (xLabel.isEmpty() ? "time (UTC)" : xLabel) + ", from " + Fmt.time((long) xr[0]);
    }
    s.append("<text class=\"axis\" x=\"").append(left + plotW / 2).append("\" y=\"").append(top + plotH + 36)
        .append("\" text-anchor=\"middle\">").append(esc(xTitle)).append("</text>\n");
    if (!yLabel.isEmpty()) {
      s.append("<text class=\"axis\" transform=\"translate(14 ").append(top + plotH / 2)
          .append(") rotate(-90)\" text-anchor=\"middle\">").append(esc(yLabel)).append("</text>\n");
    }
    // Data, clipped to the plot.
    s.append("<g clip-path=\"url(#").append(id).append("-clip)\">\n");
    for (Band b : bands) {
      for (String d : bandPaths(b, sx, sy)) {
        s.append("<path class=\"band\" d=\"").append(d).append("\" fill=\"").append(esc(b.color))
            .append("\"/>\n");
      }
    }
    for (HLine r : hLines) {
      double py = sy.map(r.y);
      s.append("<line class=\"ref\" x1=\"").append(left).append("\" x2=\"").append(left + plotW)
          .append("\" y1=\"").append(xy(py)).append("\" y2=\"").append(xy(py)).append("\" stroke=\"")
          .append(esc(r.color)).append('"').append(r.dashed ? " stroke-dasharray=\"6 4\"" : "").append("/>\n");
    }
    for (Line l : lines) {
      String d = linePath(l.x, l.y, sx, sy);
      if (!d.isEmpty()) {
        s.append("<path class=\"series\" d=\"").append(d).append("\" stroke=\"").append(esc(l.color))
            .append("\" stroke-width=\"").append(xy(l.width)).append('"')
            .append(l.dashed ? " stroke-dasharray=\"5 3\"" : "").append("/>\n");
      }
      int n = 0;
      for (int i = 0; i < l.x.length; i++) {
        n += drawable(l.x[i], l.y[i]) ? 1 : 0;
      }
      if (n <= 120) {
        for (int i = 0; i < l.x.length; i++) {
          if (drawable(l.x[i], l.y[i])) {
            s.append("<circle cx=\"").append(xy(sx.map(l.x[i]))).append("\" cy=\"").append(xy(sy.map(l.y[i])))
                .append("\" r=\"").append(n == 1 ? "3.5" : "2").append("\" fill=\"").append(esc(l.color))
                .append("\"><title>").append(esc(pointTitle(l.label, l.x[i], l.y[i]))).append("</title></circle>\n");
          }
        }
      }
    }
    for (Marker m : markers) {
      double px = sx.map(m.x);
      s.append("<line class=\"marker\" x1=\"").append(xy(px)).append("\" x2=\"").append(xy(px)).append("\" y1=\"")
          .append(top).append("\" y2=\"").append(top + plotH).append("\" stroke=\"").append(esc(m.color))
          .append("\"/>\n");
    }
    s.append("</g>\n");
    // Labels outside the clip so that they stay readable.
    for (HLine r : hLines) {
      if (r.label != null && r.y >= Math.min(yAxis.lo, yAxis.hi) && r.y <= Math.max(yAxis.lo, yAxis.hi)) {
        s.append("<text class=\"reflabel\" x=\"").append(left + plotW - 4).append("\" y=\"")
            .append(xy(sy.map(r.y) - 4)).append("\" text-anchor=\"end\" fill=\"").append(esc(r.color)).append("\">")
            .append(esc(r.label)).append("</text>\n");
      }
    }
    for (Marker m : markers) {
      if (m.label != null && m.x >= xAxis.lo && m.x <= xAxis.hi) {
        double px = sx.map(m.x);
        boolean leftSide = px > left + plotW * 0.7;
        s.append("<text class=\"reflabel\" x=\"").append(xy(px + (leftSide ? -4 : 4))).append("\" y=\"")
            .append(top + 12).append("\" text-anchor=\"").append(leftSide ? "end" : "start").append("\" fill=\"")
            .append(esc(m.color)).append("\">").append(esc(m.label)).append("</text>\n");
      }
    }
    s.append("<rect class=\"frame\" x=\"").append(left).append("\" y=\"").append(top).append("\" width=\"")
        .append(plotW).append("\" height=\"").append(plotH).append("\"/>\n");
    s.append("</svg>");
    return s.toString();
  }

  // ---------------------------------------------------------------------------------------------------- legend

  private List<List<LegendItem>> legendRows() {
    List<List<LegendItem>> rows = new ArrayList<>();
    List<LegendItem> row = new ArrayList<>();
    double x = 0;
    double max = width - 64 - 18;
    for (LegendItem item : legend) {
      double w = itemWidth(item);
      if (!row.isEmpty() && x + w > max) {
        rows.add(row);
        row = new ArrayList<>();
        x = 0;
      }
      row.add(item);
      x += w;
    }
    if (!row.isEmpty()) {
      rows.add(row);
    }
    return rows;
  }

  private static double itemWidth(LegendItem item) {
    return 24 + CHAR_WIDTH * item.label.length() + 14;
  }

  private static void renderLegend(StringBuilder s, List<List<LegendItem>> rows, int left) {
    if (rows.isEmpty()) {
      return;
    }
    s.append("<g class=\"legend\">\n");
    for (int r = 0; r < rows.size(); r++) {
      double x = left;
      double y = 26 + 16 * r + 8;
      for (LegendItem item : rows.get(r)) {
        String c = esc(item.color);
        switch (item.kind) {
          case "band" -> s.append("<rect class=\"band\" x=\"").append(xy(x)).append("\" y=\"").append(xy(y - 6))
              .append("\" width=\"18\" height=\"10\" fill=\"").append(c).append("\"/>");
          case "dashed" -> s.append("<line x1=\"").append(xy(x)).append("\" x2=\"").append(xy(x + 18))
              .append("\" y1=\"").append(xy(y - 1)).append("\" y2=\"").append(xy(y - 1)).append("\" stroke=\"")
              .append(c).append("\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/>");
          default -> s.append("<line x1=\"").append(xy(x)).append("\" x2=\"").append(xy(x + 18)).append("\" y1=\"")
              .append(xy(y - 1)).append("\" y2=\"").append(xy(y - 1)).append("\" stroke=\"").append(c)
              .append("\" stroke-width=\"2\"/>");
        }
        s.append("<text x=\"").append(xy(x + 24)).append("\" y=\"").append(xy(y + 3)).append("\">")
            .append(esc(item.label)).append("</text>\n");
        x += itemWidth(item);
      }
    }
    s.append("</g>\n");
  }

  // ---------------------------------------------------------------------------------------------------- ranges

  private double[] xRange() {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Line l : lines) {
      for (int i = 0; i < l.x.length; i++) {
        if (drawable(l.x[i], l.y[i])) {
          lo = Math.min(lo, l.x[i]);
          hi = Math.max(hi, l.x[i]);
        }
      }
    }
    for (Band b : bands) {
      for (int i = 0; i < b.x.length; i++) {
        if (Double.isFinite(b.x[i]) && (!Double.isNaN(b.lo[i]) || !Double.isNaN(b.hi[i]))) {
          lo = Math.min(lo, b.x[i]);
          hi = Math.max(hi, b.x[i]);
        }
      }
    }
    for (Marker m : markers) {
      lo = Math.min(lo, m.x);
      hi = Math.max(hi, m.x);
    }
    if (hi - lo <= 0) {
      double pad = timeX ? 60_000 : Math.max(1, Math.abs(lo) * 0.1);
      lo -= pad;
      hi += pad;
    }
    return new double[] {lo, hi};
  }

  private double[] yRange() {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Line l : lines) {
      for (int i = 0; i < l.y.length; i++) {
        if (drawable(l.x[i], l.y[i]) && usable(l.y[i])) {
          lo = Math.min(lo, l.y[i]);
          hi = Math.max(hi, l.y[i]);
        }
      }
    }
    for (HLine r : hLines) {
      if (usable(r.y)) {
        lo = Math.min(lo, r.y);
        hi = Math.max(hi, r.y);
      }
    }
    double bandLo = Double.POSITIVE_INFINITY;
    double bandHi = Double.NEGATIVE_INFINITY;
    for (Band b : bands) {
      for (int i = 0; i < b.x.length; i++) {
        if (usable(b.lo[i])) {
          bandLo = Math.min(bandLo, b.lo[i]);
          bandHi = Math.max(bandHi, b.lo[i]);
        }
        if (usable(b.hi[i])) {
          bandLo = Math.min(bandLo, b.hi[i]);
          bandHi = Math.max(bandHi, b.hi[i]);
        }
      }
    }
    if (lo > hi) {
      lo = bandLo;
      hi = bandHi;
    } else if (bandLo <= bandHi) {
      double span = logY ? 0 : Math.max(hi - lo, Math.max(Math.abs(hi), Math.abs(lo)) * 0.05);
      if (logY) {
        lo = Math.min(lo, bandLo);
        hi = Math.max(hi, bandHi);
      } else {
        lo = Math.min(lo, Math.max(bandLo, lo - BAND_STRETCH * span));
        hi = Math.max(hi, Math.min(bandHi, hi + BAND_STRETCH * span));
      }
    }
    if (lo > hi) {
      return logY ? new double[] {logFloor, 1} : new double[] {0, 1};
    }
    if (logY) {
      lo = Math.max(lo, logFloor);
      hi = Math.max(hi, lo);
    }
    if (hi - lo <= 0) {
      if (logY) {
        lo /= 10;
        hi *= 10;
      } else {
        double pad = Math.max(Math.abs(lo) * 0.1, 1e-3);
        lo -= pad;
        hi += pad;
      }
    }
    return new double[] {lo, hi};
  }

  private boolean usable(double v) {
    return Double.isFinite(v) && Math.abs(v) < Fmt.UNBOUNDED && (!logY || v > 0);
  }

  private static boolean drawable(double x, double y) {
    return Double.isFinite(x) && !Double.isNaN(y);
  }

  private static boolean anyFinite(double[] x, double[] y) {
    for (int i = 0; i < x.length; i++) {
      if (drawable(x[i], y[i])) {
        return true;
      }
    }
    return false;
  }

  private static void check(double[] x, double[] y) {
    if (x.length != y.length) {
      throw new IllegalArgumentException("x and y differ in length: " + x.length + " vs " + y.length);
    }
  }

  // ---------------------------------------------------------------------------------------------------- paths

  private static String linePath(double[] x, double[] y, Scale sx, Scale sy) {
    StringBuilder d = new StringBuilder();
    boolean pen = false;
    for (int i = 0; i < x.length; i++) {
      if (!drawable(x[i], y[i])) {
        pen = false;
        continue;
      }
      d.append(pen ? " L" : (d.length() == 0 ? "M" : " M")).append(xy(sx.map(x[i]))).append(' ')
          .append(xy(sy.map(y[i])));
      pen = true;
    }
    return d.toString();
  }

  private static List<String> bandPaths(Band b, Scale sx, Scale sy) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < b.x.length) {
      if (!segmentPoint(b, i)) {
        i++;
        continue;
      }
      int j = i;
      while (j + 1 < b.x.length && segmentPoint(b, j + 1)) {
        j++;
      }
      StringBuilder d = new StringBuilder();
      if (i == j) {
        // A lone point: a thin vertical bar so that it stays visible.
        double px = sx.map(b.x[i]);
        d.append('M').append(xy(px - 2)).append(' ').append(xy(sy.map(b.hi[i]))).append(" L")
            .append(xy(px + 2)).append(' ').append(xy(sy.map(b.hi[i]))).append(" L").append(xy(px + 2)).append(' ')
            .append(xy(sy.map(b.lo[i]))).append(" L").append(xy(px - 2)).append(' ').append(xy(sy.map(b.lo[i])));
      } else {
        for (int k = i; k <= j; k++) {
          d.append(k == i ? "M" : " L").append(xy(sx.map(b.x[k]))).append(' ').append(xy(sy.map(b.hi[k])));
        }
        for (int k = j; k >= i; k--) {
          d.append(" L").append(xy(sx.map(b.x[k]))).append(' ').append(xy(sy.map(b.lo[k])));
        }
      }
      d.append(" Z");
      out.add(d.toString());
      i = j + 1;
    }
    return out;
  }

  private static boolean segmentPoint(Band b, int i) {
    return Double.isFinite(b.x[i]) && !Double.isNaN(b.lo[i]) && !Double.isNaN(b.hi[i]);
  }

  private String pointTitle(String label, double x, double y) {
    String at = timeX ? Fmt.time((long) x) : Fmt.num(x);
    return (label == null ? "" : label + " ") + "at " + at + ": " + (logY ? Fmt.p(y) : Fmt.num(y));
  }

  // ---------------------------------------------------------------------------------------------------- scales

  /** Maps data values to pixels; values far outside the range are clamped (the clip path hides them). */
  private record Scale(double lo, double hi, double p0, double p1, boolean log) {
    double map(double v) {
      double a = log ? Math.log10(lo) : lo;
      double b = log ? Math.log10(hi) : hi;
      double t;
      if (log) {
        t = v <= 0 || Double.isNaN(v) ? -1 : (Math.log10(Math.min(v, Double.MAX_VALUE)) - a) / (b - a);
      } else {
        t = (v - a) / (b - a);
      }
      if (Double.isNaN(t)) {
        t = 0;
      }
      t = Math.max(-1, Math.min(2, t));
      return p0 + t * (p1 - p0);
    }
  }

  private record Axis(double lo, double hi, List<Double> ticks, List<String> labels) {}

  private static Axis linearAxis(double lo, double hi, int targetTicks, boolean snap) {
    double step = niceStep((hi - lo) / Math.max(1, targetTicks));
    double a = snap ? Math.floor(lo / step) * step : lo;
    double b = snap ? Math.ceil(hi / step) * step : hi;
    List<Double> ticks = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    double first = Math.ceil(a / step - 1e-9) * step;
    for (int i = 0; i < 200; i++) {
      double t = first + i * step;
      if (t > b + step * 1e-9) {
        break;
      }
      double rounded = Math.abs(t) < step * 1e-9 ? 0 : t;
      ticks.add(rounded);
      labels.add(Fmt.num(rounded));
    }
    return new Axis(a, b, ticks, labels);
  }

  private static double niceStep(double raw) {
    if (!(raw > 0) || !Double.isFinite(raw)) {
      return 1;
    }
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double f = raw / mag;
    double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
    return nice * mag;
  }

  private static Axis logAxis(double lo, double hi) {
    int a = (int) Math.floor(Math.log10(lo) + 1e-9);
    int b = (int) Math.ceil(Math.log10(hi) - 1e-9);
    if (b <= a) {
      b = a + 1;
    }
    int every = Math.max(1, (b - a + 5) / 6);
    List<Double> ticks = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    // From the top decade down, so that 1 (the usual top of a p-value axis) is always labelled.
    for (int e = b; e >= a; e -= every) {
      double t = Math.pow(10, e);
      ticks.add(t);
      labels.add(e >= -3 ? Fmt.num(t) : "1e" + e);
    }
    return new Axis(Math.pow(10, a), Math.pow(10, b), ticks, labels);
  }

  private static Axis timeAxis(double lo, double hi) {
    double span = hi - lo;
    long step = TIME_STEPS_MS[TIME_STEPS_MS.length - 1];
    for (long s : TIME_STEPS_MS) {
      if (span / s <= 6) {
        step = s;
        break;
      }
    }
    double pad = span * 0.02;
    double a = lo - pad;
    double b = hi + pad;
    String pattern = step < 60_000 ? "HH:mm:ss" : step < 86_400_000 ? (span > 86_400_000 ? "MM-dd HH:mm" : "HH:mm")
        : "yyyy-MM-dd";
    DateTimeFormatter f = DateTimeFormatter.ofPattern(pattern).withZone(ZoneOffset.UTC);
    List<Double> ticks = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    long first = (long) Math.ceil(a / step) * step;
    for (long t = first; t <= b && ticks.size() < 50; t += step) {
      ticks.add((double) t);
      labels.add(f.format(Instant.ofEpochMilli(t)));
    }
    return new Axis(a, b, ticks, labels);
  }
}
