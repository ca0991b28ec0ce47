package org.privspark.spark.ml.wrappers;

import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.privspark.core.Check;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.mechanism.GaussianMechanism;
import org.privspark.core.noise.NoiseSource;
import org.privspark.core.noise.ReleaseKey;
import org.privspark.core.noise.Secret;
import org.privspark.spark.ml.DataPhase;

/**
 * Differentially private binary logistic regression by <em>output perturbation</em> (Chaudhuri,
 * Monteleoni &amp; Sarwate, "Differentially Private Empirical Risk Minimization", JMLR 12, 2011,
 * Alg. 1, with Gaussian instead of Gamma-norm noise), returning MLlib's own {@link
 * LogisticRegressionModel}.
 *
 * <p><b>Algorithm.</b> Features are scaled so that ‖x‖₂ ≤ R ({@code maxFeatureNorm}); with an
 * intercept, x̃ = (x, 1), else x̃ = x; labels 0/1 become y = ∓1. The wrapper minimises the
 * regularised empirical risk in sum form, F_D(θ) = Σ_{i∈D} log(1 + exp(−y_i θᵀx̃_i)) + (Λ/2)‖θ‖²
 * (the intercept is regularised too: strong convexity needs it), by damped Newton steps, each one
 * pass over the data (gradient and Hessian by {@code treeAggregate}), until ‖∇F_D(θ̂)‖ ≤ γ/2, with
 * γ = 10⁻⁶·ζ. It releases θ̂ + N(0, σ²I) with dp-core's {@link GaussianMechanism} calibrated to
 * (ε, δ) for L2 sensitivity Δ = (ζ + 2γ)/Λ, ζ = √(R² + 1) (or R without intercept).
 *
 * <p><b>Assumptions and sensitivity.</b> The per-row loss ℓ(θ; x̃, y) = log(1 + e^{−yθᵀx̃}) is
 * convex and differentiable with ‖∇ℓ‖ = |σ(−yθᵀx̃)|·‖x̃‖ ≤ ζ (ζ-Lipschitz); the regulariser makes
 * F_D Λ-strongly convex. Neighbours differ by adding or removing one row z. Then ‖θ*_D − θ*_{D∪z}‖
 * ≤ ζ/Λ: strong convexity of F_D gives Λ‖θ*_D − θ*_{D∪z}‖² ≤ ⟨∇F_D(θ*_{D∪z}), θ*_{D∪z} − θ*_D⟩ =
 * ⟨−∇ℓ_z(θ*_{D∪z}), θ*_{D∪z} − θ*_D⟩ ≤ ζ‖θ*_{D∪z} − θ*_D‖ (the add/remove form of Chaudhuri et al.,
 * Cor. 8, which states 2ζ/(nΛ') for replacement in their averaged form, Λ = nΛ'). <b>Convergence
 * assumption:</b> the released θ̂ is not the exact minimiser but satisfies ‖∇F_D(θ̂)‖ ≤ γ, hence
 * ‖θ̂ − θ*_D‖ ≤ γ/Λ by strong convexity, and the triangle inequality gives the Δ above. The
 * stopping test is run at γ/2 on a gradient computed in floating point; the assumption is that its
 * rounding error is below γ/2 (about n·2⁻⁵²·ζ, so it holds for fewer than about 10⁹ rows). When the
 * test is not met within {@code maxIter} iterations, {@code fit} throws {@link
 * IllegalStateException} instead of releasing: the budget stays spent, and the failure itself
 * depends on the data (a rare event for strongly convex F; document it as such).
 *
 * <p><b>Guarantee.</b> (ε, δ)-DP under those assumptions: the charged event is the Gaussian
 * mechanism's {@code DiscreteGaussianEvent} for a vector of p = dim θ entries at sensitivity Δ,
 * whose ε at δ on the default order grid is at most ε. R, Λ, p and the stopping rule are public.
 *
 * <p><b>Why not objective perturbation here.</b> Chaudhuri et al.'s Alg. 2 and its Gaussian variant
 * (Kifer, Smith &amp; Thakurta, COLT 2012) argue through the density of a continuous noise vector b
 * and the exact minimiser of the perturbed objective; dp-core releases noise on a discrete grid and
 * the solver is approximate, and neither proof covers that. Output perturbation needs only the
 * sensitivity bound above, which the stopping rule makes hold for the value actually released.
 *
 * <p><b>Caller's duty.</b> One row per privacy unit (not checked); features from public encodings;
 * labels 0/1 (other values are dropped by a per-row rule). Not thread-safe; each fit charges the
 * budget.
 */
