package org.privspark.core.aggregation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.privspark.core.accounting.Calibration;
import org.privspark.core.accounting.GaussianEvent;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.RdpAccountant;
import org.privspark.core.mechanism.GaussianPartitionSelection;
import org.privspark.core.mechanism.LaplacePartitionSelection;
import org.privspark.core.mechanism.PartitionSelection;
import org.privspark.core.mechanism.TruncatedGeometricPartitionSelection;

/**
 * Plans a private aggregation before any data is read: which quantities to measure, how to split
 * the budget between them, and what the whole query costs (docs/AGGREGATIONS.md, "The budget
 * split").
 *
 * <p><b>Objective.</b> Each statistic s is derived from measured quantities q, with first-order
 * variance V_s = Σ_q g_sq·Var(q) ({@link Derivation}). Var(q) = 2(L0·c_q/ε_q)² for Laplace and
 * (√L0·c_q)²/(2ρ_q) for Gaussian. The planner minimises J = Σ_s w_s·V_s/V_s*, where V_s* is the
 * least variance s could have if it were asked alone with the same budget: each statistic's error
 * counts relative to its own best, so that counts, sums and means, whose errors have different
 * units, weigh alike, and a weight w_s makes one count more.
 *
 * <p><b>Closed form.</b> J = Σ_q A_q/ε_q² (Laplace) or Σ_q A_q/ρ_q (Gaussian), with A_q = Σ_s
 * w_s·g_sq·a_q/V_s*. Under Σ ε_q = E (pure composition) the minimum is at ε_q ∝ A_q^{1/3}, J* = (Σ
 * A_q^{1/3})³/E²; under Σ ρ_q = R (zCDP composition) at ρ_q ∝ √A_q, J* = (Σ √A_q)²/R (Lagrange
 * multipliers; both J are convex). Gaussian measurements then take the largest common scale the RDP
 * accountant certifies for (ε, δ), with the selection, by bisection.
 *
 * <p><b>Floors.</b> A quantity that a statistic reads but whose first-order weight vanishes at the
 * reference group (the count of a mean whose values centre on the midpoint) gets a floor share
 * 1/(2·quantities) of the measurements' budget, so that the statistic stays usable on data unlike
 * the reference; the others share the rest as above.
 *
 * <p><b>Derivations.</b> A statistic that can be derived in more than one way (a sum: directly, or
 * from the row count and a centred sum) takes the way whose J* over the whole query is least; the
 * planner tries every combination (2^sums of them, at most {@value #MAX_COMBINATIONS}, then the
 * first way for the remaining sums). Quantities that no chosen derivation weighs are not measured.
 *
 * <p><b>Selection.</b> With private groups, partition selection gets ε·selectionWeight/(statistics
 * + selectionWeight) (a fifth for three statistics at dp-spark's default weight 0.75), whatever the
 * statistics' weights, which only shape the objective, and all of δ with Laplace noise, half of it
 * with Gaussian noise. {@link NoiseKind#AUTO} plans both kinds and keeps the one with the smaller
 * Σ_s w_s·V_s(Gaussian)/V_s(Laplace), measured with the mechanisms' exact noise.
 *
 * <p>All shares are scaled by 1 − 10^-9, so that floating-point sums of them never exceed ε.
 */
public final class AggregationPlanner {
  private static final double SAFETY = 1 - 1e-9;
  private static final int MAX_COMBINATIONS = 1 << 10;

  private AggregationPlanner() {}

