package io.shiq.ab.evaluate;

import io.shiq.ab.monitor.Observation;
import io.shiq.avro.Experiment;
import io.shiq.avro.Trajectory;
import io.shiq.schemas.registry.RegistryUnreachableException;
import io.shiq.schemas.serde.AvroDeserializer;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns trajectories served for a known experiment into observations keyed by the experiment id. Trajectories of no
 * experiment are ignored; undecodable ones are skipped with a warning naming topic, partition and offset (the replay
 * buffer already sends them to the dead-letter topic; the evaluator must not stop on them either).
 */
final class ObservationExtractor implements Processor<String, byte[], String, byte[]> {
  private static final Logger LOG = LoggerFactory.getLogger(ObservationExtractor.class);
  private final AvroDeserializer<Trajectory> trajectories;
  private final AvroDeserializer<Experiment> experiments;
  private final String experimentsTopic;
  private ProcessorContext<String, byte[]> context;
  private KeyValueStore<String, byte[]> declared;

  ObservationExtractor(AvroDeserializer<Trajectory> trajectories, AvroDeserializer<Experiment> experiments,
                       String experimentsTopic) {
    this.trajectories = trajectories;
    this.experiments = experiments;
    this.experimentsTopic = experimentsTopic;
  }

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
    this.context = context;
    this.declared = context.getStateStore(EvaluatorTopology.EXPERIMENTS);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    String where = context.recordMetadata().map(m -> m.topic() + "-" + m.partition() + "@" + m.offset())
        .orElse("?");
    if (record.value() == null) {
      return;
    }
    Trajectory t;
    try {
      t = trajectories.deserialize(context.recordMetadata().map(m -> m.topic()).orElse(""), record.value());
    } catch (RegistryUnreachableException e) {
      throw e; // not the record's fault: fail and retry rather than skip
    } catch (RuntimeException e) {
      LOG.warn("{}: skipping an undecodable trajectory: {}", where, e.getMessage());
      return;
    }
    String id = t.getMetadata().get(EpisodeMeasures.EXPERIMENT);
    if (id == null) {
      return;
    }
    byte[] e = declared.get(id);
    if (e == null) {
      LOG.debug("{}: trajectory {} names experiment {} which is not declared", where, t.getTrajectoryId(), id);
      return;
    }
    Experiment experiment = experiments.deserialize(experimentsTopic, e);
    Optional<Observation> o = EpisodeMeasures.of(experiment, t);
    o.ifPresent(obs -> context.forward(new Record<>(id, new ObservationMessage(obs, t.getPolicyVersion(), where)
        .toBytes(), record.timestamp())));
  }
}
