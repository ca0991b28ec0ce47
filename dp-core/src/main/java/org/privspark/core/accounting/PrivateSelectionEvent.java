package org.privspark.core.accounting;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.privspark.core.Check;

/**
 * Private selection with a random number of repetitions: a mechanism Q is run K times, K drawn from
 * the truncated negative binomial distribution D_{η,γ} independently of the data, and only the best
 * output (by a total order on Q's outputs, such as a noised score) is released; K and the other
 * outputs are not.
 *
 * <p><b>Guarantee.</b> Papernot &amp; Steinke, "Hyperparameter Tuning with Renyi Differential
 * Privacy", ICLR 2022 (arXiv:2110.03620), Theorem 2: if Q is (λ, ε)-RDP and (λ̂, ε̂)-RDP, with λ
 * &gt; 1 and λ̂ ≥ 1, then the selection is (λ, ε')-RDP with
 *
 * <pre>
 *   ε' = ε + (1 + η)(1 − 1/λ̂) ε̂ + (1 + η) log(1/γ) / λ̂ + log(E[K]) / (λ − 1),
 *   E[K] = η(1 − γ) / (γ(1 − γ^η))   for η ≠ 0,   E[K] = (1/γ − 1) / log(1/γ)   for η = 0
 * </pre>
 *
 * (the paper's Definition 1: P[K = k] ∝ (1 − γ)^k Γ(k + η)/(k! Γ(η)) on k ≥ 1; η = 1 is the
 * geometric distribution, E[K] = 1/γ, and η = 0 the logarithmic one).
 *
 * <p><b>The repetition's curve.</b> A tuner's repetition draws one of several candidates uniformly
 * and runs it, so Q's output distribution on a data set is the uniform mixture of the candidates'
 * ones, on both neighbours with the same weights. Rényi divergence is jointly quasi-convex (van
 * Erven &amp; Harremoës, "Rényi Divergence and Kullback-Leibler Divergence", IEEE Trans. Inf.
 * Theory 2014, Thm. 13 for α &gt; 1), so the mixture's divergence is at most the largest
 * candidate's: Q's curve is the pointwise maximum of {@link #candidates()}' curves. One candidate
 * is the plain repeat-and-select of one mechanism.
 *
 * <p><b>Which λ̂.</b> The theorem holds for every λ̂; {@link #rdp} takes the smallest bound over
 * the fixed set {@link #SELECTION_ORDERS} (1.1 to 10.9 in steps of 0.1, the integers 11 to 63, then
 * 128, 256, 512 and 1024: dp_accounting's default orders), whatever grid the caller evaluates on,
 * so that an auditor recomputes the same cost. It then uses that Rényi-DP is non-decreasing in the
 * order (van Erven &amp; Harremoës 2014, Thm. 3): ε'(λ) is also at most ε'(λ') for every λ' ≥ λ of
 * the set. Both steps are dp_accounting's {@code _compute_rdp_repeat_and_select}, whose values on
 * the set these match (PrivateSelectionEventTest).
 *
 * <p><b>Rounding.</b> Every term is an upper bound of its exact value (directed products and
 * quotients, logarithms raised two ulps); E[K] is computed from numerically stable forms (expm1,
 * log1p), whose relative error is below 2^-40, and raised by a relative 2^-30.
 *
 * <p><b>Limits.</b> The theorem is for pure RDP: candidates with an additive δ are refused. No
 * privacy-loss distribution is known for the selection, so PLD accounting does not support it. The
 * caller must keep K secret (it is not part of the output) and release only the best repetition's
 * output.
 *
 * @param candidates the events of the candidates a repetition draws from (at least one)
 * @param eta the shape η, finite and &gt; −1 (1: geometric; 0: logarithmic)
 * @param gamma the parameter γ, in (0, 1)
 */
