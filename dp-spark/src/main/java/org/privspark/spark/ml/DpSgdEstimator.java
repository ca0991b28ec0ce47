package org.privspark.spark.ml;

import static org.apache.spark.sql.functions.col;

import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.privspark.core.accounting.Accountant;
import org.privspark.core.accounting.Calibration;
import org.privspark.core.accounting.Charge;
import org.privspark.core.accounting.ComposedEvent;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.RdpAccountant;
import org.privspark.core.accounting.SampledGaussianEvent;
import org.privspark.core.accounting.UnitClaim;
import org.privspark.core.accounting.pld.PldAccountant;
import org.privspark.core.noise.ReleaseKey;
import org.privspark.core.noise.Secret;
import org.privspark.spark.ClassicSession;
import org.privspark.spark.ml.params.HasPrivacyUnit;
import org.privspark.spark.ml.params.ParamChecks;
import org.privspark.spark.ml.params.PrivacyUnitParams;
import org.privspark.spark.ml.params.UnitGradient;
import org.privspark.spark.sql.SparkKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the DP-SGD estimators share: the params, their validation, the budget charge and the
 * training run ({@link DpSgd}). Subclasses pick the loss, the label check and the model.
 *
 * <p><b>Privacy unit</b> ({@link HasPrivacyUnit}, docs/ML.md). The run protects a privacy unit (a
 * person, say) with all of its rows: give the unit's column as {@code privacyUnitCol} and at most k
 * rows per unit as {@code maxRowsPerUnit}; each unit then keeps at most k of its rows, chosen at
 * random per fit ({@link UnitRows}), units are Poisson-sampled, and each sampled unit contributes
 * the mean of its rows' clipped gradients ({@link #unitGradient()} {@code "mean"}, the default) or
 * their sum clipped again to C ({@code "sum"}), so one unit moves a step's sum by at most C either
 * way (McMahan et al. 2018). Row-level DP-SGD is the special case {@code rowIsUnit = true} (k = 1):
 * the caller states that each row is one unit, and the ledger entry records that statement. The
 * unit's name ({@code privacyUnit}) must be the budget's declared unit.
 *
 * <p><b>Order of work in {@link #fit}.</b> (1) Params and schema are validated, the unit claim is
 * checked against the budget ({@code PrivacyBudget.checkClaim}), and the run is planned ({@link
 * #plan()}): a failure here reads no data and spends nothing. (2) The run's whole cost, {@code new
 * SampledGaussianEvent(q, z, steps)} (composed with the count's event when N is a DP count), is
 * charged to the budget with the unit claim, under a fresh release id; a refusal ({@link
 * org.privspark.core.accounting.BudgetExhaustedException}) reads no data and changes nothing. (3)
 * Only then is the data read: the rows are bounded and grouped by unit once and cached (and the
 * units counted, the count noised, when N is a DP count), then one {@code treeAggregate} runs per
 * step. Nothing after the charge fails on the data's content, and no failure after it carries a
 * message that could quote the data ({@link DataPhase}). All randomness (bounding, sampling, noise)
 * comes from the release key bound to the charge.
 *
 * <p><b>Per-row rule.</b> A row whose features are null or not of the public dimension d, or whose
 * label is null, NaN, infinite or outside the loss's domain ({0, 1} for logistic regression), is
 * dropped before training, and so is a row whose unit is null; each row is kept or dropped on its
 * own content alone, so adding or removing one unit adds or removes only that unit's kept rows, and
 * the run's cost is unchanged. d is public and known before the charge: {@link #numFeatures()}, or
 * the vector size in the features column's ML attribute metadata (which {@code
 * PublicFeatureEncoder} writes).
 *
 * <p><b>Budget.</b> The {@link PrivacyBudget} is not a Spark param (it is live state, not a
 * setting): set it with {@link #setBudget} before {@code fit}, also on an estimator inside a {@code
 * Pipeline}. {@link #copy} keeps it, so {@code Pipeline.fit} and param-map fits charge the same
 * budget. It is not saved: an estimator read back from disk has none and refuses to fit until one
 * is set.
 *
 * <p><b>N, the number of units.</b> Under adding or removing one unit, N is private. It is either
 * public, given as {@link #numUnits()} (as Opacus and TensorFlow Privacy take the row count), or a
 * DP count of the units ({@link #numUnitsNoiseStd()}), whose Gaussian event is composed into the
 * one event charged before any data is read; the noisy count is released first and used as N. The
 * exact count is never used, stored or logged, and q never depends on it. {@code fit} refuses,
 * before the charge, when neither is set. In row-level mode a unit is a row, so N is the row count.
 *
 * <p><b>Adaptive clipping</b> ({@link #adaptiveClipping()}; Andrew et al. 2021). C starts at {@link
 * #clipNorm()} and follows a noisy estimate of the {@link #targetUnclippedQuantile()} of the units'
 * contribution norms; each step also releases a noisy count of the sampled units left unclipped,
 * paid for by gradient noise z_Δ = (z^-2 − (2σ_b)^-2)^-1/2 instead of z, so the charged event is
 * unchanged ({@link DpSgdPlan.AdaptiveClip} has the proof). {@link #plan()} refuses, before the
 * charge, a σ_b ({@link #clipCountNoiseStd()}) with 2σ_b ≤ z.
 *
 * <p><b>Public quantities.</b> The feature dimension d and the label domain are treated as public,
 * and so is N when given; see {@code docs/ML.md}.
 *
 * @param <M> the model type
 */
public abstract class DpSgdEstimator<M extends DpSgdModel<M>, S extends DpSgdEstimator<M, S>>
    extends PrivateEstimator<M, S> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(DpSgdEstimator.class);

  private final Param<String> featuresCol;
  private final Param<String> labelCol;
  private final Param<String> predictionCol;
  private final IntParam epochs;
  private final DoubleParam sampleRate;
  private final DoubleParam expectedBatchSize;
  private final Param<String> unitGradient;
  private final LongParam numUnits;
  private final DoubleParam numUnitsNoiseStd;
  private final IntParam numFeatures;
  private final DoubleParam clipNorm;
  private final DoubleParam learningRate;
  private final DoubleParam regParam;
  private final BooleanParam fitIntercept;
  private final DoubleParam noiseMultiplier;
  private final DoubleParam targetEpsilon;
  private final DoubleParam targetDelta;
  private final BooleanParam adaptiveClipping;
  private final BooleanParam averageIterates;
  private final DoubleParam targetUnclippedQuantile;
  private final DoubleParam clipLearningRate;
  private final DoubleParam clipCountNoiseStd;

  /**
   * Declares the shared params and their defaults for the stage {@code uid}.
   *
   * @param uid the stage's unique id
   */
  protected DpSgdEstimator(String uid) {
    super(uid);
    featuresCol =
        new Param<>(
            uid,
            "featuresCol",
            "features column name (vectors)",
            ParamChecks.columnName("featuresCol"));
    labelCol =
        new Param<>(uid, "labelCol", "label column name", ParamChecks.columnName("labelCol"));
    predictionCol =
        new Param<>(
            uid,
            "predictionCol",
            "prediction column name",
            ParamChecks.columnName("predictionCol"));
    epochs =
        new IntParam(
            uid,
            "epochs",
            "number of epochs (passes of 1/q steps), >= 1",
            ParamChecks.atLeastOne("epochs"));
    sampleRate =
        new DoubleParam(
            uid,
            "sampleRate",
            "Poisson sampling rate q per step, in (0, 1]; set this or expectedBatchSize, or neither"
                + " (then B = max(256, N/50))",
            ParamChecks.inLeftOpen("sampleRate", 0, 1));
    expectedBatchSize =
        new DoubleParam(
            uid,
            "expectedBatchSize",
            "expected units per step q*N, finite and > 0 (needs numUnits); set this or sampleRate,"
                + " or neither (then B = max(256, N/50))",
            ParamChecks.positiveFinite("expectedBatchSize"));
    unitGradient = UnitGradient.declare(this);
    numUnits =
        new LongParam(
            uid,
            "numUnits",
            "the public number of privacy units N in the training data (rows, with rowIsUnit), >="
                + " 1; set this or numUnitsNoiseStd",
            ParamChecks.atLeastOne("numUnits"));
    numUnitsNoiseStd =
        new DoubleParam(
            uid,
            "numUnitsNoiseStd",
            "sigma of the Gaussian noise on a DP count of the units, used as N, in [1, 524288];"
                + " set this or numUnits (its cost is composed into the run's event)",
            ParamChecks.inClosed("numUnitsNoiseStd", 1, MAX_COUNT_NOISE_STD));
    numFeatures =
        new IntParam(
            uid,
            "numFeatures",
            "the public feature dimension d, >= 1; unset: the vector size in featuresCol's"
                + " metadata",
            ParamChecks.atLeastOne("numFeatures"));
    clipNorm =
        new DoubleParam(
            uid,
            "clipNorm",
            "L2 bound C of each row's gradient and of each unit's contribution, in [2^-500, 2^500]",
            ParamChecks.inClosed(
                "clipNorm",
                MIN_CLIP_NORM,
                MAX_CLIP_NORM,
                "[2^-500, 2^500] (about 3.1e-151 to 3.3e150)"));
    learningRate =
        new DoubleParam(
            uid,
            "learningRate",
            "constant step size, finite and > 0",
            ParamChecks.positiveFinite("learningRate"));
    regParam =
        new DoubleParam(
            uid,
            "regParam",
            "L2 regularisation strength (intercept excluded), finite and >= 0",
            ParamChecks.nonNegativeFinite("regParam"));
    fitIntercept = new BooleanParam(uid, "fitIntercept", "whether to fit an intercept");
    noiseMultiplier =
        new DoubleParam(
            uid,
            "noiseMultiplier",
            "noise multiplier z = sigma / clipNorm, finite and > 0; set this or targetEpsilon with"
                + " targetDelta",
            ParamChecks.positiveFinite("noiseMultiplier"));
    targetEpsilon =
        new DoubleParam(
            uid,
            "targetEpsilon",
            "epsilon the run may cost, finite and > 0 (with targetDelta); z is calibrated to it",
            ParamChecks.positiveFinite("targetEpsilon"));
    targetDelta =
        new DoubleParam(
            uid,
            "targetDelta",
            "delta of targetEpsilon, in (0, 1)",
            ParamChecks.inOpen("targetDelta", 0, 1));
    averageIterates =
        new BooleanParam(
            uid,
            "averageIterates",
            "whether the model is the mean of the second half's iterates (tail averaging; no"
                + " privacy cost) instead of the last iterate");
    adaptiveClipping =
        new BooleanParam(
            uid,
            "adaptiveClipping",
            "whether C adapts to a private quantile of the units' gradient norms (Andrew et al."
                + " 2021); clipNorm is then the initial C");
    targetUnclippedQuantile =
        new DoubleParam(
            uid,
            "targetUnclippedQuantile",
            "with adaptiveClipping, the fraction gamma of units C aims to leave unclipped, in (0,"
                + " 1)",
            ParamChecks.inOpen("targetUnclippedQuantile", 0, 1));
    clipLearningRate =
        new DoubleParam(
            uid,
            "clipLearningRate",
            "with adaptiveClipping, the step size eta_C of C's geometric update, finite and > 0",
            ParamChecks.positiveFinite("clipLearningRate"));
    clipCountNoiseStd =
        new DoubleParam(
            uid,
            "clipCountNoiseStd",
            "with adaptiveClipping, sigma_b of the noise on each step's count of unclipped units,"
                + " in [2^-27, 2^18] and > noiseMultiplier / 2; unset: expectedBatchSize / 20",
            ParamChecks.inClosed(
                "clipCountNoiseStd",
                MIN_CLIP_COUNT_NOISE_STD,
                MAX_CLIP_COUNT_NOISE_STD,
                "[2^-27, 2^18]"));
    setDefault(adaptiveClipping, false);
    setDefault(averageIterates, true);
    setDefault(targetUnclippedQuantile, 0.5); // the median (Andrew et al. 2021, §4)
    setDefault(clipLearningRate, 0.2); // Andrew et al. 2021, §4
    setDefault(featuresCol, "features");
    setDefault(labelCol, "label");
    setDefault(predictionCol, "prediction");
    setDefault(epochs, DEFAULT_EPOCHS);
    setDefault(clipNorm, 1.0); // features in [-1, 1] or [0, 1] give gradients of norm ~1
    // learningRate: no static default here; unset, the run's η follows defaultLearningRate (the
    // noise rule). DPLinearRegression sets a static default (its loss is not bounded).
    setDefault(regParam, 0.0);
    setDefault(fitIntercept, true);
  }

  // ---- params (public no-argument accessors: Spark finds params by reflection on these) ----

  /**
   * Features column (vectors); default "features".
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public Param<String> featuresCol() {
    return featuresCol;
  }

  /**
   * Label column (numeric or boolean); default "label".
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public Param<String> labelCol() {
    return labelCol;
  }

  /**
   * Prediction column the model adds; default "prediction".
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public Param<String> predictionCol() {
    return predictionCol;
  }

  /**
   * Epochs, &ge; 1; default {@value #DEFAULT_EPOCHS}. The run takes epochs·⌊1/q⌋ steps.
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public IntParam epochs() {
    return epochs;
  }

  /**
   * Poisson sampling rate q in (0, 1]; set it or {@link #expectedBatchSize()}, or neither: then B =
   * max({@value #DEFAULT_MIN_BATCH}, N/{@value #DEFAULT_STEPS_PER_EPOCH}) units per step (q =
   * min(1, B/N)) when N is public, and q = 1/{@value #DEFAULT_STEPS_PER_EPOCH} when N is a DP count
   * ({@link #defaultSampleRate}).
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public DoubleParam sampleRate() {
    return sampleRate;
  }

  /**
   * Expected units per step B = q·N &gt; 0; requires {@link #numUnits()}; no default.
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public DoubleParam expectedBatchSize() {
    return expectedBatchSize;
  }

  /**
   * How a unit's clipped row gradients form its contribution to a step ({@link UnitGradient}):
   * {@code "mean"} (default), their mean, of norm &le; C with no second clip, so every unit weighs
   * the same however many rows it kept and C and η need no retuning with k; or {@code "sum"}, their
   * sum clipped to C. The sensitivity is C in both, so the noise and the cost are the same; one-row
   * units (row-level mode) are treated alike by both.
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public Param<String> unitGradient() {
    return unitGradient;
  }

  /**
   * {@link #unitGradient()} as a mode.
   *
   * @return the current value, or the default
   */
  public UnitGradient getUnitGradient() {
    return UnitGradient.of($(unitGradient));
  }

  /**
   * The public number of units N &ge; 1 (of rows, with {@code rowIsUnit}): it sets q = B/N with
   * {@link #expectedBatchSize()} and the divisor q·N of every step, and is not protected. Set it or
   * {@link #numUnitsNoiseStd()}.
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public LongParam numUnits() {
    return numUnits;
  }

  /**
   * σ in [1, 2^19] of the Gaussian noise on a DP count of the units (L2 sensitivity 1), for when N
   * is not public: the count is released before the first step and, rounded and at least 1, used as
   * N. Its event is composed into the run's event (one charge, one ledger entry, before any data is
   * read), and a {@code targetEpsilon} covers both. Set it or {@link #numUnits()}; it cannot serve
   * {@link #expectedBatchSize()}, since q must be known before the charge.
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public DoubleParam numUnitsNoiseStd() {
    return numUnitsNoiseStd;
  }

  /**
   * The public feature dimension d &ge; 1; unset means the vector size recorded in the features
   * column's ML attribute metadata. Rows whose features have another size are dropped.
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public IntParam numFeatures() {
    return numFeatures;
  }

  /**
   * L2 bound C &gt; 0 of each row's gradient and of each unit's contribution; default 1.
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public DoubleParam clipNorm() {
    return clipNorm;
  }

  /**
   * Constant learning rate &gt; 0. Unset (DPLogisticRegression's default), the run's η follows the
   * noise rule {@link #defaultLearningRate}; DPLinearRegression's default is 0.1.
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public DoubleParam learningRate() {
    return learningRate;
  }

  /**
   * L2 regularisation &ge; 0 (applied on the driver, intercept excluded); default 0.
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public DoubleParam regParam() {
    return regParam;
  }

  /**
   * Whether to fit an intercept; default true.
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public BooleanParam fitIntercept() {
    return fitIntercept;
  }

  /**
   * Noise multiplier z = σ/C &gt; 0; set it, or {@link #targetEpsilon()} and {@link
   * #targetDelta()}.
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public DoubleParam noiseMultiplier() {
    return noiseMultiplier;
  }

  /**
   * Target ε &gt; 0 of the whole run; z is the smallest that meets it (with {@link
   * #targetDelta()}).
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public DoubleParam targetEpsilon() {
    return targetEpsilon;
  }

  /**
   * Target δ in (0, 1) of the whole run.
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public DoubleParam targetDelta() {
    return targetDelta;
  }

  /**
   * Whether C adapts during the run (Andrew, Thakkar, McMahan, Ramaswamy 2021, "Differentially
   * Private Learning with Adaptive Clipping", Algorithm 1, geometric update); default false. With
   * it, {@link #clipNorm()} is the initial C₀, each step also releases a noisy count of the sampled
   * units left unclipped, and C moves towards the {@link #targetUnclippedQuantile()} of the units'
   * contribution norms. The charged event is unchanged: the gradient noise multiplier rises from z
   * to z_Δ = (z^-2 − (2σ_b)^-2)^-1/2 to pay for the count ({@link DpSgdPlan.AdaptiveClip}).
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public BooleanParam adaptiveClipping() {
    return adaptiveClipping;
  }

  /**
   * Whether the model is the mean of the iterates of the second half of the steps (tail averaging,
   * Polyak &amp; Juditsky 1992) rather than the last iterate; default true. The mean is computed
   * from the released noisy steps only, so it costs no privacy; it damps the noise's random walk.
   *
   * @return the param
   */
  public BooleanParam averageIterates() {
    return averageIterates;
  }

  /**
   * Sets {@link #averageIterates()}.
   *
   * @param value true: the tail mean; false: the last iterate
   * @return this estimator
   */
  public S setAverageIterates(boolean value) {
    set(averageIterates, value);
    return self();
  }

  /**
   * γ in (0, 1): the fraction of sampled units whose contribution adaptive clipping aims to leave
   * unclipped; default 0.5 (the median, Andrew et al. 2021 §4). Unused without {@link
   * #adaptiveClipping()}.
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public DoubleParam targetUnclippedQuantile() {
    return targetUnclippedQuantile;
  }

  /**
   * η_C &gt; 0: C ← C·exp(−η_C(b̃ − γ)) after each step; default 0.2 (Andrew et al. 2021 §4).
   * Unused without {@link #adaptiveClipping()}.
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public DoubleParam clipLearningRate() {
    return clipLearningRate;
  }

  /**
   * σ_b in [2^-27, 2^18] of the Gaussian noise on each step's centred count of unclipped units (L2
   * sensitivity ½); it must exceed z/2, and the closer it is to z/2 the more gradient noise z_Δ
   * pays for it. Unset: B/20 with B = q·N the expected batch size (Andrew et al. 2021 §3; clamped
   * to 2^18), which needs a public N ({@link #numUnits()}); set it when N is a DP count.
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public DoubleParam clipCountNoiseStd() {
    return clipCountNoiseStd;
  }

  // ---- setters (return the concrete type) ----

  /**
   * Sets {@link #adaptiveClipping()}.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public S setAdaptiveClipping(boolean value) {
    set(adaptiveClipping, value);
    return self();
  }

  /**
   * Sets {@link #targetUnclippedQuantile()}; the value is validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public S setTargetUnclippedQuantile(double value) {
    set(targetUnclippedQuantile, value);
    return self();
  }

  /**
   * Sets {@link #clipLearningRate()}; the value is validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public S setClipLearningRate(double value) {
    set(clipLearningRate, value);
    return self();
  }

  /**
   * Sets {@link #clipCountNoiseStd()}; the value is validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public S setClipCountNoiseStd(double value) {
    set(clipCountNoiseStd, value);
    return self();
  }

  /**
   * Sets {@link #featuresCol()}; the value is validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public S setFeaturesCol(String value) {
    set(featuresCol, value);
    return self();
  }

  /**
   * Sets {@link #labelCol()}; the value is validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public S setLabelCol(String value) {
    set(labelCol, value);
    return self();
  }

  /**
   * Sets {@link #predictionCol()}; the value is validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public S setPredictionCol(String value) {
    set(predictionCol, value);
    return self();
  }

  /**
   * Sets {@link #epochs()}; the value is validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public S setEpochs(int value) {
    set(epochs, value);
    return self();
  }

  /**
   * Sets {@link #sampleRate()}; the value is validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public S setSampleRate(double value) {
    set(sampleRate, value);
    return self();
  }

  /**
   * Sets {@link #expectedBatchSize()}; the value is validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public S setExpectedBatchSize(double value) {
    set(expectedBatchSize, value);
    return self();
  }

  /**
   * Sets {@link #numUnits()}; the value is validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public S setNumUnits(long value) {
    set(numUnits, value);
    return self();
  }

  /**
   * Sets {@link #numUnitsNoiseStd()}; the value is validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public S setNumUnitsNoiseStd(double value) {
    set(numUnitsNoiseStd, value);
    return self();
  }

  /**
   * The old name of {@link #setNumUnits} (N was the row count when every row was its own unit).
   *
   * @param value N, &ge; 1
   * @return this estimator, for chaining
   * @deprecated use {@link #setNumUnits}; saved estimators with the old param name do not load
   */
  @Deprecated
  public S setNumExamples(long value) {
    return setNumUnits(value);
  }

  /**
   * The old name of {@link #setNumUnitsNoiseStd}.
   *
   * @param value σ of the count, in [1, 2^19]
   * @return this estimator, for chaining
   * @deprecated use {@link #setNumUnitsNoiseStd}
   */
  @Deprecated
  public S setNumExamplesNoiseStd(double value) {
    return setNumUnitsNoiseStd(value);
  }

  /**
   * Sets {@link #unitGradient()}: "mean" or "sum"; any other value is refused at once with an
   * {@link IllegalArgumentException} naming the param and the allowed values.
   *
   * @param value {@code "mean"} or {@code "sum"}
   * @return this estimator, for chaining
   */
  public S setUnitGradient(String value) {
    set(unitGradient, value);
    return self();
  }

  /**
   * Sets {@link #numFeatures()}; the value is validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public S setNumFeatures(int value) {
    set(numFeatures, value);
    return self();
  }

  /**
   * Sets {@link #clipNorm()}; the value is validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public S setClipNorm(double value) {
    set(clipNorm, value);
    return self();
  }

  /**
   * Sets {@link #learningRate()}; the value is validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public S setLearningRate(double value) {
    set(learningRate, value);
    return self();
  }

  /**
   * Sets {@link #regParam()}; the value is validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public S setRegParam(double value) {
    set(regParam, value);
    return self();
  }

  /**
   * Sets {@link #fitIntercept()}; the value is validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public S setFitIntercept(boolean value) {
    set(fitIntercept, value);
    return self();
  }

  /**
   * Sets {@link #noiseMultiplier()}; the value is validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public S setNoiseMultiplier(double value) {
    set(noiseMultiplier, value);
    return self();
  }

  /**
   * Sets {@link #targetEpsilon()}; the value is validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public S setTargetEpsilon(double value) {
    set(targetEpsilon, value);
    return self();
  }

  /**
   * Sets {@link #targetDelta()}; the value is validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public S setTargetDelta(double value) {
    set(targetDelta, value);
    return self();
  }

  // ---- validation and planning ----

  final double dbl(DoubleParam p) {
    return (Double) $(p);
  }

  final long lng(LongParam p) {
    return (Long) $(p);
  }

  /**
   * Validates the params against each other and plans the run, without reading data or spending: q,
   * the number of steps, where N comes from (public, or a DP count) and z (given, or the smallest
   * that meets (targetEpsilon, targetDelta) for the whole run, count included, on the budget's
   * order grid). The step mechanism is built here, so a z it refuses spends nothing. With {@link
   * #adaptiveClipping()}, σ_b is resolved (set, or B/20) and z_Δ computed, and a σ_b with 2σ_b ≤ z
   * is refused.
   *
   * @return the plan: what the run will do and cost
   * @throws IllegalArgumentException naming the missing or conflicting params and how to fix them
   * @throws IllegalStateException if no budget is set
   */
  public DpSgdPlan plan() {
    requireBudget();
    double q;
    if (isSet(sampleRate) && isSet(expectedBatchSize)) {
      throw new IllegalArgumentException(
          "sampleRate or expectedBatchSize must be set, not both (clear one of them)");
    }
    boolean publicN = isSet(numUnits);
    if (!isSet(sampleRate) && !isSet(expectedBatchSize)) {
      q = defaultSampleRate(publicN ? lng(numUnits) : 0);
    } else if (isSet(sampleRate)) {
      q = dbl(sampleRate);
    } else {
      if (!publicN) {
        throw new IllegalArgumentException(
            "expectedBatchSize needs numUnits (the public number of units N), so that q ="
                + " expectedBatchSize / N is known before the budget is charged; set numUnits, or"
                + " set sampleRate instead");
      }
      double b = dbl(expectedBatchSize);
      long n = lng(numUnits);
      if (b > n) {
        throw new IllegalArgumentException(
            "expectedBatchSize must be <= numUnits (" + n + "); got " + b);
      }
      q = b / n;
    }
    if (publicN == isSet(numUnitsNoiseStd)) {
      throw new IllegalArgumentException(
          publicN
              ? "numUnits or numUnitsNoiseStd must be set, not both (clear one of them)"
              : "numUnits (the public number of units N; rows, with rowIsUnit) or numUnitsNoiseStd"
                  + " (to charge a DP count of the units and use it as N) must be set; got"
                  + " neither");
    }
    long n = publicN ? lng(numUnits) : 0;
    double countStd = publicN ? 0 : dbl(numUnitsNoiseStd);
    boolean hasZ = isSet(noiseMultiplier);
    boolean hasTarget = isSet(targetEpsilon) || isSet(targetDelta);
    if (hasZ == hasTarget) {
      throw new IllegalArgumentException(
          "noiseMultiplier, or targetEpsilon with targetDelta, must "
              + "be set"
              + (hasZ ? ", not both (clear one of them)" : "; got neither"));
    }
    if (hasTarget && !(isSet(targetEpsilon) && isSet(targetDelta))) {
      throw new IllegalArgumentException(
          "targetEpsilon and targetDelta must be set together; got "
              + (isSet(targetEpsilon) ? "targetEpsilon only" : "targetDelta only"));
    }
    int e = (int) $(epochs);
    long perEpoch = Math.max(1, (long) Math.floor(1 / q));
    long steps = Math.multiplyExact((long) e, perEpoch);
    OrderGrid grid = getBudget().grid();
    Accountant accountant = getBudget().accountant();
    double delta;
    double z;
    if (hasZ) {
      z = dbl(noiseMultiplier);
      delta = getBudget().delta();
      if (!(delta > 0)) {
        throw new IllegalArgumentException(
            "the budget's delta must be > 0 for DP-SGD (Gaussian "
                + "noise has no pure-DP bound); got "
                + delta);
      }
    } else {
      delta = dbl(targetDelta);
      z = calibrate(q, steps, dbl(targetEpsilon), delta, grid, countStd, accountant);
    }
    DpSgdPlan.AdaptiveClip adaptive = (boolean) $(adaptiveClipping) ? adaptiveClip(q, n, z) : null;
    DpSgdPlan plan =
        new DpSgdPlan(
            q,
            z,
            dbl(clipNorm),
            e,
            perEpoch,
            steps,
            delta,
            grid,
            n,
            countStd,
            adaptive,
            accountant);
    try {
      // Built here, before the charge, so that a z the mechanism refuses spends nothing.
      DpSgd.stepMechanism(
          new DpSgdPlan(q, z, dbl(clipNorm), e, perEpoch, steps, delta, grid, n, countStd));
    } catch (IllegalArgumentException ex) {
      throw new IllegalArgumentException(
          "noiseMultiplier must be in the Gaussian mechanism's range" + " [2^-26, 2^19]; got " + z,
          ex);
    }
    return plan;
  }

  /** Default epochs: enough passes for the noise rule's η to reach the optimum (docs/ML.md). */
  public static final int DEFAULT_EPOCHS = 10;

  /** Default steps per epoch (q = 1/50) when no batch size is given. */
  public static final int DEFAULT_STEPS_PER_EPOCH = 50;

  /** The smallest default expected batch, in units. */
  public static final int DEFAULT_MIN_BATCH = 256;

  /**
   * The largest default step ηC: the noise rule's η is capped so one step moves the weights by at
   * most this much. 32 is the step issue 17's unseen data set needed (η = 16 at C = 2); with tail
   * averaging ({@link #averageIterates()}) such steps are stable on Adult too (validation accuracy
   * 0.8487 ± 0.0004 at ηC = 32 against 0.8265 ± 0.0307 without averaging; docs/BENCHMARKS.md).
   */
  public static final double DEFAULT_MAX_STEP = 32;

  /**
   * The default Poisson rate when neither sampleRate nor expectedBatchSize is set: B = max(256,
   * N/50) units per step, q = min(1, B/N), for a public N; q = 1/50 when N is a DP count (0 here).
   * Each step reads every cached unit whatever B is (Poisson sampling), so the cost of a run is its
   * number of steps: a fixed number of steps per epoch with the largest batch that still gives
   * them. Larger batches also divide the noise zC by a larger B (the SNR argument at {@link
   * #defaultLearningRate}).
   *
   * @param numUnits the public N, or 0 when N is a DP count
   * @return q in (0, 1]
   */
  public static double defaultSampleRate(long numUnits) {
    if (numUnits <= 0) {
      return 1.0 / DEFAULT_STEPS_PER_EPOCH;
    }
    double b = Math.max(DEFAULT_MIN_BATCH, (double) numUnits / DEFAULT_STEPS_PER_EPOCH);
    return Math.min(1.0, b / numUnits);
  }

  /**
   * The learning rate of the noise rule: η = min(B / (z·√T), {@value #DEFAULT_MAX_STEP}) / C, with
   * B = q·N the expected batch, z the noise multiplier, T the steps and C the clip norm.
   *
   * <p>Why. A step adds noise of std zC/B per coordinate to the mean gradient, so after T steps the
   * weights carry noise of std η·√T·zC/B per coordinate, while the clipped signal moves them by up
   * to ηTC. The rule sets the accumulated noise to one unit of weight per coordinate (features in
   * [0, 1] from PublicFeatureEncoder, so a unit of weight is a unit of logit per active feature):
   * as large a step as the noise allows, so the run does not stop short of the optimum (the
   * README's η = 2 did: AUC 0.66–0.70 on unseen data), and smaller steps when the noise is larger
   * (small ε, small B). The cap bounds the step when the noise is small, and tail averaging damps
   * the oscillation of large steps. η scales as 1/C, so the trajectory does not depend on C while
   * every gradient is clipped.
   *
   * @param plan the run's plan (q, z, steps, C)
   * @param numUnits N: public, or the DP count used as N
   * @return η &gt; 0
   */
  public static double defaultLearningRate(DpSgdPlan plan, long numUnits) {
    double b = Math.max(1.0, plan.sampleRate() * numUnits);
    double step = b / (plan.noiseMultiplier() * Math.sqrt(plan.steps()));
    return Math.min(step, DEFAULT_MAX_STEP) / plan.clipNorm();
  }

  /**
   * The run's learning rate: {@link #learningRate()} when set (or given a default by the subclass),
   * else {@link #defaultLearningRate}.
   *
   * @param plan the run's plan
   * @param numUnits N: public, or the DP count used as N
   * @return η &gt; 0
   */
  public double learningRateFor(DpSgdPlan plan, long numUnits) {
    return isDefined(learningRate) ? dbl(learningRate) : defaultLearningRate(plan, numUnits);
  }

  /**
   * Adaptive clipping's settings for a run of rate q, public N {@code n} (0 when counted) and
   * charged multiplier z: σ_b (set, or B/20 clamped to the param's range) and z_Δ, refused when
   * 2σ_b ≤ z or when z_Δ would leave the Gaussian mechanism's range (so no step can refuse it
   * later).
   */
  private DpSgdPlan.AdaptiveClip adaptiveClip(double q, long n, double z) {
    double sigmaB;
    if (isSet(clipCountNoiseStd)) {
      sigmaB = dbl(clipCountNoiseStd);
    } else if (n >= 1) {
      // Andrew et al. 2021 §3: σ_b = B/20 keeps the count's noise ~5% of the batch.
      sigmaB = Math.min(MAX_CLIP_COUNT_NOISE_STD, Math.max(MIN_CLIP_COUNT_NOISE_STD, q * n / 20));
    } else {
      throw new IllegalArgumentException(
          "clipCountNoiseStd must be set when adaptiveClipping is on and N is a DP count"
              + " (numUnitsNoiseStd): its default, expectedBatchSize / 20, needs the public"
              + " numUnits before the budget is charged; set clipCountNoiseStd (> noiseMultiplier /"
              + " 2 = "
              + z / 2
              + ")");
    }
    double zDelta = DpSgdPlan.AdaptiveClip.gradientNoiseMultiplier(z, sigmaB);
    if (!(zDelta <= MAX_GRADIENT_NOISE_MULTIPLIER)) {
      // Smallest σ_b giving z_Δ within range: z_Δ ≤ M ⇔ 2σ_b ≥ z / sqrt(1 − (z/M)²).
      double min =
          z / (2 * Math.sqrt(1 - Math.pow(z / MAX_GRADIENT_NOISE_MULTIPLIER, 2))) * (1 + 0x1p-30);
      throw new IllegalArgumentException(
          "clipCountNoiseStd must be > noiseMultiplier / 2 = "
              + z / 2
              + " with adaptiveClipping (the count's noise is paid for by raising the gradient"
              + " noise multiplier to (z^-2 - (2 clipCountNoiseStd)^-2)^-1/2, which must stay"
              + " <= 2^18), so at least "
              + min
              + "; got "
              + sigmaB
              + (isSet(clipCountNoiseStd)
                  ? ""
                  : " (the default expectedBatchSize / 20: set clipCountNoiseStd, raise the"
                      + " batch size, or lower the noise)")
              + "; nothing was charged");
    }
    // Built here so that no step can refuse it after the charge (σ_b's range makes 2σ_b valid).
    DpSgd.clipCountMechanism(sigmaB);
    return new DpSgdPlan.AdaptiveClip(
        dbl(targetUnclippedQuantile), dbl(clipLearningRate), sigmaB, zDelta);
  }

  /**
   * The range of {@link #clipCountNoiseStd()}: the count mechanism's σ/Δ = 2σ_b in [2^-26, 2^19].
   */
  static final double MIN_CLIP_COUNT_NOISE_STD = 0x1p-27;

  static final double MAX_CLIP_COUNT_NOISE_STD = 0x1p18;

  /**
   * The largest z_Δ: half the Gaussian mechanism's largest σ/Δ (2^19), so that σ = z_Δ·C_t over
   * C_t, rounded, never leaves its range at any C_t a step meets.
   */
  static final double MAX_GRADIENT_NOISE_MULTIPLIER = 0x1p18;

  /**
   * The smallest z for which the run, with the count's event when N is counted ({@code countStd}
   * &gt; 0), is (ε, δ)-DP by the budget's accountant: RDP on {@code grid}, or PLD (a smaller z for
   * the same target, since PLD accounting is tighter; docs/ACCOUNTING.md).
   */
  private static double calibrate(
      double q,
      long steps,
      double epsilon,
      double delta,
      OrderGrid grid,
      double countStd,
      Accountant accountant) {
    try {
      if (accountant == Accountant.PLD) {
        if (countStd == 0) {
          return PldAccountant.dpSgdNoiseMultiplier(q, steps, epsilon, delta);
        }
        PrivacyEvent count = DpSgd.countMechanism(countStd).event();
        return Calibration.smallestSatisfying(
            z -> {
              try {
                return PldAccountant.epsilon(
                        ComposedEvent.of(count, new SampledGaussianEvent(q, z, steps)), delta)
                    <= epsilon;
              } catch (IllegalArgumentException e) {
                return false; // a z too extreme to discretise does not meet the target
              }
            },
            1.0);
      }
      if (countStd == 0) {
        return Calibration.dpSgdNoiseMultiplier(q, steps, epsilon, delta, grid);
      }
      PrivacyEvent count = DpSgd.countMechanism(countStd).event();
      return Calibration.smallestSatisfying(
          z ->
              RdpAccountant.epsilonOf(
                          ComposedEvent.of(count, new SampledGaussianEvent(q, z, steps)),
                          delta,
                          grid)
                      .epsilon()
                  <= epsilon,
          1.0);
    } catch (ArithmeticException ex) {
      throw new IllegalArgumentException(
          "targetEpsilon must be reachable at targetDelta "
              + delta
              + " with q "
              + q
              + " and "
              + steps
              + " steps"
              + (countStd == 0 ? "" : " after the count at numUnitsNoiseStd " + countStd)
              + " on the budget's order grid; got "
              + epsilon,
          ex);
    }
  }

  /**
   * Checks the features column (vectors), the label column (numeric or boolean) and the privacy
   * unit params against the schema ({@link PrivacyUnitParams#resolve}), then adds the model's
   * output columns.
   */
  @Override
  public StructType transformSchema(StructType schema) {
    unitSettings(schema);
    StructField features = field(schema, $(featuresCol), "featuresCol");
    if (!(features.dataType() instanceof VectorUDT)) {
      throw new IllegalArgumentException(
          "featuresCol '"
              + $(featuresCol)
              + "' must be a vector column; got "
              + features.dataType().simpleString());
    }
    StructField label = field(schema, $(labelCol), "labelCol");
    DataType t = label.dataType();
    if (!(t instanceof NumericType) && !(t instanceof BooleanType)) {
      throw new IllegalArgumentException(
          "labelCol '"
              + $(labelCol)
              + "' must be a numeric or boolean column; got "
              + t.simpleString());
    }
    return outputSchema(schema);
  }

  /**
   * The public feature dimension: {@link #numFeatures()}, else the size in the features column's
   * metadata. Read from the schema only, so it is known before the charge.
   *
   * @throws IllegalArgumentException if neither gives a size, or the two disagree
   */
  int publicDimension(StructType schema) {
    int d = dimension(schema);
    if (d > MAX_FEATURES) {
      // Clipping's floating-point margin (DpSgd.clipTarget) holds below this dimension.
      throw new IllegalArgumentException(
          "the feature dimension (numFeatures or featuresCol's metadata) must be"
              + " in [1, "
              + MAX_FEATURES
              + "]; got "
              + d);
    }
    return d;
  }

  /**
   * The range of clipNorm: far from both ends of the double range, so that no norm near C
   * underflows or overflows while a contribution is clipped and summed.
   */
  static final double MIN_CLIP_NORM = 0x1p-500;

  static final double MAX_CLIP_NORM = 0x1p500;

  /**
   * The largest feature dimension: DpSgd.clipTarget's margin covers the norm's rounding below 2^23.
   */
  static final int MAX_FEATURES = 1 << 22;

  private int dimension(StructType schema) {
    String f = $(featuresCol);
    int recorded = AttributeGroup.fromStructField(field(schema, f, "featuresCol")).size();
    if (isSet(numFeatures)) {
      int d = (int) $(numFeatures);
      if (recorded >= 0 && recorded != d) {
        throw new IllegalArgumentException(
            "numFeatures must equal the size "
                + recorded
                + " recorded in featuresCol '"
                + f
                + "' metadata; got "
                + d
                + " (clear numFeatures, or set it to "
                + recorded
                + ")");
      }
      return d;
    }
    if (recorded < 0) {
      throw new IllegalArgumentException(
          "numFeatures must be set: featuresCol '"
              + f
              + "' records no vector size in its metadata, and the dimension must be public before"
              + " the budget is charged (set numFeatures, or encode the features with"
              + " PublicFeatureEncoder)");
    }
    return recorded;
  }

  static StructField field(StructType schema, String name, String param) {
    for (StructField f : schema.fields()) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        param
            + " must name a column of the input; got '"
            + name
            + "', columns: "
            + String.join(", ", schema.fieldNames()));
  }

  /** The schema with the model's output columns added. */
  abstract StructType outputSchema(StructType schema);

  /** The loss whose gradient is clipped. */
  abstract DpSgd.Loss loss();

  /**
   * Which finite labels the loss accepts; rows with other labels are dropped (the per-row rule).
   * Runs on the executors, so it must not capture the estimator.
   */
  abstract LabelRule labelRule();

  /** The model for the trained weights. */
  abstract M newModel(
      String modelUid, double[] coefficients, double intercept, PrivacyRecord record);

  /** The largest {@link #numUnitsNoiseStd()}: the Gaussian mechanism's largest σ/Δ, Δ = 1. */
  static final double MAX_COUNT_NOISE_STD = 0x1p19;

  /** Mechanism label recorded in the ledger. */
  static final String MECHANISM = "dp-sgd";

  /**
   * The privacy-unit params resolved against {@code schema}, and the unit column's type checked:
   * reads no data.
   */
  PrivacyUnitParams.Resolved unitSettings(StructType schema) {
    PrivacyUnitParams.Resolved unit = privacyUnitParams().resolve(schema);
    if (unit.column() != null) {
      String problem =
          SparkKeys.problem(
              "privacyUnitCol", unit.column(), schema.apply(unit.column()).dataType(), true);
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
    }
    return unit;
  }

  /**
   * Step 1 of {@link #fit}, without the budget's claim check: params, schema and plan validated,
   * nothing read, nothing charged. Internal (for {@link DPTuner}, which validates every candidate
   * before its one charge).
   */
  Prepared prepare(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    DpSgdPlan plan = plan();
    PrivacyUnitParams.Resolved unit = unitSettings(dataset.schema());
    UnitClaim claim = claim(unit);
    int d = publicDimension(dataset.schema());
    String source =
        plan.countsUnits()
            ? "N=DP count of units at sigma " + plan.numUnitsNoiseStd()
            : "N=" + plan.numUnits();
    UnitGradient mode = getUnitGradient();
    DpSgdPlan.AdaptiveClip adaptive = plan.adaptiveClip();
    // Params only (no private value): what the ledger entry and the log say about adaptive C.
    String clipText =
        adaptive == null
            ? "clipNorm=" + plan.clipNorm()
            : String.format(
                Locale.ROOT,
                "adaptiveClipping: initial clipNorm=%s, targetUnclippedQuantile=%s,"
                    + " clipLearningRate=%s, clipCountNoiseStd=%s, gradient z=%s",
                plan.clipNorm(),
                adaptive.targetQuantile(),
                adaptive.learningRate(),
                adaptive.countNoiseStd(),
                adaptive.gradientNoiseMultiplier());
    // The mode changes nothing for one-row units, so the row-level text omits it.
    String unitText =
        unit.rowIsUnit()
            ? "rowIsUnit"
            : "unitCol="
                + unit.column()
                + ", maxRowsPerUnit="
                + unit.maxRowsPerUnit()
                + ", unitGradient="
                + mode.value();
    if (!unit.rowIsUnit()) {
      // The bounding plan, analysed with a throwaway salt and never executed (no RDD, so adaptive
      // execution runs no stage): a unit column Spark cannot hash or group is refused here, not
      // after the charge.
      try {
        UnitRows.plan(dataset, unit.column(), $(featuresCol), $(labelCol), new byte[8]).schema();
      } catch (Exception e) {
        if (e instanceof org.apache.spark.sql.AnalysisException a) {
          throw new IllegalArgumentException(
              "privacyUnitCol '"
                  + unit.column()
                  + "' cannot be bounded: "
                  + a.getErrorClass()
                  + "; nothing was charged",
              e);
        }
        throw e;
      }
    }
    return new Prepared(plan, unit, claim, d, mode, unitText, source, clipText);
  }

  /**
   * What {@link #prepare} validated and planned: all public.
   *
   * @param plan the run's plan and event
   * @param unit the resolved privacy-unit params
   * @param claim the unit claim the charge makes
   * @param dimension the public feature dimension d
   * @param mode how a unit's gradients combine
   * @param unitText the unit settings, for the ledger's description
   * @param source where N comes from, for the ledger's description
   * @param clipText the clipping settings (params only), for the ledger's description
   */
  record Prepared(
      DpSgdPlan plan,
      PrivacyUnitParams.Resolved unit,
      UnitClaim claim,
      int dimension,
      UnitGradient mode,
      String unitText,
      String source,
      String clipText) {}

  @Override
  public M fit(Dataset<?> dataset) {
    // RDDs, broadcasts and treeAggregate: refused under Spark Connect before anything is read.
    ClassicSession.require("dataset", dataset, getClass().getSimpleName() + ".fit");
    // 1. Validate and plan: nothing read, nothing spent.
    PrivacyBudget budget = requireBudget();
    Prepared prepared = prepare(dataset);
    DpSgdPlan plan = prepared.plan();
    PrivacyUnitParams.Resolved unit = prepared.unit();
    UnitClaim claim = prepared.claim();
    budget.checkClaim(claim); // a unit the budget does not protect is refused here
    int d = prepared.dimension();
    String stage = stageName();
    PrivacyEvent event = plan.event();
    double epsilon = plan.epsilon();
    String source = prepared.source();
    UnitGradient mode = prepared.mode();
    String unitText = prepared.unitText();
    String clipText = prepared.clipText();
    // 2. Charge the whole run (with the count, when N is counted) before any data is touched.
    Secret releaseSecret = Secret.generate();
    Charge charge =
        budget.charge(
            event,
            claim,
            MECHANISM,
            String.format(
                Locale.ROOT,
                "%s: features=%s, label=%s, %s, q=%s, z=%s, steps=%d, %s, %s",
                stage,
                $(featuresCol),
                $(labelCol),
                unitText,
                plan.sampleRate(),
                plan.noiseMultiplier(),
                plan.steps(),
                clipText,
                source),
            releaseSecret.releaseId());
    ReleaseKey key = ReleaseKey.of(releaseSecret, charge.releaseId());
    LOG.info(
        String.format(
            Locale.ROOT,
            "%s: charged DP-SGD run (%s, q=%.6g, z=%.6g, %d steps, %s, %s): epsilon %.4f at delta"
                + " %.3g per %s",
            stage,
            unitText,
            plan.sampleRate(),
            plan.noiseMultiplier(),
            plan.steps(),
            clipText,
            source,
            epsilon,
            plan.delta(),
            unit.unit() == null ? "unit" : unit.unit()));
    PrivacyRecord.Unit provenance =
        new PrivacyRecord.Unit(
            unit.unit(),
            unit.rowIsUnit(),
            unit.maxRowsPerUnit(),
            charge.ledgerOrigin(),
            charge.ledgerIndex());
    // 3. Read the data; a failure from here on names no value of it.
    return DataPhase.run(
        stage, () -> train(dataset, plan, unit, mode, key, provenance, d, epsilon, stage, true));
  }

  /**
   * Step 3 of {@link #fit} alone, under a key whose release some other charge paid for: charges
   * nothing. Internal to this package: {@link DPTuner} runs its repetitions through it after its
   * one charge, each under its own part of the tuner's release key. The caller must wrap it in
   * {@link DataPhase#run} and must have charged an event that covers this run.
   *
   * <p>It logs no progress: a repetition's outputs are not released, and neither is how many ran.
   *
   * @param epsilon the ε the model records (the charge's, not this run's alone)
   */
  M trainUncharged(
      Dataset<?> dataset,
      Prepared prepared,
      ReleaseKey key,
      PrivacyRecord.Unit provenance,
      double epsilon) {
    return train(
        dataset,
        prepared.plan(),
        prepared.unit(),
        prepared.mode(),
        key,
        provenance,
        prepared.dimension(),
        epsilon,
        stageName(),
        false);
  }

  /** The features column's name. */
  String featuresColName() {
    return $(featuresCol);
  }

  /** The label column's name. */
  String labelColName() {
    return $(labelCol);
  }

  /** Step 3 of {@link #fit}: runs after the charge. */
  private M train(
      Dataset<?> dataset,
      DpSgdPlan plan,
      PrivacyUnitParams.Resolved unit,
      UnitGradient mode,
      ReleaseKey key,
      PrivacyRecord.Unit provenance,
      int d,
      double epsilon,
      String stage,
      boolean reportProgress) {
    JavaRDD<DpSgd.Example[]> units =
        (unit.rowIsUnit()
                ? UnitRows.oneRowUnits(dataset, $(featuresCol), $(labelCol), d, labelRule())
                : UnitRows.bounded(
                    dataset,
                    unit.column(),
                    $(featuresCol),
                    $(labelCol),
                    d,
                    labelRule(),
                    unit.maxRowsPerUnit(),
                    key.derive(DpSgd.BOUNDING_LABEL)))
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      // N: public, or the DP count released first (the exact count is never used).
      long n =
          plan.countsUnits()
              ? DpSgd.noisyCount(units, plan.numUnitsNoiseStd(), key)
              : plan.numUnits();
      DpSgd.Settings settings =
          new DpSgd.Settings(
              plan,
              loss(),
              mode,
              (boolean) $(fitIntercept),
              learningRateFor(plan, n),
              dbl(regParam),
              n,
              d,
              stage,
              reportProgress,
              // The noise rule chose the step ηC: under adaptive clipping it is kept as C_t moves.
              plan.adaptiveClip() != null && !isDefined(learningRate),
              (boolean) $(averageIterates));
      DpSgd.Result result = DpSgd.train(units, settings, key);
      PrivacyRecord record =
          new PrivacyRecord(
              plan.sampleRate(),
              plan.noiseMultiplier(),
              plan.steps(),
              result.clipNorm(),
              mode,
              result.noiseStd(),
              epsilon,
              plan.delta(),
              n,
              plan.numUnitsNoiseStd(),
              provenance,
              plan.adaptive()
                  ? new PrivacyRecord.AdaptiveClipping(
                      plan.clipNorm(),
                      plan.adaptiveClip().targetQuantile(),
                      plan.adaptiveClip().learningRate(),
                      plan.adaptiveClip().countNoiseStd(),
                      plan.adaptiveClip().gradientNoiseMultiplier())
                  : null);
      M model = newModel(uid() + "_model", result.coefficients(), result.intercept(), record);
      copyValues(model, ParamMap.empty());
      return model.setParent(this);
    } finally {
      units.unpersist(false);
    }
  }

  /**
   * The rows as examples (label as double, booleans as 0/1), with the per-row rule applied: a row
   * is dropped when its features are null or not of size {@code dimension}, or its label is null,
   * not finite or refused by {@code rule}. Each row's fate depends on that row alone.
   */
  static JavaRDD<DpSgd.Example> examples(
      Dataset<?> dataset, String featuresCol, String labelCol, int dimension, LabelRule rule) {
    boolean booleanLabel =
        field(dataset.schema(), labelCol, "labelCol").dataType() instanceof BooleanType;
    return dataset
        .select(col(featuresCol), col(labelCol))
        .toJavaRDD()
        .filter(
            (Row r) -> {
              if (r.isNullAt(0) || r.isNullAt(1) || ((Vector) r.get(0)).size() != dimension) {
                return false;
              }
              double label = label(r, booleanLabel);
              return Double.isFinite(label) && rule.accepts(label);
            })
        .map((Row r) -> new DpSgd.Example(label(r, booleanLabel), (Vector) r.get(0)));
  }

  private static double label(Row r, boolean booleanLabel) {
    return booleanLabel ? (r.getBoolean(1) ? 1 : 0) : ((Number) r.get(1)).doubleValue();
  }

  /** A serializable rule on finite labels (the estimator itself stays on the driver). */
  interface LabelRule extends java.io.Serializable {
    boolean accepts(double label);
  }
}
