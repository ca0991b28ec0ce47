package org.privspark.cli;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A DP-SGD sampling rate q in (0, 1] as the CLI reads it: a decimal ({@code 0.004}) or a fraction
 * of whole numbers ({@code 256/60000}), kept as the exact rational the text denotes.
 *
 * <p>The accountant takes q as a double, and its cost grows with q, so {@link #upperDouble()} is
 * the smallest double at or above the exact rate, never the nearest one (which is below it about
 * half the time): the cost charged is never that of a smaller rate than the one stated.
 *
 * @param numerator the rate's numerator, &ge; 1
 * @param denominator the rate's denominator, &ge; numerator
 * @param text the text as given, for messages
 */
record SampleRate(BigInteger numerator, BigInteger denominator, String text) {
  /** The accepted forms, for help texts and messages. */
  static final String FORM =
      "a rate in (0, 1]: a decimal such as 0.004 or a fraction N/D of whole numbers such as"
          + " 256/60000";

  private static final Pattern FRACTION = Pattern.compile("([0-9]+)/([0-9]+)");
  // The exponent is limited to 4 digits so that the exact denominator 10^scale stays small.
  private static final Pattern DECIMAL =
      Pattern.compile("(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][-+]?[0-9]{1,4})?");

  /**
   * Reads {@code text} as a rate, or throws an IllegalArgumentException whose one-line message
   * names {@code name} (the option or parameter) and the allowed form.
   */
  static SampleRate parse(String name, String text) {
    String t = text.strip();
    Matcher fraction = FRACTION.matcher(t);
    BigInteger num;
    BigInteger den;
    if (fraction.matches()) {
      num = new BigInteger(fraction.group(1));
      den = new BigInteger(fraction.group(2));
      if (den.signum() == 0) {
        throw refused(name, text, " (zero denominator)");
      }
    } else if (DECIMAL.matcher(t).matches()) {
      BigDecimal d = new BigDecimal(t);
      if (d.signum() == 0 || d.compareTo(BigDecimal.ONE) > 0) {
        throw refused(name, text, " (outside (0, 1])");
      }
      // 0 < d <= 1: d = unscaled · 10^-scale with scale >= 0.
      num = d.unscaledValue();
      den = BigInteger.TEN.pow(d.scale());
    } else {
      throw refused(name, text, "");
    }
    if (num.signum() == 0 || num.compareTo(den) > 0) {
      throw refused(name, text, " (outside (0, 1])");
    }
    return new SampleRate(num, den, t);
  }

  private static IllegalArgumentException refused(String name, String text, String why) {
    return new IllegalArgumentException(name + " must be " + FORM + "; got '" + text + "'" + why);
  }

  /**
   * The rate B/N of a batch of B examples drawn from N, as TF Privacy's compute_dp_sgd_privacy sets
   * q.
   */
  static SampleRate ofBatch(long batchSize, long datasetSize) {
    return new SampleRate(
        BigInteger.valueOf(batchSize),
        BigInteger.valueOf(datasetSize),
        batchSize + "/" + datasetSize);
  }

  /** The smallest double at or above the exact rate. */
  double upperDouble() {
    BigDecimal exact = new BigDecimal(numerator);
    BigDecimal den = new BigDecimal(denominator);
    // A 40-digit quotient rounds to within an ulp of the rate; the exact comparisons below settle
    // it.
    double q = exact.divide(den, new MathContext(40, RoundingMode.CEILING)).doubleValue();
    q = Math.max(q, Double.MIN_VALUE);
    while (compareTo(q) > 0) {
      q = Math.nextUp(q);
    }
    while (q > Double.MIN_VALUE && compareTo(Math.nextDown(q)) <= 0) {
      q = Math.nextDown(q);
    }
    return q;
  }

  /** The sign of (rate − x), exactly. */
  private int compareTo(double x) {
    return new BigDecimal(numerator)
        .compareTo(new BigDecimal(x).multiply(new BigDecimal(denominator)));
  }

  @Override
  public String toString() {
    return text;
  }
}
