package org.privspark.core.aggregation;

import java.util.List;
import java.util.function.Function;
import org.privspark.core.mechanism.NoisyValue;

/**
 * The number of distinct privacy units per group: one unit adds at most 1 to each of its ≤ L0
 * groups.
 */
public record DistinctUnitCount() implements ScalarStatistic {
  private static final Derivation UNITS = Derivation.of("units", Quantity.UNITS, 0.0);

  @Override
  public List<Derivation> derivations() {
    return List.of(UNITS);
  }

  @Override
  public Estimate estimate(
      Derivation derivation, Function<Quantity, NoisyValue> measured, double level) {
    return ScalarStatistic.direct(measured.apply(Quantity.UNITS), level);
  }
}
