package org.privspark.core.aggregation;

import java.util.List;

/**
 * Kept rows per public bin [e₀, e₁), …, [e_{n−1}, e_n] per group (values outside count in the first
 * or last bin): one measured vector of counts. One unit's ≤ k rows in a group move its bin vector
 * by at most k in L1 and in L2.
 */
public record Histogram(String column, double[] edges) implements Statistic {
  /**
   * @throws IllegalArgumentException unless there are at least 2 finite, strictly increasing edges
   */
  public Histogram {
    edges = edges.clone();
    if (edges.length < 2) {
      throw new IllegalArgumentException(
          "edges must hold at least 2 bin edges; got " + edges.length);
    }
    for (int i = 0; i < edges.length; i++) {
      if (!Double.isFinite(edges[i]) || (i > 0 && !(edges[i] > edges[i - 1]))) {
        throw new IllegalArgumentException(
            "edges must be finite and strictly increasing; got "
                + java.util.Arrays.toString(edges));
      }
    }
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
