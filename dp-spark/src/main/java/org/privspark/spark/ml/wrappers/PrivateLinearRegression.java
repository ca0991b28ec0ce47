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
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.privspark.core.Check;
import org.privspark.core.mechanism.Centering;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.mechanism.GaussianMechanism;
import org.privspark.core.noise.NoiseSource;
import org.privspark.core.noise.ReleaseKey;
import org.privspark.core.noise.Secret;
import org.privspark.spark.ml.DataPhase;

/**
 * Differentially private least-squares linear regression by sufficient-statistics perturbation,
 * returning MLlib's own {@link LinearRegressionModel}.
 *
 * <p><b>Algorithm.</b> Each row's features are scaled so that ‖x‖₂ ≤ R ({@code maxFeatureNorm});
 * with an intercept, x̃ = (x, 1), else x̃ = x; p = dim x̃ and R̃² = R² + 1 (or R²). The label is
 * clamped to [L, U] and centred: y' = clamp(y) − (L + U)/2, so |y'| ≤ h = (U − L)/2. One pass
 * computes the upper triangle of X̃ᵀX̃ and X̃ᵀy'. The vector (upper(X̃ᵀX̃)/R̃², X̃ᵀy'/(R̃h)) of
 * p(p + 1)/2 + p entries is released once with dp-core's {@link GaussianMechanism} (discrete
 * Gaussian on a power-of-two grid) calibrated to (ε, δ); the noisy Gram matrix is filled in
 * symmetrically from its upper triangle (one noise draw per pair i ≤ j: symmetric noise). Post-
 * processing: eigenvalues of the noisy Gram matrix below 0 are raised to 0 (PSD fix-up), a ridge λ
 * is added to the diagonal of the non-intercept coordinates, and (Ĝ + λI)θ = b̂ is solved.
 *
 * <p><b>Sensitivity.</b> Neighbours differ by adding or removing one row. That row changes the
 * upper triangle of X̃ᵀX̃ by upper(x̃x̃ᵀ), whose L2 norm is at most ‖x̃x̃ᵀ‖_F = ‖x̃‖² ≤ R̃², and X̃ᵀy'
 * by x̃y', of norm ≤ R̃h. After the scaling each part moves by at most 1, so the released vector has
 * L2 sensitivity √2 (rounded up to the next double).
 *
 * <p><b>Guarantee.</b> (ε, δ)-DP: the mechanism's event (a {@code DiscreteGaussianEvent}, ρ-zCDP
 * with ρ ≤ 1/z², z = σ/√2) is what is charged, and its ε at δ on the default order grid is at most
 * the requested ε. Sufficient-statistics perturbation for linear regression: Vu &amp; Slavkovic,
 * "Differential privacy for clinical trial data", 2009; Dwork, Talwar, Thakurta &amp; Zhang,
 * "Analyze Gauss", STOC 2014 (symmetric Gaussian noise on the Gram matrix); Wang, "Revisiting
 * differentially private linear regression", NeurIPS 2018 (ridge/AdaSSP). R, L, U, p, λ are public.
 *
 * <p><b>Default ridge.</b> λ = σ_G·√p, with σ_G = σ·R̃² the noise standard deviation of each Gram
 * entry: about half the spectral norm of the symmetric noise matrix (≈ 2σ_G√p), a data-independent
 * choice.
 *
 * <p><b>Caller's duty.</b> One row per privacy unit (not checked); features encoded from public
 * vocabularies and bounds. Not thread-safe; each fit charges the budget.
 */
public final class PrivateLinearRegression {
  private final double epsilon;
  private final double delta;
  private final int numFeatures;
  private final double maxFeatureNorm;
  private final double labelLower;
  private final double labelUpper;
  private final boolean fitIntercept;
  private final Double ridge;
  private final String featuresCol;
  private final String labelCol;
  private final PrivacyBudget budget;
  private final Secret secret;
  private final int p;
  private final int dimension;
  private final GaussianMechanism mechanism;

