package io.shiq.learner.service;

import io.shiq.schemas.kafka.KafkaSettings;
import io.shiq.schemas.signing.PolicySigner;
import io.shiq.schemas.topic.Topics;
import java.nio.file.Path;

/**
 * Where the learner service reads and writes, and how often it checkpoints and publishes.
 *
 * @param kafka            Kafka, the schema registry and the client settings (security) of every client
 * @param topics           topic names
 * @param learnerId        names this learner in metrics and in its transactional id (one live instance per id: a
 *                         restarted instance fences the old one)
 * @param arm              the policy line (A/B arm) whose versions it publishes
 * @param checkpointDir    checkpoints (weights, optimizer, consumed offsets, unreleased outputs)
 * @param publishEvery     a new policy version every this many steps
 * @param checkpointEvery  a checkpoint every this many steps (and at every publication and on close); outputs of a
 *                         step (metrics, priorities) are released only once a checkpoint covers it
 * @param maxSteps         stop after this many learner steps in all (0: no limit)
 * @param startFromLatest  without a checkpoint, start at the end of the batch topic instead of its beginning
 * @param signer           signs every policy version published (null: versions go unsigned)
 */
public record LearnerSettings(KafkaSettings kafka, Topics topics, String learnerId, String arm,
                              Path checkpointDir, int publishEvery, int checkpointEvery, long maxSteps,
                              boolean startFromLatest, PolicySigner signer) {
  /** Settings of a learner that publishes unsigned versions. */
  public LearnerSettings(KafkaSettings kafka, Topics topics, String learnerId, String arm, Path checkpointDir,
                         int publishEvery, int checkpointEvery, long maxSteps, boolean startFromLatest) {
    this(kafka, topics, learnerId, arm, checkpointDir, publishEvery, checkpointEvery, maxSteps, startFromLatest, null);
  }

  /** These settings with {@code signer} signing the versions. */
  public LearnerSettings withSigner(PolicySigner signer) {
    return new LearnerSettings(kafka, topics, learnerId, arm, checkpointDir, publishEvery, checkpointEvery, maxSteps,
        startFromLatest, signer);
  }

  public LearnerSettings {
    if (publishEvery < 1) {
      throw new IllegalArgumentException("publish-every must be >= 1, got " + publishEvery);
    }
    if (checkpointEvery < 1) {
      throw new IllegalArgumentException("checkpoint-every must be >= 1, got " + checkpointEvery);
    }
    if (maxSteps < 0) {
      throw new IllegalArgumentException("max-steps must be >= 0, got " + maxSteps);
    }
    if (learnerId == null || learnerId.isBlank()) {
      throw new IllegalArgumentException("learner id is required");
    }
  }
}
