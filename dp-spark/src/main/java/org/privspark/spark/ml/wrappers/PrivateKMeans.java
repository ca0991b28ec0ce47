package org.privspark.spark.ml.wrappers;

import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.ml.clustering.KMeansModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.privspark.core.Check;
import org.privspark.core.accounting.Calibration;
import org.privspark.core.accounting.GaussianEvent;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.mechanism.GaussianMechanism;
import org.privspark.core.noise.NoiseSource;
import org.privspark.core.noise.ReleaseKey;
import org.privspark.core.noise.Secret;
import org.privspark.spark.ml.DataPhase;

/**
 * Differentially private k-means by noisy Lloyd iterations over a bounded domain, returning
 * MLlib's own {@link KMeansModel} (Euclidean distance).
 *
 * <p><b>Algorithm.</b> Each row's features are clamped to the public box [lo, hi]^d (when given)
 * and then scaled into the public L2 ball of radius R (when given); let R' = min(R, ‖(max(|lo|,
 * |hi|), …)‖₂) bound every clipped row. Initial centres are public: given by the caller, or drawn
 * uniformly from the box (from [−R/√d, R/√d]^d without one) with dp-core's noise source, which is
 * independent of the data. Each of T iterations makes one pass that assigns every row to its
 * nearest current centre and sums, per centre j, the count c_j and the feature sum s_j; the vector
 * (c, s) of k + k·d entries is released with dp-core's {@link GaussianMechanism}. On the driver,
 * a centre with noisy count ĉ_j ≥ 1 moves to ŝ_j/ĉ_j, projected back onto the box and ball; one
 * with ĉ_j &lt; 1 stays where it was. Post-processing only.
 *
 * <p><b>Sensitivity.</b> Neighbours differ by adding or removing one row. Given the current
 * centres (public: they are post-processing of earlier releases), that row changes one count by 1
 * and one sum by its clipped features, so the L2 change of (c, s) is at most √(1 + R'²).
 *
 * <p><b>Guarantee.</b> (ε, δ)-DP. The T releases compose adaptively; each uses the same σ =
 * z·√(1 + R'²), where z is the smallest noise multiplier for which T Gaussian releases are (ε,
 * δ)-DP by the RDP accountant on the default order grid ({@link Calibration#smallestSatisfying}).
 * The charged event is the mechanism's {@code DiscreteGaussianEvent} for the vector, composed T
 * times ({@code SelfComposedEvent}); its RDP never exceeds the continuous Gaussian's, and the
 * construction checks that its ε at δ is at most ε. The budget is thus split equally across
 * iterations. k, d, T, the bounds and the initial centres are public. Noisy Lloyd iterations:
 * Blum, Dwork, McSherry &amp; Nissim, "Practical privacy: the SuLQ framework", PODS 2005; Su, Cao,
 * Li, Bertino &amp; Jin, "Differentially private k-means clustering", CODASPY 2016.
 *
 * <p><b>Caller's duty.</b> One row per privacy unit (not checked); features encoded and bounded
 * from public information; initial centres chosen without looking at the data. Not thread-safe;
 * each fit charges the budget.
 */
public final class PrivateKMeans {
  private final double epsilon;
  private final double delta;
  private final int k;
  private final int numFeatures;
  private final int maxIter;
  private final double maxFeatureNorm; // +∞ when not given
  private final double lower; // NaN when no box
  private final double upper;
  private final double[][] initialCenters; // null: uniform in the box
  private final String featuresCol;
  private final PrivacyBudget budget;
  private final Secret secret;
  private final double rowBound;
  private final GaussianMechanism mechanism;
  private final PrivacyEvent event;

  private PrivateKMeans(Builder b) {
    this.epsilon = b.epsilon;
    this.delta = b.delta;
    this.k = b.k;
    this.numFeatures = b.numFeatures;
    this.maxIter = b.maxIter;
    this.maxFeatureNorm = b.maxFeatureNorm == null ? Double.POSITIVE_INFINITY : b.maxFeatureNorm;
    this.lower = b.lower == null ? Double.NaN : b.lower;
    this.upper = b.upper == null ? Double.NaN : b.upper;
    this.initialCenters = b.initialCenters;
    this.featuresCol = b.featuresCol;
    this.budget = b.budget;
    this.secret = b.secret;
    double boxNorm = Double.isNaN(lower) ? Double.POSITIVE_INFINITY
        : Math.nextUp(Math.sqrt(numFeatures) * Math.max(Math.abs(lower), Math.abs(upper)));
    this.rowBound = Math.min(maxFeatureNorm, boxNorm);
    // √(1 + R'²), rounded up.
    double sensitivity = Math.nextUp(Math.sqrt(Math.nextUp(1 + rowBound * rowBound)));
    int dimension = k + k * numFeatures;
    int steps = maxIter;
    double z = Calibration.smallestSatisfying(
        m -> WrapperSupport.epsilonOf(GaussianEvent.withNoiseMultiplier(m).times(steps), delta) <= epsilon, 1.0);
    GaussianMechanism mech = null;
    PrivacyEvent charged = null;
    for (int attempt = 0; attempt < 64; attempt++) {
      mech = GaussianMechanism.builder().sigma(z * sensitivity).l2Sensitivity(sensitivity).build();
      charged = mech.eventFor(dimension).times(steps);
      if (WrapperSupport.epsilonOf(charged, delta) <= epsilon) {
        break;
      }
      z *= 1 + 0x1p-30; // only double rounding can land a hair above ε: add a little noise
      charged = null;
    }
    if (charged == null) {
      throw new IllegalStateException("could not certify epsilon " + epsilon + " at delta " + delta);
    }
    this.mechanism = mech;
    this.event = charged;
  }

