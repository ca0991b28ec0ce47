package org.privspark.core.accounting;

import static org.privspark.core.internal.LogMath.logAdd;
import static org.privspark.core.internal.LogMath.logSub;

import java.util.Arrays;

/**
 * A sum of signed terms given by their logs, with rigorous bounds on the log of the exact sum. Each
 * term comes with a bound η on the error of its computed log t̃, so the exact term lies in
 * e^{t̃}·[e^{−η}, e^{η}].
 *
 * <p><b>How the bounds are formed.</b> The terms' logs and errors are kept. The bounds scale every
 * term by the largest, M = max t̃: v = e^{t̃ − M} ≤ 1, with t̃ − M rounded by at most 2^-53·|t̃ −
 * M| and the exp within an ulp, so v is within a relative η' = η + 2^-51·(1 + |t̃ − M|) of the
 * exact scaled term (and within 2^-1074 more if it underflows). Each part (positive, negative) is
 * summed with Sum2 of Ogita, Rump &amp; Oishi (2005, "Accurate sum and dot product", Prop. 4.5):
 * for n non-negative summands with sum s its result is within 2^-53·s + γ²_{n−1}·s of s, γ_k =
 * k·2^-53/(1 − k·2^-53), below 2^-52·s while n &lt; 2^26. The error E = Σ v·(e^{η'} − 1) is bounded
 * by Σ v·2η' (or v·2·expm1(η') for η' &gt; 1) + 2^-1073 per term: 2η' ≥ 1.15·(e^{η'} − 1) for η' ≤
 * 1, which also covers the rounding of E's own sum and of v in it. The exact sum then lies in [P(1
 * − 2^-51) − N(1 + 2^-51) − E, P(1 + 2^-51) − N(1 − 2^-51) + E]·e^M, and its log is taken rounding
 * outward. Unlike a sum kept in log space, whose every addition loses half an ulp of the running
 * log, this slack does not grow with the number of terms or the size of their logs, which matters
 * when positive and negative terms cancel.
 *
 * <p>A series that must decide when to stop can ask for a running sum in log space, {@link
 * #logValue()}; it is not a bound, and sums that do not need it skip its cost.
 */
final class SignedLogSum {
  private final Part positive = new Part();
  private final Part negative = new Part();
  private final boolean running;
  private double runningPositive = Double.NEGATIVE_INFINITY;
  private double runningNegative = Double.NEGATIVE_INFINITY;

  /** Set once a term or its error overflowed (or is NaN): the bounds are then ±∞. */
  private boolean unbounded;

  private Scaled scaled;

  /** A sum; {@code running} keeps the log-space running sum that {@link #logValue()} returns. */
  SignedLogSum(boolean running) {
    this.running = running;
  }

  /** Adds ±e^{t}, whose computed log {@code logMagnitude} is within {@code logError} of t. */
  void add(double logMagnitude, boolean isPositive, double logError) {
    if (logMagnitude == Double.NEGATIVE_INFINITY) {
      return; // an exact zero
    }
    if (!(logMagnitude < Double.POSITIVE_INFINITY) || !(logError < Double.POSITIVE_INFINITY)) {
      unbounded = true;
      return;
    }
    scaled = null;
    (isPositive ? positive : negative).add(logMagnitude, logError);
    if (running) {
      if (isPositive) {
        runningPositive = logAdd(runningPositive, logMagnitude);
      } else {
        runningNegative = logAdd(runningNegative, logMagnitude);
      }
    }
  }

  /** Whether a term or its error overflowed (or was NaN). */
  boolean unbounded() {
    return unbounded;
  }

  /**
   * log of the sum as computed in log space, to decide when to stop; −∞ when rounding leaves it at
   * or below zero, NaN once unbounded or if this sum keeps no running sum. Not a bound.
   */
  double logValue() {
    if (unbounded || !running) {
      return Double.NaN;
    }
    return runningNegative >= runningPositive
        ? Double.NEGATIVE_INFINITY
        : logSub(runningPositive, runningNegative);
  }

  /** An upper bound on the log of the exact sum; −∞ only if even that bound is not positive. */
  double upperLog() {
    if (unbounded) {
      return Double.POSITIVE_INFINITY;
    }
    Scaled s = scaled();
    if (s == null) {
      return Double.NEGATIVE_INFINITY;
    }
    double bound =
        RdpCurve.addRoundingUp(
            RdpCurve.addRoundingUp(Directed.multiplyUp(s.positive, 1 + 0x1p-51), s.error),
            -Directed.multiplyDown(s.negative, 1 - 0x1p-51));
    if (!(bound > 0)) {
      return Double.NEGATIVE_INFINITY;
    }
    return RdpCurve.addRoundingUp(Directed.above(StrictMath.log(bound)), s.max);
  }

  /**
   * A lower bound on the log of the exact sum; −∞ when that bound is not positive (the bound is
   * then that the sum is at least 0, which callers only use for sums of positive terms).
   */
  double lowerLog() {
    Scaled s = unbounded ? null : scaled();
    if (s == null) {
      return Double.NEGATIVE_INFINITY;
    }
    double bound =
        Directed.subtractDown(
            Directed.subtractDown(Directed.multiplyDown(s.positive, 1 - 0x1p-51), s.error),
            Directed.multiplyUp(s.negative, 1 + 0x1p-51));
    if (!(bound > 0)) {
      return Double.NEGATIVE_INFINITY;
    }
    return Directed.subtractDown(Directed.below(StrictMath.log(bound)), -s.max);
  }

  /** The two parts and the error bound E, each scaled by e^{−max}. */
  private record Scaled(double max, double positive, double negative, double error) {}

  /** The scaled parts, computed once; null for an empty sum. */
  private Scaled scaled() {
    double max = Math.max(positive.max, negative.max);
    if (max == Double.NEGATIVE_INFINITY) {
      return null;
    }
    if (scaled == null) {
      double[] p = positive.scaledSumAndError(max);
      double[] n = negative.scaledSumAndError(max);
      // Two non-negative doubles summed to nearest: within 2^-53, inside E's slack.
      scaled = new Scaled(max, p[0], n[0], p[1] + n[1]);
    }
    return scaled;
  }

  /** The logs of the terms of one sign and their errors, kept for the bounds. */
  private static final class Part {
    private double[] logs = new double[64];
    private double[] errors = new double[64];
    private int size;
    private double max = Double.NEGATIVE_INFINITY;

    void add(double log, double error) {
      if (size == logs.length) {
        logs = Arrays.copyOf(logs, 2 * size);
        errors = Arrays.copyOf(errors, 2 * size);
      }
      logs[size] = log;
      errors[size] = error;
      size++;
      max = Math.max(max, log);
    }

    /** {Σ e^{t̃ − m} by Sum2, Σ of the error allowances}: see the class comment. */
    double[] scaledSumAndError(double m) {
      double hi = 0;
      double lo = 0;
      double error = 0;
      for (int i = 0; i < size; i++) {
        double offset = logs[i] - m;
        double v = StrictMath.exp(offset);
        double s = hi + v; // TwoSum: lo collects the exact rounding error of every addition
        double z = s - hi;
        lo += (hi - (s - z)) + (v - z);
        hi = s;
        double eta = errors[i] + 0x1p-51 * (1 + Math.abs(offset));
        error += v * (eta <= 1 ? 2 * eta : 2 * StrictMath.expm1(eta)) + 0x1p-1073;
      }
      return new double[] {hi + lo, error};
    }
  }
}
