package org.privspark.spark.sql;

import java.io.Serializable;
import org.privspark.core.mechanism.GaussianMechanism;
import org.privspark.core.mechanism.GridMechanism;
import org.privspark.core.mechanism.LaplaceMechanism;

/**
 * One noisy quantity a query releases per group (a row count, a clamped sum, …), with the
 * parameters of its mechanism. Serializable: executors rebuild the same mechanism from it, which
 * is a pure function of these numbers.
 *
 * @param name the measurement's name, part of every noise cell's identity
 * @param kind Laplace or Gaussian
 * @param epsilon ε for Laplace; NaN for Gaussian
 * @param sigma σ for Gaussian; NaN for Laplace
 * @param sensitivity the L1 (Laplace) or L2 (Gaussian) sensitivity over all groups of one unit
 * @param dimension 1 for a scalar per group, the number of bins for a histogram
 * @param coordinates how many separately released values one unit can reach: L0 × dimension
 * @param input the fixed-point grid its exact per-group totals are on (X·2^e, X an integer)
 */
record Measurement(
    String name, NoiseKind kind, double epsilon, double sigma, double sensitivity, int dimension, long coordinates,
    InputGrid input)
    implements Serializable {

  static Measurement laplace(String name, double epsilon, double l1Sensitivity, int dimension, long l0,
      InputGrid input) {
    return new Measurement(name, NoiseKind.LAPLACE, epsilon, Double.NaN, l1Sensitivity, dimension,
        Math.multiplyExact(l0, dimension), input);
  }

  static Measurement gaussian(String name, double sigma, double l2Sensitivity, int dimension, long l0,
      InputGrid input) {
    return new Measurement(name, NoiseKind.GAUSSIAN, Double.NaN, sigma, l2Sensitivity, dimension,
        Math.multiplyExact(l0, dimension), input);
  }

  /**
   * What one release of this measurement (all groups) costs. Each group's value (each bin of a
   * histogram) is rounded to the grid on its own, so one unit can move up to L0 × dimension rounded
   * coordinates by one extra grid unit each; the mechanism is planned for that many (its {@code
   * maxCoordinatesContributed}), and so are the noise and this event.
   */
  org.privspark.core.accounting.PrivacyEvent event() {
    return mechanism().eventFor(dimension);
  }

  GridMechanism<?, ?> mechanism() {
    return kind == NoiseKind.LAPLACE
        ? LaplaceMechanism.builder().epsilon(epsilon).l1Sensitivity(sensitivity)
            .maxCoordinatesContributed(coordinates).build()
        : GaussianMechanism.builder().sigma(sigma).l2Sensitivity(sensitivity)
            .maxCoordinatesContributed(coordinates).build();
  }
}
