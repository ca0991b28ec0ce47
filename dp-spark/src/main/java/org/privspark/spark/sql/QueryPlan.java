package org.privspark.spark.sql;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.privspark.core.accounting.Calibration;
import org.privspark.core.accounting.ComposedEvent;
import org.privspark.core.accounting.GaussianEvent;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.RdpAccountant;
import org.privspark.core.mechanism.GaussianPartitionSelection;
import org.privspark.core.mechanism.LaplacePartitionSelection;
import org.privspark.core.mechanism.PartitionSelection;
import org.privspark.core.mechanism.TruncatedGeometricPartitionSelection;

/**
 * The privacy side of one query, worked out on the driver before any data is read: which noisy
 * measurements it makes, their sensitivities, how the budget is split between them, and the
 * composed {@link PrivacyEvent} it charges.
 *
 * <p><b>Sensitivities.</b> After bounding, one privacy unit touches at most L0 groups and at most
 * L∞ rows in each, with values clamped to [lower, upper]. Its largest contribution c to one
 * group is L∞ rows, 1 unit, L∞·max(|lower|, |upper|) for a sum, L∞·w for a sum of values minus the
 * midpoint (w = half the width: the midpoint trick makes mean and variance depend on the width,
 * not the magnitude), and L∞·w² for their squares. The sums are exact integer sums on a public
 * grid ({@link InputGrid}), and c is their exact bound in units of it times the grid step, rounded
 * up: at least the real bound, by a relative 2·L∞·2^-40 at most. Over all groups that is
 * L1 = L0·c (Laplace) and L2 = √L0·c (Gaussian). Each group's value is rounded to the noise grid on its own, so a
 * measurement's mechanism is planned for L0 × dimension rounded coordinates (see {@link
 * Measurement#event()}): its event bounds the shift of the rounded values, not only of the exact ones.
 *
 * <p><b>Budget split.</b> Each statistic's weight (1 by default) is split equally over the
 * measurements it needs; shared measurements (the row count of count, mean and variance) add up
 * their weights. With private groups, partition selection gets its own weight (1 by default).
 * Laplace: ε is split by weight (pure composition), and selection gets all of δ. Gaussian: selection
 * gets its share of ε and half of δ (Laplace or Gaussian thresholding, whichever was asked for); the Gaussian measurements share the rest in proportion to
 * their weights in zCDP terms, their common scale found by bisection so that the accountant
 * certifies (ε, δ) for the whole composition.
 *
 * @param measurements the noisy measurements, in a fixed order
 * @param selection the partition selection, or null for public groups
 * @param selectionEpsilon ε of the selection (NaN when null)
 * @param selectionDelta δ of the selection (NaN when null)
 * @param event everything the query costs
 */
