package org.privspark.spark.ml.wrappers;

import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.ml.classification.NaiveBayesModel;
import org.apache.spark.ml.linalg.Matrices;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.privspark.core.Check;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.mechanism.LaplaceMechanism;
import org.privspark.core.mechanism.NoisyVector;
import org.privspark.core.noise.NoiseSource;
import org.privspark.core.noise.ReleaseKey;
import org.privspark.core.noise.Secret;
import org.privspark.spark.ml.DataPhase;

/**
 * Differentially private naive Bayes (multinomial or Bernoulli) by perturbing its sufficient
 * statistics, returning MLlib's own {@link NaiveBayesModel}.
 *
 * <p><b>Algorithm.</b> Each row's features are made non-negative (negative and non-finite
 * coordinates become 0; for Bernoulli, coordinates above 1 become 1) and scaled down so that
 * ‖x‖₁ ≤ {@code maxFeatureL1}. One pass computes, per class k, the count c_k and the feature sums
 * s_kj = Σ_{rows of class k} x_j. The vector (c, s) of K + K·d entries is released once with the
 * Laplace mechanism of dp-core ({@link LaplaceMechanism}, discrete Laplace on a power-of-two grid).
 * The model is post-processing: with ĉ = max(noisy c, 0), ŝ = max(noisy s, 0) and smoothing λ,
 * π_k = log((ĉ_k + λ)/(Σĉ + Kλ)) and, multinomial, θ_kj = log((ŝ_kj + λ)/(Σ_j ŝ_kj + dλ)), or,
 * Bernoulli, θ_kj = log((min(ŝ_kj, ĉ_k) + λ)/(ĉ_k + 2λ)) — MLlib's own estimates (Spark's {@code
 * NaiveBayes}) computed from the noisy statistics.
 *
 * <p><b>Sensitivity.</b> Neighbouring data sets differ by adding or removing one row (the privacy
 * unit is one row). A row of class k changes c_k by 1 and s_k· by its clipped features, so the L1
 * change of (c, s) is at most 1 + {@code maxFeatureL1}. Rows whose label is not one of 0, …, K − 1
 * or whose vector is not of size {@code numFeatures} are dropped by a per-row rule, which keeps the
 * bound.
 *
 * <p><b>Guarantee.</b> Pure ε-DP for the model (Laplace mechanism, Dwork, McSherry, Nissim &amp;
 * Smith 2006; discrete Laplace on a grid, Canonne, Kamath &amp; Steinke 2020, see {@link
 * LaplaceMechanism}); the charged event is the mechanism's {@code DiscreteLaplaceEvent} for the
 * whole vector, with cost ≤ ε. The number of classes K, the dimension d, the bound and λ are
 * public. Naive Bayes by noisy counts: Vaidya, Shafiq, Basu &amp; Hong, "Differentially private
 * naive Bayes classification", WI-IAT 2013.
 *
 * <p><b>Caller's duty.</b> One row per privacy unit (deduplicate first; not checked). The feature
 * encoding must be fitted on public information only: a {@code StringIndexer} or {@code
 * OneHotEncoder} fitted on the private data leaks its vocabulary (see {@code docs/ML-WRAPPERS.md}).
 * Not thread-safe; a built wrapper may fit many times, each charging the budget.
 */
public final class PrivateNaiveBayes {
  /** The MLlib model types supported. */
  public static final String MULTINOMIAL = "multinomial";
  /** Bernoulli naive Bayes: features in {0, 1}. */
  public static final String BERNOULLI = "bernoulli";

  private final Builder b;
  private final LaplaceMechanism mechanism;
  private final int dimension;

  private PrivateNaiveBayes(Builder b) {
    this.b = b;
    this.dimension = b.numClasses + b.numClasses * b.numFeatures;
    this.mechanism = LaplaceMechanism.builder()
        .epsilon(b.epsilon)
        .l1Sensitivity(onePlus(b.maxFeatureL1))
        .build();
  }

  /** 1 + b rounded up: the sensitivity must never be understated. */
  static double onePlus(double b) {
    double s = 1 + b;
    boolean exact = new java.math.BigDecimal(s).compareTo(java.math.BigDecimal.ONE.add(new java.math.BigDecimal(b))) >= 0;
    return exact ? s : Math.nextUp(s);
  }

