package org.privspark.spark.ml;

import java.io.Serializable;
import org.privspark.core.accounting.ComposedEvent;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.SampledGaussianEvent;
import org.privspark.core.accounting.UnitClaim;
import org.privspark.spark.ml.params.UnitGradient;

/**
 * What training a DP-SGD model cost and whom it protects, saved with the model. Every field is a
 * public parameter, a post-processing of a DP release, or where the charge was recorded: never the
 * exact number of rows or units.
 *
 * @param sampleRate the Poisson sampling rate q of units
 * @param noiseMultiplier z = σ/C
 * @param steps the number of steps taken
 * @param clipNorm C, the bound of each row's gradient and of each unit's contribution; with
 *     adaptive clipping, the C after the last update (a post-processing of noisy counts, so public)
 * @param unitGradient how a unit's clipped row gradients formed its contribution: their mean, or
 *     their sum clipped to C (the same for one-row units; models saved before the mode existed read
 *     as {@code SUM}, which they used)
 * @param noiseStd the standard deviation of the noise actually added per coordinate of each summed
 *     gradient (z·C, rounded up by the mechanism's grid by a relative 2^-10 at most; with adaptive
 *     clipping, the last step's z_Δ·C_t)
 * @param epsilon the run's ε at {@code delta} by the RDP accountant (the count's cost included),
 *     per privacy unit
 * @param delta the δ of {@code epsilon}
 * @param numUnits the N that the noisy sums were divided by (as q·N): the public {@code numUnits},
 *     or, when {@code numUnitsNoiseStd} &gt; 0, the DP count of the units (rounded, at least 1)
 * @param numUnitsNoiseStd σ of the Gaussian noise on that count, or 0 when N was public
 * @param unit whom the run protects and where its charge was recorded
 * @param adaptiveClipping the adaptive clipping settings, or null when C was fixed
 */
public record PrivacyRecord(
    double sampleRate,
    double noiseMultiplier,
    long steps,
    double clipNorm,
    UnitGradient unitGradient,
    double noiseStd,
    double epsilon,
    double delta,
    long numUnits,
    double numUnitsNoiseStd,
    Unit unit,
    AdaptiveClipping adaptiveClipping)
    implements Serializable {

  /**
   * A record of a run with a fixed C.
   *
   * @param sampleRate q
   * @param noiseMultiplier z
   * @param steps the number of steps
   * @param clipNorm C
   * @param unitGradient the unit's contribution mode
   * @param noiseStd the noise σ per coordinate
   * @param epsilon ε at {@code delta}
   * @param delta δ
   * @param numUnits N
   * @param numUnitsNoiseStd σ of the count of units, or 0
   * @param unit whom the run protects
   */
  public PrivacyRecord(
      double sampleRate,
      double noiseMultiplier,
      long steps,
      double clipNorm,
      UnitGradient unitGradient,
      double noiseStd,
      double epsilon,
      double delta,
      long numUnits,
      double numUnitsNoiseStd,
      Unit unit) {
    this(
        sampleRate,
        noiseMultiplier,
        steps,
        clipNorm,
        unitGradient,
        noiseStd,
        epsilon,
        delta,
        numUnits,
        numUnitsNoiseStd,
        unit,
        null);
  }

  /**
   * Adaptive clipping's settings (Andrew et al. 2021; {@link DpSgdPlan.AdaptiveClip}): all public
   * params, none computed from the data.
   *
   * @param initialClipNorm C₀, the {@code clipNorm} param
   * @param targetUnclippedQuantile γ
   * @param clipLearningRate η_C
   * @param clipCountNoiseStd σ_b of each step's count of unclipped units
   * @param gradientNoiseMultiplier z_Δ = (z^-2 − (2σ_b)^-2)^-1/2 of the gradient noise
   */
  public record AdaptiveClipping(
      double initialClipNorm,
      double targetUnclippedQuantile,
      double clipLearningRate,
      double clipCountNoiseStd,
      double gradientNoiseMultiplier)
      implements Serializable {}

  /** Whether C adapted during the run. */
  public boolean adaptive() {
    return adaptiveClipping != null;
  }

  /**
   * The privacy unit of a run and its ledger entry.
   *
   * @param privacyUnit the unit's name ({@code privacyUnit}), or null when none was given (on a
   *     budget with no declared unit)
   * @param rowIsUnit whether the caller stated that each row is one unit (row-level mode)
   * @param maxRowsPerUnit k, the most rows a unit kept (1 in row-level mode)
   * @param ledgerOrigin the origin of the ledger that recorded the charge, or null when the budget
   *     has no ledger
   * @param ledgerIndex the index of that ledger entry, or 0 when the budget has no ledger
   */
  public record Unit(
      String privacyUnit,
      boolean rowIsUnit,
      int maxRowsPerUnit,
      String ledgerOrigin,
      long ledgerIndex)
      implements Serializable {
    /**
     * What a model saved before units existed protects: one row, of an unnamed unit, no ledger
     * entry known.
     */
    static final Unit LEGACY_ROW = new Unit(null, true, 1, null, 0);

    /** The claim the charge was made with, or null when no unit name was given. */
    public UnitClaim claim() {
      return privacyUnit == null
          ? null
          : rowIsUnit ? UnitClaim.rowIsUnit(privacyUnit) : UnitClaim.perUnit(privacyUnit);
    }

    /** Whether a ledger recorded the charge. */
    public boolean recorded() {
      return ledgerOrigin != null;
    }
  }

  /** Whether {@link #numUnits()} is a DP count rather than a public number. */
  public boolean countedUnits() {
    return numUnitsNoiseStd > 0;
  }

  /**
   * The event that was charged for the run: the steps, composed with the count when N was counted.
   */
  public PrivacyEvent event() {
    SampledGaussianEvent training = trainingEvent();
    return countedUnits()
        ? ComposedEvent.of(DpSgd.countMechanism(numUnitsNoiseStd).event(), training)
        : training;
  }

  /** The steps alone: {@code steps} Poisson-subsampled Gaussian releases of units. */
  public SampledGaussianEvent trainingEvent() {
    return new SampledGaussianEvent(sampleRate, noiseMultiplier, steps);
  }
}
