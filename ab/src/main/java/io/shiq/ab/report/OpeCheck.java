package io.shiq.ab.report;

import io.shiq.avro.EvalResult;

/**
 * An off-policy estimate against the live result of its arm: the live mean reward (with its CI when the primary
 * metric is the mean reward, since the CI is of the primary metric) and whether it fell inside the interval
 * predicted before the arm served traffic.
 *
 * @param live     whether the arm has a live result
 * @param inside   whether the live mean lies within [ciLow, ciHigh] of the estimate
 */
record OpeCheck(boolean live, double liveMean, double liveLow, double liveHigh, long episodes, boolean inside) {

  static OpeCheck of(ReportModel m, OpeLine o) {
    EvalResult r = o.arm() == null ? null : m.last.get(o.arm());
    if (r == null) {
      return new OpeCheck(false, Double.NaN, Double.NaN, Double.NaN, 0, false);
    }
    double mean = r.getMeanReward();
    double lo = m.primaryIsSuccess() ? Double.NaN : r.getCiLow();
    double hi = m.primaryIsSuccess() ? Double.NaN : r.getCiHigh();
    return new OpeCheck(true, mean, lo, hi, r.getEpisodes(), Fmt.inside(mean, o.ciLow(), o.ciHigh()));
  }
}
