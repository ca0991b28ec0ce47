package org.privspark.spark.ml.wrappers;

import java.util.Locale;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.DecompositionSolver;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.mechanism.Centering;
import org.privspark.core.mechanism.GaussianMechanism;
import org.privspark.core.noise.NoiseSource;
import org.privspark.core.noise.ReleaseKey;
import org.privspark.spark.ml.DataPhase;
import org.privspark.spark.ml.params.ParamChecks;

/**
 * Differentially private least-squares linear regression by <em>sufficient-statistics
 * perturbation</em>, at the level of the privacy unit. A Spark ML {@link
 * org.apache.spark.ml.Estimator}; its {@link SufficientStatisticsLinearRegressionModel} transforms
 * as MLlib's {@link LinearRegressionModel}.
 *
 * <p><b>Algorithm.</b> Each unit keeps at most k = {@code maxRowsPerUnit} of its rows ({@link
 * UnitRowBound}; all rows in row-level mode). Each row's features are scaled so that ‖x‖₂ ≤ R; with
 * an intercept, x̃ = (x, 1), else x̃ = x; p = dim x̃ and R̃² = R² + 1 (or R²). The label is clamped
 * to [L, U] and centred: y' = clamp(y) − (L + U)/2, |y'| ≤ h = (U − L)/2. One pass computes the
 * upper triangle of X̃ᵀX̃ and X̃ᵀy'. The vector (upper(X̃ᵀX̃)/R̃², X̃ᵀy'/(R̃h)) of p(p + 1)/2 + p
 * entries is released once with dp-core's {@link GaussianMechanism}; the noisy Gram matrix is
 * filled in symmetrically. Post-processing: negative eigenvalues of the noisy Gram matrix are
 * raised to 0, a ridge λ is added to the non-intercept diagonal, and (Ĝ + λI)θ = b̂ is solved.
 *
 * <p><b>Sensitivity.</b> Neighbours differ by one unit with all its rows, at most k after bounding.
 * Each row moves the scaled Gram part by at most 1 (‖x̃x̃ᵀ‖_F = ‖x̃‖² ≤ R̃²) and the scaled moment
 * part by at most 1 (‖x̃y'‖ ≤ R̃h): √2 per row, so k·√2 per unit by the triangle inequality
 * (rounded up). σ, and with it the default ridge, scale by k.
 *
 * <p><b>Guarantee.</b> (ε, δ)-DP per unit: the mechanism's {@code DiscreteGaussianEvent} is
 * charged, with ε at δ on the default order grid at most the requested ε. Vu &amp; Slavkovic 2009;
 * Dwork, Talwar, Thakurta &amp; Zhang, STOC 2014; Wang, NeurIPS 2018. R, L, U, p, λ and k are
 * public. Default ridge: λ = σ_G·√p with σ_G = σ·R̃², a data-independent choice.
 *
 * <p>Here numFeatures is in [1, 1000] (the statistics grow as d²). Not thread-safe. See {@link
 * UnitLevelEstimator} for the order of work and the budget.
 */
