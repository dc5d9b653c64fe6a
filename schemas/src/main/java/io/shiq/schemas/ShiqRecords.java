package io.shiq.schemas;

import io.shiq.avro.EvalResult;
import io.shiq.avro.Experiment;
import io.shiq.avro.ExperimentDecision;
import io.shiq.avro.LearnerMetrics;
import io.shiq.avro.PolicyVersion;
import io.shiq.avro.PriorityUpdate;
import io.shiq.avro.ReplayBatch;
import io.shiq.avro.RewardEvent;
import io.shiq.avro.Trajectory;
import io.shiq.avro.WeightChunk;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/** The top-level records that travel as Kafka values; every one has a subject in the registry. */
public final class ShiqRecords {
  private ShiqRecords() {}

  public static final List<Class<? extends SpecificRecord>> VALUE_TYPES = List.of(
      Trajectory.class, RewardEvent.class, ReplayBatch.class, PriorityUpdate.class,
      PolicyVersion.class, WeightChunk.class, LearnerMetrics.class, EvalResult.class,
      Experiment.class, ExperimentDecision.class);

  /** The schema compiled into a generated class (its static SCHEMA$). */
  public static Schema schemaOf(Class<? extends SpecificRecord> type) {
    try {
      return (Schema) type.getMethod("getClassSchema").invoke(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException("not an Avro generated class: " + type.getName(), e);
    }
  }
}