record QueryPlan(
    List<Measurement> measurements,
    PartitionSelection selection,
    double selectionEpsilon,
    double selectionDelta,
    PrivacyEvent event) {

  // Shares are scaled down by this factor so that floating-point sums of them never exceed ε.
  private static final double SAFETY = 1 - 1e-9;

  static QueryPlan of(
      List<Aggregate> aggregates,
      boolean privateGroups,
      double selectionWeight,
      long preThreshold,
      long l0,
      long lInf,
      double epsilon,
      double delta,
      NoiseKind noise,
      PartitionSelectionStrategy selectionKind) {
    Map<String, Double> weights = new LinkedHashMap<>();
    Map<String, InputGrid> inputs = new LinkedHashMap<>();
    Map<String, Double> perGroup = new LinkedHashMap<>();
    Map<String, Integer> dimension = new LinkedHashMap<>();
    for (Aggregate a : aggregates) {
      List<String> names = a.measurements();
      for (String name : names) {
        weights.merge(name, a.weight() / names.size(), Double::sum);
        InputGrid input = inputGrid(name, a, lInf);
        inputs.put(name, input);
        perGroup.put(name, input.groupBound());
        dimension.put(name, a.isVector() ? a.bins() : 1);
      }
    }
    double measurementWeight = weights.values().stream().mapToDouble(Double::doubleValue).sum();
    double total = measurementWeight + (privateGroups ? selectionWeight : 0);

    PartitionSelection selection = null;
    double selEps = Double.NaN;
    double selDelta = Double.NaN;
    if (privateGroups) {
      selEps = epsilon * selectionWeight / total * SAFETY;
      selDelta = noise == NoiseKind.LAPLACE ? delta : delta / 2;
      selection = selection(selectionKind, selEps, selDelta, l0, preThreshold);
    }

    List<Measurement> measurements = new ArrayList<>();
    if (noise == NoiseKind.LAPLACE) {
      for (Map.Entry<String, Double> m : weights.entrySet()) {
        double eps = epsilon * m.getValue() / total * SAFETY;
        measurements.add(Measurement.laplace(m.getKey(), eps, productUp(l0, perGroup.get(m.getKey())),
            dimension.get(m.getKey()), l0, inputs.get(m.getKey())));
      }
    } else {
      measurements.addAll(calibrateGaussians(weights, perGroup, dimension, inputs, measurementWeight, l0,
          epsilon, delta, selection == null ? null : selection.event()));
    }

    List<PrivacyEvent> events = new ArrayList<>();
    if (selection != null) {
      events.add(selection.event());
    }
    for (Measurement m : measurements) {
      events.add(m.event());
    }
    return new QueryPlan(List.copyOf(measurements), selection, selEps, selDelta, new ComposedEvent(events));
  }

  /** The selection of the given kind; executors rebuild it from the same numbers. */
  static PartitionSelection selection(
      PartitionSelectionStrategy kind, double epsilon, double delta, long l0, long preThreshold) {
    return switch (kind) {
      case TRUNCATED_GEOMETRIC -> TruncatedGeometricPartitionSelection.of(epsilon, delta, l0, preThreshold);
      case LAPLACE_THRESHOLDING -> LaplacePartitionSelection.of(epsilon, delta, l0, preThreshold);
      case GAUSSIAN_THRESHOLDING -> GaussianPartitionSelection.of(epsilon, delta, l0, preThreshold);
    };
  }

  /**
   * The input grid of a measurement, whose {@link InputGrid#groupBound()} is the most one unit
   * adds to one group: rows (k = min(L∞, the rows a unit can keep)), units (1), or k rows of a
   * sum's largest contribution, in exact integer units of the grid.
   */
  private static InputGrid inputGrid(String name, Aggregate a, long lInf) {
    if (name.equals(Aggregate.ROWS) || a.isVector()) {
      // A histogram: a unit's ≤ k rows in a group fall into its bins, so the bin vector of one
      // group moves by at most k in L1 (and in L2, when all rows share a bin).
      return InputGrid.counts(InputGrid.keptRows(lInf));
    }
    if (name.equals(Aggregate.UNITS)) {
      return InputGrid.counts(1);
    }
    if (name.equals(a.sumName())) {
      return InputGrid.of(name, Math.max(Math.abs(a.lower()), Math.abs(a.upper())), lInf);
    }
    // Centred values: the bound of what floating point computes, not half the width (Centering).
    if (name.equals(a.centeredSumName())) {
      return InputGrid.of(name, a.centering().bound(), lInf);
    }
    return InputGrid.of(name, a.centering().squareBound(), lInf);
  }

  /** a·b rounded up: a sensitivity is never understated by the rounding of its product. */
  static double productUp(double a, double b) {
    double p = a * b;
    return Double.isFinite(p) && Math.fma(a, b, -p) > 0 ? Math.nextUp(p) : p;
  }

  /**
   * σᵢ = Δᵢ/√(2ρwᵢ/W) for a common ρ, the largest that keeps the composition (with the selection,
   * if any) within (ε, δ) by the accountant on the default grid.
   */
  private static List<Measurement> calibrateGaussians(
      Map<String, Double> weights, Map<String, Double> perGroup, Map<String, Integer> dimension,
      Map<String, InputGrid> inputs, double weightSum, long l0, double epsilon, double delta,
      PrivacyEvent selectionEvent) {
    // √L0 rounded up: the L2 sensitivity must never be understated.
    double sqrtL0 = Math.nextUp(Math.sqrt(l0));
    List<String> names = new ArrayList<>(weights.keySet());
    double[] sensitivity = new double[names.size()];
    double[] share = new double[names.size()];
    for (int i = 0; i < names.size(); i++) {
      sensitivity[i] = Math.nextUp(sqrtL0 * perGroup.get(names.get(i)));
      share[i] = weights.get(names.get(i)) / weightSum;
    }
    double target = epsilon * SAFETY;
    // scale s = 1/√ρ: more noise as s grows.
    double s = Calibration.smallestSatisfying(scale -> {
      RdpAccountant acc = new RdpAccountant(OrderGrid.defaults());
      if (selectionEvent != null) {
        acc.compose(selectionEvent);
      }
      for (int i = 0; i < share.length; i++) {
        acc.compose(new GaussianEvent(sigmaFor(scale, sensitivity[i], share[i]), sensitivity[i]));
      }
      return acc.epsilon(delta).epsilon() <= target;
    }, 1.0);
    List<Measurement> out = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      out.add(Measurement.gaussian(names.get(i), sigmaFor(s, sensitivity[i], share[i]), sensitivity[i],
          dimension.get(names.get(i)), l0, inputs.get(names.get(i))));
    }
    return out;
  }

  /** σ = Δ/√(2ρ·share) with ρ = 1/s², rounded up. */
  private static double sigmaFor(double scale, double sensitivity, double share) {
    return Math.nextUp(sensitivity * scale / Math.sqrt(2 * share));
  }

  Measurement measurement(String name) {
    for (Measurement m : measurements) {
      if (m.name().equals(name)) {
        return m;
      }
    }
    throw new IllegalStateException("no measurement " + name);
  }
}
