package org.privspark.core.accounting;

import org.privspark.core.Check;

/**
 * A mechanism that is only (ε, δ)-DP, such as private partition selection.
 *
 * <p>Accounted as δ-approximate RDP (Bun &amp; Steinke 2016, §8): the pure-DP curve of {@link
 * PureDpEvent} at ε, plus an additive δ that composition sums and that the conversion to (ε, δ)
 * takes off the target δ before it uses the curve.
 *
 * @param epsilon ε &gt; 0
 * @param delta δ in (0, 1)
 */
public record ApproximateDpEvent(double epsilon, double delta) implements PrivacyEvent {
  public ApproximateDpEvent {
    Check.positiveFinite("epsilon", epsilon);
    Check.inOpen("delta", delta, 0.0, 1.0);
  }

  @Override
  public double rdp(double order) {
    return PureDpEvent.randomizedResponseRdp(epsilon, order);
  }

  @Override
  public double additiveDelta() {
    return delta;
  }

  @Override
  public double pureEpsilon() {
    return epsilon;
  }
}
