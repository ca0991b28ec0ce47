package org.privspark.core.accounting.pld;

import org.privspark.core.Check;

/**
 * How finely a {@link PrivacyLossDistribution} is discretised.
 *
 * <p>Privacy losses are rounded UP to the grid {@code i · valueDiscretizationInterval}, and each
 * distribution is cut where at most {@code tailMassTruncation / 2} of its mass lies beyond either
 * end: the upper tail is moved to an infinite loss, the lower tail onto the lowest grid point. Both
 * moves make δ(ε) larger, never smaller (docs/ACCOUNTING.md, "PLD accounting").
 *
 * @param valueDiscretizationInterval the grid step h of privacy-loss values, in [2^-60, 1]; ε comes
 *     out at most about h above the exact value
 * @param tailMassTruncation the probability mass τ cut off per distribution, in (0, 1e-3]; it
 *     reaches δ at most once per composition
 */
public record PldSettings(double valueDiscretizationInterval, double tailMassTruncation) {
  /**
   * Validates both settings.
   *
   * @param valueDiscretizationInterval the grid step h, in [2^-60, 1]
   * @param tailMassTruncation the mass τ cut off per distribution, in (0, 1e-3]
   * @throws IllegalArgumentException naming the setting and its allowed range
   */
  public PldSettings {
    Check.inClosed("valueDiscretizationInterval", valueDiscretizationInterval, 0x1p-60, 1.0);
    if (!(tailMassTruncation > 0 && tailMassTruncation <= 1e-3)) {
      throw new IllegalArgumentException(
          "tailMassTruncation must be in (0, 0.001]; got " + tailMassTruncation);
    }
  }

  /**
   * h = 1e-4 and τ = 1e-15, as dp_accounting's defaults: within 1e-3 relative of the exact ε for
   * DP-SGD on MNIST, in well under a second.
   *
   * @return the default settings
   */
  public static PldSettings defaults() {
    return new PldSettings(1e-4, 1e-15);
  }
}