  /** A builder with the defaults: multinomial, smoothing 1, columns "features" and "label". */
  public static Builder builder() {
    return new Builder();
  }

  /** What one fit costs: the Laplace event of the whole statistics vector. Reads no data. */
  public PrivacyEvent cost() {
    return mechanism.eventFor(dimension);
  }

  /**
   * Validates the schema, charges {@link #cost()} to the budget, then reads the data once and
   * returns the model.
   *
   * @throws IllegalArgumentException if a column is missing or of the wrong type (nothing spent)
   * @throws org.privspark.core.accounting.ReleaseIdReusedException if the release secret keyed a
   *     fit charged to this budget before (nothing is charged)
   * @throws org.privspark.core.accounting.BudgetExhaustedException if the budget refuses (no data
   *     read)
   * @throws org.privspark.spark.ml.FailedAfterChargeException if reading the data fails after the
   *     charge (the budget stays spent; no message of the failure is kept)
   */
  public PrivateFit<NaiveBayesModel> fit(Dataset<Row> data) {
    Check.notNull("data", data);
    WrapperSupport.checkVectorColumn(data.schema(), "featuresCol", b.featuresCol, b.numFeatures);
    WrapperSupport.checkLabelColumn(data.schema(), "labelCol", b.labelCol, b.numClasses);
    PrivacyEvent event = cost();
    ReleaseKey noiseKey = WrapperSupport.charge(b.budget, event, "ml-naive-bayes", describe(), b.secret);
    // After the charge: a failure names no value of the data (DataPhase).
    NaiveBayesModel model = DataPhase.run("PrivateNaiveBayes", () -> {
      double[] stats = statistics(data.select(b.featuresCol, b.labelCol).toJavaRDD(),
          b.numClasses, b.numFeatures, b.maxFeatureL1, b.modelType.equals(BERNOULLI));
      NoisyVector noisy = releaseStatistics(stats,
          WrapperSupport.source(noiseKey, "naive-bayes/statistics"));
      return model(noisy.values());
    });
    return new PrivateFit<>(model, event, 0.0);
  }

  /** The one noisy release of a fit: (counts, sums) plus discrete Laplace noise of scale ≥ (1 + B)/ε. */
  NoisyVector releaseStatistics(double[] stats, NoiseSource source) {
    if (stats.length != dimension) {
      throw new IllegalArgumentException("stats must hold " + dimension + " values; got " + stats.length);
    }
    return mechanism.release(stats, source);
  }

  private String describe() {
    return String.format(Locale.ROOT, "naive bayes %s: classes=%d, features=%d, maxFeatureL1=%s, epsilon=%s",
        b.modelType, b.numClasses, b.numFeatures, b.maxFeatureL1, b.epsilon);
  }

  /** Counts then feature sums per class (row-major: class k's sums at K + k·d), after clipping. */
  static double[] statistics(JavaRDD<Row> rows, int k, int d, double maxL1, boolean bernoulli) {
    int size = k + k * d;
    Function2<double[], Row, double[]> add = (acc, row) -> {
      double y = WrapperSupport.label(row.get(1));
      int cls = (int) y;
      if (!(y == cls && cls >= 0 && cls < k)) {
        return acc; // not a valid class: dropped by a per-row rule
      }
      double[] x = WrapperSupport.dense((Vector) row.get(0), d);
      if (x == null) {
        return acc;
      }
      for (int j = 0; j < d; j++) {
        x[j] = Math.max(0, bernoulli ? Math.min(1, x[j]) : x[j]);
      }
      WrapperSupport.clipL1(x, maxL1);
      acc[cls] += 1;
      int base = k + cls * d;
      for (int j = 0; j < d; j++) {
        acc[base + j] += x[j];
      }
      return acc;
    };
    Function2<double[], double[], double[]> merge = (a, c) -> {
      for (int i = 0; i < a.length; i++) {
        a[i] += c[i];
      }
      return a;
    };
    return rows.treeAggregate(new double[size], add, merge, 2);
  }

