package org.privspark.spark.ml;

import org.privspark.core.accounting.Accountant;
import org.privspark.core.accounting.ComposedEvent;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.PrivacyGuarantee;
import org.privspark.core.accounting.RdpAccountant;
import org.privspark.core.accounting.SampledGaussianEvent;
import org.privspark.core.accounting.pld.PldAccountant;

/**
 * What a DP-SGD run will do and cost, worked out from the params alone (no data is read): the
 * Poisson sampling rate q, the noise multiplier z = σ/C, the number of steps, where N comes from,
 * and the event that the run charges.
 *
 * @param sampleRate the Poisson sampling rate q in (0, 1], the same q the accountant is given
 * @param noiseMultiplier z: the noise added to each step's summed gradient has standard deviation
 *     z·clipNorm (per coordinate)
 * @param clipNorm C, the L2 bound of each row's gradient and of each unit's sum of them (the step's
 *     sensitivity)
 * @param epochs the requested number of epochs
 * @param stepsPerEpoch ⌊1/q⌋, at least 1 (the TensorFlow Privacy convention N // B)
 * @param steps epochs × stepsPerEpoch
 * @param delta the δ at which {@link #epsilon()} is read: targetDelta, or the budget's δ
 * @param grid the accountant's order grid (the budget's)
 * @param numUnits the public number of units N, or 0 when N is a DP count of the units
 * @param numUnitsNoiseStd σ of the Gaussian noise on that DP count, or 0 when N is public
 * @param adaptiveClip the adaptive clipping settings (Andrew et al. 2021), or null when C is fixed;
 *     when set, {@code clipNorm} is the initial C₀ and the gradient noise multiplier is {@link
 *     AdaptiveClip#gradientNoiseMultiplier()} z_Δ &gt; z, while the charged event is unchanged
 * @param accountant how {@link #epsilon()} is computed: the budget's accountant (RDP on {@code
 *     grid}, or PLD: docs/ACCOUNTING.md); the plan's ε is a valid bound under it, at {@code delta}
 *     (a ledger's own figure for the entry may differ)
 */
