package io.shiq.ab.experiment;

import io.shiq.avro.Experiment;
import io.shiq.avro.ExperimentArm;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Deterministic, sticky assignment of sessions to arms: the first 8 bytes of sha256(experimentId + "/" + sessionId)
 * as a uniform number in [0, 1), cut by the arms' cumulative traffic shares. Every actor (any process, any restart)
 * sends a session to the same arm, and salting with the experiment id keeps assignments of different experiments
 * independent (the usual practice of GrowthBook and Statsig, which hash the unit id with an experiment salt).
 */
public final class Assignment {
  private Assignment() {}

  /** The arm that serves {@code sessionId} in {@code experiment}. */
  public static ExperimentArm armFor(Experiment experiment, String sessionId) {
    double u = unit(experiment.getExperimentId() + "/" + sessionId);
    double total = 0;
    for (ExperimentArm a : experiment.getArms()) {
      total += a.getWeight();
    }
    double cut = 0;
    for (ExperimentArm a : experiment.getArms()) {
      cut += a.getWeight() / total;
      if (u < cut) {
        return a;
      }
    }
    return experiment.getArms().get(experiment.getArms().size() - 1); // rounding at the top end
  }

  /** A uniform number in [0, 1) from the sha256 of {@code key}. */
  static double unit(String key) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      long bits = 0;
      for (int i = 0; i < 8; i++) {
        bits = (bits << 8) | (h[i] & 0xff);
      }
      return (bits >>> 11) * 0x1.0p-53;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
