package org.privspark.core.mechanism;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import org.privspark.core.Check;
import org.privspark.core.accounting.Calibration;
import org.privspark.core.accounting.DiscreteGaussianEvent;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.RdpAccountant;
import org.privspark.core.noise.DiscreteGaussianSampler;
import org.privspark.core.noise.NoiseSource;

/**
 * Adds Gaussian-shaped noise to a real value (or vector) of L2 sensitivity Δ, immune to
 * floating-point attacks: the input is snapped to a power-of-two grid and exact discrete Gaussian
 * noise is added in integer grid units.
 *
 * <p><b>Guarantee.</b> ρ-zCDP with ρ = D²/(2S) ≤ Δ²/(2σ²), i.e. Rényi DP ε(α) = αD²/(2S) (never
 * more than the continuous Gaussian mechanism with the requested σ), where D bounds the L2
 * sensitivity of the rounded input and S is the integer variance parameter, both in grid units.
 * {@link #event()} is a {@code DiscreteGaussianEvent} whose RDP, as computed in doubles, is never
 * below αD²/(2S). When built from (ε, δ), σ comes from {@link Calibration#rdpGaussianSigma} on
 * {@link OrderGrid#defaults()} and the build verifies that the event's ε at δ on that grid is at
 * most the requested ε.
 *
 * <p><b>How.</b> g = min(2^(⌊log₂ σ⌋ − {@value #GRID_BITS}), 2^(⌊log₂ Δ⌋ − {@value
 * #SENSITIVITY_BITS})), so σ/g ≥ 2^26 and Δ/g ≥ 2^10; k = round(x/g) (halves up, see {@code
 * Grid.snap}); D = ⌈Δ/g⌉; S = the smallest integer of the form t(t − 1) with S ≥ (D·σ/Δ)², compared
 * exactly; Y ← N_Z(0, S) (Canonne, Kamath &amp; Steinke 2020, Alg. 3); release (k + Y)·g. Requiring
 * S ≥ (Dσ/Δ)² makes D²/(2S) ≤ Δ²/(2σ²): more noise, never less. The form t(t − 1) makes σ²/t = t −
 * 1 an integer for the sampler's t = ⌊√S⌋ + 1, so its acceptance test γ = (|Y| − (t − 1))²/(2t(t −
 * 1)) runs in long arithmetic; it adds at most 2t to S, a relative 2^-25 at most. The noise
 * actually added exceeds σ by the relative g/Δ ≤ 2^-10 of rounding Δ up to D·g (at most 2^-26·σ/Δ,
 * so about 3e-8 at σ = 2Δ), plus the 2^-26 of the t(t − 1) form.
 *
 * <p><b>Why {@value #GRID_BITS} bits.</b> More bits make the grid finer and the rounding of Δ up to
 * D·g cheaper, but the sampler's exact arithmetic must stay in longs: for σ/Δ ≤ 2^16 we get σ/g
 * &lt; 2^27, t ≤ 2^27 + 1, the denominator 2t(t − 1) &lt; 2^55 (the Bernoulli trials need ≤ 2^62),
 * and the numerator (|Y| − t + 1)² fits a long unless |Y| &gt; 2^31.5, more than 22σ, where the
 * Laplace proposal has mass below e^{-22}; such samples fall back to BigInteger. 20 bits would make
 * the rounding of Δ 64 times coarser for no speed gain. For larger σ/Δ the cap g ≤ Δ·2^-10 takes
 * over and σ/g grows up to 2^30 at the largest accepted σ/Δ = 2^19, where a few percent of samples
 * take the BigInteger path.
 *
 * <p><b>Several rounded coordinates.</b> Rounding moves each coordinate of the difference of two
 * neighbouring inputs by less than one unit, so over n coordinates the rounded inputs' L2 distance
 * is below Δ/g + √n (Minkowski: the difference is the exact one, of norm ≤ Δ/g, plus a rounding
 * error of norm &lt; √n); a release planned for n coordinates uses D_n = Δ/g + √n rounded up, and
 * S_n accordingly (the discretisation relaxation; OpenDP's float mechanisms add one likewise). n is
 * the larger of a vector's dimension and {@link Builder#maxCoordinatesContributed}: the number of
 * separately released values, over everything one event pays for, that one unit's contribution can
 * reach (L0 for one value per group with a unit in at most L0 groups). Because S_n ≥ (D_n·σ/Δ)², a
 * larger n adds noise and never raises ρ above Δ²/(2σ²).
 *
 * <p><b>Reference.</b> Canonne, Kamath &amp; Steinke, "The Discrete Gaussian for Differential
 * Privacy", NeurIPS 2020 (arXiv:2004.00010), Thm. 4 (privacy) and Alg. 3 (sampler); Mironov, "On
 * significance of the least significant bits for differential privacy", CCS 2012. See {@code
 * docs/NOISE.md}.
 *
 * <p><b>Caller's duty.</b> The L2 sensitivity must hold (contributions already bounded). Immutable
 * and thread-safe; the {@link NoiseSource} passed to {@code release} is not.
 */
