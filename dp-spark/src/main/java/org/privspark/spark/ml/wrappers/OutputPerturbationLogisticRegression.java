package org.privspark.spark.ml.wrappers;

import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.mechanism.GaussianMechanism;
import org.privspark.core.noise.NoiseSource;
import org.privspark.core.noise.ReleaseKey;
import org.privspark.spark.ml.DataPhase;
import org.privspark.spark.ml.params.ParamChecks;

/**
 * Differentially private binary logistic regression by <em>output perturbation</em> (Chaudhuri,
 * Monteleoni &amp; Sarwate, JMLR 12, 2011, Alg. 1, with Gaussian noise), at the level of the
 * privacy unit. Not DP-SGD: that is {@link org.privspark.spark.ml.DPLogisticRegression}. A Spark ML
 * {@link org.apache.spark.ml.Estimator}; its {@link OutputPerturbationLogisticRegressionModel}
 * transforms as MLlib's {@link LogisticRegressionModel}.
 *
 * <p><b>Algorithm.</b> Each unit keeps at most k = {@code maxRowsPerUnit} of its rows ({@link
 * UnitRowBound}; all rows in row-level mode). Features are scaled so that ‖x‖₂ ≤ R; with an
 * intercept, x̃ = (x, 1); labels 0/1 become y = ∓1 (other labels are dropped by a per-row rule).
 * The wrapper minimises the <em>sum-form</em> objective F_D(θ) = Σ_{i∈D} log(1 + exp(−y_i θᵀx̃_i))
 * + (Λ/2)‖θ‖² by damped Newton ({@link LogisticSolver}) until ‖∇F_D(θ̂)‖ ≤ γ/2, γ = 10⁻⁶·ζ, and
 * releases θ̂ + N(0, σ²I) with dp-core's {@link GaussianMechanism} calibrated to (ε, δ) for L2
 * sensitivity Δ = (k·ζ + 2γ)/Λ, ζ = √(R² + 1) (or R without intercept).
 *
 * <p><b>Sensitivity for a unit of k rows.</b> Each per-row loss is convex with ‖∇ℓ‖ ≤ ζ, and F_D is
 * Λ-strongly convex. Let D' = D ∪ U with U a unit of at most k rows (after bounding). At θ' =
 * θ*_{D'}, ∇F_D(θ') = −Σ_{z∈U} ∇ℓ_z(θ'), and strong convexity of F_D gives Λ‖θ' − θ*_D‖² ≤
 * ⟨∇F_D(θ') − ∇F_D(θ*_D), θ' − θ*_D⟩ ≤ ‖Σ_{z∈U} ∇ℓ_z(θ')‖·‖θ' − θ*_D‖ ≤ kζ‖θ' − θ*_D‖, so ‖θ*_D −
 * θ*_{D'}‖ ≤ kζ/Λ: Chaudhuri et al.'s argument with the unit's summed gradient in place of one
 * row's. The sum form needs no row count n (in their averaged form, 2/(nλ) per row becomes 2k/(nλ)
 * with Λ = nλ). The convergence tolerance adds 2γ/Λ as before (‖θ̂ − θ*‖ ≤ γ/Λ on each side). So
 * the proof extends with the sensitivity scaled by k, and {@code maxRowsPerUnit > 1} is accepted.
 * <b>Convergence assumption:</b> as in the row-level proof, the floating-point gradient's rounding
 * error is below γ/2 (about n·2⁻⁵²·ζ; fewer than about 10⁹ rows). When the stopping test is not met
 * within {@code maxIter} passes, {@code fit} throws {@link IllegalStateException} instead of
 * releasing; the budget stays spent.
 *
 * <p><b>Guarantee.</b> (ε, δ)-DP per unit under those assumptions: the charged event is the
 * Gaussian mechanism's {@code DiscreteGaussianEvent} for p = dim θ entries at sensitivity Δ. R, Λ,
 * p, k and the stopping rule are public.
 *
 * <p>Here numFeatures is in [1, 1000]. Not thread-safe. See {@link UnitLevelEstimator}.
 */
