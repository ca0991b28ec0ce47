package org.privspark.core.mechanism;

import java.math.BigInteger;
import org.privspark.core.Check;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.UnitClaim;
import org.privspark.core.noise.IntegerNoiseSampler;
import org.privspark.core.noise.NoiseSource;

/**
 * What every floating-point-safe mechanism shares: inputs snapped to a power-of-two grid, exact
 * integer noise added in grid units, the result converted back (see {@code Grid}). Subclasses
 * decide the discrete parameters (the {@link Plan}) of a release of n rounded coordinates.
 *
 * <p><b>Rounded coordinates.</b> Each released value is rounded to the grid on its own, and each
 * rounding can move a neighbour's value by up to one more grid unit. A plan is therefore made for n
 * coordinates: the larger of the vector's dimension (1 for a scalar) and {@link
 * #maxCoordinatesContributed()}, the number of separately released values that one unit's
 * contribution can reach over everything one event pays for (for example L0 groups, each released
 * on its own). The sensitivity in grid units, and with it the noise, grows with n; the event always
 * bounds the true shift of the rounded inputs.
 *
 * <p>The {@code release(…, PrivacyBudget)} overloads are the safe way to release: they validate the
 * input, then charge the budget (which throws {@link
 * org.privspark.core.accounting.BudgetExhaustedException} and draws nothing when the release would
 * overspend), and only then draw noise. The overloads without a budget leave the charging to the
 * caller, who must charge {@link #event()} or {@link #eventFor(int)} before publishing the value.
 *
 * @param <E> the event type the mechanism charges
 * @param <N> the description of the noise it adds
 */
