package io.shiq.ab.evaluate;

import io.shiq.avro.Experiment;
import io.shiq.avro.ExperimentArm;
import io.shiq.avro.ExperimentStatus;
import io.shiq.avro.PolicyVersion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Rolling a treatment arm back to the control's weights. Two records do it, written in the evaluator's transaction:
 * <ul>
 *   <li>an announcement on {@code policy.versions} for the treatment's line: the next version number, whose bytes
 *       are the control's ({@code sourceArm}/{@code sourceVersion}, same sha256, chunks or URI), with the reason, so
 *       every actor following that line serves the control's weights;</li>
 *   <li>the experiment, ROLLED_BACK, with the treatment arm pinned to that version, so experiment actors keep
 *       serving it even when the line's learner publishes newer versions afterwards.</li>
 * </ul>
 * When the control serves weights that were never announced (version 0: the model an actor was started with), there
 * is nothing to copy: the treatment arm is pinned to the control's line and version in the experiment instead.
 */
public final class Rollback {
  /** What to write; {@code announcement} is null when the control has no announced version. */
  public record Plan(PolicyVersion announcement, Experiment experiment, String note) {}

  private Rollback() {}

  /**
   * @param announced the announcement of a line's version ({@code line, version}; version null = latest), or null
   */
  public static Plan plan(Experiment e, String treatment, String reason, long nowMs,
                          java.util.function.BiFunction<String, Long, PolicyVersion> announced) {
    ExperimentArm control = arm(e, e.getControlArm());
    ExperimentArm arm = arm(e, treatment);
    PolicyVersion source = control.getVersion() != null && control.getVersion() == 0 ? null
        : announced.apply(control.getLine(), control.getVersion());
    PolicyVersion latestOfLine = announced.apply(arm.getLine(), null);
    long next = (latestOfLine == null ? 0 : latestOfLine.getVersion()) + 1;
    String why = "rollback by experiment " + e.getExperimentId() + ": " + reason;
    if (source == null) {
      Experiment updated = withArm(e, treatment, a -> ExperimentArm.newBuilder(a).setLine(control.getLine())
          .setVersion(control.getVersion() == null ? 0L : control.getVersion()).build(), why, nowMs);
      return new Plan(null, updated, "the control serves " + control.getLine() + " v"
          + (control.getVersion() == null ? 0 : control.getVersion()) + ", never announced: arm " + treatment
          + " pinned to it in the experiment only");
    }
    PolicyVersion announcement = PolicyVersion.newBuilder(source).setArm(arm.getLine()).setVersion(next)
        .setParentVersion(latestOfLine == null ? null : latestOfLine.getVersion())
        .setSourceArm(source.getSourceArm() != null ? source.getSourceArm() : source.getArm())
        .setSourceVersion(source.getSourceVersion() != null ? source.getSourceVersion() : source.getVersion())
        .setReason(why).setCreatedAt(Instant.ofEpochMilli(nowMs))
        // the source's signature covers the source's fields, not these: the evaluator signs the new record itself
        .setSignature(null).setSigningKeyId(null).build();
    Experiment updated = withArm(e, treatment, a -> ExperimentArm.newBuilder(a).setVersion(next).build(), why, nowMs);
    return new Plan(announcement, updated, arm.getLine() + " v" + next + " announced with the weights of "
        + announcement.getSourceArm() + " v" + announcement.getSourceVersion());
  }

  private static Experiment withArm(Experiment e, String name, Function<ExperimentArm, ExperimentArm> change,
                                    String why, long nowMs) {
    List<ExperimentArm> arms = new ArrayList<>();
    for (ExperimentArm a : e.getArms()) {
      arms.add(a.getName().equals(name) ? change.apply(a) : a);
    }
    return Experiment.newBuilder(e).setArms(arms).setStatus(ExperimentStatus.ROLLED_BACK).setStatusReason(why)
        .setUpdatedAt(Instant.ofEpochMilli(nowMs)).build();
  }

  static ExperimentArm arm(Experiment e, String name) {
    for (ExperimentArm a : e.getArms()) {
      if (a.getName().equals(name)) {
        return a;
      }
    }
    throw new IllegalArgumentException("experiment " + e.getExperimentId() + " has no arm '" + name + "'");
  }
}
