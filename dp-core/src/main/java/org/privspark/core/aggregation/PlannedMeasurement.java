package org.privspark.core.aggregation;

import java.io.Serializable;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.mechanism.GaussianMechanism;
import org.privspark.core.mechanism.GridMechanism;
import org.privspark.core.mechanism.LaplaceMechanism;

/**
 * One quantity's noisy measurement over all groups, with its mechanism's parameters. A pure
 * function of these numbers: executors rebuild the same mechanism from it.
 *
 * @param quantity what is measured
 * @param kind Laplace or Gaussian
 * @param epsilon ε for Laplace; NaN for Gaussian
 * @param sigma σ for Gaussian; NaN for Laplace
 * @param sensitivity the L1 (Laplace, L0·c) or L2 (Gaussian, √L0·c) sensitivity over all groups of
 *     one unit, c being what one unit adds to one group
 * @param coordinates how many separately rounded values one unit can reach: L0 × dimension
 */
public record PlannedMeasurement(
    Quantity quantity,
    NoiseKind kind,
    double epsilon,
    double sigma,
    double sensitivity,
    long coordinates)
    implements Serializable {

  public static PlannedMeasurement laplace(
      Quantity quantity, double epsilon, double l1Sensitivity, long l0) {
    return new PlannedMeasurement(
        quantity,
        NoiseKind.LAPLACE,
        epsilon,
        Double.NaN,
        l1Sensitivity,
        Math.multiplyExact(l0, quantity.dimension()));
  }

  public static PlannedMeasurement gaussian(
      Quantity quantity, double sigma, double l2Sensitivity, long l0) {
    return new PlannedMeasurement(
        quantity,
        NoiseKind.GAUSSIAN,
        Double.NaN,
        sigma,
        l2Sensitivity,
        Math.multiplyExact(l0, quantity.dimension()));
  }

  /** The measurement's name (its quantity's), part of every noise cell's identity. */
  public String name() {
    return quantity.name();
  }

  /** Values per group. */
  public int dimension() {
    return quantity.dimension();
  }

  /**
   * What one release of this measurement (all groups) costs. Each group's value (each bin) is
   * rounded to the grid on its own, so the mechanism is planned for L0 × dimension coordinates
   * ({@code maxCoordinatesContributed}), and so are its noise and this event.
   */
  public PrivacyEvent event() {
    return mechanism().eventFor(dimension());
  }

  /** The mechanism, rebuilt from the parameters. */
  public GridMechanism<?, ?> mechanism() {
    return kind == NoiseKind.LAPLACE
        ? LaplaceMechanism.builder()
            .epsilon(epsilon)
            .l1Sensitivity(sensitivity)
            .maxCoordinatesContributed(coordinates)
            .build()
        : GaussianMechanism.builder()
            .sigma(sigma)
            .l2Sensitivity(sensitivity)
            .maxCoordinatesContributed(coordinates)
            .build();
  }
}
