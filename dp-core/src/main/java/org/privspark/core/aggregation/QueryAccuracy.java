package org.privspark.core.aggregation;

import java.util.List;
import java.util.Locale;
import org.privspark.core.accounting.PrivacyEvent;

/**
 * The accuracy a private aggregation will have, predicted from its plan alone: no data read, no
 * budget spent ({@link AggregationPlan#accuracy}). Analysts size ε with it before they spend.
 *
 * @param noise the noise the planner chose
 * @param rows the group size (kept rows) the means and variances are evaluated at
 * @param statistics per statistic, in output order
 * @param unitsForHalf with private groups, the fewest units with which a group is kept with
 *     probability ≥ 50% (0 with public groups)
 * @param unitsFor95 the same at 95% ({@link Long#MAX_VALUE} if never)
 * @param cost what the query costs
 */
public record QueryAccuracy(
    NoiseKind noise,
    long rows,
    List<StatisticAccuracy> statistics,
    long unitsForHalf,
    long unitsFor95,
    PrivacyEvent cost) {

  public QueryAccuracy {
    statistics = List.copyOf(statistics);
  }

  /**
   * One statistic's predicted accuracy.
   *
   * @param statistic the statistic
   * @param noiseStd the standard deviation of its noise, as the release reports it (per bin for
   *     histograms; for quantiles the largest over the ranks, in the value's units)
   * @param halfWidth95 half the width of its 95% interval (per bin for histograms; the widest over
   *     the ranks for quantiles, in the value's units)
   */
  public record StatisticAccuracy(Statistic statistic, double noiseStd, double halfWidth95) {}

  @Override
  public String toString() {
    StringBuilder s =
        new StringBuilder(String.format(Locale.ROOT, "noise %s, groups of %d rows", noise, rows));
    for (StatisticAccuracy a : statistics) {
      s.append(
          String.format(
              Locale.ROOT,
              "%n  %s: noise std %.4g, 95%% interval ±%.4g",
              a.statistic(),
              a.noiseStd(),
              a.halfWidth95()));
    }
    if (unitsForHalf > 0) {
      s.append(
          String.format(
              Locale.ROOT,
              "%n  a group is kept with probability 50%% from %d units, 95%% from %d",
              unitsForHalf,
              unitsFor95));
    }
    return s.toString();
  }
}
