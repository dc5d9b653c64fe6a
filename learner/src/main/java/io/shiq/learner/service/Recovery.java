package io.shiq.learner.service;

import io.shiq.schemas.kafka.KafkaClients;
import io.shiq.avro.PolicyVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * What a starting learner must redo after a crash, decided from its checkpoint and what Kafka shows: the newest
 * version announced for its arm, the outbox entries of checkpointed steps that were never committed (those after the
 * last step it reported), and whether the checkpointed step was a publish step whose version was not announced.
 * {@link LearnerService} carries the plan out (release, then publish) before it trains.
 *
 * @param version            newest version announced for the arm (0: none)
 * @param versionStep        learner step of that version (0: none)
 * @param unsent             outbox entries to release again, in order
 * @param publishUnannounced whether to publish the version of the checkpointed step
 */
record Recovery(long version, long versionStep, List<Outbox.Entry> unsent, boolean publishUnannounced) {

  /** Looks up the announced version and the last reported step in Kafka (the latter only when there is a run). */
  static Recovery plan(LearnerSettings settings, KafkaClients kafka, long step, Outbox restored) {
    Optional<PolicyVersion> announced = KafkaTail.latestVersion(kafka, settings.topics(), settings.arm());
    return plan(step, settings.publishEvery(), restored, announced, () -> KafkaTail.lastReportedStep(kafka,
        settings.topics(), settings.learnerId()));
  }

  /**
   * @param step      the checkpointed step (0: new run)
   * @param restored  the checkpoint's outbox
   * @param announced newest version announced for the arm
   * @param reported  last step the learner reported (asked only when there is a checkpoint or an outbox)
   */
  static Recovery plan(long step, long publishEvery, Outbox restored, Optional<PolicyVersion> announced,
                       LongSupplier reported) {
    long version = announced.map(PolicyVersion::getVersion).orElse(0L);
    long versionStep = announced.map(PolicyVersion::getLearnerStep).orElse(0L);
    if (restored.isEmpty() && step == 0) {
      return new Recovery(version, versionStep, List.of(), false);
    }
    long last = reported.getAsLong();
    List<Outbox.Entry> unsent = new ArrayList<>();
    for (Outbox.Entry e : restored.entries()) {
      if (e.metrics().getStep() > last) {
        unsent.add(e);
      }
    }
    boolean publish = step > 0 && step % publishEvery == 0 && versionStep < step;
    return new Recovery(version, versionStep, List.copyOf(unsent), publish);
  }
}
