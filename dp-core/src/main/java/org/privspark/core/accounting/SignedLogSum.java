package org.privspark.core.accounting;

import static org.privspark.core.internal.LogMath.logAdd;
import static org.privspark.core.internal.LogMath.logSub;

import java.util.Arrays;

/**
 * A sum of signed terms given by their logs, with rigorous bounds on the log of the exact sum.
 * Each term comes with a bound η on the error of its computed log t̃, so the exact term lies in
 * e^{t̃}·[e^{−η}, e^{η}].
 *
 * <p><b>How the bounds are formed.</b> The terms' logs are kept. The bounds scale every term by
 * the largest, M = max t̃: v = e^{t̃ − M} ≤ 1, with t̃ − M rounded by at most 2^-53·|t̃ − M| and the
 * exp within an ulp, so v is within a relative η + 2^-51·(1 + |t̃ − M|) of the exact scaled term
 * (and within 2^-1074 more if it underflows). Each part (positive, negative) is summed with Sum2
 * of Ogita, Rump &amp; Oishi (2005, "Accurate sum and dot product", Prop. 4.5): for n non-negative
 * summands with sum s its result is within 2^-53·s + γ²_{n−1}·s of s, γ_k = k·2^-53/(1 − k·2^-53),
 * below 2^-52·s while n &lt; 2^26. The error E = Σ v·(e^{η'} − 1), η' that total relative error, is
 * bounded by Σ e^{t̃}·2η (kept as a running log-space sum, with its drift of 2^-50·(1 + |partial|)
 * per addition added back) plus Σ v·2^-50·(1 + |t̃ − M|) + 2^-1073 per term (formed at the end);
 * both double their errors (2η ≥ 1.15·(e^η − 1) for η ≤ 1, and 2·expm1(η) above), which covers the
 * rounding of E's own sums. The exact sum then lies in
 * [P(1 − 2^-51) − N(1 + 2^-51) − E, P(1 + 2^-51) − N(1 − 2^-51) + E]·e^M, and its log is taken
 * rounding outward. Unlike a sum kept in log space, whose every addition loses half an ulp of the
 * running log, this slack does not grow with the number of terms or the size of their logs, which
 * matters when positive and negative terms cancel.
 *
 * <p>A running sum in log space, {@link #logValue()}, serves only to decide when a series may stop.
 */
final class SignedLogSum {
  private final Part positive = new Part();
  private final Part negative = new Part();
  /** log Σ e^{t̃}·2η over the terms so far (the η part of E), and its drift in log space. */
  private double weightedError = Double.NEGATIVE_INFINITY;
  private double weightedErrorDrift;
  /** Set once a term or its error overflowed (or is NaN): the bounds are then ±∞. */
  private boolean unbounded;

  /** Adds ±e^{t}, whose computed log {@code logMagnitude} is within {@code logError} of t. */
  void add(double logMagnitude, boolean isPositive, double logError) {
    if (logMagnitude == Double.NEGATIVE_INFINITY) {
      return; // an exact zero
    }
    if (!(logMagnitude < Double.POSITIVE_INFINITY) || !(logError < Double.POSITIVE_INFINITY)) {
      unbounded = true;
      return;
    }
    (isPositive ? positive : negative).add(logMagnitude);
    double relative = logError <= 1 ? 2 * logError : 2 * StrictMath.expm1(logError);
    weightedError = logAdd(weightedError, logMagnitude + StrictMath.log(relative));
    weightedErrorDrift += 0x1p-50 * (1 + Math.abs(weightedError));
  }

  /** Whether a term or its error overflowed (or was NaN). */
  boolean unbounded() {
    return unbounded;
  }

  /**
   * log of the sum as computed in log space, to decide when to stop; −∞ when rounding leaves it at
   * or below zero, NaN once unbounded. Not a bound.
   */
  double logValue() {
    if (unbounded) {
      return Double.NaN;
    }
    return negative.running >= positive.running
        ? Double.NEGATIVE_INFINITY
        : logSub(positive.running, negative.running);
  }

