package io.shiq.ab.monitor;

import io.shiq.avro.GuardrailDirection;

/**
 * One guardrail of one arm: the metric's running mean and its always-valid confidence sequence.
 *
 * @param breached true when the whole confidence sequence lies beyond the limit (AT_MOST: csLow > limit;
 *                 AT_LEAST: csHigh < limit)
 */
public record GuardrailStatus(String metric, GuardrailDirection direction, double limit, long episodes, double mean,
                              double csLow, double csHigh, boolean breached) {}
