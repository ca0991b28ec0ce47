package org.privspark.core.aggregation;

import java.util.List;
import java.util.function.Function;
import org.privspark.core.mechanism.NoisyValue;

/**
 * The number of rows per group after contribution bounding: the measured row count. One unit adds
 * at most k = min(L∞, the rows it keeps) to each of its ≤ L0 groups.
 */
public record BoundedCount() implements ScalarStatistic {
  private static final Derivation ROWS = Derivation.of("rows", Quantity.ROWS, 0.0);

  @Override
  public List<Derivation> derivations() {
    return List.of(ROWS);
  }

  @Override
  public Estimate estimate(
      Derivation derivation, Function<Quantity, NoisyValue> measured, double level) {
    return ScalarStatistic.direct(measured.apply(Quantity.ROWS), level);
  }
}
