package io.shiq.replay.table;

/**
 * Reverb's SampleToInsertRatio: keep the number of sampled items close to {@code samplesPerInsert} times the number
 * of inserted items, within a tolerance band, and sample nothing until the table holds {@code minSize} items.
 * Inserts are never blocked here (they come from a log); a batch of {@code n} items may go out when
 * {@code samples + n <= samplesPerInsert * inserts + tolerance}.
 */
public record RateLimiter(double samplesPerInsert, double tolerance, int minSize) {
  public RateLimiter {
    if (!(samplesPerInsert > 0)) {
      throw new IllegalArgumentException("replay.samples.per.insert must be > 0, got " + samplesPerInsert);
    }
    if (tolerance < 0) {
      throw new IllegalArgumentException("replay.samples.per.insert.tolerance must be >= 0, got " + tolerance);
    }
    if (minSize < 1) {
      throw new IllegalArgumentException("replay.min.size must be >= 1, got " + minSize);
    }
  }

  public boolean canSample(long inserts, long samples, long tableSize, int batchItems) {
    return tableSize >= minSize && samples + batchItems <= samplesPerInsert * inserts + tolerance;
  }
}
