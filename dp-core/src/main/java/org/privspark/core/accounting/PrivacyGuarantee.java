package org.privspark.core.accounting;

/**
 * An (ε, δ)-DP guarantee read off an RDP curve, with the order α that gave it.
 *
 * @param epsilon ε &ge; 0
 * @param delta δ in [0, 1], including every event's additive δ
 * @param order the optimal Rényi order; +∞ when the pure-DP composition gave the better ε
 * @param orderAtGridEdge true when the optimal order is the smallest or the largest of the grid: a
 *     wider grid might give a smaller ε
 */
public record PrivacyGuarantee(
    double epsilon, double delta, double order, boolean orderAtGridEdge) {

  /** A one-line warning for the edge case, or an empty string. */
  public String edgeWarning() {
    if (!orderAtGridEdge) {
      return "";
    }
    return "the optimal order "
        + order
        + " is at the edge of the order grid; "
        + "a grid that extends past it may give a tighter bound";
  }
}
