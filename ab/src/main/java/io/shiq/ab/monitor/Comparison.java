package io.shiq.ab.monitor;

/**
 * A treatment arm against the control on the primary metric.
 *
 * @param effect            treatment mean minus control mean (CUPED-adjusted when the experiment has a covariate)
 * @param alwaysValidP      mSPRT always-valid p-value (non-increasing over the experiment's life)
 * @param csLow             always-valid (1 - alpha/k) confidence sequence of the effect, k the number of treatment
 *                          arms (Bonferroni, as the verdict uses; 1 - alpha with one treatment)
 * @param fixedP            two-sided z-test p-value, valid only at one pre-planned look (shown for reference)
 * @param fixedLow          the matching fixed-horizon (1 - alpha/k) confidence interval
 * @param varianceReduction 1 - Var(adjusted)/Var(raw) from CUPED (0 without a covariate)
 * @param horizonPerArm     episodes per arm at which the experiment stops without a verdict (0 while an arm has
 *                          fewer than 2 episodes and no maxEpisodesPerArm is set)
 */
public record Comparison(String arm, String control, double effect, double alwaysValidP, double csLow,
                         double csHigh, double fixedP, double fixedLow, double fixedHigh, double varianceReduction,
                         long horizonPerArm) {}
