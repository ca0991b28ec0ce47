package org.privspark.spark.ml.wrappers;

import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.ml.clustering.KMeansModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.DoubleArrayArrayParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.privspark.core.accounting.Calibration;
import org.privspark.core.accounting.GaussianEvent;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.mechanism.GaussianMechanism;
import org.privspark.core.noise.NoiseSource;
import org.privspark.core.noise.ReleaseKey;
import org.privspark.spark.ml.DataPhase;
import org.privspark.spark.ml.params.ParamChecks;

/**
 * Differentially private k-means by <em>noisy Lloyd iterations</em> over a bounded domain, at the
 * level of the privacy unit. A Spark ML {@link org.apache.spark.ml.Estimator}; its {@link
 * NoisyLloydKMeansModel} transforms as MLlib's {@link KMeansModel} (Euclidean distance).
 *
 * <p><b>Algorithm.</b> Each unit keeps at most m = {@code maxRowsPerUnit} of its rows ({@link
 * UnitRowBound}; all rows in row-level mode). Each row's features are clamped to the public box
 * [lo, hi]^d (when given) and scaled into the public L2 ball of radius R (when given); R' = min(R,
 * ‖(max(|lo|, |hi|), …)‖₂) bounds every clipped row. Initial centres are public: given, or drawn
 * uniformly from the box (from [−R/√d, R/√d]^d without one) from the fit's keyed noise stream,
 * independent of the data. Each of T iterations assigns every kept row to its nearest current
 * centre and sums, per centre j, the count c_j and the feature sum s_j; the vector (c, s) of k +
 * k·d entries is released with dp-core's {@link GaussianMechanism}. A centre with noisy count ĉ_j ≥
 * 1 moves to ŝ_j/ĉ_j, projected back onto the box and ball; one with ĉ_j &lt; 1 stays.
 *
 * <p><b>Sensitivity.</b> Neighbours differ by one unit with all its rows, at most m after bounding.
 * Given the current centres (public: post-processing of earlier releases), each such row changes
 * one count by 1 and one sum by its clipped features, an L2 change of at most √(1 + R'²); by the
 * triangle inequality the unit moves (c, s) by at most m·√(1 + R'²) (rounded up).
 *
 * <p><b>Guarantee.</b> (ε, δ)-DP per unit. The T releases compose adaptively; each uses σ = z·m·√(1
 * + R'²), where z is the smallest noise multiplier for which T Gaussian releases are (ε, δ)-DP on
 * the default order grid. The charged event is the mechanism's {@code DiscreteGaussianEvent}
 * composed T times. k, d, T, m, the bounds and the initial centres are public. Noisy Lloyd
 * iterations: Blum, Dwork, McSherry &amp; Nissim, PODS 2005; Su et al., CODASPY 2016.
 *
 * <p>Not thread-safe. See {@link UnitLevelEstimator} for the order of work and the budget.
 */
