package io.shiq.ab.monitor;

import io.shiq.avro.DecisionKind;

/**
 * A decision about the experiment; once made it does not change.
 *
 * @param arm the winning arm (WINNER), the arm to roll back (ROLLBACK), or null
 */
public record Decision(DecisionKind kind, String arm, String reason, long timeMs, long episodes, Double effect,
                       Double csLow, Double csHigh, Double pValue) {}
