package org.privspark.core.mechanism;

import org.privspark.core.Check;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.noise.IntegerNoiseSampler;
import org.privspark.core.noise.NoiseSource;

/**
 * What every floating-point-safe mechanism shares: inputs snapped to a power-of-two grid, exact
 * integer noise added in grid units, the result converted back (see {@code Grid}). Subclasses
 * decide the discrete parameters (the {@link Plan}) of a release of n coordinates.
 *
 * <p>The {@code release(…, PrivacyBudget)} overloads are the safe way to release: they validate
 * the input, then charge the budget (which throws {@link
 * org.privspark.core.accounting.BudgetExhaustedException} and draws nothing when the release would
 * overspend), and only then draw noise. The overloads without a budget leave the charging to the
 * caller, who must charge {@link #event()} or {@link #eventFor(int)} before publishing the value.
 *
 * @param <E> the event type the mechanism charges
 * @param <N> the description of the noise it adds
 */
public abstract sealed class GridMechanism<E extends PrivacyEvent, N extends AddedNoise>
    permits LaplaceMechanism, GaussianMechanism {

  /** The discrete parameters of a release of n coordinates. */
  record Plan<E, N>(IntegerNoiseSampler sampler, E event, N noise) {}

  GridMechanism() {}

  /** The grid spacing g (a power of two); every released value is an integer multiple of it. */
  public abstract double granularity();

  /** The plan of a scalar release (computed once by the subclass). */
  abstract Plan<E, N> scalarPlan();

  /** The plan of a release of {@code dimension} ≥ 2 coordinates. */
  abstract Plan<E, N> plan(int dimension);

  /** The cost of one scalar release. */
  public E event() {
    return scalarPlan().event();
  }

  /** The cost of releasing a vector of {@code dimension} coordinates. */
  public E eventFor(int dimension) {
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension must be >= 1; got " + dimension);
    }
    return dimension == 1 ? scalarPlan().event() : plan(dimension).event();
  }

  /** The noise of a scalar release. */
  public N noise() {
    return scalarPlan().noise();
  }

  /**
   * Releases one value: round(value/g)·g plus exact integer noise, as a double on the grid. The
   * caller must charge {@link #event()} before publishing it.
   *
   * @throws IllegalArgumentException if value is NaN, infinite, or |value/g| ≥ 2^62
   */
  public NoisyValue release(double value, NoiseSource source) {
    Check.notNull("source", source);
    return draw(Grid.snap("value", value, granularity()), source);
  }

  /**
   * Validates {@code value}, charges {@link #event()} to {@code budget}, then releases. Nothing is
   * charged when the value is invalid, and nothing is drawn when the budget refuses.
   *
   * @throws IllegalArgumentException if value is NaN, infinite, or |value/g| ≥ 2^62
   * @throws org.privspark.core.accounting.BudgetExhaustedException if the budget refuses
   */
  public NoisyValue release(double value, NoiseSource source, PrivacyBudget budget) {
    Check.notNull("source", source);
    Check.notNull("budget", budget);
    long k = Grid.snap("value", value, granularity());
    budget.spend(scalarPlan().event());
    return draw(k, source);
  }

  /**
   * Releases a vector whose sensitivity (L1 for Laplace, L2 for Gaussian) is Δ; every coordinate
   * gets independent noise. All values are validated before any noise is drawn. The caller must
   * charge {@link #eventFor(int)} before publishing it.
   *
   * @throws IllegalArgumentException if values is null or empty, or an entry is NaN, infinite or
   *     too large (the message names its index)
   */
  public NoisyVector release(double[] values, NoiseSource source) {
    Check.notNull("source", source);
    long[] k = snapAll(values);
    return draw(k, planFor(k.length), source);
  }

  /**
   * Validates {@code values}, charges {@link #eventFor(int)} to {@code budget}, then releases.
   *
   * @throws IllegalArgumentException if an entry is invalid (nothing is charged)
   * @throws org.privspark.core.accounting.BudgetExhaustedException if the budget refuses
   */
  public NoisyVector release(double[] values, NoiseSource source, PrivacyBudget budget) {
    Check.notNull("source", source);
    Check.notNull("budget", budget);
    long[] k = snapAll(values);
    Plan<E, N> plan = planFor(k.length);
    budget.spend(plan.event());
    return draw(k, plan, source);
  }

  private Plan<E, N> planFor(int dimension) {
    return dimension == 1 ? scalarPlan() : plan(dimension);
  }

  private NoisyValue draw(long k, NoiseSource source) {
    Plan<E, N> plan = scalarPlan();
    double released = Grid.release(k, plan.sampler().sample(source), granularity());
    return new NoisyValue(released, plan.event(), (AddedNoise) plan.noise());
  }

  private NoisyVector draw(long[] k, Plan<E, N> plan, NoiseSource source) {
    double g = granularity();
    double[] out = new double[k.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = Grid.release(k[i], plan.sampler().sample(source), g);
    }
    return new NoisyVector(out, plan.event(), (AddedNoise) plan.noise());
  }

  private long[] snapAll(double[] values) {
    Check.notNull("values", values);
    if (values.length == 0) {
      throw new IllegalArgumentException("values must hold at least one value; got 0");
    }
    double g = granularity();
    long[] k = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      k[i] = Grid.snap("values[" + i + "]", values[i], g);
    }
    return k;
  }
}