public abstract sealed class GridMechanism<E extends PrivacyEvent, N extends AddedNoise>
    permits LaplaceMechanism, GaussianMechanism {

  /** The largest n the builders accept: 2^53, where a long still converts to a double exactly. */
  static final long MAX_COORDINATES = 1L << 53;

  /** The discrete parameters of a release of n coordinates. */
  record Plan<E, N>(IntegerNoiseSampler sampler, E event, N noise) {}

  GridMechanism() {}

  /**
   * The grid spacing g (a power of two); every released value is an integer multiple of it.
   *
   * @return g, a power of two
   */
  public abstract double granularity();

  /**
   * How many separately released values one unit's contribution can reach, over everything one
   * event is charged for (1 unless the builder set it); see the class comment.
   *
   * @return n, in [1, 2^53]
   */
  public abstract long maxCoordinatesContributed();

  /** The plan of a scalar release: n = {@link #maxCoordinatesContributed()} (computed once). */
  abstract Plan<E, N> scalarPlan();

  /** The plan for n = {@code roundedCoordinates} ≥ 1 separately rounded coordinates. */
  abstract Plan<E, N> plan(long roundedCoordinates);

  /** The builders' check of {@code maxCoordinatesContributed}. */
  static void checkCoordinates(long maxCoordinatesContributed) {
    if (maxCoordinatesContributed < 1 || maxCoordinatesContributed > MAX_COORDINATES) {
      throw new IllegalArgumentException(
          "maxCoordinatesContributed must be in [1, 2^53]; got " + maxCoordinatesContributed);
    }
  }

  /**
   * The cost of one scalar release (planned for {@link #maxCoordinatesContributed()} coordinates).
   *
   * @return the privacy event of one scalar release
   */
  public E event() {
    return scalarPlan().event();
  }

  /**
   * The cost of releasing a vector of {@code dimension} coordinates, planned for the larger of
   * {@code dimension} and {@link #maxCoordinatesContributed()} rounded coordinates.
   *
   * @param dimension the number of coordinates, &ge; 1
   * @return the privacy event of one release of that many coordinates
   */
  public E eventFor(int dimension) {
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension must be >= 1; got " + dimension);
    }
    return planFor(dimension).event();
  }

  /**
   * The noise of a scalar release.
   *
   * @return the noise distribution, with its exact standard deviation and intervals
   */
  public N noise() {
    return scalarPlan().noise();
  }

  /**
   * Releases one value: round(value/g)·g plus exact integer noise, as a double on the grid. Every
   * finite value is accepted, however large; the result is always finite (see {@code Grid}). The
   * caller must charge {@link #event()} before publishing it.
   *
   * @param value the exact value, finite
   * @param source where the noise comes from
   * @return the value on the grid plus noise, with its accuracy
   * @throws IllegalArgumentException if value is NaN or infinite (the message does not show it)
   */
  public NoisyValue release(double value, NoiseSource source) {
    Check.notNull("source", source);
    Grid.checkFinite("value", value);
    return draw(value, source);
  }

  /**
   * Validates {@code value}, charges {@link #event()} to {@code budget}, then releases. Nothing is
   * charged when the value is invalid, and nothing is drawn when the budget refuses. A keyed {@code
   * source} is charged under its secret's release id and drawn from bound to that charge ({@link
   * NoiseSource#boundTo}): the same secret on a fresh budget reproduces the release, and no other
   * release can.
   *
   * @param value the exact value, finite
   * @param source where the noise comes from
   * @param budget the budget to charge {@link #event()} to
   * @return the value on the grid plus noise, with its accuracy
   * @throws IllegalArgumentException if value is NaN or infinite (the message does not show it)
   * @throws org.privspark.core.accounting.BudgetExhaustedException if the budget refuses
   * @throws org.privspark.core.accounting.ReleaseIdReusedException if {@code source} is keyed by a
   *     secret whose release this budget has charged before (its noise would repeat)
   */
  public NoisyValue release(double value, NoiseSource source, PrivacyBudget budget) {
    return release(value, source, budget, null);
  }

  /**
   * Releases as {@link #release(double, NoiseSource, PrivacyBudget)} does, for a value whose
   * sensitivity bounds what one {@code claim} unit changes; a budget with a declared unit needs the
   * claim (and refuses another unit's, before anything is charged). A caller that computes {@code
   * value} from private data should call {@code budget.checkClaim(claim)} before reading any: a
   * refusal then comes before the data is touched, not after.
   *
   * @param claim the unit the release protects; null only on a budget without a declared unit
   * @param value the exact value, finite
   * @param source where the noise comes from
   * @param budget the budget to charge {@link #event()} to
   * @return the value on the grid plus noise, with its accuracy
   * @throws org.privspark.core.accounting.UnitMismatchException if the claim does not fit the
   *     budget; nothing is charged
   */
  public NoisyValue release(
      double value, NoiseSource source, PrivacyBudget budget, UnitClaim claim) {
    Check.notNull("source", source);
    Check.notNull("budget", budget);
    Grid.checkFinite("value", value);
    byte[] charged =
        budget.charge(scalarPlan().event(), claim, "release", "", source.releaseId()).releaseId();
    return draw(value, charged == null ? source : source.boundTo(charged));
  }

  /**
   * Releases a vector whose sensitivity (L1 for Laplace, L2 for Gaussian) is Δ; every coordinate
   * gets independent noise. All values are validated before any noise is drawn. The caller must
   * charge {@link #eventFor(int)} before publishing it.
   *
   * @param values the exact coordinates, one or more, all finite
   * @param source where the noise comes from
   * @return the coordinates on the grid plus independent noise, with their accuracy
   * @throws IllegalArgumentException if values is null or empty, or an entry is NaN or infinite
   *     (the message shows neither the entry nor its index)
   */
  public NoisyVector release(double[] values, NoiseSource source) {
    Check.notNull("source", source);
    checkAll(values);
    return draw(values, planFor(values.length), source);
  }

  /**
   * Validates {@code values}, charges {@link #eventFor(int)} to {@code budget}, then releases.
   *
   * @param values the exact coordinates, one or more, all finite
   * @param source where the noise comes from
   * @param budget the budget to charge {@link #eventFor(int)} to
   * @return the coordinates on the grid plus independent noise, with their accuracy
   * @throws IllegalArgumentException if an entry is invalid (nothing is charged)
   * @throws org.privspark.core.accounting.BudgetExhaustedException if the budget refuses
   * @throws org.privspark.core.accounting.ReleaseIdReusedException if {@code source} is keyed by a
   *     secret whose release this budget has charged before (its noise would repeat)
   */
  public NoisyVector release(double[] values, NoiseSource source, PrivacyBudget budget) {
    return release(values, source, budget, null);
  }

  /**
   * Releases a vector as {@link #release(double[], NoiseSource, PrivacyBudget)} does, for the unit
   * {@code claim} (null only on a budget without a declared unit).
   *
   * @param values the exact coordinates, one or more, all finite
   * @param source where the noise comes from
   * @param budget the budget to charge {@link #eventFor(int)} to
   * @param claim the unit the release protects; null only on a budget without a declared unit
   * @return the coordinates on the grid plus independent noise, with their accuracy
   * @throws org.privspark.core.accounting.UnitMismatchException if the claim does not fit the
   *     budget; nothing is charged
   */
  public NoisyVector release(
      double[] values, NoiseSource source, PrivacyBudget budget, UnitClaim claim) {
    Check.notNull("source", source);
    Check.notNull("budget", budget);
    checkAll(values);
    Plan<E, N> plan = planFor(values.length);
    byte[] charged =
        budget.charge(plan.event(), claim, "release", "", source.releaseId()).releaseId();
    return draw(values, plan, charged == null ? source : source.boundTo(charged));
  }

  /**
   * Releases the exact fixed-point value X·2^e (X = {@code units}, e = {@code exponent}): k =
   * round(X·2^e/g) computed exactly in integers, halves rounded up as for a double input, plus
   * exact integer noise, as a double on the grid. For a value computed exactly (a sum of integers
   * on a public grid, say), this hands the mechanism that exact value: converting it to a double
   * first would round it to nearest (past 2^53 units of its last place), and two neighbouring
   * values could then land further apart than the sensitivity allows. Every X and every e are
   * accepted; the result is finite. The caller must charge {@link #event()} before publishing it.
   *
   * <p><b>Why neighbours stay within the plan.</b> Let v = X·2^e and v' = X'·2^e with |v − v'| ≤ Δ.
   * Then u = v/g and u' = v'/g are exact rationals with |u − u'| ≤ Δ/g ≤ D = ⌈Δ/g⌉. The rounding
   * r(u) = ⌊u + ½⌋ is monotone and commutes with integer shifts, so r(u) ≤ r(u' + D) = r(u') + D
   * and symmetrically: |k − k'| ≤ ⌈Δ/g⌉, as for {@link #release(double, NoiseSource)}. Over n
   * separately rounded coordinates (a vector, or {@link #maxCoordinatesContributed()} values) each
   * coordinate moves by at most ⌈d_i⌉ for its exact shift d_i, and Σ⌈d_i⌉ ≤ ⌈Δ/g⌉ + n − 1 (L1);
   * each moves by less than one unit beyond d_i, so the L2 shift is below Δ/g + √n: the plans of
   * the subclasses are made for exactly these bounds. An index too large for any double is
   * saturated in a way that changes no output (see {@code Grid.snap(BigInteger, int, double)}).
   *
   * @param units X, any integer
   * @param exponent e: the value is X·2^e
   */
  public NoisyValue releaseFixedPoint(BigInteger units, int exponent, NoiseSource source) {
    Check.notNull("units", units);
    Check.notNull("source", source);
    Plan<E, N> plan = scalarPlan();
    double released = Grid.release(units, exponent, plan.sampler().sample(source), granularity());
    return new NoisyValue(released, plan.event(), (AddedNoise) plan.noise());
  }

  /**
   * Releases the exact fixed-point vector X_i·2^e, each coordinate as {@link
   * #releaseFixedPoint(BigInteger, int, NoiseSource)} does, with independent noise, planned for the
   * larger of the dimension and {@link #maxCoordinatesContributed()} rounded coordinates. The
   * caller must charge {@link #eventFor(int)} before publishing it.
   *
   * @throws IllegalArgumentException if units is null, empty or holds a null
   */
  public NoisyVector releaseFixedPoint(BigInteger[] units, int exponent, NoiseSource source) {
    Check.notNull("units", units);
    Check.notNull("source", source);
    if (units.length == 0) {
      throw new IllegalArgumentException("units must hold at least one value; got 0");
    }
    for (BigInteger u : units) {
      Check.notNull("every entry of units", u);
    }
    Plan<E, N> plan = planFor(units.length);
    double g = granularity();
    double[] out = new double[units.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = Grid.release(units[i], exponent, plan.sampler().sample(source), g);
    }
    return new NoisyVector(out, plan.event(), (AddedNoise) plan.noise());
  }

  private Plan<E, N> planFor(int dimension) {
    return dimension <= maxCoordinatesContributed() ? scalarPlan() : plan(dimension);
  }

  private NoisyValue draw(double value, NoiseSource source) {
    Plan<E, N> plan = scalarPlan();
    double released = Grid.release(value, plan.sampler().sample(source), granularity());
    return new NoisyValue(released, plan.event(), (AddedNoise) plan.noise());
  }

  private NoisyVector draw(double[] values, Plan<E, N> plan, NoiseSource source) {
    double g = granularity();
    double[] out = new double[values.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = Grid.release(values[i], plan.sampler().sample(source), g);
    }
    return new NoisyVector(out, plan.event(), (AddedNoise) plan.noise());
  }

  private static void checkAll(double[] values) {
    Check.notNull("values", values);
    if (values.length == 0) {
      throw new IllegalArgumentException("values must hold at least one value; got 0");
    }
    for (double v : values) {
      // No index either: which coordinate is not finite may itself depend on private data.
      if (!Double.isFinite(v)) {
        Grid.checkFinite("every entry of values", v);
      }
    }
  }
}