public final class PrivateLogisticRegression {
  /** γ/ζ: the gradient-norm bound of the released solution, relative to ζ. */
  static final double GRADIENT_BOUND = 1e-6;

  private final double epsilon;
  private final double delta;
  private final int numFeatures;
  private final double maxFeatureNorm;
  private final double regParam;
  private final boolean fitIntercept;
  private final int maxIter;
  private final String featuresCol;
  private final String labelCol;
  private final PrivacyBudget budget;
  private final Secret secret;
  private final int p;
  private final GaussianMechanism mechanism;

  private PrivateLogisticRegression(Builder b) {
    this.epsilon = b.epsilon;
    this.delta = b.delta;
    this.numFeatures = b.numFeatures;
    this.maxFeatureNorm = b.maxFeatureNorm;
    this.regParam = b.regParam;
    this.fitIntercept = b.fitIntercept;
    this.maxIter = b.maxIter;
    this.featuresCol = b.featuresCol;
    this.labelCol = b.labelCol;
    this.budget = b.budget;
    this.secret = b.secret;
    this.p = numFeatures + (fitIntercept ? 1 : 0);
    this.mechanism = GaussianMechanism.builder().epsilon(epsilon).delta(delta)
        .l2Sensitivity(sensitivity()).build();
  }

  /** A builder; defaults: intercept on, maxIter 100, columns "features" and "label". */
  public static Builder builder() {
    return new Builder();
  }

  /** ζ = √(R² + 1) with an intercept, else R: the Lipschitz constant of the per-row loss. */
  double lipschitz() {
    return fitIntercept ? Math.sqrt(maxFeatureNorm * maxFeatureNorm + 1) : maxFeatureNorm;
  }

  /** Δ = (ζ + 2γ)/Λ, rounded up. */
  public double sensitivity() {
    double zeta = Math.nextUp(lipschitz());
    return Math.nextUp(Math.nextUp(zeta * (1 + 2 * GRADIENT_BOUND)) / regParam);
  }

  /** The σ of the noise added to each coefficient. */
  public double sigma() {
    return mechanism.sigma();
  }

  /** What one fit costs: the Gaussian event of the p-entry output. Reads no data. */
  public PrivacyEvent cost() {
    return mechanism.eventFor(p);
  }

  /**
   * Validates the schema, charges {@link #cost()}, then trains and releases the model.
   *
   * @throws IllegalArgumentException if a column is missing or mistyped, or the label column is
   *     declared with other than 2 classes (nothing spent)
   * @throws org.privspark.core.accounting.ReleaseIdReusedException if the release secret keyed a
   *     fit charged to this budget before (nothing is charged)
   * @throws org.privspark.core.accounting.BudgetExhaustedException if the budget refuses (no data read)
   * @throws IllegalStateException if the solver does not meet its stopping rule within maxIter
   *     (the budget stays spent; the message holds only public parameters)
   * @throws org.privspark.spark.ml.FailedAfterChargeException if reading the data fails after the
   *     charge (the budget stays spent; no message of the failure is kept)
   */
  public PrivateFit<LogisticRegressionModel> fit(Dataset<Row> data) {
    Check.notNull("data", data);
    WrapperSupport.checkVectorColumn(data.schema(), "featuresCol", featuresCol, numFeatures);
    WrapperSupport.checkLabelColumn(data.schema(), "labelCol", labelCol, 2);
    PrivacyEvent event = cost();
    ReleaseKey noiseKey = WrapperSupport.charge(budget, event, "ml-logistic-regression-output-perturbation", describe(), secret);
    // After the charge: a failure names no value of the data (DataPhase). Non-convergence is the
    // one outcome that depends on the data and is reported (a public message, below).
    double[] noisy = DataPhase.run("PrivateLogisticRegression", () -> {
      double[] theta = minimise(data.select(featuresCol, labelCol).toJavaRDD());
      return theta == null ? null
          : release(theta, WrapperSupport.source(noiseKey, "logistic-regression/output"));
    });
    if (noisy == null) {
      throw new IllegalStateException(notConvergedMessage());
    }
    double[] w = Arrays.copyOf(noisy, numFeatures);
    double intercept = fitIntercept ? noisy[numFeatures] : 0;
    LogisticRegressionModel model = new LogisticRegressionModel(
        Identifiable.randomUID("privateLogReg"), Vectors.dense(w), intercept);
    model.setFeaturesCol(featuresCol);
    return new PrivateFit<>(model, event, delta);
  }

  /** θ + Gaussian noise of the calibrated σ. */
  double[] release(double[] theta, NoiseSource source) {
    if (theta.length != p) {
      throw new IllegalArgumentException("theta must hold " + p + " values; got " + theta.length);
    }
    return mechanism.release(theta, source).values();
  }

