package io.shiq.bfcl.py;

/**
 * An mpmath {@code mpf} as BFCL's MathAPI returns it, with the two texts Python prints for it at the precision in
 * effect: {@code str(x)} and {@code repr(x)} (the latter is {@code mpf('...')}).
 */
public record PyMpf(String str, String repr) {}
