package org.privspark.core.accounting;

import org.privspark.core.Check;

/**
 * A failure probability δ with no other privacy cost: (0, δ)-DP. It carries, for example, the
 * chance that Gaussian partition selection releases a group that a single unit created, on top of
 * the Gaussian noise whose curve is charged separately.
 *
 * <p>RDP curve 0, additive δ, pure ε 0 (accounted as δ-approximate RDP, Bun &amp; Steinke 2016,
 * §8).
 *
 * @param delta δ in (0, 1)
 */
public record DeltaEvent(double delta) implements PrivacyEvent {
  public DeltaEvent {
    Check.inOpen("delta", delta, 0.0, 1.0);
  }

  @Override
  public double rdp(double order) {
    return 0;
  }

  @Override
  public double additiveDelta() {
    return delta;
  }

  @Override
  public double pureEpsilon() {
    return 0;
  }
}
