package org.privspark.spark.ml;

import java.io.Serializable;
import java.util.Collections;
import java.util.Iterator;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.privspark.core.accounting.Accountant;
import org.privspark.core.accounting.RdpConversion;
import org.privspark.core.accounting.RdpCurve;
import org.privspark.core.accounting.SampledGaussianEvent;
import org.privspark.core.accounting.pld.PldAccountant;
import org.privspark.core.mechanism.GaussianMechanism;
import org.privspark.core.mechanism.NoisyVector;
import org.privspark.core.noise.Bernoulli;
import org.privspark.core.noise.KeyedStreamSource;
import org.privspark.core.noise.NoiseSource;
import org.privspark.core.noise.ReleaseKey;
import org.privspark.core.noise.Secret;
import org.privspark.spark.ml.params.UnitGradient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DP-SGD loop of Abadi et al. 2016 ("Deep Learning with Differential Privacy", Alg. 1) for
 * generalised linear models, on Spark, at the level of the privacy unit (McMahan et al. 2018,
 * "Learning Differentially Private Recurrent Language Models"; docs/ML.md).
 *
 * <p><b>Data.</b> The caller caches one array of examples per privacy unit, at most k rows each
 * ({@link UnitRows}); in row-level mode every array holds one row. Bounding and grouping happen
 * once per fit, so a step reads the cache and shuffles nothing.
 *
 * <p><b>One step.</b> (1) Poisson sampling of units: every cached unit is included independently
 * with probability q, by an exact {@link Bernoulli} trial on dp-core's keyed stream. (2) For an
 * included unit, each row's gradient g = ℓ'(w·x + b, y)·(x, 1) is clipped to L2 norm ≤ C, and the
 * unit contributes the mean of its clipped gradients ({@link UnitGradient#MEAN}, the default) or
 * their sum clipped to C again ({@link UnitGradient#SUM}; {@link #addUnitGradient}): either way one
 * unit moves the step's sum by at most C, however many rows it has. (3) The units' contributions
 * are summed by one {@code treeAggregate} over the cached data, with the weights broadcast. (4) On
 * the driver, {@link GaussianMechanism} adds noise of standard deviation ≥ z·C to every coordinate
 * of the sum (L2 sensitivity C under adding or removing one unit). (5) The noisy sum is divided by
 * the expected batch size q·N (N the number of units: public, or a DP count released before the
 * first step; never the exact count) and the step w ← w − η(ĝ + λw) is taken on the driver
 * (regularisation is data-independent; the intercept is not regularised). The learning rate η is
 * constant.
 *
 * <p><b>Keys.</b> All randomness of a run comes from its {@link ReleaseKey} (the fit's release
 * secret bound to the id its charge was recorded under): the noise cells directly, on the driver;
 * the sampling stream through a secret derived from it ({@code derive("dpsgd-sampling")}), which is
 * sent to the executors inside the task closure.
 *
 * <p><b>Sampling stream.</b> Unit j of partition p at step t uses the j-th trial of the keyed
 * stream of cell {@code "dpsgd-sample|t|p"} under the sampling secret. Each trial reads fresh bits
 * of the stream, so the trials are independent Bernoulli(q) for any unit order that does not depend
 * on the secret, which is exactly Poisson sampling at rate q. A keyed stream per unit gives the
 * same distribution but costs about 8 µs per unit and step to key (HMAC + SHA-256 + AES key
 * schedule), against about 9 ns per trial on a partition's stream. Which units were sampled is
 * never released (only the noisy sum is), so a task retry that meets a reordered partition draws a
 * new, equally valid Poisson sample and nothing is released twice.
 *
 * <p><b>Adaptive clipping</b> (Andrew et al. 2021, Algorithm 1, geometric update; {@link
 * DpSgdPlan.AdaptiveClip} has the proof that the charged event is unchanged). With it, step t clips
 * at C_t; every sampled unit also adds b_i − ½ to one extra coordinate of the sum, where b_i =
 * 1[‖u_i‖ ≤ C_t] and u_i is the unit's contribution before any clipping ({@link #unclippedNorm});
 * the gradient coordinates get noise z_Δ·C_t and that coordinate noise σ_b (cell {@link
 * #clipCountCell}), and C_{t+1} = C_t·exp(−η_C(b̃ − γ)) with b̃ = ½ + (noisy centred count)/(q·N)
 * ({@link #nextClipNorm}): post-processing of the step's release.
 *
 * <p>Not thread-safe; one run per call.
 */
final class DpSgd {
  private static final Logger LOG = LoggerFactory.getLogger(DpSgd.class);

  private DpSgd() {}

  /** A loss whose derivative in the margin z = w·x + b defines the per-example gradient. */
  enum Loss {
    /** log(1 + e^z) − yz for y in {0, 1}: ℓ' = sigmoid(z) − y. */
    LOGISTIC {
      @Override
      double derivative(double margin, double label) {
        return sigmoid(margin) - label;
      }
    },
    /** (z − y)²/2: ℓ' = z − y. */
    SQUARED {
      @Override
      double derivative(double margin, double label) {
        return margin - label;
      }
    };

    abstract double derivative(double margin, double label);
  }

  static double sigmoid(double z) {
    return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
  }

  /** One training row: the label, the features and ‖x‖², computed once. */
  static final class Example implements Serializable {
    private static final long serialVersionUID = 1L;
    final double label;
    final Vector features;

    /**
     * ‖x‖, computed without underflow or overflow ({@link #norm(double[])}); NaN if x is not
     * finite.
     */
    final double norm;

    Example(double label, Vector features) {
      this.label = label;
      this.features = features;
      this.norm = norm(features instanceof SparseVector sv ? sv.values() : features.toArray());
    }
  }

  /** w·x + b, with b = w[d] when the weights carry an intercept. */
  static double margin(double[] w, int d, boolean intercept, Vector x) {
    double z = intercept ? w[d] : 0;
    if (x instanceof SparseVector sv) {
      int[] idx = sv.indices();
      double[] val = sv.values();
      for (int k = 0; k < idx.length; k++) {
        z += w[idx[k]] * val[k];
      }
    } else {
      double[] val = ((DenseVector) x.toDense()).values();
      for (int k = 0; k < d; k++) {
        z += w[k] * val[k];
      }
    }
    return z;
  }

  /**
   * Adds the example's gradient, clipped to L2 norm ≤ {@code clipNorm}, to {@code acc} (length d,
   * plus 1 with an intercept) and returns the clipped norm; an example whose gradient is not finite
   * (NaN or infinite features) adds nothing and returns 0.
   */
  static double addClippedGradient(
      double[] w, int d, boolean intercept, Example e, Loss loss, double clipNorm, double[] acc) {
    double r = loss.derivative(margin(w, d, intercept, e.features), e.label);
    // |r|·‖(x, 1)‖ as a product of robust norms: squaring r or x could underflow to 0 and let a
    // row through unclipped, or overflow.
    double norm = Math.abs(r) * (intercept ? Math.hypot(e.norm, 1) : e.norm);
    if (!Double.isFinite(norm)) {
      return 0;
    }
    double bound = clipTarget(clipNorm);
    double scale = norm > bound ? bound / norm : 1.0;
    double c = r * scale;
    Vector x = e.features;
    if (x instanceof SparseVector sv) {
      int[] idx = sv.indices();
      double[] val = sv.values();
      for (int k = 0; k < idx.length; k++) {
        acc[idx[k]] += c * val[k];
      }
    } else {
      double[] val = ((DenseVector) x.toDense()).values();
      for (int k = 0; k < d; k++) {
        acc[k] += c * val[k];
      }
    }
    if (intercept) {
      acc[d] += c;
    }
    return norm * scale;
  }

  /**
   * Adds one unit's contribution to {@code acc}, of L2 norm ≤ clipNorm whatever the number of rows.
   * Each row's gradient is clipped to {@code clipNorm}; then, by {@code mode}, {@link
   * UnitGradient#MEAN}: the clipped gradients are averaged (a mean of vectors of norm ≤ C has norm
   * ≤ C by the triangle inequality, so no second clip is needed); {@link UnitGradient#SUM}: they
   * are summed and the sum is clipped to {@code clipNorm} (per-unit clipping). A one-row unit adds
   * its clipped gradient directly in both modes (the mean of one vector is itself, and clipping it
   * again would change nothing), so row-level mode costs what it did. {@code scratch} (length of
   * acc) is working space for units of several rows. Returns the contribution's norm.
   */
  static double addUnitGradient(
      double[] w,
      int d,
      boolean intercept,
      Example[] unit,
      Loss loss,
      double clipNorm,
      UnitGradient mode,
      double[] acc,
      double[] scratch) {
    if (unit.length == 1) {
      return addClippedGradient(w, d, intercept, unit[0], loss, clipNorm, acc);
    }
    java.util.Arrays.fill(scratch, 0);
    for (Example e : unit) {
      addClippedGradient(w, d, intercept, e, loss, clipNorm, scratch);
    }
    double norm = norm(scratch);
    double bound = clipTarget(clipNorm);
    double scale =
        switch (mode) {
          case MEAN -> 1.0 / unit.length;
          case SUM -> norm > bound ? bound / norm : 1.0;
        };
    // Summing and dividing in floating point can leave the contribution a few ulps above the
    // bound; one more scaling, against the norm of what is actually added, takes it back below.
    double added = norm * scale;
    if (added > bound) {
      scale *= bound / added;
      added = bound;
    }
    for (int k = 0; k < acc.length; k++) {
      acc[k] += scale * scratch[k];
    }
    return added;
  }

  /**
   * The norm clipping aims at: C less a relative margin of 2^-30, so that a contribution whose
   * computed norm is at most this has a true norm at most C. The computed norm of a vector of
   * dimension n errs by at most about n·2^-53 relatively, well inside the margin for any dimension
   * below 2^23; the sensitivity the noise is charged for stays C (docs/ML.md).
   */
  static double clipTarget(double clipNorm) {
    return clipNorm * (1 - 0x1p-30);
  }

  /**
   * The keyed-stream cell of step {@code step}'s sampling trials in partition {@code partition}.
   */
  static String sampleCell(long step, int partition) {
    return "dpsgd-sample|" + step + "|" + partition;
  }

  /** The keyed-stream cell of step {@code step}'s Gaussian noise (drawn on the driver). */
  static String noiseCell(long step) {
    return "dpsgd-noise|" + step;
  }

  /**
   * The mechanism that noises one step's summed gradient: σ = z·C for L2 sensitivity C (adding or
   * removing one unit moves the sum by its contribution, of norm at most C in either {@link
   * UnitGradient} mode).
   */
  static GaussianMechanism stepMechanism(DpSgdPlan plan) {
    return stepMechanism(plan, plan.clipNorm());
  }

  /**
   * The mechanism of a step that clips at {@code clipNorm}: σ = (plan's gradient multiplier)·C, for
   * L2 sensitivity C (z·C with a fixed C; z_Δ·C_t with adaptive clipping).
   */
  static GaussianMechanism stepMechanism(DpSgdPlan plan, double clipNorm) {
    return GaussianMechanism.builder()
        .sigma(plan.gradientNoiseMultiplier() * clipNorm)
        .l2Sensitivity(clipNorm)
        .build();
  }

  /**
   * The mechanism that noises a step's centred count Σ(b_i − ½) of unclipped units: σ = σ_b, L2
   * sensitivity ½ (adding or removing one unit adds or removes one term b_i − ½ = ±½).
   */
  static GaussianMechanism clipCountMechanism(double countNoiseStd) {
    return GaussianMechanism.builder().sigma(countNoiseStd).l2Sensitivity(0.5).build();
  }

  /** The keyed-stream cell of the noise on step {@code step}'s count of unclipped units. */
  static String clipCountCell(long step) {
    return "dpsgd-clip-count|" + step;
  }

  /** Step {@code step}'s noisy centred count, drawn once from the keyed stream of its cell. */
  static double noisyClipCount(
      GaussianMechanism mechanism, double centredCount, ReleaseKey key, long step) {
    return mechanism
        .release(centredCount, KeyedStreamSource.forCell(key, clipCountCell(step)))
        .value();
  }

  /** The same under a plain secret (the audit tests' replicates). */
  static double noisyClipCount(
      GaussianMechanism mechanism, double centredCount, Secret secret, long step) {
    return mechanism
        .release(centredCount, KeyedStreamSource.forCell(secret, clipCountCell(step)))
        .value();
  }

  /**
   * The geometric update of Andrew et al. 2021 (Algorithm 1): C·exp(−η_C(b̃ − γ)) with b̃ = ½ +
   * noisyCentredCount / expectedBatch, clamped to [{@link DpSgdEstimator#MIN_CLIP_NORM}, {@link
   * DpSgdEstimator#MAX_CLIP_NORM}] so that C stays finite and far from underflow whatever the noise
   * (an overflowing exponent gives 0 or +∞, both clamped; a NaN, which finite inputs cannot give,
   * keeps C). A function of public values only.
   */
  static double nextClipNorm(
      double clipNorm,
      double noisyCentredCount,
      double expectedBatch,
      double targetQuantile,
      double learningRate) {
    double unclippedFraction = 0.5 + noisyCentredCount / expectedBatch;
    double next = clipNorm * Math.exp(-learningRate * (unclippedFraction - targetQuantile));
    if (Double.isNaN(next)) {
      return clipNorm;
    }
    return Math.min(DpSgdEstimator.MAX_CLIP_NORM, Math.max(DpSgdEstimator.MIN_CLIP_NORM, next));
  }

  /**
   * ‖u‖ for the unit's contribution u before any clipping: the mean ({@link UnitGradient#MEAN}) or
   * sum ({@link UnitGradient#SUM}) of its rows' raw gradients, a row whose gradient is not finite
   * adding nothing but still counting in the mean's n_u (as in {@link #addUnitGradient}). Private;
   * only ever compared with C inside a step. {@code scratch} (length w.length) is working space for
   * units of several rows.
   */
  static double unclippedNorm(
      double[] w,
      int d,
      boolean intercept,
      Example[] unit,
      Loss loss,
      UnitGradient mode,
      double[] scratch) {
    if (unit.length == 1) {
      Example e = unit[0];
      double r = loss.derivative(margin(w, d, intercept, e.features), e.label);
      double norm = Math.abs(r) * (intercept ? Math.hypot(e.norm, 1) : e.norm);
      return Double.isFinite(norm) ? norm : 0;
    }
    java.util.Arrays.fill(scratch, 0);
    for (Example e : unit) {
      // Clipping at +∞ adds the raw gradient and skips a row that is not finite.
      addClippedGradient(w, d, intercept, e, loss, Double.POSITIVE_INFINITY, scratch);
    }
    double norm = norm(scratch);
    return mode == UnitGradient.MEAN ? norm / unit.length : norm;
  }

  /** Step {@code step}'s noisy sum, drawn once from the keyed stream of its noise cell. */
  static NoisyVector noisySum(
      GaussianMechanism mechanism, double[] sum, Secret noiseSecret, long step) {
    return mechanism.release(sum, KeyedStreamSource.forCell(noiseSecret, noiseCell(step)));
  }

  /** Step {@code step}'s noisy sum under the run's release key. */
  static NoisyVector noisySum(
      GaussianMechanism mechanism, double[] sum, ReleaseKey key, long step) {
    return mechanism.release(sum, KeyedStreamSource.forCell(key, noiseCell(step)));
  }

  /** The label of the sampling secret derived from a run's release key. */
  static final String SAMPLING_LABEL = "dpsgd-sampling";

  /** The label of the bounding salt derived from a run's release key. */
  static final String BOUNDING_LABEL = "dpsgd-bounding";

  /** The keyed-stream cell of the noise on the row count (drawn on the driver, before step 0). */
  static final String COUNT_CELL = "dpsgd-count";

  /**
   * The mechanism that noises the count of units when N is not public: σ = {@code noiseStd}, L2
   * sensitivity 1 (adding or removing one unit moves the count of units with a kept row by at most
   * 1, since the per-row rule keeps or drops each row on its own content).
   */
  static GaussianMechanism countMechanism(double noiseStd) {
    return GaussianMechanism.builder().sigma(noiseStd).l2Sensitivity(1).build();
  }

  /**
   * The N of a run whose unit count is private: the cached units counted, noised once by {@link
   * #countMechanism} from the run's key, rounded and raised to at least 1 (post-processing, so that
   * q·N is a valid divisor). The exact count never leaves this method.
   */
  static long noisyCount(JavaRDD<Example[]> units, double noiseStd, ReleaseKey key) {
    double noisy =
        countMechanism(noiseStd)
            .release((double) units.count(), KeyedStreamSource.forCell(key, COUNT_CELL))
            .value();
    return Math.max(1, Math.round(noisy));
  }

  /** One Poisson-sampling trial: true with probability exactly q. */
  static boolean sampled(double q, NoiseSource source) {
    return Bernoulli.sample(q, source);
  }

  /**
   * What a run produced: {@code noiseStd} is the last step's gradient noise σ and {@code clipNorm}
   * the C after the last update (the fixed C without adaptive clipping; with it a post-processing
   * of noisy releases, so public).
   */
  record Result(double[] coefficients, double intercept, double noiseStd, double clipNorm) {}

  /**
   * The fixed settings of one run; {@code numUnits} is the N the noisy sums are divided by (as
   * q·N): the public N or the noisy count, never the exact count.
   */
  record Settings(
      DpSgdPlan plan,
      Loss loss,
      UnitGradient unitGradient,
      boolean fitIntercept,
      double learningRate,
      double regParam,
      long numUnits,
      int numFeatures,
      String stageName,
      boolean reportProgress,
      boolean stepInClipUnits,
      boolean averageIterates) {

    /** No averaging: the last iterate is the model. */
    Settings(
        DpSgdPlan plan,
        Loss loss,
        UnitGradient unitGradient,
        boolean fitIntercept,
        double learningRate,
        double regParam,
        long numUnits,
        int numFeatures,
        String stageName,
        boolean reportProgress,
        boolean stepInClipUnits) {
      this(
          plan,
          loss,
          unitGradient,
          fitIntercept,
          learningRate,
          regParam,
          numUnits,
          numFeatures,
          stageName,
          reportProgress,
          stepInClipUnits,
          false);
    }

    /** A fixed learning rate, whatever C_t does. */
    Settings(
        DpSgdPlan plan,
        Loss loss,
        UnitGradient unitGradient,
        boolean fitIntercept,
        double learningRate,
        double regParam,
        long numUnits,
        int numFeatures,
        String stageName,
        boolean reportProgress) {
      this(
          plan,
          loss,
          unitGradient,
          fitIntercept,
          learningRate,
          regParam,
          numUnits,
          numFeatures,
          stageName,
          reportProgress,
          false);
    }

    /**
     * The learning rate of a step that clips at {@code clipNorm}: with {@code stepInClipUnits}
     * (adaptive clipping under the default noise rule) η·C0/C_t, so that the step ηC stays what the
     * rule chose while C_t moves; else η.
     */
    double learningRateAt(double clipNorm) {
      return stepInClipUnits ? learningRate * plan.clipNorm() / clipNorm : learningRate;
    }
  }

  /**
   * Runs {@code plan.steps()} DP-SGD steps over {@code data} (one array of rows per unit), which
   * the caller has cached; the budget must already have been charged for {@code plan.event()},
   * under the release id {@code key} is bound to.
   */
  static Result train(JavaRDD<Example[]> data, Settings s, ReleaseKey key) {
    DpSgdPlan plan = s.plan();
    int d = s.numFeatures();
    boolean intercept = s.fitIntercept();
    int dim = d + (intercept ? 1 : 0);
    double q = plan.sampleRate();
    double c = plan.clipNorm();
    Loss loss = s.loss();
    double expectedBatch = q * s.numUnits();
    DpSgdPlan.AdaptiveClip adaptive = plan.adaptiveClip();
    GaussianMechanism mechanism = stepMechanism(plan);
    GaussianMechanism countMechanism =
        adaptive == null ? null : clipCountMechanism(adaptive.countNoiseStd());
    // The sampling secret (derived) travels to the executors; the release key never leaves here.
    byte[] sampleKey = key.derive(SAMPLING_LABEL);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(data.context());
    String previousDescription = jsc.getLocalProperty("spark.job.description");
    EpsilonTracker spent = new EpsilonTracker(plan);
    double[] w = new double[dim];
    // Tail averaging (Polyak & Juditsky 1992): the mean of the iterates after the second half's
    // steps. A function of the released noisy steps only, so it costs no privacy; it damps the
    // noise's random walk and the oscillation of large steps.
    double[] tail = s.averageIterates() ? new double[dim] : null;
    long tailStart = plan.steps() / 2;
    double noiseStd = Double.NaN;
    double epochNoisyNormSum = 0;
    int epochSteps = 0;
    try {
      for (long step = 0; step < plan.steps(); step++) {
        jsc.setJobDescription(
            String.format(
                Locale.ROOT, "%s: DP-SGD step %d/%d", s.stageName(), step + 1, plan.steps()));
        double[] sum =
            stepSum(
                data,
                w,
                d,
                intercept,
                loss,
                s.unitGradient(),
                q,
                c,
                adaptive != null,
                sampleKey,
                step);
        double noisyCount = Double.NaN;
        if (adaptive != null) {
          // The count coordinate is released by its own mechanism, on its own cell of the key.
          noisyCount = noisyClipCount(countMechanism, sum[dim], key, step);
          sum = java.util.Arrays.copyOf(sum, dim);
        }
        NoisyVector noisy = noisySum(mechanism, sum, key, step);
        noiseStd = noisy.noiseStd();
        double[] g = noisy.values();
        double normSquared = 0;
        double eta = s.learningRateAt(c); // c: this step's clip norm, before its update
        for (int k = 0; k < dim; k++) {
          g[k] /= expectedBatch;
          normSquared += g[k] * g[k];
          boolean isIntercept = intercept && k == d;
          double reg = isIntercept ? 0 : s.regParam() * w[k];
          w[k] -= eta * (g[k] + reg);
        }
        if (tail != null && step >= tailStart) {
          for (int k = 0; k < dim; k++) {
            tail[k] += w[k];
          }
        }
        if (adaptive != null) {
          c =
              nextClipNorm(
                  c, noisyCount, expectedBatch, adaptive.targetQuantile(), adaptive.learningRate());
          mechanism = stepMechanism(plan, c);
        }
        epochNoisyNormSum += Math.sqrt(normSquared);
        epochSteps++;
        boolean epochEnd = (step + 1) % plan.stepsPerEpoch() == 0 || step + 1 == plan.steps();
        // A tuner's repetitions report nothing: their outputs and their number are not released.
        if (epochEnd && s.reportProgress()) {
          long epoch = (step + 1 + plan.stepsPerEpoch() - 1) / plan.stepsPerEpoch();
          LOG.info(
              String.format(
                  Locale.ROOT,
                  "%s: DP-SGD epoch %d/%d (step %d/%d): mean noisy-gradient norm %.5g, weight norm"
                      + " %.5g, clip norm %.5g, epsilon spent so far %.4f at delta %.3g",
                  s.stageName(),
                  epoch,
                  plan.epochs(),
                  step + 1,
                  plan.steps(),
                  epochNoisyNormSum / epochSteps,
                  norm(w),
                  c,
                  spent.after(step + 1),
                  plan.delta()));
          epochNoisyNormSum = 0;
          epochSteps = 0;
        }
      }
    } finally {
      jsc.setJobDescription(previousDescription);
      java.util.Arrays.fill(sampleKey, (byte) 0);
    }
    if (tail != null) {
      long n = plan.steps() - tailStart;
      for (int k = 0; k < dim; k++) {
        w[k] = tail[k] / n;
      }
    }
    double[] coefficients = java.util.Arrays.copyOf(w, d);
    return new Result(coefficients, intercept ? w[d] : 0.0, noiseStd, c);
  }

  /**
   * Step {@code step}'s exact sum of the units' contributions ({@link #addUnitGradient} in {@code
   * mode}) at weights {@code w} (before noise): every unit sampled with probability q on the step's
   * keyed streams under {@code sampleKey}, one Spark job.
   */
  static double[] stepSum(
      JavaRDD<Example[]> data,
      double[] w,
      int d,
      boolean intercept,
      Loss loss,
      UnitGradient mode,
      double q,
      double c,
      byte[] sampleKey,
      long step) {
    return stepSum(data, w, d, intercept, loss, mode, q, c, false, sampleKey, step);
  }

  /**
   * As above; with {@code countUnclipped}, the result has one more coordinate, Σ(b_i − ½) over the
   * sampled units with b_i = 1[{@link #unclippedNorm} ≤ c] (one term per unit, however many rows it
   * has).
   */
  static double[] stepSum(
      JavaRDD<Example[]> data,
      double[] w,
      int d,
      boolean intercept,
      Loss loss,
      UnitGradient mode,
      double q,
      double c,
      boolean countUnclipped,
      byte[] sampleKey,
      long step) {
    int dim = w.length;
    int width = dim + (countUnclipped ? 1 : 0);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(data.context());
    Broadcast<double[]> weights = jsc.broadcast(w.clone());
    try {
      return data.mapPartitionsWithIndex(
              (Integer p, Iterator<Example[]> units) -> {
                double[] acc = new double[dim];
                double[] scratch = new double[dim];
                double centredCount = 0;
                double[] wv = weights.value();
                KeyedStreamSource source =
                    KeyedStreamSource.forCell(Secret.fromBytes(sampleKey), sampleCell(step, p));
                while (units.hasNext()) {
                  Example[] unit = units.next();
                  if (sampled(q, source)) {
                    if (countUnclipped) {
                      double raw = unclippedNorm(wv, d, intercept, unit, loss, mode, scratch);
                      centredCount += raw <= c ? 0.5 : -0.5;
                    }
                    addUnitGradient(wv, d, intercept, unit, loss, c, mode, acc, scratch);
                  }
                }
                double[] out = countUnclipped ? java.util.Arrays.copyOf(acc, width) : acc;
                if (countUnclipped) {
                  out[dim] = centredCount;
                }
                return Collections.singletonList(out).iterator();
              },
              false)
          .treeAggregate(new double[width], DpSgd::addInto, DpSgd::addInto, 2);
    } finally {
      weights.destroy();
    }
  }

  /**
   * ε at the plan's δ after k steps, from the RDP curve of one step computed once: k steps' curve
   * is that curve times k, rounded up per order exactly as {@link SampledGaussianEvent#rdp} rounds
   * (plus the count's curve when N is counted, as {@code ComposedEvent} adds it), so {@code
   * after(k)} equals {@code plan.epsilonAfter(k)} at a fraction of the cost (the per-order RDP of
   * the subsampled Gaussian is the expensive part).
   */
  static final class EpsilonTracker {
    private final SampledGaussianEvent oneStep;
    private final RdpCurve stepCurve;
    private final RdpCurve countCurve; // null when N is public
    private final double delta;

    private final DpSgdPlan plan;

    /**
     * The whole run's ε on a PLD plan (what has been released so far is at most that), +∞ else;
     * computed on the first report only (NaN until then), so a fit that reports nothing does not
     * pay for it.
     */
    private double runEpsilonCap = Double.NaN;

    EpsilonTracker(DpSgdPlan plan) {
      this.plan = plan;
      oneStep = new SampledGaussianEvent(plan.sampleRate(), plan.noiseMultiplier(), 1);
      stepCurve = oneStep.curve(plan.grid());
      countCurve =
          plan.countsUnits()
              ? countMechanism(plan.numUnitsNoiseStd()).event().curve(plan.grid())
              : null;
      delta = plan.delta();
    }

    double after(long steps) {
      if (steps == 0 && countCurve == null) {
        return 0;
      }
      RdpCurve curve =
          steps == 0
              ? countCurve
              : countCurve == null
                  ? stepCurve.times(steps)
                  : countCurve.plus(stepCurve.times(steps));
      // Gaussian noise (both the steps and the count) has no pure-DP bound (pureEpsilon is +∞)
      // and no additive δ.
      double rdp =
          RdpConversion.epsilon(curve, oneStep.additiveDelta(), oneStep.pureEpsilon(), delta)
              .epsilon();
      if (Double.isNaN(runEpsilonCap)) {
        runEpsilonCap =
            plan.accountant() == Accountant.PLD
                ? PldAccountant.epsilon(plan.event(), plan.delta())
                : Double.POSITIVE_INFINITY;
      }
      return rdp < runEpsilonCap ? rdp : runEpsilonCap; // a NaN figure never wins
    }
  }

  /**
   * The L2 norm, scaled by the largest magnitude first (as LAPACK's dnrm2 does), so that no square
   * underflows to 0 or overflows; NaN or infinite when an entry is. Clipping relies on it: a norm
   * computed as 0 for a vector that is not would let the vector through unclipped.
   */
  static double norm(double[] v) {
    double max = 0;
    for (double x : v) {
      max = Math.max(max, Math.abs(x));
    }
    if (max == 0 || !Double.isFinite(max)) {
      return max == 0 ? 0 : max; // NaN propagates through Math.max, +∞ stays +∞
    }
    double s = 0;
    for (double x : v) {
      double y = x / max;
      s += y * y;
    }
    return max * Math.sqrt(s);
  }

  static double[] addInto(double[] a, double[] b) {
    for (int i = 0; i < a.length; i++) {
      a[i] += b[i];
    }
    return a;
  }
}
