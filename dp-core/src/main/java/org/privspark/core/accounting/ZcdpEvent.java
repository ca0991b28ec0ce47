package org.privspark.core.accounting;

import org.privspark.core.Check;

/**
 * A ρ-zCDP mechanism (Bun &amp; Steinke 2016): ε(α) = αρ at every order.
 *
 * @param rho ρ &gt; 0
 */
public record ZcdpEvent(double rho) implements PrivacyEvent {
  public ZcdpEvent {
    Check.positiveFinite("rho", rho);
  }

  /** αρ, rounded toward +∞. */
  @Override
  public double rdp(double order) {
    return Directed.multiplyUp(order, rho);
  }
}