public final class GaussianMechanism
    extends GridMechanism<DiscreteGaussianEvent, DiscreteGaussianNoise> {
  /** log₂ of σ/g (at least), see the class comment. */
  static final int GRID_BITS = 26;

  /** log₂ of Δ/g (at least): rounding Δ up to the grid costs at most a relative 2^-10. */
  static final int SENSITIVITY_BITS = 10;

  /** The largest accepted σ/Δ: it keeps σ/g ≤ 2^30. */
  static final double MAX_SIGMA_RATIO = 0x1p19;

  /** The smallest accepted σ/Δ: it keeps Δ/g ≤ 2^53. */
  static final double MIN_SIGMA_RATIO = 0x1p-26;

  /** The largest t: it keeps 2t(t − 1) ≤ 2^62, the sampler's long-arithmetic bound. */
  static final long MAX_T = 1_500_000_000L;

  private final double requestedSigma;
  private final double l2Sensitivity;
  private final double epsilon; // NaN when built from sigma
  private final double delta; // NaN when built from sigma
  private final double sigma; // the target σ: requested, or calibrated from (ε, δ)
  private final double granularity;
  private final long coordinates;
  private final Plan<DiscreteGaussianEvent, DiscreteGaussianNoise> scalar;

  private GaussianMechanism(
      double sigma, double epsilon, double delta, double l2Sensitivity, long coordinates) {
    this.requestedSigma = sigma;
    this.coordinates = coordinates;
    this.epsilon = epsilon;
    this.delta = delta;
    this.l2Sensitivity = l2Sensitivity;
    this.sigma = Double.isNaN(sigma) ? calibrate(epsilon, delta, l2Sensitivity) : sigma;
    double ratio = this.sigma / l2Sensitivity;
    if (!(ratio <= MAX_SIGMA_RATIO) || !(ratio >= MIN_SIGMA_RATIO)) {
      if (Double.isNaN(sigma)) {
        throw new IllegalArgumentException(
            "epsilon and delta must calibrate to sigma / l2Sensitivity in [2^-26, 2^19]; got "
                + ratio
                + " for epsilon "
                + epsilon
                + " and delta "
                + delta);
      }
      throw new IllegalArgumentException(
          "sigma / l2Sensitivity must be in [2^-26, 2^19]; got " + ratio);
    }
    this.granularity =
        Math.min(
            Grid.granularity("sigma", this.sigma, GRID_BITS),
            Grid.granularity("l2Sensitivity", l2Sensitivity, SENSITIVITY_BITS));
    this.scalar = plan(coordinates);
  }

  private static double calibrate(double epsilon, double delta, double l2Sensitivity) {
    try {
      return Calibration.rdpGaussianSigma(epsilon, delta, l2Sensitivity, OrderGrid.defaults());
    } catch (ArithmeticException e) {
      // The default grid's largest order (1024) bounds the smallest ε any σ can certify.
      throw new IllegalArgumentException(
          "epsilon must be reachable at delta "
              + delta
              + " by the RDP accountant on the default order grid; got "
              + epsilon,
          e);
    }
  }

  /**
   * A builder; {@code l2Sensitivity} and either {@code sigma} or both {@code epsilon} and {@code
   * delta} are required.
   *
   * @return a new builder, with every parameter unset
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Sensitivity in grid units for n rounded coordinates, rounded up (see the class comment). */
  private double sensitivityUnits(long roundedCoordinates) {
    double units = l2Sensitivity / granularity; // exact
    if (roundedCoordinates == 1) {
      return Math.ceil(units); // an exact integer ≤ 2^53 (σ/Δ ≥ 2^-26 bounds Δ/g by 2^53)
    }
    // n ≤ 2^53 converts exactly; each of the two roundings is followed by nextUp, so the result is
    // ≥ Δ/g + √n exactly.
    return Math.nextUp(units + Math.nextUp(Math.sqrt((double) roundedCoordinates)));
  }

  @Override
  Plan<DiscreteGaussianEvent, DiscreteGaussianNoise> plan(long roundedCoordinates) {
    double d = sensitivityUnits(roundedCoordinates);
    double target = sigma;
    for (int attempt = 0; attempt < 64; attempt++) {
      Plan<DiscreteGaussianEvent, DiscreteGaussianNoise> plan =
          planFor(d, target, roundedCoordinates);
      if (Double.isNaN(epsilon)
          || RdpAccountant.epsilonOf(plan.event(), delta, OrderGrid.defaults()).epsilon()
              <= epsilon) {
        return plan;
      }
      // The exact cost is below the calibrated one; only double rounding in the accountant can
      // land a hair above ε. Add a little noise and try again.
      target *= 1 + 0x1p-30;
    }
    throw new IllegalStateException(
        "could not certify epsilon " + epsilon + " at delta " + delta + " for sigma " + sigma);
  }

  private Plan<DiscreteGaussianEvent, DiscreteGaussianNoise> planFor(
      double d, double targetSigma, long roundedCoordinates) {
    // S_min = ⌈(D·σ/Δ)²⌉ exactly: doubles are dyadic rationals.
    BigDecimal scaled = new BigDecimal(d).multiply(new BigDecimal(targetSigma));
    BigDecimal delta2 = new BigDecimal(l2Sensitivity).pow(2);
    BigInteger sMin = scaled.pow(2).divide(delta2, 0, RoundingMode.CEILING).toBigIntegerExact();
    // The smallest t(t − 1) ≥ S_min: with r = ⌊√S_min⌋, r(r + 1) if that suffices, else (r + 1)(r +
    // 2).
    BigInteger r = sMin.sqrt();
    BigInteger t =
        sMin.compareTo(r.multiply(r.add(BigInteger.ONE))) <= 0
            ? r.add(BigInteger.ONE)
            : r.add(BigInteger.TWO);
    if (t.compareTo(BigInteger.valueOf(MAX_T)) > 0) {
      throw new IllegalArgumentException(
          "the number of rounded coordinates (the larger of maxCoordinatesContributed and the "
              + "vector's dimension) must be smaller for this sigma / l2Sensitivity; got "
              + roundedCoordinates);
    }
    long tl = t.longValueExact();
    long s = tl * (tl - 1);
    return new Plan<>(
        DiscreteGaussianSampler.withSigmaSquared(s),
        new DiscreteGaussianEvent(eventSigma(s, d), d),
        new DiscreteGaussianNoise(s, granularity));
  }

  /**
   * The σ to record in the event: the largest double found (starting at √S and stepping down) whose
   * computed 2·(σ/D)² is at most (2S/D²)·(1 − 2^-50), checked exactly. The margin covers the one
   * rounding of the event's final division α/(2z²), so the event's RDP in doubles is never below
   * the true αD²/(2S).
   */
  private static double eventSigma(long s, double d) {
    BigDecimal bound =
        new BigDecimal(2 * s)
            .multiply(BigDecimal.ONE.subtract(new BigDecimal(0x1p-50)))
            .divide(new BigDecimal(d).pow(2), 40, RoundingMode.FLOOR);
    double sigma = Math.sqrt((double) s);
    while (true) {
      double z = sigma / d;
      double twoZSquared = 2 * z * z;
      if (new BigDecimal(twoZSquared).compareTo(bound) <= 0) {
        return sigma;
      }
      sigma = Math.nextDown(sigma);
    }
  }

  /**
   * The σ the noise was sized for: the requested one, or the one calibrated from (ε, δ).
   *
   * @return σ, in the value's units
   */
  public double sigma() {
    return sigma;
  }

  /**
   * The requested ε, or NaN when the mechanism was built from σ.
   *
   * @return ε, or NaN
   */
  public double epsilon() {
    return epsilon;
  }

  /**
   * The requested δ, or NaN when the mechanism was built from σ.
   *
   * @return δ, or NaN
   */
  public double delta() {
    return delta;
  }

  /**
   * The query's L2 sensitivity Δ the mechanism was built for.
   *
   * @return Δ, in the value's units
   */
  public double l2Sensitivity() {
    return l2Sensitivity;
  }

  @Override
  public double granularity() {
    return granularity;
  }

  @Override
  public long maxCoordinatesContributed() {
    return coordinates;
  }

  @Override
  Plan<DiscreteGaussianEvent, DiscreteGaussianNoise> scalarPlan() {
    return scalar;
  }

  @Override
  public String toString() {
    String target =
        Double.isNaN(requestedSigma)
            ? "epsilon=" + epsilon + ", delta=" + delta
            : "sigma=" + requestedSigma;
    return "GaussianMechanism["
        + target
        + ", l2Sensitivity="
        + l2Sensitivity
        + ", maxCoordinatesContributed="
        + coordinates
        + ", granularity="
        + granularity
        + ", event="
        + scalar.event()
        + "]";
  }

  /** Collects parameters; {@link #build()} validates all of them. Not thread-safe. */
  public static final class Builder {
    private Double sigma;
    private Double epsilon;
    private Double delta;
    private Double l2Sensitivity;
    private long maxCoordinatesContributed = 1;

    private Builder() {}

    /**
     * The noise σ in the value's units, finite and &gt; 0. Either this or ε and δ.
     *
     * @param sigma σ in the value's units, finite and &gt; 0
     * @return this builder
     */
    public Builder sigma(double sigma) {
      this.sigma = sigma;
      return this;
    }

    /**
     * ε, finite and &gt; 0; requires {@link #delta}. Either this or σ.
     *
     * @param epsilon ε, finite and &gt; 0
     * @return this builder
     */
    public Builder epsilon(double epsilon) {
      this.epsilon = epsilon;
      return this;
    }

    /**
     * δ in (0, 1); requires {@link #epsilon}.
     *
     * @param delta δ, in (0, 1)
     * @return this builder
     */
    public Builder delta(double delta) {
      this.delta = delta;
      return this;
    }

    /**
     * The query's L2 sensitivity Δ, finite and &gt; 0. Required.
     *
     * @param l2Sensitivity Δ, finite and &gt; 0
     * @return this builder
     */
    public Builder l2Sensitivity(double l2Sensitivity) {
      this.l2Sensitivity = l2Sensitivity;
      return this;
    }

    /**
     * n: how many separately released (and so separately rounded) values one privacy unit's
     * contribution can reach, over everything this mechanism's event is charged once for; in [1,
     * 2^53]; default 1. Set it to L0 when one value per group is released and a unit is in at most
     * L0 groups (L0 times the dimension for a vector per group): the sensitivity in grid units then
     * becomes Δ/g + √n and the noise grows with it (see the class comment), never ρ.
     *
     * @param maxCoordinatesContributed n, in [1, 2^53]
     * @return this builder
     */
    public Builder maxCoordinatesContributed(long maxCoordinatesContributed) {
      this.maxCoordinatesContributed = maxCoordinatesContributed;
      return this;
    }

    /**
     * Validates every parameter and builds the mechanism.
     *
     * @return the mechanism, immutable and thread-safe
     * @throws IllegalArgumentException naming the first invalid, missing or conflicting parameter
     */
    public GaussianMechanism build() {
      if (l2Sensitivity == null) {
        throw new IllegalArgumentException("l2Sensitivity must be set; got nothing");
      }
      Check.positiveFinite("l2Sensitivity", l2Sensitivity);
      if (sigma != null) {
        if (epsilon != null || delta != null) {
          throw new IllegalArgumentException(
              "sigma must be set alone, or epsilon and delta instead; got sigma="
                  + sigma
                  + ", epsilon="
                  + epsilon
                  + ", delta="
                  + delta
                  + " (clear one of them)");
        }
        Check.positiveFinite("sigma", sigma);
        GridMechanism.checkCoordinates(maxCoordinatesContributed);
        return new GaussianMechanism(
            sigma, Double.NaN, Double.NaN, l2Sensitivity, maxCoordinatesContributed);
      }
      if (epsilon == null) {
        throw new IllegalArgumentException(
            "epsilon must be set (with delta), or sigma instead; got nothing");
      }
      if (delta == null) {
        throw new IllegalArgumentException("delta must be set with epsilon; got nothing");
      }
      Check.positiveFinite("epsilon", epsilon);
      Check.inOpen("delta", delta, 0.0, 1.0);
      GridMechanism.checkCoordinates(maxCoordinatesContributed);
      return new GaussianMechanism(
          Double.NaN, epsilon, delta, l2Sensitivity, maxCoordinatesContributed);
    }
  }
}
