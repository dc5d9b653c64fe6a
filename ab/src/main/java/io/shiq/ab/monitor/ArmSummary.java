package io.shiq.ab.monitor;

import java.util.List;

/**
 * Cumulative statistics of one arm since the experiment started.
 *
 * @param mean         mean of the primary metric (reward, or success as 0/1)
 * @param variance     sample variance of the primary metric
 * @param ciLow        fixed-horizon (1 - alpha) confidence interval of the mean (valid at one look only)
 * @param csLow        always-valid (1 - alpha) confidence sequence of the mean (valid under continuous monitoring)
 * @param meanReward   mean episode return
 * @param successRate  share of successful episodes
 * @param share        observed share of the experiment's episodes
 * @param expectedShare the declared traffic share
 */
public record ArmSummary(String arm, long episodes, double mean, double variance, double ciLow, double ciHigh,
                         double csLow, double csHigh, double meanReward, double successRate, double share,
                         double expectedShare, List<GuardrailStatus> guardrails) {}
