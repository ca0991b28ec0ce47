package org.privspark.spark.ml.wrappers;

import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.ml.classification.NaiveBayesModel;
import org.apache.spark.ml.linalg.Matrices;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.mechanism.LaplaceMechanism;
import org.privspark.core.mechanism.NoisyVector;
import org.privspark.core.noise.NoiseSource;
import org.privspark.core.noise.ReleaseKey;
import org.privspark.spark.ml.DataPhase;
import org.privspark.spark.ml.params.ParamChecks;

/**
 * Differentially private naive Bayes (multinomial or Bernoulli) by <em>noisy counts</em>: Laplace
 * noise on its sufficient statistics, at the level of the privacy unit. A Spark ML {@link
 * org.apache.spark.ml.Estimator}; its {@link NoisyCountNaiveBayesModel} transforms as MLlib's
 * {@link NaiveBayesModel}.
 *
 * <p><b>Algorithm.</b> Each unit keeps at most k = {@code maxRowsPerUnit} of its rows ({@link
 * UnitRowBound}; all rows in row-level mode). Each row's features are made non-negative (negative
 * and non-finite coordinates become 0; for Bernoulli, coordinates above 1 become 1) and scaled down
 * so that ‖x‖₁ ≤ B ({@code maxFeatureL1}). One pass computes, per class c, the count n_c and the
 * feature sums s_cj. The vector (n, s) of K + K·d entries is released once with dp-core's {@link
 * LaplaceMechanism} (discrete Laplace on a power-of-two grid). The model is MLlib's estimate from
 * the noisy statistics: with n̂ = max(noisy n, 0), ŝ = max(noisy s, 0) and smoothing λ, π_c =
 * log((n̂_c + λ)/(Σn̂ + Kλ)) and, multinomial, θ_cj = log((ŝ_cj + λ)/(Σ_j ŝ_cj + dλ)), or,
 * Bernoulli, θ_cj = log((min(ŝ_cj, n̂_c) + λ)/(n̂_c + 2λ)).
 *
 * <p><b>Sensitivity.</b> Neighbouring data sets differ by one unit with all its rows. After
 * bounding, the unit contributes at most k rows; each moves (n, s) by at most 1 + B in L1 (one
 * count by 1, one class's sums by its clipped features), so the L1 sensitivity is k·(1 + B)
 * (rounded up). Rows with a label outside 0, …, K − 1 or a vector of another size are dropped by a
 * per-row rule, which keeps the bound. In row-level mode, k = 1 and the unit is the row.
 *
 * <p><b>Guarantee.</b> Pure ε-DP per unit (Laplace mechanism, Dwork, McSherry, Nissim &amp; Smith
 * 2006; discrete Laplace, Canonne, Kamath &amp; Steinke 2020): the charged event is the mechanism's
 * {@code DiscreteLaplaceEvent} for the whole vector. K, d, B, λ and k are public. Naive Bayes by
 * noisy counts: Vaidya, Shafiq, Basu &amp; Hong, WI-IAT 2013.
 *
 * <p>Here ε must lie in [2^-30, 2^12] (the Laplace mechanism's range), numFeatures in [1, 4096].
 * Not thread-safe. See {@link UnitLevelEstimator} for the order of work and the budget.
 */
