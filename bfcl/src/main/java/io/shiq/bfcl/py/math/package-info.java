/**
 * Ports of the numerical code whose exact results BFCL's MathAPI returns: mpmath 1.3's logarithm, constants and
 * printing ({@link io.shiq.bfcl.py.math.Mpmath} over the libmp classes), CPython's Decimal square root
 * ({@link io.shiq.bfcl.py.math.DecimalSqrt}), CPython's float {@code **} ({@link io.shiq.bfcl.py.math.FloatPow}) and
 * the glibc pow it calls ({@link io.shiq.bfcl.py.math.GlibcPow}, from Arm's optimized-routines). Their origins and
 * licenses are in the module's NOTICE file.
 */
package io.shiq.bfcl.py.math;
