package io.shiq.bfcl.py.math;

/** A raw mpc: a pair of mpfs. */
record Mpc(Mpf re, Mpf im) {}
