package org.privspark.core.aggregation;

/**
 * Quantiles released by post-processing noisy counts ({@link HistogramQuantiles}, {@link
 * QuantileTree}): per rank, the value, a noise standard deviation and a 95% interval.
 *
 * @param values one quantile per rank
 * @param noiseStd per rank, the noise's standard deviation as the method reports it (see the
 *     method's Javadoc for how it is derived; {@link HistogramQuantiles} reports it in the value's
 *     units)
 * @param ciLow per rank, the interval's lower end
 * @param ciHigh per rank, the interval's upper end
 */
public record QuantileEstimate(
    double[] values, double[] noiseStd, double[] ciLow, double[] ciHigh) {
  /** Copies the arrays: the estimate is immutable. */
  public QuantileEstimate {
    values = values.clone();
    noiseStd = noiseStd.clone();
    ciLow = ciLow.clone();
    ciHigh = ciHigh.clone();
  }

  /**
   * The quantiles.
   *
   * @return one value per rank, a copy
   */
  @Override
  public double[] values() {
    return values.clone();
  }

  /**
   * The noise's standard deviation per rank, as the method reports it.
   *
   * @return one standard deviation per rank, a copy
   */
  @Override
  public double[] noiseStd() {
    return noiseStd.clone();
  }

  /**
   * The largest of the ranks' {@link #noiseStd()}s: the one figure a release column holds.
   *
   * @return the largest standard deviation, 0 with no rank
   */
  public double widestNoiseStd() {
    double widest = 0;
    for (double s : noiseStd) {
      widest = Math.max(widest, s);
    }
    return widest;
  }

  /**
   * The intervals' lower ends.
   *
   * @return one lower end per rank, a copy
   */
  @Override
  public double[] ciLow() {
    return ciLow.clone();
  }

  /**
   * The intervals' upper ends.
   *
   * @return one upper end per rank, a copy
   */
  @Override
  public double[] ciHigh() {
    return ciHigh.clone();
  }
}
