package io.shiq.actor.loop;

import io.shiq.avro.Trajectory;
import java.util.List;

/** Something that plays a batch of episodes on demand: {@link ActorLoop}, or a fake in tests of the runner. */
public interface BatchSource extends AutoCloseable {
  /** Runs one batch of episodes and returns their trajectories (already produced, where the source produces). */
  List<Trajectory> runBatch();

  /** The policy version that played the last batch. */
  long version();

  /** Releases what the source holds (weights, consumers); nothing by default. */
  @Override
  default void close() {}
}