public final class NoisyCountNaiveBayes
    extends ProbabilisticUnitEstimator<
        NoisyCountNaiveBayesModel, NoisyCountNaiveBayes, NoisyCountNaiveBayes.Plan> {
  private static final long serialVersionUID = 1L;

  /** Multinomial naive Bayes (MLlib's default). */
  public static final String MULTINOMIAL = "multinomial";

  /** Bernoulli naive Bayes: features in {0, 1}. */
  public static final String BERNOULLI = "bernoulli";

  /** The mechanism label charged. */
  static final String MECHANISM = "ml-naive-bayes";

  private final IntParam numClasses;
  private final DoubleParam maxFeatureL1;
  private final Param<String> modelType;
  private final DoubleParam smoothing;

  /** A new estimator with a fresh uid and the defaults: multinomial, smoothing 1. */
  public NoisyCountNaiveBayes() {
    this(Identifiable.randomUID("noisyCountNB"));
  }

  /** An estimator with the given uid (Spark's readers call this). */
  public NoisyCountNaiveBayes(String uid) {
    super(uid);
    numClasses =
        new IntParam(
            uid,
            "numClasses",
            "the public number of classes K in [2, 1024]; labels 0..K-1",
            ParamChecks.intInClosed("numClasses", 2, 1024));
    maxFeatureL1 =
        new DoubleParam(
            uid,
            "maxFeatureL1",
            "public bound B on the L1 norm of each row's features, finite and > 0",
            ParamChecks.positiveFinite("maxFeatureL1"));
    modelType =
        new Param<>(
            uid,
            "modelType",
            "\"multinomial\" or \"bernoulli\"",
            ParamChecks.matching(
                "modelType",
                java.util.regex.Pattern.compile("multinomial|bernoulli"),
                "\"multinomial\" or \"bernoulli\""));
    smoothing =
        new DoubleParam(
            uid,
            "smoothing",
            "additive smoothing, finite and > 0",
            ParamChecks.positiveFinite("smoothing"));
    setDefault(modelType, MULTINOMIAL);
    setDefault(smoothing, 1.0); // MLlib's default; must stay > 0 here (noisy sums can be 0)
  }

  /**
   * The public number of classes K in [2, 1024]; labels are 0, …, K − 1. Required.
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public IntParam numClasses() {
    return numClasses;
  }

  /**
   * The public bound B on ‖x‖₁ per row, finite and &gt; 0 (for m one-hot fields, B = m). Required.
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public DoubleParam maxFeatureL1() {
    return maxFeatureL1;
  }

  /**
   * {@value #MULTINOMIAL} (default) or {@value #BERNOULLI}.
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public Param<String> modelType() {
    return modelType;
  }

  /**
   * Additive smoothing λ, finite and &gt; 0; default 1.
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public DoubleParam smoothing() {
    return smoothing;
  }

  /**
   * Sets {@link #numClasses()}; validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public NoisyCountNaiveBayes setNumClasses(int value) {
    set(numClasses, value);
    return this;
  }

  /**
   * Sets {@link #maxFeatureL1()}; validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public NoisyCountNaiveBayes setMaxFeatureL1(double value) {
    set(maxFeatureL1, value);
    return this;
  }

  /**
   * Sets {@link #modelType()}; validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public NoisyCountNaiveBayes setModelType(String value) {
    set(modelType, value);
    return this;
  }

  /**
   * Sets {@link #smoothing()}; validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public NoisyCountNaiveBayes setSmoothing(double value) {
    set(smoothing, value);
    return this;
  }

  /**
   * One fit: the Laplace mechanism at L1 sensitivity k·(1 + B) and its event.
   *
   * @param k the most rows per unit
   * @param dimension K + K·d, the length of the released vector
   */
  record Plan(
      int k,
      int numClasses,
      int numFeatures,
      double maxFeatureL1,
      boolean bernoulli,
      double smoothing,
      LaplaceMechanism laplace,
      int dimension,
      String description)
      implements WrapperPlan {
    @Override
    public PrivacyEvent event() {
      return laplace.eventFor(dimension);
    }

    @Override
    public double delta() {
      return 0;
    }

    @Override
    public String mechanism() {
      return MECHANISM;
    }

    /**
     * The one noisy release of a fit: (counts, sums) plus discrete Laplace noise of scale ≥ k(1 +
     * B)/ε.
     */
    NoisyVector release(double[] stats, NoiseSource source) {
      if (stats.length != dimension) {
        throw new IllegalArgumentException(
            "stats must hold " + dimension + " values; got " + stats.length);
      }
      return laplace.release(stats, source);
    }
  }

  @Override
  Plan plan(int k) {
    double eps = (Double) required(epsilon());
    int kc = (Integer) required(numClasses);
    int d = dimension(WrapperSupport.MAX_FEATURES);
    double b = (Double) required(maxFeatureL1);
    boolean bernoulli = BERNOULLI.equals($(modelType));
    LaplaceMechanism mechanism =
        LaplaceMechanism.builder()
            .epsilon(eps)
            .l1Sensitivity(WrapperSupport.timesK(onePlus(b), k))
            .build();
    String description =
        String.format(
            Locale.ROOT,
            "naive bayes %s: classes=%d, features=%d, maxFeatureL1=%s, epsilon=%s",
            $(modelType),
            kc,
            d,
            b,
            eps);
    return new Plan(k, kc, d, b, bernoulli, dbl(smoothing), mechanism, kc + kc * d, description);
  }

  /** 1 + b rounded up: the sensitivity must never be understated. */
  static double onePlus(double b) {
    double s = 1 + b;
    boolean exact =
        new java.math.BigDecimal(s)
                .compareTo(java.math.BigDecimal.ONE.add(new java.math.BigDecimal(b)))
            >= 0;
    return exact ? s : Math.nextUp(s);
  }

  @Override
  void checkInput(StructType schema) {
    WrapperSupport.checkVectorColumn(
        schema, "featuresCol", $(featuresCol()), (Integer) required(numFeatures()));
    WrapperSupport.checkLabelColumn(
        schema, "labelCol", $(labelCol()), (Integer) required(numClasses));
  }

  @Override
  NoisyCountNaiveBayesModel train(
      Dataset<Row> rows, Plan plan, ReleaseKey key, WrapperRecord record, String stage) {
    // After the charge: a failure names no value of the data (DataPhase).
    double[] noisy =
        DataPhase.run(
            stage,
            () ->
                plan.release(
                        statistics(
                            rows.toJavaRDD(),
                            plan.numClasses(),
                            plan.numFeatures(),
                            plan.maxFeatureL1(),
                            plan.bernoulli()),
                        WrapperSupport.source(key, "naive-bayes/statistics"))
                    .values());
    return new NoisyCountNaiveBayesModel(
        uid() + "_model", model(plan, noisy, uid() + "_mllib"), record);
  }

  /** Counts then feature sums per class (row-major: class c's sums at K + c·d), after clipping. */
  static double[] statistics(JavaRDD<Row> rows, int k, int d, double maxL1, boolean bernoulli) {
    int size = k + k * d;
    Function2<double[], Row, double[]> add =
        (acc, row) -> {
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
    Function2<double[], double[], double[]> merge =
        (a, c) -> {
          for (int i = 0; i < a.length; i++) {
            a[i] += c[i];
          }
          return a;
        };
    return rows.treeAggregate(new double[size], add, merge, 2);
  }

  /** MLlib's estimates from the noisy statistics (post-processing). */
  static NaiveBayesModel model(Plan plan, double[] noisy, String uid) {
    int k = plan.numClasses();
    int d = plan.numFeatures();
    double lambda = plan.smoothing();
    double[] counts = new double[k];
    double total = 0;
    for (int c = 0; c < k; c++) {
      counts[c] = Math.max(0, noisy[c]);
      total += counts[c];
    }
    double[] pi = new double[k];
    double[] theta = new double[k * d]; // column-major k × d
    for (int c = 0; c < k; c++) {
      pi[c] = Math.log((counts[c] + lambda) / (total + k * lambda));
      double rowSum = 0;
      for (int j = 0; j < d; j++) {
        rowSum += Math.max(0, noisy[k + c * d + j]);
      }
      for (int j = 0; j < d; j++) {
        double s = Math.max(0, noisy[k + c * d + j]);
        theta[j * k + c] =
            plan.bernoulli()
                ? Math.log((Math.min(s, counts[c]) + lambda) / (counts[c] + 2 * lambda))
                : Math.log((s + lambda) / (rowSum + d * lambda));
      }
    }
    NaiveBayesModel model =
        new NaiveBayesModel(
            uid, Vectors.dense(pi), Matrices.dense(k, d, theta), Matrices.zeros(0, 0));
    model.set(model.modelType(), plan.bernoulli() ? BERNOULLI : MULTINOMIAL);
    return model;
  }

  @Override
  public NoisyCountNaiveBayes copy(ParamMap extra) {
    return copyTo(new NoisyCountNaiveBayes(uid()), extra);
  }

  /**
   * Reads an estimator saved with {@code write().save(path)} (its params; no budget, no secret).
   */
  public static MLReader<NoisyCountNaiveBayes> read() {
    return new DefaultParamsReader<>();
  }

  /** Loads what {@code write().save(path)} saved. */
  public static NoisyCountNaiveBayes load(String path) {
    return read().load(path);
  }
}
