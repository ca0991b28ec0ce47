package org.privspark.core.mechanism;

import java.math.BigDecimal;
import org.privspark.core.Check;
import org.privspark.core.accounting.DiscreteLaplaceEvent;
import org.privspark.core.noise.DiscreteLaplaceSampler;
import org.privspark.core.noise.NoiseSource;

/**
 * Adds Laplace-shaped noise to a real value (or vector) of L1 sensitivity Δ, immune to
 * floating-point attacks: the input is snapped to a power-of-two grid and exact discrete Laplace
 * noise is added in integer grid units.
 *
 * <p><b>Guarantee.</b> Pure ε'-DP with ε' = D/T ≤ ε exactly, where (in grid units of g) D bounds
 * the sensitivity of the rounded input and T is the integer noise scale; {@link #event()} is {@code
 * DiscreteLaplaceEvent(T, D)}. The ratio D/T is compared with ε in exact rational arithmetic (a
 * double is a dyadic rational), so rounding never pushes the cost above the request.
 *
 * <p><b>How.</b> b = Δ/ε; g = 2^(⌊log₂ b⌋ − {@value #GRID_BITS}), so b/g ∈ [2^40, 2^41): the grid
 * is far finer than the noise. k = round(x/g) (halves up; see {@code Grid.snap} for why that
 * rounding keeps neighbours within D units); D = ⌈Δ/g⌉; T = ⌈D/ε⌉, the smallest integer with D/T ≤
 * ε; Y ← discrete Laplace(T) (Canonne, Kamath &amp; Steinke 2020, Alg. 2); release (k + Y)·g. The
 * noise actually added has scale T·g ≥ b, larger by a relative g/Δ + g/b ≤ 2^-40·(1 + 1/ε).
 *
 * <p><b>Several rounded coordinates.</b> Rounding each of n coordinates can move the L1 distance of
 * two neighbouring inputs by up to one unit per coordinate, so a release planned for n coordinates
 * uses D_n = ⌈Δ/g⌉ + n − 1 and T_n = ⌈D_n/ε⌉. Proof: with exact differences d_i = |x_i − x'_i|/g,
 * Σd_i ≤ Δ/g, each rounded coordinate moves by at most ⌈d_i⌉ (see {@code Grid.snap}), and Σ⌈d_i⌉
 * over the n coordinates is an integer below Σd_i + n ≤ Δ/g + n, hence at most ⌈Δ/g⌉ + n − 1. n is
 * the larger of a vector's dimension and {@link Builder#maxCoordinatesContributed}: the number of
 * separately released values, over everything that {@link #event()} (or {@link #eventFor}) is
 * charged once for, that one unit's contribution can reach. A query that releases one value per
 * group, each rounded on its own, with a unit in at most L0 groups, has n = L0 (L0 times the
 * dimension for a vector per group): charging the one-coordinate D would understate the shift by up
 * to L0 − 1 units. OpenDP's float mechanisms likewise add a discretisation relaxation to the
 * sensitivity; with g = b·2^-40 it costs a relative n·2^-40/ε of extra noise, and nothing in ε.
 *
 * <p><b>Reference.</b> Mironov, "On significance of the least significant bits for differential
 * privacy", CCS 2012 (the attack, and snapping as the defence); Canonne, Kamath &amp; Steinke, "The
 * Discrete Gaussian for Differential Privacy", NeurIPS 2020 (arXiv:2004.00010), §2.2 and Alg. 2
 * (the discrete Laplace and its exact sampler). See {@code docs/NOISE.md}.
 *
 * <p><b>Caller's duty.</b> The L1 sensitivity must hold for the query (contributions already
 * bounded). Immutable and thread-safe; the {@link NoiseSource} passed to {@code release} is not.
 */
