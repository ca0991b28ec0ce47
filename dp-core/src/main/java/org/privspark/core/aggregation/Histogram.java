package org.privspark.core.aggregation;

import java.util.List;

/**
 * Kept rows per public bin [e₀, e₁), …, [e_{n−1}, e_n] per group (values outside count in the first
 * or last bin): one measured vector of counts. One unit's ≤ k rows in a group move its bin vector
 * by at most k in L1 and in L2.
 */
public record Histogram(String column, double[] edges) implements Statistic {
  public Histogram {
    edges = edges.clone();
  }

  @Override
  public double[] edges() {
    return edges.clone();
  }

  /** The measured quantity. */
  public Quantity quantity() {
    return Quantity.histogram(column, edges);
  }

  @Override
  public List<Derivation> derivations() {
    return List.of(Derivation.of("bins", quantity(), 0.0));
  }
}