  private PrivateLinearRegression(Builder b) {
    this.epsilon = b.epsilon;
    this.delta = b.delta;
    this.numFeatures = b.numFeatures;
    this.maxFeatureNorm = b.maxFeatureNorm;
    this.labelLower = b.labelLower;
    this.labelUpper = b.labelUpper;
    this.fitIntercept = b.fitIntercept;
    this.ridge = b.ridge;
    this.featuresCol = b.featuresCol;
    this.labelCol = b.labelCol;
    this.budget = b.budget;
    this.secret = b.secret;
    this.p = numFeatures + (fitIntercept ? 1 : 0);
    this.dimension = p * (p + 1) / 2 + p;
    // √2 rounded up: the sensitivity must never be understated.
    this.mechanism = GaussianMechanism.builder().epsilon(epsilon).delta(delta)
        .l2Sensitivity(Math.nextUp(Math.sqrt(2))).build();
  }

  /** A builder; defaults: intercept on, automatic ridge, columns "features" and "label". */
  public static Builder builder() {
    return new Builder();
  }

  /** What one fit costs: the Gaussian event of the statistics vector. Reads no data. */
  public PrivacyEvent cost() {
    return mechanism.eventFor(dimension);
  }

  /** The σ of the Gaussian noise on the scaled statistics (sensitivity √2). */
  public double sigma() {
    return mechanism.sigma();
  }

  /** R̃² = R² (+ 1 with an intercept): the scale of the Gram part. */
  double gramScale() {
    return maxFeatureNorm * maxFeatureNorm + (fitIntercept ? 1 : 0);
  }

  /** R̃·h: the scale of the X̃ᵀy' part. */
  double targetScale() {
    return targetScale(gramScale(), labelLower, labelUpper);
  }

  /**
   * R̃·h rounded up, with h the bound of a centred label as floating point computes it ({@link
   * Centering#bound()}: half the width, or more when the midpoint rounds), so that a scaled entry
   * of X̃ᵀy' moves by at most 1 per row.
   */
  static double targetScale(double gramScale, double lo, double hi) {
    return Math.nextUp(Math.nextUp(Math.sqrt(gramScale)) * Centering.of(lo, hi).bound());
  }

  /** The ridge added to the non-intercept diagonal. */
  public double ridge() {
    return ridge != null ? ridge : sigma() * gramScale() * Math.sqrt(p);
  }

  /**
   * Validates the schema, charges {@link #cost()}, then reads the data once and returns the model.
   *
   * @throws IllegalArgumentException if a column is missing or mistyped (nothing spent)
   * @throws org.privspark.core.accounting.ReleaseIdReusedException if the release secret keyed a
   *     fit charged to this budget before (nothing is charged)
   * @throws org.privspark.core.accounting.BudgetExhaustedException if the budget refuses (no data read)
   * @throws org.privspark.spark.ml.FailedAfterChargeException if reading the data fails after the
   *     charge (the budget stays spent; no message of the failure is kept)
   */
  public PrivateFit<LinearRegressionModel> fit(Dataset<Row> data) {
    Check.notNull("data", data);
    WrapperSupport.checkVectorColumn(data.schema(), "featuresCol", featuresCol, numFeatures);
    WrapperSupport.checkLabelColumn(data.schema(), "labelCol", labelCol, 0);
    PrivacyEvent event = cost();
    ReleaseKey noiseKey = WrapperSupport.charge(budget, event, "ml-linear-regression-ssp", describe(), secret);
    // After the charge: a failure names no value of the data (DataPhase).
    double[] theta = DataPhase.run("PrivateLinearRegression", () -> {
      double[] exact = statistics(data.select(featuresCol, labelCol).toJavaRDD(), numFeatures,
          fitIntercept, maxFeatureNorm, labelLower, labelUpper);
      NoisyMoments noisy = release(exact,
          WrapperSupport.source(noiseKey, "linear-regression/statistics"));
      return solve(noisy);
    });
    double[] w = new double[numFeatures];
    System.arraycopy(theta, 0, w, 0, numFeatures);
    double intercept = (fitIntercept ? theta[numFeatures] : 0) + Centering.of(labelLower, labelUpper).midpoint();
    LinearRegressionModel model = new LinearRegressionModel(
        Identifiable.randomUID("privateLinReg"), Vectors.dense(w), intercept);
    model.setFeaturesCol(featuresCol);
    return new PrivateFit<>(model, event, delta);
  }