  /** An upper bound on the log of the exact sum; −∞ only if even that bound is not positive. */
  double upperLog() {
    if (unbounded) {
      return Double.POSITIVE_INFINITY;
    }
    double max = Math.max(positive.max, negative.max);
    if (max == Double.NEGATIVE_INFINITY) {
      return max;
    }
    double error = error(max);
    double bound = RdpCurve.addRoundingUp(
        RdpCurve.addRoundingUp(Directed.multiplyUp(positive.scaledSum(max), 1 + 0x1p-51), error),
        -Directed.multiplyDown(negative.scaledSum(max), 1 - 0x1p-51));
    if (!(bound > 0)) {
      return Double.NEGATIVE_INFINITY;
    }
    return RdpCurve.addRoundingUp(Directed.above(StrictMath.log(bound)), max);
  }

  /**
   * A lower bound on the log of the exact sum; −∞ when that bound is not positive (the bound is
   * then that the sum is at least 0, which callers only use for sums of positive terms).
   */
  double lowerLog() {
    double max = Math.max(positive.max, negative.max);
    if (unbounded || max == Double.NEGATIVE_INFINITY) {
      return Double.NEGATIVE_INFINITY;
    }
    double error = error(max);
    double bound = Directed.subtractDown(
        Directed.subtractDown(Directed.multiplyDown(positive.scaledSum(max), 1 - 0x1p-51), error),
        Directed.multiplyUp(negative.scaledSum(max), 1 + 0x1p-51));
    if (!(bound > 0)) {
      return Double.NEGATIVE_INFINITY;
    }
    return Directed.subtractDown(Directed.below(StrictMath.log(bound)), -max);
  }

  /** E scaled by e^{−max}, rounded up: the callers' η part, then the scaling's own errors. */
  private double error(double max) {
    double fromEta = Directed.above(StrictMath.exp(
        RdpCurve.addRoundingUp(RdpCurve.addRoundingUp(weightedError, weightedErrorDrift), -max)));
    return RdpCurve.addRoundingUp(
        RdpCurve.addRoundingUp(fromEta, positive.scalingError(max)), negative.scalingError(max));
  }

  /** The logs of the terms of one sign, kept for the bounds, and their running sum. */
  private static final class Part {
    private double[] logs = new double[64];
    private int size;
    private double max = Double.NEGATIVE_INFINITY;
    private double running = Double.NEGATIVE_INFINITY;

    void add(double log) {
      if (size == logs.length) {
        logs = Arrays.copyOf(logs, 2 * size);
      }
      logs[size++] = log;
      max = Math.max(max, log);
      running = logAdd(running, log);
    }

    /** Σ e^{t̃ − m} by Sum2 (see the class comment: within 2^-52 of the sum of the computed v). */
    double scaledSum(double m) {
      double hi = 0;
      double lo = 0;
      for (int i = 0; i < size; i++) {
        double x = StrictMath.exp(logs[i] - m);
        double s = hi + x; // TwoSum: lo collects the exact rounding error of every addition
        double z = s - hi;
        lo += (hi - (s - z)) + (x - z);
        hi = s;
      }
      return hi + lo;
    }

    /**
     * Σ v·2·2^-51·(1 + |t̃ − m|) + 2^-1073 per term: twice the error of forming each v (the
     * rounding of t̃ − m and the exp's ulp, or an underflow), summed rounding to nearest, which the
     * factor two more than covers.
     */
    double scalingError(double m) {
      double sum = 0;
      for (int i = 0; i < size; i++) {
        double offset = logs[i] - m;
        sum += StrictMath.exp(offset) * 0x1p-50 * (1 + Math.abs(offset)) + 0x1p-1073;
      }
      return sum;
    }
  }
}