public final class NoisyLloydKMeans
    extends UnitLevelEstimator<NoisyLloydKMeansModel, NoisyLloydKMeans, NoisyLloydKMeans.Plan> {
  private static final long serialVersionUID = 1L;

  /** The mechanism label charged. */
  static final String MECHANISM = "ml-kmeans-lloyd";

  private final DoubleParam delta;
  private final IntParam k;
  private final IntParam maxIter;
  private final DoubleParam maxFeatureNorm;
  private final DoubleParam featureLower;
  private final DoubleParam featureUpper;
  private final DoubleArrayArrayParam initialCenters;

  /** A new estimator with a fresh uid and the defaults (maxIter 5). */
  public NoisyLloydKMeans() {
    this(Identifiable.randomUID("noisyLloydKMeans"));
  }

  /** An estimator with the given uid (Spark's readers call this). */
  public NoisyLloydKMeans(String uid) {
    super(uid);
    delta =
        new DoubleParam(
            uid, "delta", "delta of the whole fit, in (0, 1)", ParamChecks.inOpen("delta", 0, 1));
    k =
        new IntParam(
            uid,
            "k",
            "the number of clusters, in [1, 1000]",
            ParamChecks.intInClosed("k", 1, 1000));
    maxIter =
        new IntParam(
            uid,
            "maxIter",
            "the number T of noisy Lloyd iterations, in [1, 100]",
            ParamChecks.intInClosed("maxIter", 1, 100));
    maxFeatureNorm =
        new DoubleParam(
            uid,
            "maxFeatureNorm",
            "public L2 bound R on each row, finite and > 0",
            ParamChecks.positiveFinite("maxFeatureNorm"));
    featureLower =
        new DoubleParam(
            uid, "featureLower", "lower end of the public box for every coordinate, finite");
    featureUpper =
        new DoubleParam(
            uid, "featureUpper", "upper end of the public box for every coordinate, finite");
    initialCenters =
        new DoubleArrayArrayParam(
            this,
            "initialCenters",
            "public initial centres: k arrays of d finite values, chosen without the data");
    setDefault(maxIter, 5); // few iterations: each one costs budget
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
   * The number of clusters in [1, 1000]. Required.
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public IntParam k() {
    return k;
  }

  /**
   * T, the number of noisy iterations in [1, 100]; default 5. ε is split across them.
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public IntParam maxIter() {
    return maxIter;
  }

  /**
   * The public L2 bound R, finite and &gt; 0. At least one of this and the box.
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public DoubleParam maxFeatureNorm() {
    return maxFeatureNorm;
  }

  /**
   * The public box's lower end (set with {@link #featureUpper()}, lower &lt; upper, both finite).
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public DoubleParam featureLower() {
    return featureLower;
  }

  /**
   * The public box's upper end.
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public DoubleParam featureUpper() {
    return featureUpper;
  }

  /**
   * Public initial centres; optional (default: uniform in the box, from the fit's key).
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public DoubleArrayArrayParam initialCenters() {
    return initialCenters;
  }

  /**
   * Sets {@link #delta()}; validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public NoisyLloydKMeans setDelta(double value) {
    set(delta, value);
    return this;
  }

  /**
   * Sets {@link #k()}; validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public NoisyLloydKMeans setK(int value) {
    set(k, value);
    return this;
  }

  /**
   * Sets {@link #maxIter()}; validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public NoisyLloydKMeans setMaxIter(int value) {
    set(maxIter, value);
    return this;
  }

  /**
   * Sets {@link #maxFeatureNorm()}; validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public NoisyLloydKMeans setMaxFeatureNorm(double value) {
    set(maxFeatureNorm, value);
    return this;
  }

  /** Sets the public box [lower, upper] of every coordinate (checked at fit, before any charge). */
  public NoisyLloydKMeans setFeatureBounds(double lower, double upper) {
    set(featureLower, lower);
    set(featureUpper, upper);
    return this;
  }

  /**
   * Sets {@link #initialCenters()} (copied).
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public NoisyLloydKMeans setInitialCenters(double[][] value) {
    double[][] copy = value.clone();
    for (int i = 0; i < copy.length; i++) {
      copy[i] = copy[i].clone();
    }
    set(initialCenters, copy);
    return this;
  }

  /**
   * One fit: T Gaussian releases at L2 sensitivity m·√(1 + R'²).
   *
   * @param lower NaN when no box
   * @param maxFeatureNorm +∞ when not given
   * @param initialCenters null: uniform in the box
   */
  record Plan(
      int rowsPerUnit,
      int k,
      int numFeatures,
      int maxIter,
      double lower,
      double upper,
      double maxFeatureNorm,
      double rowBound,
      double[][] initialCenters,
      double delta,
      GaussianMechanism gaussian,
      PrivacyEvent event,
      String description)
      implements WrapperPlan {
    @Override
    public String mechanism() {
      return MECHANISM;
    }

    /** One iteration's noisy release. */
    double[] release(double[] exact, NoiseSource source) {
      if (exact.length != k + k * numFeatures) {
        throw new IllegalArgumentException(
            "statistics must hold " + (k + k * numFeatures) + " values; got " + exact.length);
      }
      return gaussian.release(exact, source).values();
    }
  }

  @Override
  Plan plan(int rowsPerUnit) {
    double eps = (Double) required(epsilon());
    double del = (Double) required(delta);
    int kc = (Integer) required(k);
    int d = dimension(WrapperSupport.MAX_FEATURES);
    if ((long) kc * (d + 1) > 1_000_000) {
      throw new IllegalArgumentException(
          "k * (numFeatures + 1) must be <= 1000000; got " + (long) kc * (d + 1));
    }
    int t = integer(maxIter);
    boolean box = isSet(featureLower) || isSet(featureUpper);
    if (!isSet(maxFeatureNorm) && !box) {
      throw new IllegalArgumentException(
          "maxFeatureNorm or featureBounds must be set (the data's public bound); got neither");
    }
    double lo = Double.NaN;
    double hi = Double.NaN;
    if (box) {
      lo = isSet(featureLower) ? dbl(featureLower) : Double.NaN;
      hi = isSet(featureUpper) ? dbl(featureUpper) : Double.NaN;
      if (!Double.isFinite(lo) || !Double.isFinite(hi) || !(lo < hi)) {
        throw new IllegalArgumentException(
            "featureBounds must be finite with lower < upper; got [" + lo + ", " + hi + "]");
      }
    }
    double r = isSet(maxFeatureNorm) ? dbl(maxFeatureNorm) : Double.POSITIVE_INFINITY;
    double[][] centers = isSet(initialCenters) ? $(initialCenters) : null;
    if (centers != null) {
      checkCenters(centers, kc, d);
    }
    double boxNorm =
        Double.isNaN(lo)
            ? Double.POSITIVE_INFINITY
            : Math.nextUp(Math.sqrt(d) * Math.max(Math.abs(lo), Math.abs(hi)));
    double rowBound = Math.min(r, boxNorm);
    // m·√(1 + R'²), rounded up.
    double sensitivity =
        WrapperSupport.timesK(
            Math.nextUp(Math.sqrt(Math.nextUp(1 + rowBound * rowBound))), rowsPerUnit);
    int dimension = kc + kc * d;
    double z =
        Calibration.smallestSatisfying(
            m ->
                WrapperSupport.epsilonOf(GaussianEvent.withNoiseMultiplier(m).times(t), del) <= eps,
            1.0);
    GaussianMechanism mech = null;
    PrivacyEvent charged = null;
    for (int attempt = 0; attempt < 64; attempt++) {
      mech = GaussianMechanism.builder().sigma(z * sensitivity).l2Sensitivity(sensitivity).build();
      charged = mech.eventFor(dimension).times(t);
      if (WrapperSupport.epsilonOf(charged, del) <= eps) {
        break;
      }
      z *= 1 + 0x1p-30; // only double rounding can land a hair above ε: add a little noise
      charged = null;
    }
    if (charged == null) {
      throw new IllegalArgumentException(
          "epsilon " + eps + " could not be certified at delta " + del);
    }
    String description =
        String.format(
            Locale.ROOT,
            "kmeans lloyd: k=%d, features=%d, iterations=%d, box=[%s, %s], maxFeatureNorm=%s,"
                + " epsilon=%s, delta=%s",
            kc,
            d,
            t,
            lo,
            hi,
            r,
            eps,
            del);
    return new Plan(
        rowsPerUnit, kc, d, t, lo, hi, r, rowBound, centers, del, mech, charged, description);
  }

  private static void checkCenters(double[][] centers, int k, int d) {
    if (centers.length != k) {
      throw new IllegalArgumentException(
          "initialCenters must hold k = " + k + " centres; got " + centers.length);
    }
    for (int j = 0; j < k; j++) {
      if (centers[j].length != d) {
        throw new IllegalArgumentException(
            "initialCenters["
                + j
                + "] must hold numFeatures = "
                + d
                + " values; got "
                + centers[j].length);
      }
      for (double v : centers[j]) {
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException("initialCenters[" + j + "] must be finite; got " + v);
        }
      }
    }
  }

  @Override
  String[] inputColumns() {
    return new String[] {$(featuresCol())};
  }

  @Override
  void checkInput(StructType schema) {
    WrapperSupport.checkVectorColumn(
        schema, "featuresCol", $(featuresCol()), (Integer) required(numFeatures()));
  }

  @Override
  public StructType transformSchema(StructType schema) {
    checkInput(schema);
    checkAbsent(schema, $(predictionCol()), "predictionCol");
    return schema.add($(predictionCol()), DataTypes.IntegerType, false);
  }

  @Override
  NoisyLloydKMeansModel train(
      Dataset<Row> rows, Plan plan, ReleaseKey key, WrapperRecord record, String stage) {
    // After the charge: a failure names no value of the data (DataPhase).
    double[][] centers = DataPhase.run(stage, () -> iterate(rows.toJavaRDD(), plan, key));
    org.apache.spark.mllib.linalg.Vector[] vs = new org.apache.spark.mllib.linalg.Vector[plan.k()];
    for (int j = 0; j < plan.k(); j++) {
      vs[j] = org.apache.spark.mllib.linalg.Vectors.dense(centers[j]);
    }
    KMeansModel model =
        new KMeansModel(uid() + "_mllib", new org.apache.spark.mllib.clustering.KMeansModel(vs));
    model.set(model.k(), plan.k());
    return new NoisyLloydKMeansModel(uid() + "_model", model, record);
  }

  /** The T noisy Lloyd iterations from the public initial centres; returns the final centres. */
  static double[][] iterate(JavaRDD<Row> rows, Plan plan, ReleaseKey key) {
    double[][] centers =
        plan.initialCenters() != null
            ? copy(plan.initialCenters())
            : randomCenters(plan, WrapperSupport.source(key, "kmeans/init"));
    for (int t = 0; t < plan.maxIter(); t++) {
      double[] exact =
          statistics(
              rows, centers, plan.numFeatures(), plan.lower(), plan.upper(), plan.maxFeatureNorm());
      double[] noisy = plan.release(exact, WrapperSupport.source(key, "kmeans/iteration/" + t));
      centers = update(plan, centers, noisy);
    }
    return centers;
  }

  /** Counts (k), then sums (k·d, centre by centre), of clipped rows by nearest centre. */
  static double[] statistics(
      JavaRDD<Row> rows, double[][] centers, int d, double lo, double hi, double r) {
    int k = centers.length;
    double[][] c = copy(centers);
    Function2<double[], Row, double[]> add =
        (acc, row) -> {
          double[] x = WrapperSupport.dense((Vector) row.get(0), d);
          if (x == null) {
            return acc;
          }
          clip(x, lo, hi, r);
          int best = 0;
          double bestDist = Double.POSITIVE_INFINITY;
          for (int j = 0; j < k; j++) {
            double dist = 0;
            for (int i = 0; i < d; i++) {
              double diff = x[i] - c[j][i];
              dist += diff * diff;
            }
            if (dist < bestDist) {
              bestDist = dist;
              best = j;
            }
          }
          acc[best] += 1;
          int base = k + best * d;
          for (int i = 0; i < d; i++) {
            acc[base + i] += x[i];
          }
          return acc;
        };
    Function2<double[], double[], double[]> merge =
        (a, b) -> {
          for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
          }
          return a;
        };
    return rows.treeAggregate(new double[k + k * d], add, merge, 2);
  }

  /** Clamp to the box (if any), then into the ball (if any). */
  static void clip(double[] x, double lo, double hi, double r) {
    if (!Double.isNaN(lo)) {
      for (int i = 0; i < x.length; i++) {
        x[i] = Math.max(lo, Math.min(hi, x[i]));
      }
    }
    if (Double.isFinite(r)) {
      WrapperSupport.clipL2(x, r);
    }
  }

  private static double[][] update(Plan plan, double[][] centers, double[] noisy) {
    int k = plan.k();
    int d = plan.numFeatures();
    double[][] next = copy(centers);
    for (int j = 0; j < k; j++) {
      double count = noisy[j];
      if (count >= 1) {
        for (int i = 0; i < d; i++) {
          next[j][i] = noisy[k + j * d + i] / count;
        }
        clip(next[j], plan.lower(), plan.upper(), plan.maxFeatureNorm());
      }
    }
    return next;
  }

  private static double[][] randomCenters(Plan plan, NoiseSource source) {
    int d = plan.numFeatures();
    double lo = Double.isNaN(plan.lower()) ? -plan.rowBound() / Math.sqrt(d) : plan.lower();
    double hi = Double.isNaN(plan.upper()) ? plan.rowBound() / Math.sqrt(d) : plan.upper();
    double[][] c = new double[plan.k()][d];
    for (int j = 0; j < plan.k(); j++) {
      for (int i = 0; i < d; i++) {
        double u = source.nextLong(1L << 53) * 0x1p-53; // uniform on [0, 1)
        c[j][i] = lo + (hi - lo) * u;
      }
      clip(c[j], plan.lower(), plan.upper(), plan.maxFeatureNorm());
    }
    return c;
  }

  private static double[][] copy(double[][] a) {
    double[][] out = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i].clone();
    }
    return out;
  }

  @Override
  public NoisyLloydKMeans copy(ParamMap extra) {
    return copyTo(new NoisyLloydKMeans(uid()), extra);
  }

  /**
   * Reads an estimator saved with {@code write().save(path)} (its params; no budget, no secret).
   */
  public static MLReader<NoisyLloydKMeans> read() {
    return new DefaultParamsReader<>();
  }

  /** Loads what {@code write().save(path)} saved. */
  public static NoisyLloydKMeans load(String path) {
    return read().load(path);
  }
}
