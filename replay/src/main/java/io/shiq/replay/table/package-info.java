/**
 * The named parts of a replay table, after DeepMind Reverb: a {@link io.shiq.replay.table.Sampler} picks what goes
 * into a batch, a {@link io.shiq.replay.table.Remover} picks what leaves a full table, a
 * {@link io.shiq.replay.table.RateLimiter} decides when a batch may go out and a {@link io.shiq.replay.table.Mixer}
 * splits it between fresh and historical entries; all see entries as {@link io.shiq.replay.table.Candidate}s.
 * Pure logic, no Kafka: the topology package moves records in and out.
 */
package io.shiq.replay.table;
