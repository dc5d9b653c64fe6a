package io.shiq.ab.monitor;

import java.util.List;
import java.util.Optional;

/**
 * Everything the evaluator knows about an experiment at one moment.
 *
 * @param srmP     chi-square p-value of the observed assignment counts against the declared split
 * @param srm      true when srmP is below the sample-ratio-mismatch threshold: verdicts are withheld
 * @param decision the decision, once made (sticky)
 */
public record Evaluation(String experimentId, long timeMs, long episodes, List<ArmSummary> arms,
                         List<Comparison> comparisons, double srmP, boolean srm, Optional<Decision> decision) {}