public final class LaplaceMechanism
    extends GridMechanism<DiscreteLaplaceEvent, DiscreteLaplaceNoise> {
  /** log₂ of b/g: the grid is 2^40 times finer than the noise scale. */
  static final int GRID_BITS = 40;

  /** Smallest ε accepted: below it ⌈Δ/g⌉ could round Δ up by more than 2^-10 relative. */
  static final double MIN_EPSILON = 0x1p-30;

  /** Largest ε accepted: above it D = ⌈Δ/g⌉ would exceed 2^53. */
  static final double MAX_EPSILON = 0x1p12;

  private final double epsilon;
  private final double l1Sensitivity;
  private final double granularity;
  private final long sensitivityUnits;
  private final long coordinates;
  private final Plan<DiscreteLaplaceEvent, DiscreteLaplaceNoise> scalar;

  private LaplaceMechanism(double epsilon, double l1Sensitivity, long coordinates) {
    this.epsilon = epsilon;
    this.l1Sensitivity = l1Sensitivity;
    this.coordinates = coordinates;
    double b = l1Sensitivity / epsilon;
    if (!Double.isFinite(b)) {
      throw new IllegalArgumentException(
          "l1Sensitivity / epsilon must be finite; got " + l1Sensitivity + " / " + epsilon);
    }
    this.granularity = Grid.granularity("l1Sensitivity / epsilon", b, GRID_BITS);
    // Δ/g is exact (g is a power of two); D = ⌈Δ/g⌉ ≥ Δ/g, so D·g ≥ Δ: sensitivity rounds up.
    this.sensitivityUnits = Grid.ceilToLong(l1Sensitivity / granularity);
    this.scalar = plan(coordinates);
  }

  /**
   * A builder; {@code epsilon} and {@code l1Sensitivity} are required.
   *
   * @return a new builder, with every parameter unset
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  Plan<DiscreteLaplaceEvent, DiscreteLaplaceNoise> plan(long roundedCoordinates) {
    long d = Math.addExact(sensitivityUnits, roundedCoordinates - 1);
    // T = ⌈D/ε⌉ in exact arithmetic: the smallest integer T with D/T ≤ ε. The event rounds D/T up
    // to the smallest double at or above it, which is still at most ε (ε is such a double).
    BigDecimal t = Grid.ceilDiv(BigDecimal.valueOf(d), new BigDecimal(epsilon));
    if (t.compareTo(BigDecimal.valueOf(DiscreteLaplaceSampler.MAX_SCALE)) > 0) {
      throw new IllegalArgumentException(
          "the number of rounded coordinates (the larger of maxCoordinatesContributed and the "
              + "vector's dimension) must be at most about 2^52·epsilon for this epsilon; got "
              + roundedCoordinates);
    }
    long scale = t.longValueExact();
    return new Plan<>(
        DiscreteLaplaceSampler.withScale(scale),
        new DiscreteLaplaceEvent(scale, d),
        new DiscreteLaplaceNoise(scale, granularity));
  }

  /**
   * The requested ε.
   *
   * @return ε
   */
  public double epsilon() {
    return epsilon;
  }

  /**
   * The query's L1 sensitivity Δ the mechanism was built for.
   *
   * @return Δ, in the value's units
   */
  public double l1Sensitivity() {
    return l1Sensitivity;
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
  Plan<DiscreteLaplaceEvent, DiscreteLaplaceNoise> scalarPlan() {
    return scalar;
  }

  @Override
  public String toString() {
    return "LaplaceMechanism[epsilon="
        + epsilon
        + ", l1Sensitivity="
        + l1Sensitivity
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
    private Double epsilon;
    private Double l1Sensitivity;
    private long maxCoordinatesContributed = 1;

    private Builder() {}

    /**
     * ε, in [2^-30, 2^12]. Required.
     *
     * @param epsilon ε, in [2^-30, 2^12]
     * @return this builder
     */
    public Builder epsilon(double epsilon) {
      this.epsilon = epsilon;
      return this;
    }

    /**
     * The query's L1 sensitivity Δ, finite and &gt; 0. Required.
     *
     * @param l1Sensitivity Δ, finite and &gt; 0
     * @return this builder
     */
    public Builder l1Sensitivity(double l1Sensitivity) {
      this.l1Sensitivity = l1Sensitivity;
      return this;
    }

    /**
     * n: how many separately released (and so separately rounded) values one privacy unit's
     * contribution can reach, over everything this mechanism's event is charged once for; in [1,
     * 2^53]; default 1. Set it to L0 when one value per group is released and a unit is in at most
     * L0 groups (L0 times the dimension for a vector per group): the sensitivity in grid units then
     * grows by n − 1 and the noise with it (see the class comment), never ε.
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
     * @throws IllegalArgumentException naming the first invalid or missing parameter
     */
    public LaplaceMechanism build() {
      if (epsilon == null) {
        throw new IllegalArgumentException("epsilon must be set; got nothing");
      }
      if (l1Sensitivity == null) {
        throw new IllegalArgumentException("l1Sensitivity must be set; got nothing");
      }
      Check.positiveFinite("epsilon", epsilon);
      if (epsilon < MIN_EPSILON || epsilon > MAX_EPSILON) {
        throw new IllegalArgumentException("epsilon must be in [2^-30, 2^12]; got " + epsilon);
      }
      Check.positiveFinite("l1Sensitivity", l1Sensitivity);
      checkCoordinates(maxCoordinatesContributed);
      return new LaplaceMechanism(epsilon, l1Sensitivity, maxCoordinatesContributed);
    }
  }
}
