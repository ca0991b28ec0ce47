package org.privspark.core.aggregation;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One way to compute a statistic from measured quantities, with the statistic's first-order
 * variance Σ g_q·Var(q) over the quantities it reads, at the planner's reference group (values
 * spread uniformly over the bounds, their mean at the midpoint). It holds log g_q: the weights of
 * bounds near the double range (w⁴ for a variance) would overflow, and only their ratios matter (a
 * common factor such as 1/n², for a mean over n rows, cancels in the planner's normalisation).
 *
 * @param name a short label ("direct", "centred")
 * @param logVarianceWeights log g_q per quantity it reads, in a fixed order; −∞ for a quantity it
 *     reads whose first-order weight vanishes at the reference group (the count of a mean: μ = 0
 *     there), which the planner still measures, with a floor share
 */
public record Derivation(String name, Map<Quantity, Double> logVarianceWeights)
    implements Serializable {
  public Derivation {
    logVarianceWeights = Collections.unmodifiableMap(new LinkedHashMap<>(logVarianceWeights));
  }

  /** The quantities it reads. */
  public Set<Quantity> quantities() {
    return logVarianceWeights.keySet();
  }

  /** A derivation from pairs (quantity, log g). */
  static Derivation of(String name, Object... quantityAndLogWeight) {
    Map<Quantity, Double> g = new LinkedHashMap<>();
    for (int i = 0; i < quantityAndLogWeight.length; i += 2) {
      g.put((Quantity) quantityAndLogWeight[i], (Double) quantityAndLogWeight[i + 1]);
    }
    return new Derivation(name, g);
  }
}
