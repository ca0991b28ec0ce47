package org.privspark.core.aggregation;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.privspark.core.accounting.ComposedEvent;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.mechanism.AddedNoise;
import org.privspark.core.mechanism.GridMechanism;
import org.privspark.core.mechanism.NoisyValue;
import org.privspark.core.mechanism.NoisyVector;
import org.privspark.core.mechanism.PartitionSelection;

/**
 * The privacy side of one aggregation, worked out before any data is read ({@link
 * AggregationPlanner}): the measurements, how each statistic is derived from them, the partition
 * selection and the composed cost. Serializable: executors rebuild the same mechanisms from it.
 *
 * @param noise the noise every measurement uses (never AUTO)
 * @param statistics the statistics, in output order
 * @param derivations how each statistic is derived, in the same order
 * @param measurements the noisy measurements, in a fixed order
 * @param selectionStrategy the partition selection, or null for public groups
 * @param selectionEpsilon ε of the selection (NaN when none)
 * @param selectionDelta δ of the selection (NaN when none)
 * @param l0 the most groups one unit contributes to
 * @param preThreshold the selection's pre-threshold
 */
public record AggregationPlan(
    NoiseKind noise,
    List<Statistic> statistics,
    List<Derivation> derivations,
    List<PlannedMeasurement> measurements,
    PartitionSelectionStrategy selectionStrategy,
    double selectionEpsilon,
    double selectionDelta,
    long l0,
    long preThreshold)
    implements Serializable {

  /** The 95% level of every released interval. */
  public static final double LEVEL = 0.95;

  public AggregationPlan {
    statistics = List.copyOf(statistics);
    derivations = List.copyOf(derivations);
    measurements = List.copyOf(measurements);
  }

  /** Everything the query costs: the selection's event, then each measurement's, composed. */
  public PrivacyEvent event() {
    List<PrivacyEvent> events = new ArrayList<>();
    PartitionSelection selection = selection();
    if (selection != null) {
      events.add(selection.event());
    }
    for (PlannedMeasurement m : measurements) {
      events.add(m.event());
    }
    return new ComposedEvent(events);
  }

  /** The partition selection, rebuilt from its numbers, or null for public groups. */
  public PartitionSelection selection() {
    return selectionStrategy == null
        ? null
        : AggregationPlanner.selection(
            selectionStrategy, selectionEpsilon, selectionDelta, l0, preThreshold);
  }

  /** The index of the measurement of {@code quantity}, or −1 if it is not measured. */
  public int indexOf(Quantity quantity) {
    for (int i = 0; i < measurements.size(); i++) {
      if (measurements.get(i).quantity().equals(quantity)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The estimate of scalar statistic {@code s} from the noisy values of the measurements (in the
   * plan's order; entries of vector measurements are ignored). Post-processing only.
   */
  public Estimate estimate(int s, NoisyValue[] measured) {
    ScalarStatistic statistic = (ScalarStatistic) statistics.get(s);
    return statistic.estimate(derivations.get(s), q -> measured[indexOf(q)], LEVEL);
  }

  /**
   * log V_s, the first-order variance of statistic s from the mechanisms' exact noise, up to the
   * statistic's common factor (1/n² for a mean): log Σ_q g_sq·std_q².
   */
  double logVariance(int s) {
    List<Double> logs = new ArrayList<>();
    for (Map.Entry<Quantity, Double> g : derivations.get(s).logVarianceWeights().entrySet()) {
      int i = indexOf(g.getKey());
      if (i >= 0) {
        logs.add(
            g.getValue()
                + 2 * Math.log(measurements.get(i).mechanism().noise().standardDeviation()));
      }
    }
    double max =
        logs.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NEGATIVE_INFINITY);
    return max + Math.log(logs.stream().mapToDouble(l -> Math.exp(l - max)).sum());
  }

  /**
   * What the release will report for a group of {@code rows} kept rows (and as many units), before
   * any data is read: per statistic, its noise std and the half-width of its 95% interval ({@link
   * QueryAccuracy}). Counts, sums and histograms do not depend on {@code rows}; means, variances
   * and quantiles are evaluated at a group whose values spread uniformly over the bounds (centred
   * mean 0).
   *
   * @param rows a group's kept rows, ≥ 1
   */
  public QueryAccuracy accuracy(long rows) {
    org.privspark.core.Check.atLeastOne("rows", rows);
    List<QueryAccuracy.StatisticAccuracy> out = new ArrayList<>();
    NoisyValue[] reference = new NoisyValue[measurements.size()];
    for (int i = 0; i < reference.length; i++) {
      GridMechanism<?, ?> mechanism = measurements.get(i).mechanism();
      reference[i] =
          new NoisyValue(
              referenceValue(measurements.get(i).quantity(), rows),
              mechanism.event(),
              mechanism.noise());
    }
    for (int s = 0; s < statistics.size(); s++) {
      Statistic statistic = statistics.get(s);
      if (statistic instanceof ScalarStatistic) {
        Estimate e = estimate(s, reference);
        out.add(new QueryAccuracy.StatisticAccuracy(statistic, e.noiseStd(), e.halfWidth()));
      } else if (statistic instanceof Histogram h) {
        AddedNoise noise = measurements.get(indexOf(h.quantity())).mechanism().noise();
        out.add(
            new QueryAccuracy.StatisticAccuracy(
                statistic, noise.standardDeviation(), noise.halfWidth(LEVEL)));
      } else {
        out.add(quantilesAccuracy((Quantiles) statistic, rows));
      }
    }
    PartitionSelection selection = selection();
    long half = selection == null ? 0 : selection.unitsToKeep(0.5);
    long most = selection == null ? 0 : selection.unitsToKeep(0.95);
    return new QueryAccuracy(noise, rows, out, half, most, event());
  }

  /**
   * Quantiles at the reference group (n rows spread uniformly over the bins): the std the release
   * reports ({@link HistogramQuantiles}: the largest over the ranks, in the value's units) and the
   * widest half-width of the ranks' intervals, in the value's units.
   */
  private QueryAccuracy.StatisticAccuracy quantilesAccuracy(Quantiles statistic, long rows) {
    GridMechanism<?, ?> mechanism = measurements.get(indexOf(statistic.quantity())).mechanism();
    double[] bins = new double[Quantiles.BINS];
    java.util.Arrays.fill(bins, (double) rows / Quantiles.BINS);
    QuantileEstimate q =
        HistogramQuantiles.of(
            new NoisyVector(bins, mechanism.event(), mechanism.noise()),
            statistic.edges(),
            statistic.ranks());
    double widest = 0;
    for (int r = 0; r < q.values().length; r++) {
      widest = Math.max(widest, (q.ciHigh()[r] - q.ciLow()[r]) / 2);
    }
    return new QueryAccuracy.StatisticAccuracy(statistic, q.widestNoiseStd(), widest);
  }

  /** A group of n rows with centred mean 0 and values spread uniformly over the bounds. */
  private static double referenceValue(Quantity q, long rows) {
    double n = rows;
    return switch (q.kind()) {
      case ROWS, UNITS -> n;
      case SUM -> Intervals.finite(n * (q.lower() / 2 + q.upper() / 2));
      case CENTRED_SUM -> 0;
      case CENTRED_SQUARES -> Intervals.finite(n * Intervals.sq(q.upper() / 2 - q.lower() / 2) / 3);
      case HISTOGRAM -> n / q.dimension();
    };
  }
}
