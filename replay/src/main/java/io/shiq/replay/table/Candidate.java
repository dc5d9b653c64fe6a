package io.shiq.replay.table;

/**
 * What a sampler or remover needs to know of a table entry.
 *
 * @param key          trajectory id
 * @param insertOrder  monotonic insertion number (older = smaller)
 * @param priority     current priority (> 0)
 * @param timesSampled times sampled so far
 */
public record Candidate(String key, long insertOrder, double priority, int timesSampled) {}