  private NaiveBayesModel model(double[] noisy) {
    int k = b.numClasses;
    int d = b.numFeatures;
    double lambda = b.smoothing;
    double[] counts = new double[k];
    double total = 0;
    for (int c = 0; c < k; c++) {
      counts[c] = Math.max(0, noisy[c]);
      total += counts[c];
    }
    double[] pi = new double[k];
    double[] theta = new double[k * d]; // column-major k × d
    boolean bernoulli = b.modelType.equals(BERNOULLI);
    for (int c = 0; c < k; c++) {
      pi[c] = Math.log((counts[c] + lambda) / (total + k * lambda));
      double rowSum = 0;
      for (int j = 0; j < d; j++) {
        rowSum += Math.max(0, noisy[k + c * d + j]);
      }
      for (int j = 0; j < d; j++) {
        double s = Math.max(0, noisy[k + c * d + j]);
        theta[j * k + c] = bernoulli
            ? Math.log((Math.min(s, counts[c]) + lambda) / (counts[c] + 2 * lambda))
            : Math.log((s + lambda) / (rowSum + d * lambda));
      }
    }
    NaiveBayesModel model = new NaiveBayesModel(Identifiable.randomUID("privateNaiveBayes"),
        Vectors.dense(pi), Matrices.dense(k, d, theta), Matrices.zeros(0, 0));
    model.set(model.modelType(), b.modelType);
    model.setFeaturesCol(b.featuresCol);
    return model;
  }

  @Override
  public String toString() {
    return "PrivateNaiveBayes[" + describe() + ", smoothing=" + b.smoothing + "]";
  }

  /**
   * Collects parameters; {@link #build()} validates all of them. Not thread-safe. Here ε must also
   * lie in [2^-30, 2^12] (the Laplace mechanism's range) and the label column holds 0, …, K − 1.
   */
  public static final class Builder extends LabelledWrapperBuilder<Builder> {
    private Integer numClasses;
    private Double maxFeatureL1;
    private String modelType = MULTINOMIAL; // MLlib's default
    private double smoothing = 1.0; // MLlib's default; must stay > 0 here (noisy sums can be 0)

    private Builder() {}

    private Builder copy() {
      Builder c = new Builder();
      c.epsilon = epsilon;
      c.numClasses = numClasses;
      c.numFeatures = numFeatures;
      c.maxFeatureL1 = maxFeatureL1;
      c.modelType = modelType;
      c.smoothing = smoothing;
      c.featuresCol = featuresCol;
      c.labelCol = labelCol;
      c.budget = budget;
      c.secret = secret;
      return c;
    }

    /** The public number of classes K ≥ 2; labels are 0, …, K − 1. Required. */
    public Builder numClasses(int numClasses) {
      this.numClasses = numClasses;
      return this;
    }

    /**
     * The public bound B on ‖x‖₁ per row, finite and &gt; 0 (for m one-hot fields, B = m); rows
     * above it are scaled down. Required.
     */
    public Builder maxFeatureL1(double maxFeatureL1) {
      this.maxFeatureL1 = maxFeatureL1;
      return this;
    }

    /** {@value #MULTINOMIAL} (default) or {@value #BERNOULLI}. */
    public Builder modelType(String modelType) {
      this.modelType = modelType;
      return this;
    }

    /** Additive smoothing λ, finite and &gt; 0 (default 1). */
    public Builder smoothing(double smoothing) {
      this.smoothing = smoothing;
      return this;
    }

    /**
     * Validates every parameter and builds the wrapper.
     *
     * @throws IllegalArgumentException naming the first invalid or missing parameter
     */
    public PrivateNaiveBayes build() {
      checkEpsilon();
      if (required("numClasses", numClasses) < 2 || numClasses > 1024) {
        throw new IllegalArgumentException("numClasses must be in [2, 1024]; got " + numClasses);
      }
      checkNumFeatures();
      Check.positiveFinite("maxFeatureL1", required("maxFeatureL1", maxFeatureL1));
      if (!MULTINOMIAL.equals(modelType) && !BERNOULLI.equals(modelType)) {
        throw new IllegalArgumentException("modelType must be \"multinomial\" or \"bernoulli\"; got "
            + (modelType == null ? "null" : "\"" + modelType + "\""));
      }
      Check.positiveFinite("smoothing", smoothing);
      checkColumnsAndBudget();
      return new PrivateNaiveBayes(copy());
    }
  }
}