public final class SufficientStatisticsLinearRegression
    extends LabelledUnitEstimator<
        SufficientStatisticsLinearRegressionModel,
        SufficientStatisticsLinearRegression,
        SufficientStatisticsLinearRegression.Plan> {
  private static final long serialVersionUID = 1L;

  /** The mechanism label charged. */
  static final String MECHANISM = "ml-linear-regression-ssp";

  private final DoubleParam delta;
  private final DoubleParam maxFeatureNorm;
  private final DoubleParam labelLower;
  private final DoubleParam labelUpper;
  private final BooleanParam fitIntercept;
  private final DoubleParam ridge;

  /** A new estimator with a fresh uid and the defaults (intercept on, automatic ridge). */
  public SufficientStatisticsLinearRegression() {
    this(Identifiable.randomUID("sspLinReg"));
  }

  /** An estimator with the given uid (Spark's readers call this). */
  public SufficientStatisticsLinearRegression(String uid) {
    super(uid);
    delta =
        new DoubleParam(
            uid, "delta", "delta of the fit, in (0, 1)", ParamChecks.inOpen("delta", 0, 1));
    maxFeatureNorm =
        new DoubleParam(
            uid,
            "maxFeatureNorm",
            "public L2 bound R on each row's features, finite and > 0, at most 1e154",
            ParamChecks.inLeftOpen("maxFeatureNorm", 0, 1e154));
    labelLower = new DoubleParam(uid, "labelLower", "public lower label bound L, finite");
    labelUpper = new DoubleParam(uid, "labelUpper", "public upper label bound U > L, finite");
    fitIntercept = new BooleanParam(uid, "fitIntercept", "whether to fit an intercept");
    ridge =
        new DoubleParam(
            uid,
            "ridge",
            "ridge lambda, finite and >= 0 (default sigma_G * sqrt(p))",
            ParamChecks.nonNegativeFinite("ridge"));
    setDefault(fitIntercept, true);
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
   * The public bound R on ‖x‖₂ in (0, 1e154]; longer rows are scaled down. Required.
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public DoubleParam maxFeatureNorm() {
    return maxFeatureNorm;
  }

  /**
   * Public label bound L (set with {@link #setLabelBounds}). Required.
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public DoubleParam labelLower() {
    return labelLower;
  }

  /**
   * Public label bound U &gt; L. Required.
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public DoubleParam labelUpper() {
    return labelUpper;
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
   * The ridge λ ≥ 0; default σ_G·√p (see the class comment).
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public DoubleParam ridge() {
    return ridge;
  }

  /**
   * Sets {@link #delta()}; validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public SufficientStatisticsLinearRegression setDelta(double value) {
    set(delta, value);
    return this;
  }

  /**
   * Sets {@link #maxFeatureNorm()}; validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public SufficientStatisticsLinearRegression setMaxFeatureNorm(double value) {
    set(maxFeatureNorm, value);
    return this;
  }

  /** Sets the public label bounds [lower, upper] (checked at fit, before any charge). */
  public SufficientStatisticsLinearRegression setLabelBounds(double lower, double upper) {
    set(labelLower, lower);
    set(labelUpper, upper);
    return this;
  }

  /**
   * Sets {@link #fitIntercept()}.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public SufficientStatisticsLinearRegression setFitIntercept(boolean value) {
    set(fitIntercept, value);
    return this;
  }

  /**
   * Sets {@link #ridge()}; validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public SufficientStatisticsLinearRegression setRidge(double value) {
    set(ridge, value);
    return this;
  }

  /** One fit: the Gaussian mechanism at L2 sensitivity k·√2 on the scaled statistics. */
  record Plan(
      int rowsPerUnit,
      int numFeatures,
      boolean fitIntercept,
      double maxFeatureNorm,
      double labelLower,
      double labelUpper,
      Double ridgeParam,
      double delta,
      GaussianMechanism gaussian,
      String description)
      implements WrapperPlan {
    @Override
    public PrivacyEvent event() {
      return gaussian.eventFor(dimension());
    }

    @Override
    public String mechanism() {
      return MECHANISM;
    }

    int p() {
      return numFeatures + (fitIntercept ? 1 : 0);
    }

    int dimension() {
      return p() * (p() + 1) / 2 + p();
    }

    /** σ of the noise on the scaled statistics. */
    double sigma() {
      return gaussian.sigma();
    }

    /** R̃² = R² (+ 1 with an intercept). */
    double gramScale() {
      return maxFeatureNorm * maxFeatureNorm + (fitIntercept ? 1 : 0);
    }

    double targetScale() {
      return SufficientStatisticsLinearRegression.targetScale(gramScale(), labelLower, labelUpper);
    }

    /** The ridge added to the non-intercept diagonal. */
    double ridge() {
      return ridgeParam != null ? ridgeParam : sigma() * gramScale() * Math.sqrt(p());
    }

    /** Adds the noise to scaled statistics and decodes them (symmetric fill). */
    NoisyMoments release(double[] scaled, NoiseSource source) {
      int dim = dimension();
      if (scaled.length != dim) {
        throw new IllegalArgumentException(
            "statistics must hold " + dim + " values; got " + scaled.length);
      }
      double[] v = gaussian.release(scaled, source).values();
      int pp = p();
      double gs = gramScale();
      double ts = targetScale();
      double[][] gram = new double[pp][pp];
      int k = 0;
      for (int i = 0; i < pp; i++) {
        for (int j = i; j < pp; j++) {
          gram[i][j] = v[k] * gs;
          gram[j][i] = gram[i][j];
          k++;
        }
      }
      double[] xty = new double[pp];
      for (int i = 0; i < pp; i++) {
        xty[i] = v[k++] * ts;
      }
      return new NoisyMoments(gram, xty);
    }

    /**
     * PSD fix-up (negative eigenvalues to 0), ridge on the non-intercept diagonal, solve; a
     * singular system is solved by the pseudo-inverse rather than refused after the charge.
     */
    double[] solve(NoisyMoments m) {
      RealMatrix g = new Array2DRowRealMatrix(m.gram(), true);
      EigenDecomposition eig = new EigenDecomposition(g);
      double[] ev = eig.getRealEigenvalues();
      RealMatrix v = eig.getV();
      double[][] clipped = new double[ev.length][ev.length];
      for (int i = 0; i < ev.length; i++) {
        clipped[i][i] = Math.max(0, ev[i]);
      }
      RealMatrix psd = v.multiply(new Array2DRowRealMatrix(clipped, false)).multiply(v.transpose());
      double lambda = ridge();
      for (int i = 0; i < numFeatures; i++) {
        psd.addToEntry(i, i, lambda);
      }
      if (fitIntercept) {
        // The intercept is not penalised; a tiny floor keeps the system solvable.
        psd.addToEntry(numFeatures, numFeatures, Math.max(1e-9 * lambda, Double.MIN_NORMAL));
      }
      ArrayRealVector b = new ArrayRealVector(m.xty(), false);
      DecompositionSolver lu = new LUDecomposition(psd).getSolver();
      DecompositionSolver solver =
          lu.isNonSingular() ? lu : new SingularValueDecomposition(psd).getSolver();
      return solver.solve(b).toArray();
    }
  }

  /** The noisy Gram matrix (symmetric) and moment vector, in the data's units. */
  record NoisyMoments(double[][] gram, double[] xty) {}

  /** R̃·h rounded up, with h the bound of a centred label as floating point computes it. */
  static double targetScale(double gramScale, double lo, double hi) {
    return Math.nextUp(Math.nextUp(Math.sqrt(gramScale)) * Centering.of(lo, hi).bound());
  }

  @Override
  Plan plan(int k) {
    double eps = (Double) required(epsilon());
    double del = (Double) required(delta);
    int d = dimension(1000);
    double r = (Double) required(maxFeatureNorm);
    if (!isSet(labelLower) || !isSet(labelUpper)) {
      throw new IllegalArgumentException("labelBounds must be set; got nothing");
    }
    double lo = dbl(labelLower);
    double hi = dbl(labelUpper);
    if (!Double.isFinite(lo) || !Double.isFinite(hi) || !(lo < hi)) {
      throw new IllegalArgumentException(
          "labelBounds must be finite with lower < upper; got [" + lo + ", " + hi + "]");
    }
    if (!Double.isFinite(hi - lo)
        || !Double.isFinite(lo + hi)
        || !Double.isFinite(Math.sqrt(r * r + 1) * (hi - lo))) {
      throw new IllegalArgumentException(
          "labelBounds must keep upper - lower, lower + upper and"
              + " sqrt(maxFeatureNorm^2 + 1) * (upper - lower) finite; got ["
              + lo
              + ", "
              + hi
              + "]");
    }
    boolean intercept = (Boolean) $(fitIntercept);
    // k·√2 rounded up: the sensitivity must never be understated.
    GaussianMechanism gaussian =
        GaussianMechanism.builder()
            .epsilon(eps)
            .delta(del)
            .l2Sensitivity(WrapperSupport.timesK(Math.nextUp(Math.sqrt(2)), k))
            .build();
    String description =
        String.format(
            Locale.ROOT,
            "linear regression ssp: features=%d, intercept=%s, maxFeatureNorm=%s, label=[%s, %s],"
                + " epsilon=%s, delta=%s",
            d,
            intercept,
            r,
            lo,
            hi,
            eps,
            del);
    return new Plan(
        k,
        d,
        intercept,
        r,
        lo,
        hi,
        isSet(ridge) ? (Double) $(ridge) : null,
        del,
        gaussian,
        description);
  }

  @Override
  void checkInput(StructType schema) {
    WrapperSupport.checkVectorColumn(
        schema, "featuresCol", $(featuresCol()), (Integer) required(numFeatures()));
    WrapperSupport.checkLabelColumn(schema, "labelCol", $(labelCol()), 0);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    checkInput(schema);
    checkAbsent(schema, $(predictionCol()), "predictionCol");
    return schema.add($(predictionCol()), DataTypes.DoubleType, false);
  }

  @Override
  SufficientStatisticsLinearRegressionModel train(
      Dataset<Row> rows, Plan plan, ReleaseKey key, WrapperRecord record, String stage) {
    // After the charge: a failure names no value of the data (DataPhase).
    double[] theta =
        DataPhase.run(
            stage,
            () ->
                plan.solve(
                    plan.release(
                        statistics(
                            rows.toJavaRDD(),
                            plan.numFeatures(),
                            plan.fitIntercept(),
                            plan.maxFeatureNorm(),
                            plan.labelLower(),
                            plan.labelUpper()),
                        WrapperSupport.source(key, "linear-regression/statistics"))));
    return new SufficientStatisticsLinearRegressionModel(
        uid() + "_model", model(plan, theta, uid() + "_mllib"), record);
  }

  static LinearRegressionModel model(Plan plan, double[] theta, String uid) {
    int d = plan.numFeatures();
    double[] w = java.util.Arrays.copyOf(theta, d);
    double intercept =
        (plan.fitIntercept() ? theta[d] : 0)
            + Centering.of(plan.labelLower(), plan.labelUpper()).midpoint();
    return new LinearRegressionModel(uid, Vectors.dense(w), intercept);
  }

  /** Scaled exact statistics in release order: upper(X̃ᵀX̃)/R̃² row by row, then X̃ᵀy'/(R̃h). */
  static double[] statistics(
      JavaRDD<Row> rows, int d, boolean intercept, double r, double lo, double hi) {
    int p = d + (intercept ? 1 : 0);
    Centering label = Centering.of(lo, hi);
    Function2<double[], Row, double[]> add =
        (acc, row) -> {
          double y = WrapperSupport.label(row.get(1));
          double[] x = WrapperSupport.dense((Vector) row.get(0), d);
          if (Double.isNaN(y) || x == null) {
            return acc; // dropped by a per-row rule
          }
          WrapperSupport.clipL2(x, r);
          double[] xt = intercept ? java.util.Arrays.copyOf(x, p) : x;
          if (intercept) {
            xt[d] = 1;
          }
          double yc = label.centered(y);
          int k = 0;
          for (int i = 0; i < p; i++) {
            double xi = xt[i];
            for (int j = i; j < p; j++) {
              acc[k++] += xi * xt[j];
            }
          }
          for (int i = 0; i < p; i++) {
            acc[k++] += xt[i] * yc;
          }
          return acc;
        };
    Function2<double[], double[], double[]> merge =
        (a, c) -> {
          for (int i = 0; i < a.length; i++) {
            a[i] += c[i];
          }
          return a;
        };
    double[] raw = rows.treeAggregate(new double[p * (p + 1) / 2 + p], add, merge, 2);
    double gramScale = r * r + (intercept ? 1 : 0);
    double targetScale = targetScale(gramScale, lo, hi);
    int gramEntries = p * (p + 1) / 2;
    for (int i = 0; i < raw.length; i++) {
      raw[i] /= i < gramEntries ? gramScale : targetScale;
    }
    return raw;
  }

  @Override
  public SufficientStatisticsLinearRegression copy(ParamMap extra) {
    return copyTo(new SufficientStatisticsLinearRegression(uid()), extra);
  }

  /**
   * Reads an estimator saved with {@code write().save(path)} (its params; no budget, no secret).
   */
  public static MLReader<SufficientStatisticsLinearRegression> read() {
    return new DefaultParamsReader<>();
  }

  /** Loads what {@code write().save(path)} saved. */
  public static SufficientStatisticsLinearRegression load(String path) {
    return read().load(path);
  }
}