public final class OutputPerturbationLogisticRegression
    extends ProbabilisticUnitEstimator<
        OutputPerturbationLogisticRegressionModel,
        OutputPerturbationLogisticRegression,
        OutputPerturbationLogisticRegression.Plan> {
  private static final long serialVersionUID = 1L;

  /** The mechanism label charged. */
  static final String MECHANISM = "ml-logistic-regression-output-perturbation";

  private final DoubleParam delta;
  private final DoubleParam maxFeatureNorm;
  private final DoubleParam regParam;
  private final BooleanParam fitIntercept;
  private final IntParam maxIter;

  /** A new estimator with a fresh uid and the defaults (intercept on, maxIter 100). */
  public OutputPerturbationLogisticRegression() {
    this(Identifiable.randomUID("outputPerturbationLogReg"));
  }

  /** An estimator with the given uid (Spark's readers call this). */
  public OutputPerturbationLogisticRegression(String uid) {
    super(uid);
    delta =
        new DoubleParam(
            uid, "delta", "delta of the fit, in (0, 1)", ParamChecks.inOpen("delta", 0, 1));
    maxFeatureNorm =
        new DoubleParam(
            uid,
            "maxFeatureNorm",
            "public L2 bound R on each row's features, finite and > 0",
            ParamChecks.positiveFinite("maxFeatureNorm"));
    regParam =
        new DoubleParam(
            uid,
            "regParam",
            "regularisation Lambda of the sum-form objective (MLlib's regParam times n), finite and"
                + " > 0",
            ParamChecks.positiveFinite("regParam"));
    fitIntercept =
        new BooleanParam(uid, "fitIntercept", "whether to fit an intercept (regularised too)");
    maxIter =
        new IntParam(
            uid,
            "maxIter",
            "the most passes over the data the solver may make, in [1, 10000]",
            ParamChecks.intInClosed("maxIter", 1, 10_000));
    setDefault(fitIntercept, true); // MLlib's default
    setDefault(maxIter, 100); // MLlib's default; Newton typically needs about 10 passes
  }

  /**
   * δ in (0, 1). Required.
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public DoubleParam delta() {
    return delta;
  }

  /**
   * The public bound R on ‖x‖₂, finite and &gt; 0; longer rows are scaled down. Required.
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public DoubleParam maxFeatureNorm() {
    return maxFeatureNorm;
  }

  /**
   * Λ of the sum-form objective, finite and &gt; 0: MLlib's {@code regParam} (averaged form) times
   * n; choose it from a public lower bound on n. σ scales as k/Λ. Required.
   */
  public DoubleParam regParam() {
    return regParam;
  }

  /**
   * Whether to fit an intercept; default true (it is regularised with the coefficients).
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public BooleanParam fitIntercept() {
    return fitIntercept;
  }

  /**
   * The most solver passes, in [1, 10000]; default 100.
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public IntParam maxIter() {
    return maxIter;
  }

  /**
   * Sets {@link #delta()}; validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public OutputPerturbationLogisticRegression setDelta(double value) {
    set(delta, value);
    return this;
  }

  /**
   * Sets {@link #maxFeatureNorm()}; validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public OutputPerturbationLogisticRegression setMaxFeatureNorm(double value) {
    set(maxFeatureNorm, value);
    return this;
  }

  /**
   * Sets {@link #regParam()}; validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public OutputPerturbationLogisticRegression setRegParam(double value) {
    set(regParam, value);
    return this;
  }

  /**
   * Sets {@link #fitIntercept()}.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public OutputPerturbationLogisticRegression setFitIntercept(boolean value) {
    set(fitIntercept, value);
    return this;
  }

  /**
   * Sets {@link #maxIter()}; validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public OutputPerturbationLogisticRegression setMaxIter(int value) {
    set(maxIter, value);
    return this;
  }

  /** One fit: the solver and the Gaussian mechanism at sensitivity (k·ζ + 2γ)/Λ. */
  record Plan(
      int rowsPerUnit,
      int numFeatures,
      boolean fitIntercept,
      double sensitivity,
      double delta,
      LogisticSolver solver,
      GaussianMechanism gaussian,
      String description)
      implements WrapperPlan {
    @Override
    public PrivacyEvent event() {
      return gaussian.eventFor(p());
    }

    @Override
    public String mechanism() {
      return MECHANISM;
    }

    int p() {
      return numFeatures + (fitIntercept ? 1 : 0);
    }

    /** σ of the noise on each coefficient. */
    double sigma() {
      return gaussian.sigma();
    }

    /** θ + Gaussian noise of the calibrated σ. */
    double[] release(double[] theta, NoiseSource source) {
      if (theta.length != p()) {
        throw new IllegalArgumentException(
            "theta must hold " + p() + " values; got " + theta.length);
      }
      return gaussian.release(theta, source).values();
    }
  }

  /** Δ = (k·ζ + 2γ)/Λ with γ = 10⁻⁶·ζ, rounded up. */
  static double sensitivity(double lipschitz, int k, double regParam) {
    double zeta = Math.nextUp(lipschitz);
    double gamma2 = Math.nextUp(2 * LogisticSolver.GRADIENT_BOUND * zeta);
    return Math.nextUp(Math.nextUp(WrapperSupport.timesK(zeta, k) + gamma2) / regParam);
  }

  @Override
  Plan plan(int k) {
    double eps = (Double) required(epsilon());
    double del = (Double) required(delta);
    int d = dimension(1000);
    double r = (Double) required(maxFeatureNorm);
    double lambda = (Double) required(regParam);
    boolean intercept = (Boolean) $(fitIntercept);
    LogisticSolver solver = new LogisticSolver(d, r, lambda, intercept, integer(maxIter));
    double sensitivity = sensitivity(solver.lipschitz(), k, lambda);
    GaussianMechanism gaussian =
        GaussianMechanism.builder().epsilon(eps).delta(del).l2Sensitivity(sensitivity).build();
    String description =
        String.format(
            Locale.ROOT,
            "logistic regression output perturbation: features=%d, intercept=%s, maxFeatureNorm=%s,"
                + " regParam=%s, epsilon=%s, delta=%s",
            d,
            intercept,
            r,
            lambda,
            eps,
            del);
    return new Plan(k, d, intercept, sensitivity, del, solver, gaussian, description);
  }

  @Override
  void checkInput(StructType schema) {
    WrapperSupport.checkVectorColumn(
        schema, "featuresCol", $(featuresCol()), (Integer) required(numFeatures()));
    WrapperSupport.checkLabelColumn(schema, "labelCol", $(labelCol()), 2);
  }

  @Override
  OutputPerturbationLogisticRegressionModel train(
      Dataset<Row> rows, Plan plan, ReleaseKey key, WrapperRecord record, String stage) {
    // After the charge: a failure names no value of the data (DataPhase). Non-convergence is the
    // one outcome that depends on the data and is reported (a public message, below).
    double[] noisy =
        DataPhase.run(
            stage,
            () -> {
              double[] theta = plan.solver().minimise(rows.toJavaRDD());
              return theta == null
                  ? null
                  : plan.release(theta, WrapperSupport.source(key, "logistic-regression/output"));
            });
    if (noisy == null) {
      throw new IllegalStateException(plan.solver().notConvergedMessage());
    }
    int d = plan.numFeatures();
    LogisticRegressionModel model =
        new LogisticRegressionModel(
            uid() + "_mllib",
            Vectors.dense(Arrays.copyOf(noisy, d)),
            plan.fitIntercept() ? noisy[d] : 0);
    return new OutputPerturbationLogisticRegressionModel(uid() + "_model", model, record);
  }

  @Override
  public OutputPerturbationLogisticRegression copy(ParamMap extra) {
    return copyTo(new OutputPerturbationLogisticRegression(uid()), extra);
  }

  /**
   * Reads an estimator saved with {@code write().save(path)} (its params; no budget, no secret).
   */
  public static MLReader<OutputPerturbationLogisticRegression> read() {
    return new DefaultParamsReader<>();
  }

  /** Loads what {@code write().save(path)} saved. */
  public static OutputPerturbationLogisticRegression load(String path) {
    return read().load(path);
  }
}