  /** A builder; defaults: maxIter 5, column "features". */
  public static Builder builder() {
    return new Builder();
  }

  /** What one fit costs: T Gaussian releases of the (counts, sums) vector. Reads no data. */
  public PrivacyEvent cost() {
    return event;
  }

  /** The σ of the noise on each count and each sum coordinate, per iteration. */
  public double sigma() {
    return mechanism.sigma();
  }

  /** The L2 sensitivity √(1 + R'²) of one iteration's release. */
  public double sensitivity() {
    return mechanism.l2Sensitivity();
  }

  /**
   * Validates the schema, charges {@link #cost()}, then runs the T noisy iterations.
   *
   * @throws IllegalArgumentException if the features column is missing or mistyped (nothing spent)
   * @throws org.privspark.core.accounting.ReleaseIdReusedException if the release secret keyed a
   *     fit charged to this budget before (nothing is charged)
   * @throws org.privspark.core.accounting.BudgetExhaustedException if the budget refuses (no data read)
   * @throws org.privspark.spark.ml.FailedAfterChargeException if reading the data fails after the
   *     charge (the budget stays spent; no message of the failure is kept)
   */
  public PrivateFit<KMeansModel> fit(Dataset<Row> data) {
    Check.notNull("data", data);
    WrapperSupport.checkVectorColumn(data.schema(), "featuresCol", featuresCol, numFeatures);
    ReleaseKey noiseKey = WrapperSupport.charge(budget, event, "ml-kmeans-lloyd", describe(), secret);
    // After the charge: a failure names no value of the data (DataPhase).
    double[][] centers = DataPhase.run("PrivateKMeans", () -> iterate(data, noiseKey));
    org.apache.spark.mllib.linalg.Vector[] vs = new org.apache.spark.mllib.linalg.Vector[k];
    for (int j = 0; j < k; j++) {
      vs[j] = org.apache.spark.mllib.linalg.Vectors.dense(centers[j]);
    }
    KMeansModel model = new KMeansModel(Identifiable.randomUID("privateKMeans"),
        new org.apache.spark.mllib.clustering.KMeansModel(vs));
    model.set(model.k(), k);
    model.setFeaturesCol(featuresCol);
    return new PrivateFit<>(model, event, delta);
  }

  /** The T noisy Lloyd iterations from the public initial centres; returns the final centres. */
  private double[][] iterate(Dataset<Row> data, ReleaseKey noiseKey) {
    double[][] centers = initialCenters != null ? copy(initialCenters)
        : randomCenters(WrapperSupport.source(noiseKey, "kmeans/init"));
    JavaRDD<Row> rows = data.select(featuresCol).toJavaRDD();
    for (int t = 0; t < maxIter; t++) {
      double[] exact = statistics(rows, centers, numFeatures, lower, upper, maxFeatureNorm);
      double[] noisy = release(exact, WrapperSupport.source(noiseKey, "kmeans/iteration/" + t));
      centers = update(centers, noisy);
    }
    return centers;
  }

  /** One iteration's noisy release. */
  double[] release(double[] exact, NoiseSource source) {
    if (exact.length != k + k * numFeatures) {
      throw new IllegalArgumentException("statistics must hold " + (k + k * numFeatures) + " values; got "
          + exact.length);
    }
    return mechanism.release(exact, source).values();
  }

