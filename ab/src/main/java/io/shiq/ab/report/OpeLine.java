package io.shiq.ab.report;

/**
 * One off-policy estimate of an arm's value, made from logged traffic before the arm served any (input to
 * {@link AbReport}).
 *
 * @param arm                 the experiment arm the estimate is for
 * @param estimator           IS, SNIS or DR
 * @param estimate            estimated mean reward of the arm's policy
 * @param ciLow               lower end of the estimate's confidence interval
 * @param ciHigh              upper end of the estimate's confidence interval
 * @param n                   logged episodes the estimate used
 * @param effectiveSampleSize effective sample size of the importance weights
 */
public record OpeLine(String arm, String estimator, double estimate, double ciLow, double ciHigh, long n,
                      double effectiveSampleSize) {}