  /**
   * The plan of {@code request}.
   *
   * @throws IllegalArgumentException if ε and δ cannot be met by any noise level, or a share falls
   *     outside its mechanism's range
   */
  public static AggregationPlan plan(AggregationRequest request) {
    try {
      if (request.noise() != NoiseKind.AUTO) {
        return planFor(request, request.noise());
      }
      AggregationPlan laplace = planFor(request, NoiseKind.LAPLACE);
      if (request.delta() == 0) {
        return laplace;
      }
      AggregationPlan gaussian;
      try {
        gaussian = planFor(request, NoiseKind.GAUSSIAN);
        gaussian.event();
      } catch (IllegalArgumentException | ArithmeticException e) {
        return laplace; // no Gaussian noise level meets (ε, δ) within the mechanisms' ranges
      }
      return relativeObjective(gaussian, laplace, request.weights()) < request.weightSum()
          ? gaussian
          : laplace;
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          "epsilon and delta cannot be met by any noise level: epsilon "
              + request.epsilon()
              + ", delta "
              + request.delta(),
          e);
    }
  }

  /** The plan with noise {@code kind} (not AUTO). */
  static AggregationPlan planFor(AggregationRequest r, NoiseKind kind) {
    PartitionSelectionStrategy strategy =
        r.selection() != null
            ? r.selection()
            : kind == NoiseKind.GAUSSIAN
                ? PartitionSelectionStrategy.GAUSSIAN_THRESHOLDING
                : PartitionSelectionStrategy.TRUNCATED_GEOMETRIC;
    int statistics = r.statistics().size();
    double total = statistics + (r.privateGroups() ? r.selectionWeight() : 0);
    PartitionSelection selection = null;
    double selEps = Double.NaN;
    double selDelta = Double.NaN;
    if (r.privateGroups()) {
      selEps = r.epsilon() * r.selectionWeight() / total * SAFETY;
      selDelta = kind == NoiseKind.LAPLACE ? r.delta() : r.delta() / 2;
      selection = selection(strategy, selEps, selDelta, r.l0(), r.preThreshold());
    }
    double power = kind == NoiseKind.LAPLACE ? 3 : 2;
    List<Derivation> chosen = chooseDerivations(r, power);
    Map<Quantity, Double> importance = importance(r, chosen, power);

    Map<Quantity, Double> shares = shares(importance, power);
    List<PlannedMeasurement> measurements = new ArrayList<>();
    if (kind == NoiseKind.LAPLACE) {
      double measurementEpsilon = r.epsilon() * statistics / total;
      for (Map.Entry<Quantity, Double> q : shares.entrySet()) {
        measurements.add(
            PlannedMeasurement.laplace(
                q.getKey(),
                measurementEpsilon * q.getValue() * SAFETY,
                productUp(r.l0(), unitBound(q.getKey(), r)),
                r.l0()));
      }
    } else {
      measurements.addAll(
          calibrateGaussians(shares, r, selection == null ? null : selection.event()));
    }
    return new AggregationPlan(
        kind,
        r.statistics(),
        chosen,
        measurements,
        r.privateGroups() ? strategy : null,
        selEps,
        selDelta,
        r.l0(),
        r.preThreshold());
  }

  /** The selection of the given kind; executors rebuild it from the same numbers. */
  public static PartitionSelection selection(
      PartitionSelectionStrategy kind, double epsilon, double delta, long l0, long preThreshold) {
    return switch (kind) {
      case TRUNCATED_GEOMETRIC ->
          TruncatedGeometricPartitionSelection.of(epsilon, delta, l0, preThreshold);
      case LAPLACE_THRESHOLDING -> LaplacePartitionSelection.of(epsilon, delta, l0, preThreshold);
      case GAUSSIAN_THRESHOLDING -> GaussianPartitionSelection.of(epsilon, delta, l0, preThreshold);
    };
  }

  /** a·b rounded up: a sensitivity is never understated by the rounding of its product. */
  public static double productUp(double a, double b) {
    double p = a * b;
    return Double.isFinite(p) && Math.fma(a, b, -p) > 0 ? Math.nextUp(p) : p;
  }

  // ---- The objective. ----

  /** Per statistic, the derivation of least J* over the whole query (every combination tried). */
  static List<Derivation> chooseDerivations(AggregationRequest r, double power) {
    int n = r.statistics().size();
    List<Integer> choices = new ArrayList<>();
    for (int s = 0; s < n; s++) {
      if (r.statistics().get(s).derivations().size() > 1) {
        choices.add(s);
      }
    }
    List<Derivation> best = null;
    double bestJ = Double.POSITIVE_INFINITY;
    long combinations = Math.min(MAX_COMBINATIONS, 1L << Math.min(choices.size(), 30));
    for (long c = 0; c < combinations; c++) {
      List<Derivation> chosen = new ArrayList<>();
      for (int s = 0; s < n; s++) {
        List<Derivation> ways = r.statistics().get(s).derivations();
        int bit = choices.indexOf(s);
        int pick = bit >= 0 && bit < 30 ? (int) ((c >> bit) & 1) : 0;
        chosen.add(ways.get(Math.min(pick, ways.size() - 1)));
      }
      double j = logObjective(importance(r, chosen, power), power);
      if (j < bestJ) {
        bestJ = j;
        best = chosen;
      }
    }
    return best;
  }

  /**
   * Each quantity's share of the measurements' budget (ε under Laplace, ρ under Gaussian): f =
   * 1/(2·quantities) for a floor quantity (A_q = 0: read, but without first-order weight at the
   * reference group), and the rest in proportion to A_q^{1/p}.
   */
  static Map<Quantity, Double> shares(Map<Quantity, Double> importance, double power) {
    double floor = 1.0 / (2 * importance.size());
    long floors = importance.values().stream().filter(a -> a == 0).count();
    double free = 1 - floor * floors;
    double norm = importance.values().stream().mapToDouble(a -> Math.pow(a, 1 / power)).sum();
    Map<Quantity, Double> out = new LinkedHashMap<>();
    importance.forEach((q, a) -> out.put(q, a == 0 ? floor : free * Math.pow(a, 1 / power) / norm));
    return out;
  }

  /**
   * A_q = Σ_s w_s·g_sq·c_q²/V_s* (the common factors of a_q cancel), for every quantity a chosen
   * derivation reads (A_q = 0 for a floor quantity), in order of first use. Computed in logarithms:
   * g and c² of bounds near the double range overflow, while every g_sq·c_q²/V_s* is at most 1.
   */
  static Map<Quantity, Double> importance(
      AggregationRequest r, List<Derivation> chosen, double power) {
    Map<Quantity, Double> a = new LinkedHashMap<>();
    for (int s = 0; s < chosen.size(); s++) {
      double logBest = Double.POSITIVE_INFINITY;
      for (Derivation d : r.statistics().get(s).derivations()) {
        logBest = Math.min(logBest, logNormaliser(d, r, power));
      }
      for (Map.Entry<Quantity, Double> g : chosen.get(s).logVarianceWeights().entrySet()) {
        double logT = logTerm(g.getKey(), g.getValue(), r);
        a.merge(g.getKey(), r.weights().get(s) * Math.exp(logT - logBest), Double::sum);
      }
    }
    return a;
  }

  /** log(g_q·c_q²). */
  private static double logTerm(Quantity q, double logG, AggregationRequest r) {
    return logG + 2 * Math.log(unitBound(q, r));
  }

  /** c_q, checked: a finite bound &gt; 0 (bounds whose squares overflow a double are too wide). */
  private static double unitBound(Quantity q, AggregationRequest r) {
    double c = r.unitBound().applyAsDouble(q);
    if (!(c > 0) || !Double.isFinite(c)) {
      throw new IllegalArgumentException(
          "the most one unit adds to one group's "
              + q
              + " must be finite and > 0 (bounds whose squares overflow a double are too wide); got"
              + " "
              + c);
    }
    return c;
  }

  /** log V* of one derivation alone: p·log Σ_q t_q^{1/p}, p = 3 (Laplace) or 2 (Gaussian). */
  private static double logNormaliser(Derivation d, AggregationRequest r, double power) {
    double[] logs =
        d.logVarianceWeights().entrySet().stream()
            .mapToDouble(g -> logTerm(g.getKey(), g.getValue(), r) / power)
            .toArray();
    return power * logSumExp(logs);
  }

  /**
   * log J* = p·log Σ_q A_q^{1/p} − (p − 1)·log(1 − f·floors): the floor shares leave less budget to
   * the others (the budget's own factor is the same for every combination).
   */
  private static double logObjective(Map<Quantity, Double> a, double power) {
    long floors = a.values().stream().filter(v -> v == 0).count();
    double free = 1 - floors / (2.0 * a.size());
    return power
            * logSumExp(
                a.values().stream()
                    .filter(v -> v > 0)
                    .mapToDouble(v -> Math.log(v) / power)
                    .toArray())
        - (power - 1) * Math.log(free);
  }

  private static double logSumExp(double[] logs) {
    double max = Double.NEGATIVE_INFINITY;
    for (double l : logs) {
      max = Math.max(max, l);
    }
    if (max == Double.NEGATIVE_INFINITY) {
      return max;
    }
    double sum = 0;
    for (double l : logs) {
      sum += Math.exp(l - max);
    }
    return max + Math.log(sum);
  }

  /**
   * Σ_s w_s·V_s(a)/V_s(b): the weighted error of plan a relative to plan b, statistic by statistic,
   * from the mechanisms' exact noise variances.
   */
  static double relativeObjective(AggregationPlan a, AggregationPlan b, List<Double> weights) {
    double sum = 0;
    for (int s = 0; s < weights.size(); s++) {
      sum += weights.get(s) * Math.exp(a.logVariance(s) - b.logVariance(s));
    }
    return sum;
  }

  // ---- Gaussian calibration. ----

  /**
   * σ_q = Δ_q/√(2ρ·share_q) for the largest common ρ that keeps the composition (with the
   * selection, if any) within (ε, δ) by the accountant on the default grid.
   */
  private static List<PlannedMeasurement> calibrateGaussians(
      Map<Quantity, Double> shares, AggregationRequest r, PrivacyEvent selectionEvent) {
    // √L0 rounded up: the L2 sensitivity must never be understated.
    double sqrtL0 = Math.nextUp(Math.sqrt(r.l0()));
    List<Quantity> names = new ArrayList<>(shares.keySet());
    double[] sensitivity = new double[names.size()];
    double[] share = new double[names.size()];
    for (int i = 0; i < names.size(); i++) {
      sensitivity[i] = Math.nextUp(sqrtL0 * unitBound(names.get(i), r));
      share[i] = shares.get(names.get(i));
    }
    double target = r.epsilon() * SAFETY;
    // scale s = 1/√ρ: more noise as s grows.
    double s =
        Calibration.smallestSatisfying(
            scale -> {
              RdpAccountant acc = new RdpAccountant(OrderGrid.defaults());
              if (selectionEvent != null) {
                acc.compose(selectionEvent);
              }
              for (int i = 0; i < share.length; i++) {
                acc.compose(
                    new GaussianEvent(sigmaFor(scale, sensitivity[i], share[i]), sensitivity[i]));
              }
              return acc.epsilon(r.delta()).epsilon() <= target;
            },
            1.0);
    List<PlannedMeasurement> out = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      out.add(
          PlannedMeasurement.gaussian(
              names.get(i), sigmaFor(s, sensitivity[i], share[i]), sensitivity[i], r.l0()));
    }
    return out;
  }

  /** σ = Δ/√(2ρ·share) with ρ = 1/s², rounded up. */
  private static double sigmaFor(double scale, double sensitivity, double share) {
    return Math.nextUp(sensitivity * scale / Math.sqrt(2 * share));
  }
}