  /** The noisy Gram matrix (symmetric) and moment vector, in the data's units. */
  record NoisyMoments(double[][] gram, double[] xty) {}

  /** Scaled exact statistics in release order: upper(X̃ᵀX̃)/R̃² row by row, then X̃ᵀy'/(R̃h). */
  static double[] statistics(JavaRDD<Row> rows, int d, boolean intercept, double r, double lo, double hi) {
    int p = d + (intercept ? 1 : 0);
    Centering label = Centering.of(lo, hi);
    Function2<double[], Row, double[]> add = (acc, row) -> {
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
    Function2<double[], double[], double[]> merge = (a, c) -> {
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

  /** Adds the noise to scaled statistics and decodes them (symmetric fill). */
  NoisyMoments release(double[] scaled, NoiseSource source) {
    if (scaled.length != dimension) {
      throw new IllegalArgumentException("statistics must hold " + dimension + " values; got " + scaled.length);
    }
    double[] v = mechanism.release(scaled, source).values();
    double gs = gramScale();
    double ts = targetScale();
    double[][] gram = new double[p][p];
    int k = 0;
    for (int i = 0; i < p; i++) {
      for (int j = i; j < p; j++) {
        gram[i][j] = v[k] * gs;
        gram[j][i] = gram[i][j];
        k++;
      }
    }
    double[] xty = new double[p];
    for (int i = 0; i < p; i++) {
      xty[i] = v[k++] * ts;
    }
    return new NoisyMoments(gram, xty);
  }

  /**
   * PSD fix-up (negative eigenvalues to 0), ridge on the non-intercept diagonal, solve. Only the
   * noisy release is read (post-processing), and a singular system does not fail: with ridge 0 a
   * direction the fix-up clipped away can leave it singular, and it is then solved by the
   * pseudo-inverse (the minimum-norm least-squares solution) rather than refused after the charge.
   */
  double[] solve(NoisyMoments m) {
    RealMatrix g = new Array2DRowRealMatrix(m.gram(), true);
    EigenDecomposition eig = new EigenDecomposition(g);
    double[] ev = eig.getRealEigenvalues();
    RealMatrix v = eig.getV();
    double[] clipped = new double[ev.length];
    for (int i = 0; i < ev.length; i++) {
      clipped[i] = Math.max(0, ev[i]);
    }
    RealMatrix psd = v.multiply(new Array2DRowRealMatrix(diag(clipped), false)).multiply(v.transpose());
    double lambda = ridge();
    for (int i = 0; i < numFeatures; i++) {
      psd.addToEntry(i, i, lambda);
    }
    if (fitIntercept) {
      // The intercept is not penalised; a tiny floor keeps the system solvable if its direction
      // was clipped away entirely (it carries about n, so this never binds in practice).
      psd.addToEntry(numFeatures, numFeatures, Math.max(1e-9 * lambda, Double.MIN_NORMAL));
    }
    ArrayRealVector b = new ArrayRealVector(m.xty(), false);
    DecompositionSolver lu = new LUDecomposition(psd).getSolver();
    DecompositionSolver solver = lu.isNonSingular() ? lu : new SingularValueDecomposition(psd).getSolver();
    return solver.solve(b).toArray();
  }

  private static double[][] diag(double[] d) {
    double[][] out = new double[d.length][d.length];
    for (int i = 0; i < d.length; i++) {
      out[i][i] = d[i];
    }
    return out;
  }

  private String describe() {
    return String.format(Locale.ROOT,
        "linear regression ssp: features=%d, intercept=%s, maxFeatureNorm=%s, label=[%s, %s], epsilon=%s, delta=%s",
        numFeatures, fitIntercept, maxFeatureNorm, labelLower, labelUpper, epsilon, delta);
  }

  @Override
  public String toString() {
    return "PrivateLinearRegression[" + describe() + ", ridge=" + ridge() + "]";
  }

  /**
   * Collects parameters; {@link #build()} validates all of them. Not thread-safe. Here the
   * features dimension d is in [1, 1000] and the label column is numeric (clamped to the bounds).
   */
  public static final class Builder extends LabelledWrapperBuilder<Builder> {
    private Double delta;
    private Double maxFeatureNorm;
    private Double labelLower;
    private Double labelUpper;
    private boolean fitIntercept = true; // MLlib's default
    private Double ridge; // null: the data-independent default of the class comment

    private Builder() {}

    /** δ in (0, 1). Required. */
    public Builder delta(double delta) {
      this.delta = delta;
      return this;
    }

    /** The public bound R on ‖x‖₂, finite and &gt; 0; longer rows are scaled down. Required. */
    public Builder maxFeatureNorm(double maxFeatureNorm) {
      this.maxFeatureNorm = maxFeatureNorm;
      return this;
    }

    /** Public label bounds L &lt; U, both finite; labels are clamped to them. Required. */
    public Builder labelBounds(double lower, double upper) {
      this.labelLower = lower;
      this.labelUpper = upper;
      return this;
    }

    /** Whether to fit an intercept (default true). */
    public Builder fitIntercept(boolean fitIntercept) {
      this.fitIntercept = fitIntercept;
      return this;
    }

    /** The ridge λ, finite and &ge; 0 (default: σ_G·√p, see the class comment). */
    public Builder ridge(double ridge) {
      this.ridge = ridge;
      return this;
    }

    /**
     * Validates every parameter and builds the wrapper.
     *
     * @throws IllegalArgumentException naming the first invalid or missing parameter
     */
    public PrivateLinearRegression build() {
      checkEpsilon();
      checkGaussianDelta(delta);
      checkNumFeatures();
      if (numFeatures > 1000) {
        throw new IllegalArgumentException("numFeatures must be in [1, 1000] for sufficient statistics; got "
            + numFeatures);
      }
      Check.positiveFinite("maxFeatureNorm", required("maxFeatureNorm", maxFeatureNorm));
      // The statistics are scaled by R² + 1 and R̃·(U − L)/2: both must be finite, or the fit would
      // fail (or release nothing useful) after the charge.
      if (!Double.isFinite(maxFeatureNorm * maxFeatureNorm + 1)) {
        throw new IllegalArgumentException("maxFeatureNorm must be finite and > 0 with a finite square"
            + " (at most 1e154); got " + maxFeatureNorm);
      }
      required("labelBounds", labelLower);
      if (!Double.isFinite(labelLower) || !Double.isFinite(labelUpper) || !(labelLower < labelUpper)) {
        throw new IllegalArgumentException("labelBounds must be finite with lower < upper; got ["
            + labelLower + ", " + labelUpper + "]");
      }
      if (!Double.isFinite(labelUpper - labelLower) || !Double.isFinite(labelLower + labelUpper)
          || !Double.isFinite(Math.sqrt(maxFeatureNorm * maxFeatureNorm + 1) * (labelUpper - labelLower))) {
        throw new IllegalArgumentException("labelBounds must keep upper - lower, lower + upper and"
            + " sqrt(maxFeatureNorm^2 + 1) * (upper - lower) finite; got [" + labelLower + ", " + labelUpper + "]");
      }
      if (ridge != null) {
        Check.nonNegativeFinite("ridge", ridge);
      }
      checkColumnsAndBudget();
      return new PrivateLinearRegression(this);
    }
  }
}
