package org.privspark.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Pattern;

/**
 * A DP-SGD run described as TensorFlow Privacy's {@code compute_dp_sgd_privacy} describes it: N
 * examples, batches of B, E epochs (E may be fractional). Its rule, which this class follows: q =
 * B/N and steps = ⌈E·N/B⌉ ({@code int(math.ceil(epochs * n / batch_size))} in
 * compute_dp_sgd_privacy_lib.py), with B &le; N. The ceiling is taken of the exact product (TF
 * Privacy computes it in floating point, which can add a step when E·N/B is a whole number that
 * binary floating point misses: E = 1.1, N = 50, B = 5 gives 12 steps there, and 11 here).
 *
 * @param sampleRate q = B/N, exactly
 * @param steps ⌈E·N/B⌉
 * @param rule how steps was computed, for the output
 */
record DpSgdSchedule(SampleRate sampleRate, long steps, String rule) {
  /** The rule, for help texts. */
  static final String RULE =
      "q = B/N and steps = ceil(E*N/B), as TF Privacy's compute_dp_sgd_privacy";

  private static final Pattern EPOCHS =
      Pattern.compile("(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][-+]?[0-9]{1,4})?");

  /** SampledGaussianEvent takes fewer than 2^53 steps. */
  private static final BigDecimal MAX_STEPS = BigDecimal.valueOf((1L << 53) - 1);

  /**
   * The schedule of {@code epochs} passes over {@code datasetSize} examples in batches of {@code
   * batchSize}.
   */
  static DpSgdSchedule of(long datasetSize, long batchSize, String epochs) {
    if (datasetSize < 1) {
      throw new IllegalArgumentException("--dataset-size must be >= 1; got " + datasetSize);
    }
    if (batchSize < 1 || batchSize > datasetSize) {
      throw new IllegalArgumentException(
          "--batch-size must be in [1, --dataset-size = " + datasetSize + "]; got " + batchSize);
    }
    String e = epochs.strip();
    if (!EPOCHS.matcher(e).matches() || new BigDecimal(e).signum() == 0) {
      throw new IllegalArgumentException(
          "--epochs must be a decimal number > 0 such as 60 or 2.5; got '" + epochs + "'");
    }
    BigDecimal steps =
        new BigDecimal(e)
            .multiply(BigDecimal.valueOf(datasetSize))
            .divide(BigDecimal.valueOf(batchSize), 0, RoundingMode.CEILING);
    if (steps.compareTo(MAX_STEPS) > 0) {
      throw new IllegalArgumentException(
          "--epochs gives steps = ceil(E*N/B) >= 2^53; got E = "
              + e
              + ", N = "
              + datasetSize
              + ", B = "
              + batchSize);
    }
    String rule = "ceil(" + e + "*" + datasetSize + "/" + batchSize + ")";
    return new DpSgdSchedule(
        SampleRate.ofBatch(batchSize, datasetSize), steps.longValueExact(), rule);
  }
}
