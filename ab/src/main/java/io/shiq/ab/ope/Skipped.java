package io.shiq.ab.ope;

/** A trajectory left out of an estimate, and why. */
public record Skipped(String trajectoryId, SkipReason reason, String detail) {}
