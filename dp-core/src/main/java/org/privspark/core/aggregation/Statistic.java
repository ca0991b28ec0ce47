package org.privspark.core.aggregation;

import java.io.Serializable;
import java.util.List;

/**
 * A statistic a private aggregation releases per group, derived by post-processing from noisy
 * measurements of {@link Quantity quantities}. It names the ways it can be derived; the {@link
 * AggregationPlanner} picks one, so that the statistics of one query share the fewest, best-scaled
 * measurements.
 */
public sealed interface Statistic extends Serializable
    permits ScalarStatistic, Histogram, Quantiles {

  /** The ways to compute it (at least one). */
  List<Derivation> derivations();
}