  /** Counts (k), then sums (k·d, centre by centre), of clipped rows by nearest centre. */
  static double[] statistics(JavaRDD<Row> rows, double[][] centers, int d, double lo, double hi, double r) {
    int k = centers.length;
    double[][] c = copy(centers);
    Function2<double[], Row, double[]> add = (acc, row) -> {
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
    Function2<double[], double[], double[]> merge = (a, b) -> {
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

  private double[][] update(double[][] centers, double[] noisy) {
    double[][] next = copy(centers);
    for (int j = 0; j < k; j++) {
      double count = noisy[j];
      if (count >= 1) {
        for (int i = 0; i < numFeatures; i++) {
          next[j][i] = noisy[k + j * numFeatures + i] / count;
        }
        clip(next[j], lower, upper, maxFeatureNorm);
      }
    }
    return next;
  }

  private double[][] randomCenters(NoiseSource source) {
    double lo = Double.isNaN(lower) ? -rowBound / Math.sqrt(numFeatures) : lower;
    double hi = Double.isNaN(upper) ? rowBound / Math.sqrt(numFeatures) : upper;
    double[][] c = new double[k][numFeatures];
    for (int j = 0; j < k; j++) {
      for (int i = 0; i < numFeatures; i++) {
        double u = source.nextLong(1L << 53) * 0x1p-53; // uniform on [0, 1)
        c[j][i] = lo + (hi - lo) * u;
      }
      clip(c[j], lower, upper, maxFeatureNorm);
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

  private String describe() {
    return String.format(Locale.ROOT,
        "kmeans lloyd: k=%d, features=%d, iterations=%d, box=[%s, %s], maxFeatureNorm=%s, epsilon=%s, delta=%s",
        k, numFeatures, maxIter, lower, upper, maxFeatureNorm, epsilon, delta);
  }

  @Override
  public String toString() {
    return "PrivateKMeans[" + describe() + ", sigma=" + sigma() + "]";
  }

  /**
   * Collects parameters; {@link #build()} validates all of them. Not thread-safe. Here ε covers
   * all iterations together, and a release secret also fixes the random initial centres.
   */
  public static final class Builder extends WrapperBuilder<Builder> {
    private Double delta;
    private Integer k;
    private int maxIter = 5; // few iterations: each one costs budget
    private Double maxFeatureNorm;
    private Double lower;
    private Double upper;
    private double[][] initialCenters;

    private Builder() {}

    /** δ in (0, 1). Required. */
    public Builder delta(double delta) {
      this.delta = delta;
      return this;
    }

    /** The number of clusters k in [1, 1000]. Required. */
    public Builder k(int k) {
      this.k = k;
      return this;
    }

    /** The number T of noisy Lloyd iterations, in [1, 100] (default 5); ε is split across them. */
    public Builder maxIter(int maxIter) {
      this.maxIter = maxIter;
      return this;
    }

    /** The public L2 bound R, finite and &gt; 0. At least one of this and {@link #featureBounds}. */
    public Builder maxFeatureNorm(double maxFeatureNorm) {
      this.maxFeatureNorm = maxFeatureNorm;
      return this;
    }

    /** A public box [lower, upper] for every coordinate, finite with lower &lt; upper. */
    public Builder featureBounds(double lower, double upper) {
      this.lower = lower;
      this.upper = upper;
      return this;
    }

    /** Public initial centres (k arrays of d finite values), chosen without the data. Optional. */
    public Builder initialCenters(double[][] initialCenters) {
      this.initialCenters = Check.notNull("initialCenters", initialCenters).clone();
      for (int i = 0; i < this.initialCenters.length; i++) {
        this.initialCenters[i] = Check.notNull("initialCenters[" + i + "]", initialCenters[i]).clone();
      }
      return this;
    }

    /**
     * Validates every parameter and builds the wrapper.
     *
     * @throws IllegalArgumentException naming the first invalid or missing parameter
     */
    public PrivateKMeans build() {
      checkEpsilon();
      checkGaussianDelta(delta);
      if (required("k", k) < 1 || k > 1000) {
        throw new IllegalArgumentException("k must be in [1, 1000]; got " + k);
      }
      checkNumFeatures();
      if ((long) k * (numFeatures + 1) > 1_000_000) {
        throw new IllegalArgumentException("k * (numFeatures + 1) must be <= 1000000; got "
            + (long) k * (numFeatures + 1));
      }
      if (maxIter < 1 || maxIter > 100) {
        throw new IllegalArgumentException("maxIter must be in [1, 100]; got " + maxIter);
      }
      if (maxFeatureNorm == null && lower == null) {
        throw new IllegalArgumentException(
            "maxFeatureNorm or featureBounds must be set (the data's public bound); got neither");
      }
      if (maxFeatureNorm != null) {
        Check.positiveFinite("maxFeatureNorm", maxFeatureNorm);
      }
      if (lower != null && (!Double.isFinite(lower) || !Double.isFinite(upper) || !(lower < upper))) {
        throw new IllegalArgumentException("featureBounds must be finite with lower < upper; got ["
            + lower + ", " + upper + "]");
      }
      if (initialCenters != null) {
        if (initialCenters.length != k) {
          throw new IllegalArgumentException("initialCenters must hold k = " + k + " centres; got "
              + initialCenters.length);
        }
        for (int j = 0; j < k; j++) {
          if (initialCenters[j].length != numFeatures) {
            throw new IllegalArgumentException("initialCenters[" + j + "] must hold numFeatures = "
                + numFeatures + " values; got " + initialCenters[j].length);
          }
          for (double v : initialCenters[j]) {
            if (!Double.isFinite(v)) {
              throw new IllegalArgumentException("initialCenters[" + j + "] must be finite; got " + v);
            }
          }
        }
      }
      checkColumnsAndBudget();
      return new PrivateKMeans(this);
    }
  }
}