  /** The message of a fit whose solver did not converge: public parameters only. */
  String notConvergedMessage() {
    return "the solver did not reach ||grad F|| <= " + GRADIENT_BOUND * lipschitz() / 2
        + " within maxIter = " + maxIter + " passes; the model is not released (the budget stays"
        + " spent; raise maxIter or regParam)";
  }

  /**
   * Damped Newton on F_D until ‖∇F‖ ≤ γ/2; returns null if maxIter passes do not get there. Never
   * throws on the data: the Newton system is solved by a Cholesky factorisation whose pivots are
   * floored at Λ (see {@link #newtonStep}).
   */
  double[] minimise(JavaRDD<Row> rows) {
    double gammaHalf = GRADIENT_BOUND * lipschitz() / 2;
    double[] theta = new double[p];
    double[] s = pass(rows, theta); // [loss, grad(p), upper Hessian]
    for (int iter = 0; iter < maxIter; iter++) {
      double[] grad = gradient(s, theta);
      if (norm(grad) <= gammaHalf) {
        return theta;
      }
      double[] step = newtonStep(s, grad);
      double f = objective(s, theta);
      double t = 1;
      double slope = 0;
      for (int i = 0; i < p; i++) {
        slope += grad[i] * step[i]; // < 0: step is a descent direction
      }
      while (true) {
        double[] candidate = new double[p];
        for (int i = 0; i < p; i++) {
          candidate[i] = theta[i] + t * step[i];
        }
        double[] cs = pass(rows, candidate);
        iter++;
        // Armijo: sufficient decrease, else halve the step (each trial is one pass, counted).
        if (objective(cs, candidate) <= f + 1e-4 * t * slope || t < 1e-10) {
          theta = candidate;
          s = cs;
          break;
        }
        if (iter >= maxIter) {
          break;
        }
        t /= 2;
      }
    }
    return norm(gradient(s, theta)) <= gammaHalf ? theta : null;
  }

  private double objective(double[] s, double[] theta) {
    return s[0] + regParam / 2 * dot(theta, theta);
  }

  private double[] gradient(double[] s, double[] theta) {
    double[] g = new double[p];
    for (int i = 0; i < p; i++) {
      g[i] = s[1 + i] + regParam * theta[i];
    }
    return g;
  }

  /**
   * The Newton direction −(H + ΛI)⁻¹∇F, by a Cholesky factorisation H + ΛI = LLᵀ (H from its upper
   * triangle in {@code s}). In exact arithmetic every pivot (a diagonal entry of a Schur complement
   * of H + ΛI ⪰ ΛI) is at least Λ; rounding can push one below, even to 0 or less, when H is
   * ill-conditioned. Such a pivot is raised to Λ, so the factorisation never fails and LLᵀ stays
   * positive definite: the direction is still one of descent, and the line search and the stopping
   * rule decide the rest (the released θ̂ is judged by ‖∇F(θ̂)‖ alone).
   */
  double[] newtonStep(double[] s, double[] grad) {
    double[][] l = new double[p][p];
    int k = 1 + p;
    double[][] h = new double[p][p];
    for (int i = 0; i < p; i++) {
      for (int j = i; j < p; j++) {
        h[i][j] = s[k];
        h[j][i] = s[k];
        k++;
      }
      h[i][i] += regParam;
    }
    for (int j = 0; j < p; j++) {
      double pivot = h[j][j];
      for (int m = 0; m < j; m++) {
        pivot -= l[j][m] * l[j][m];
      }
      l[j][j] = Math.sqrt(pivot >= regParam ? pivot : regParam); // also catches a NaN pivot
      for (int i = j + 1; i < p; i++) {
        double v = h[i][j];
        for (int m = 0; m < j; m++) {
          v -= l[i][m] * l[j][m];
        }
        l[i][j] = v / l[j][j];
      }
    }
    double[] y = new double[p]; // L y = −∇F
    for (int i = 0; i < p; i++) {
      double v = -grad[i];
      for (int m = 0; m < i; m++) {
        v -= l[i][m] * y[m];
      }
      y[i] = v / l[i][i];
    }
    double[] x = new double[p]; // Lᵀ x = y
    for (int i = p - 1; i >= 0; i--) {
      double v = y[i];
      for (int m = i + 1; m < p; m++) {
        v -= l[m][i] * x[m];
      }
      x[i] = v / l[i][i];
    }
    return x;
  }