public record PrivateSelectionEvent(List<PrivacyEvent> candidates, double eta, double gamma)
    implements PrivacyEvent {
  /** The orders λ̂ minimised over; public and fixed (see the class comment). */
  public static final List<Double> SELECTION_ORDERS = selectionOrders();

  /** E[K]'s relative margin: far above the error of its floating-point evaluation (2^-40). */
  private static final double MEAN_MARGIN = 1 + 0x1p-30;

  /** Per event: ε' at each order of {@link #SELECTION_ORDERS}, after the monotonicity step. */
  private static final Map<PrivateSelectionEvent, double[]> CACHE =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<PrivateSelectionEvent, double[]> eldest) {
          return size() > 32;
        }
      };

  public PrivateSelectionEvent {
    Check.notNull("candidates", candidates);
    if (candidates.isEmpty()) {
      throw new IllegalArgumentException("candidates must hold at least one event; got none");
    }
    for (int i = 0; i < candidates.size(); i++) {
      PrivacyEvent c = Check.notNull("candidates[" + i + "]", candidates.get(i));
      if (c.additiveDelta() != 0) {
        throw new IllegalArgumentException(
            "candidates["
                + i
                + "] must have no additive delta (Papernot & Steinke's Theorem 2 is for pure"
                + " RDP); got "
                + c.additiveDelta());
      }
    }
    candidates = List.copyOf(candidates);
    if (!(eta > -1) || !Double.isFinite(eta)) {
      throw new IllegalArgumentException("eta must be finite and > -1; got " + eta);
    }
    Check.inOpen("gamma", gamma, 0.0, 1.0);
  }

  /**
   * Repeat-and-select of one mechanism (the contract's form).
   *
   * @param base the event of one repetition
   * @param eta the shape η, finite and &gt; −1
   * @param gamma γ, in (0, 1)
   */
  public PrivateSelectionEvent(PrivacyEvent base, double eta, double gamma) {
    this(List.of(Check.notNull("base", base)), eta, gamma);
  }

  /**
   * The geometric case (η = 1) with E[K] = {@code expectedRepetitions}: γ = 1/E[K].
   *
   * @param candidates the candidates' events
   * @param expectedRepetitions E[K], finite and &gt; 1
   * @return the event
   */
  public static PrivateSelectionEvent geometric(
      List<PrivacyEvent> candidates, double expectedRepetitions) {
    if (!(expectedRepetitions > 1) || !Double.isFinite(expectedRepetitions)) {
      throw new IllegalArgumentException(
          "expectedRepetitions must be finite and > 1; got " + expectedRepetitions);
    }
    return new PrivateSelectionEvent(candidates, 1.0, 1 / expectedRepetitions);
  }

  /**
   * E[K] of D_{η,γ} (Papernot &amp; Steinke 2022, §3), rounded up.
   *
   * @return an upper bound on the expected number of repetitions, &ge; 1
   */
  public double expectedRepetitions() {
    double logInverseGamma =
        gamma < 0.5 ? -StrictMath.log(gamma) : -StrictMath.log1p(gamma - 1); // γ − 1 exact
    double mean;
    if (eta == 1) {
      mean = 1 / gamma;
    } else if (eta == 0) {
      mean = (1 - gamma) / (gamma * logInverseGamma);
    } else {
      // 1 − γ^η = −expm1(−η log(1/γ)): no cancellation for η near 0.
      mean = eta * (1 - gamma) / (gamma * -StrictMath.expm1(-eta * logInverseGamma));
    }
    return Math.max(1, Directed.multiplyUp(mean, MEAN_MARGIN));
  }

  /** The repetition's ε at {@code order}: the largest candidate's. */
  private double repetitionRdp(double order) {
    double max = 0;
    for (PrivacyEvent c : candidates) {
      max = Math.max(max, c.rdp(order));
    }
    return max;
  }

  @Override
  public double rdp(double order) {
    if (!(order > 1) || !Double.isFinite(order)) {
      throw new IllegalArgumentException("order must be finite and > 1; got " + order);
    }
    double[] onSet = onSelectionOrdersEntry();
    double best = bound(order, repetitionRdp(order), constant(), logMean());
    for (int i = 0; i < SELECTION_ORDERS.size(); i++) {
      if (SELECTION_ORDERS.get(i) >= order) {
        best = Math.min(best, onSet[i]); // RDP grows with the order
        break; // onSet is already a suffix minimum
      }
    }
    return best;
  }

  /** ε + log(E[K])/(λ − 1) + c, rounded up. */
  private static double bound(double order, double epsilon, double c, double logMean) {
    double denominator = Directed.subtractDown(order, 1);
    return RdpCurve.addRoundingUp(
        RdpCurve.addRoundingUp(epsilon, Directed.divideUp(logMean, denominator)), c);
  }

  private double logMean() {
    return Directed.above(StrictMath.log(expectedRepetitions()));
  }

  /** c = (1 + η) min over λ̂ of [(1 − 1/λ̂) ε̂ + log(1/γ)/λ̂], rounded up. */
  private double constant() {
    return onSelectionOrdersEntry()[SELECTION_ORDERS.size()];
  }

  /** ε' on the set (suffix minima), then c at the end; computed once per event. */
  private double[] onSelectionOrdersEntry() {
    synchronized (CACHE) {
      double[] cached = CACHE.get(this);
      if (cached != null) {
        return cached;
      }
    }
    int n = SELECTION_ORDERS.size();
    double[] base = new double[n];
    for (int i = 0; i < n; i++) {
      base[i] = repetitionRdp(SELECTION_ORDERS.get(i));
    }
    double logInverseGamma =
        Directed.above(
            gamma < 0.5 ? -StrictMath.log(gamma) : -StrictMath.log1p(gamma - 1)); // γ − 1 exact
    double min = Double.POSITIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      double hat = SELECTION_ORDERS.get(i);
      double oneMinusInverse = RdpCurve.addRoundingUp(1, -Directed.divideDown(1, hat));
      double term =
          RdpCurve.addRoundingUp(
              Directed.multiplyUp(oneMinusInverse, base[i]),
              Directed.divideUp(logInverseGamma, hat));
      min = Math.min(min, term);
    }
    double c = Directed.multiplyUp(RdpCurve.addRoundingUp(1, eta), min);
    double logMean = logMean();
    double[] out = new double[n + 1];
    for (int i = 0; i < n; i++) {
      out[i] = bound(SELECTION_ORDERS.get(i), base[i], c, logMean);
    }
    for (int i = n - 2; i >= 0; i--) {
      out[i] = Math.min(out[i], out[i + 1]);
    }
    out[n] = c;
    synchronized (CACHE) {
      CACHE.put(this, out);
    }
    return out;
  }

  private static List<Double> selectionOrders() {
    double[] orders = new double[99 + 53 + 4];
    int k = 0;
    for (int x = 1; x < 100; x++) {
      orders[k++] = 1 + x / 10.0;
    }
    for (int x = 11; x < 64; x++) {
      orders[k++] = x;
    }
    for (int x : new int[] {128, 256, 512, 1024}) {
      orders[k++] = x;
    }
    return Arrays.stream(orders).boxed().toList();
  }
}