public record DpSgdPlan(
    double sampleRate,
    double noiseMultiplier,
    double clipNorm,
    int epochs,
    long stepsPerEpoch,
    long steps,
    double delta,
    OrderGrid grid,
    long numUnits,
    double numUnitsNoiseStd,
    AdaptiveClip adaptiveClip,
    Accountant accountant) {

  /**
   * A plan on the RDP accountant.
   *
   * @param sampleRate q
   * @param noiseMultiplier z
   * @param clipNorm C (the initial C₀ with adaptive clipping)
   * @param epochs the requested number of epochs
   * @param stepsPerEpoch ⌊1/q⌋, at least 1
   * @param steps epochs × stepsPerEpoch
   * @param delta the δ of {@link #epsilon()}
   * @param grid the accountant's order grid
   * @param numUnits the public N, or 0
   * @param numUnitsNoiseStd σ of the DP count of units, or 0
   * @param adaptiveClip the adaptive clipping settings, or null
   */
  public DpSgdPlan(
      double sampleRate,
      double noiseMultiplier,
      double clipNorm,
      int epochs,
      long stepsPerEpoch,
      long steps,
      double delta,
      OrderGrid grid,
      long numUnits,
      double numUnitsNoiseStd,
      AdaptiveClip adaptiveClip) {
    this(
        sampleRate,
        noiseMultiplier,
        clipNorm,
        epochs,
        stepsPerEpoch,
        steps,
        delta,
        grid,
        numUnits,
        numUnitsNoiseStd,
        adaptiveClip,
        Accountant.RDP);
  }

  /**
   * A plan with a fixed clip norm (no adaptive clipping).
   *
   * @param sampleRate q
   * @param noiseMultiplier z
   * @param clipNorm C
   * @param epochs the requested number of epochs
   * @param stepsPerEpoch ⌊1/q⌋, at least 1
   * @param steps epochs × stepsPerEpoch
   * @param delta the δ of {@link #epsilon()}
   * @param grid the accountant's order grid
   * @param numUnits the public N, or 0
   * @param numUnitsNoiseStd σ of the DP count of units, or 0
   */
  public DpSgdPlan(
      double sampleRate,
      double noiseMultiplier,
      double clipNorm,
      int epochs,
      long stepsPerEpoch,
      long steps,
      double delta,
      OrderGrid grid,
      long numUnits,
      double numUnitsNoiseStd) {
    this(
        sampleRate,
        noiseMultiplier,
        clipNorm,
        epochs,
        stepsPerEpoch,
        steps,
        delta,
        grid,
        numUnits,
        numUnitsNoiseStd,
        null);
  }

  /**
   * Adaptive clipping's settings (Andrew, Thakkar, McMahan, Ramaswamy 2021, "Differentially Private
   * Learning with Adaptive Clipping", NeurIPS, Algorithm 1 with the geometric update).
   *
   * <p>Each step, every sampled unit i also reports b_i = 1[‖u_i‖ ≤ C_t], u_i its contribution
   * before any clipping; the step releases Σ(b_i − ½) + N(0, σ_b²) alongside the gradient sum (with
   * noise z_Δ·C_t), forms b̃ = ½ + that / B (B = q·N, the expected batch size) and sets C_{t+1} =
   * C_t·exp(−η_C(b̃ − γ)), clamped to [2^-500, 2^500].
   *
   * <p><b>Why the charged event is unchanged</b> (Andrew et al. 2021, §3 and Thm. 1). Divide the
   * gradient sum by z_Δ·C_t and the centred count by σ_b: the step releases f(S) + N(0, I) with
   * f(S) = Σ_{i∈S} (u'_i/(z_Δ C_t), (b_i − ½)/σ_b), u'_i the clipped contribution (‖u'_i‖ ≤ C_t).
   * Adding or removing one unit moves f by one summand, of squared norm at most z_Δ^-2 +
   * (1/2)²σ_b^-2 = z_Δ^-2 + (2σ_b)^-2 = z^-2 by the choice z_Δ = (z^-2 − (2σ_b)^-2)^-1/2. So the
   * pair is one Gaussian sum query of L2 sensitivity 1/z at unit noise, i.e. noise multiplier z,
   * and under Poisson sampling at rate q a Poisson-subsampled Gaussian step of multiplier z
   * (Mironov, Talwar, Zhang 2019, "Rényi Differential Privacy of the Sampled Gaussian Mechanism":
   * the bound holds for any sum of per-unit vectors of norm ≤ the sensitivity). C_t is a function
   * of earlier releases, so the steps compose adaptively into {@code SampledGaussianEvent(q, z,
   * steps)}. Centring makes the count's sensitivity ½ instead of 1; b̃ uses the public B, not the
   * (private) batch size.
   *
   * @param targetQuantile γ in (0, 1): the fraction of units C aims to leave unclipped
   * @param learningRate η_C &gt; 0 of the geometric update
   * @param countNoiseStd σ_b &gt; z/2 of the noise on the centred count
   * @param gradientNoiseMultiplier z_Δ = (z^-2 − (2σ_b)^-2)^-1/2: the gradient noise is z_Δ·C_t
   */
  public record AdaptiveClip(
      double targetQuantile,
      double learningRate,
      double countNoiseStd,
      double gradientNoiseMultiplier) {

    /**
     * z_Δ = (z^-2 − (2σ_b)^-2)^-1/2, rounded up (more noise), or NaN when 2σ_b ≤ z (no z_Δ exists).
     *
     * @param z the charged noise multiplier
     * @param countNoiseStd σ_b
     * @return z_Δ &ge; z, or NaN
     */
    public static double gradientNoiseMultiplier(double z, double countNoiseStd) {
      double twoSigma = 2 * countNoiseStd;
      if (!(twoSigma > z)) {
        return Double.NaN;
      }
      // z_Δ = z / sqrt(1 − (z/2σ_b)²): the ratio form avoids squaring large or tiny values.
      double r = z / twoSigma;
      double zDelta = z / Math.sqrt((1 - r) * (1 + r));
      // The four roundings above err by a few ulps; a relative 2^-40 up covers them, so the
      // pair's multiplier is never below z.
      return zDelta * (1 + 0x1p-40);
    }
  }

  /**
   * Whether C adapts during the run ({@link #adaptiveClip()} is set).
   *
   * @return true with adaptive clipping
   */
  public boolean adaptive() {
    return adaptiveClip != null;
  }

  /**
   * The multiplier of each step's gradient noise: z_Δ with adaptive clipping, z otherwise.
   *
   * @return z_Δ or z
   */
  public double gradientNoiseMultiplier() {
    return adaptive() ? adaptiveClip.gradientNoiseMultiplier() : noiseMultiplier;
  }

  /** Requires exactly one source of N: a public count, or the σ of a DP count. */
  public DpSgdPlan {
    if ((numUnits >= 1) == (numUnitsNoiseStd > 0)) {
      throw new IllegalArgumentException(
          "exactly one of numUnits >= 1 and numUnitsNoiseStd > 0"
              + " must be given; got "
              + numUnits
              + " and "
              + numUnitsNoiseStd);
    }
  }

  /**
   * Whether N is a DP count of the units, released first, rather than a public number.
   *
   * @return true when N is counted with noise, false when it is public
   */
  public boolean countsUnits() {
    return numUnitsNoiseStd > 0;
  }

  /**
   * The event the whole run charges, once, before any data is read: the {@code steps}
   * Poisson-subsampled Gaussian steps, composed with the Gaussian count of the units when N is
   * counted ({@link #countsUnits()}).
   *
   * @return the event of the whole run
   */
  public PrivacyEvent event() {
    return eventAfter(steps);
  }

  /**
   * The steps alone: {@code steps} Poisson-subsampled Gaussian releases.
   *
   * @return the event of the steps, without the count
   */
  public SampledGaussianEvent trainingEvent() {
    return new SampledGaussianEvent(sampleRate, noiseMultiplier, steps);
  }

  /**
   * The run's ε at {@link #delta()} by the plan's accountant: RDP on {@link #grid()}, or PLD.
   *
   * @return ε of the whole run
   */
  public double epsilon() {
    return epsilonAfter(steps);
  }

  /**
   * The ε at {@link #delta()} of what has been released once {@code stepsDone} steps are done (the
   * count, when N is counted, is released before the first step); for progress reports.
   *
   * @param stepsDone the steps done so far, in [0, {@link #steps()}]
   * @return ε of what has been released so far; 0 before the first step when N is public
   */
  public double epsilonAfter(long stepsDone) {
    if (stepsDone == 0 && !countsUnits()) {
      return 0;
    }
    PrivacyGuarantee g = RdpAccountant.epsilonOf(eventAfter(stepsDone), delta, grid);
    if (accountant != Accountant.PLD) {
      return g.epsilon();
    }
    // PLD: the smaller of the RDP ε so far and the whole run's PLD ε (what has been released so
    // far is a part of the run, so the run's ε bounds it too; both are valid bounds).
    double pld = PldAccountant.epsilon(event(), delta);
    return g.epsilon() < pld ? g.epsilon() : pld; // a NaN figure never wins
  }

  private PrivacyEvent eventAfter(long stepsDone) {
    if (!countsUnits()) {
      return new SampledGaussianEvent(sampleRate, noiseMultiplier, stepsDone);
    }
    PrivacyEvent count = DpSgd.countMechanism(numUnitsNoiseStd).event();
    return stepsDone == 0
        ? count
        : ComposedEvent.of(count, new SampledGaussianEvent(sampleRate, noiseMultiplier, stepsDone));
  }

  /**
   * The standard deviation of the Gaussian noise added to a step's summed gradient: z·C (z_Δ·C₀ for
   * the first step with adaptive clipping; later steps use z_Δ·C_t).
   *
   * @return z·C, or z_Δ·C₀
   */
  public double noiseStd() {
    return gradientNoiseMultiplier() * clipNorm;
  }
}