  /** One pass: Σ loss, Σ ∇ℓ and the upper triangle of Σ ∇²ℓ at θ, over clipped rows. */
  private double[] pass(JavaRDD<Row> rows, double[] theta) {
    int d = numFeatures;
    int pp = p;
    boolean intercept = fitIntercept;
    double r = maxFeatureNorm;
    double[] th = theta.clone();
    Function2<double[], Row, double[]> add = (acc, row) -> {
      double label = WrapperSupport.label(row.get(1));
      double[] x = WrapperSupport.dense((Vector) row.get(0), d);
      if (!(label == 0 || label == 1) || x == null) {
        return acc; // dropped by a per-row rule
      }
      WrapperSupport.clipL2(x, r);
      double[] xt = intercept ? Arrays.copyOf(x, pp) : x;
      if (intercept) {
        xt[d] = 1;
      }
      double y = label == 1 ? 1 : -1;
      double margin = y * dot(th, xt);
      // log(1 + e^{-m}) without overflow; σ(−m) = 1/(1 + e^{m})
      acc[0] += margin > 0 ? Math.log1p(Math.exp(-margin)) : -margin + Math.log1p(Math.exp(margin));
      double sig = 1 / (1 + Math.exp(margin));
      for (int i = 0; i < pp; i++) {
        acc[1 + i] += -y * sig * xt[i];
      }
      double w = sig * (1 - sig);
      int k = 1 + pp;
      for (int i = 0; i < pp; i++) {
        double wi = w * xt[i];
        for (int j = i; j < pp; j++) {
          acc[k++] += wi * xt[j];
        }
      }
      return acc;
    };
    Function2<double[], double[], double[]> merge = (a, c) -> {
      for (int i = 0; i < a.length; i++) {
        a[i] += c[i];
      }
      return a;
    };
    return rows.treeAggregate(new double[1 + pp + pp * (pp + 1) / 2], add, merge, 2);
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static double norm(double[] a) {
    return Math.sqrt(dot(a, a));
  }

  private String describe() {
    return String.format(Locale.ROOT,
        "logistic regression output perturbation: features=%d, intercept=%s, maxFeatureNorm=%s, regParam=%s, "
            + "epsilon=%s, delta=%s", numFeatures, fitIntercept, maxFeatureNorm, regParam, epsilon, delta);
  }

  @Override
  public String toString() {
    return "PrivateLogisticRegression[" + describe() + ", sensitivity=" + sensitivity() + ", sigma=" + sigma() + "]";
  }

  /**
   * Collects parameters; {@link #build()} validates all of them. Not thread-safe. Here the
   * features dimension d is in [1, 1000] and the label column holds 0 and 1.
   */
  public static final class Builder extends LabelledWrapperBuilder<Builder> {
    private Double delta;
    private Double maxFeatureNorm;
    private Double regParam;
    private boolean fitIntercept = true; // MLlib's default
    private int maxIter = 100; // MLlib's default; Newton typically needs about 10 passes

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

    /**
     * The regularisation Λ of the <em>sum-form</em> objective, finite and &gt; 0. It equals MLlib's
     * {@code regParam} (averaged form, L2, elasticNet 0) times n; choose it from a public lower
     * bound on n, e.g. 10⁻³·n. The noise σ scales as 1/Λ. Required: no default fits all n.
     */
    public Builder regParam(double regParam) {
      this.regParam = regParam;
      return this;
    }

    /** Whether to fit an intercept (default true; it is regularised with the coefficients). */
    public Builder fitIntercept(boolean fitIntercept) {
      this.fitIntercept = fitIntercept;
      return this;
    }

    /** The most passes over the data the solver may make, in [1, 10000] (default 100). */
    public Builder maxIter(int maxIter) {
      this.maxIter = maxIter;
      return this;
    }

    /**
     * Validates every parameter and builds the wrapper.
     *
     * @throws IllegalArgumentException naming the first invalid or missing parameter
     */
    public PrivateLogisticRegression build() {
      checkEpsilon();
      checkGaussianDelta(delta);
      if (required("numFeatures", numFeatures) < 1 || numFeatures > 1000) {
        throw new IllegalArgumentException("numFeatures must be in [1, 1000]; got " + numFeatures);
      }
      Check.positiveFinite("maxFeatureNorm", required("maxFeatureNorm", maxFeatureNorm));
      Check.positiveFinite("regParam", required("regParam", regParam));
      if (maxIter < 1 || maxIter > 10_000) {
        throw new IllegalArgumentException("maxIter must be in [1, 10000]; got " + maxIter);
      }
      checkColumnsAndBudget();
      return new PrivateLogisticRegression(this);
    }
  }
}
