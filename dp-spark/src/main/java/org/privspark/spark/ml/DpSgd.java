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
import org.privspark.core.accounting.RdpConversion;
import org.privspark.core.accounting.RdpCurve;
import org.privspark.core.accounting.SampledGaussianEvent;
import org.privspark.core.mechanism.GaussianMechanism;
import org.privspark.core.mechanism.NoisyVector;
import org.privspark.core.noise.Bernoulli;
import org.privspark.core.noise.KeyedStreamSource;
import org.privspark.core.noise.NoiseSource;
import org.privspark.core.noise.Secret;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DP-SGD loop of Abadi et al. 2016 ("Deep Learning with Differential Privacy", Alg. 1) for
 * generalised linear models, on Spark.
 *
 * <p><b>One step.</b> (1) Poisson sampling: every cached row is included independently with
 * probability q, by an exact {@link Bernoulli} trial on dp-core's keyed stream. (2) Each included
 * row's gradient g = ℓ'(w·x + b, y)·(x, 1) is clipped to L2 norm ≤ C: g·min(1, C/‖g‖). (3) The
 * clipped gradients are summed by one {@code treeAggregate} over the cached data, with the weights
 * broadcast. (4) On the driver, {@link GaussianMechanism} adds noise of standard deviation ≥ z·C
 * to every coordinate of the sum (L2 sensitivity C under adding or removing one row). (5) The
 * noisy sum is divided by the expected batch size q·N (N public, or a DP count released before
 * the first step; never the exact count) and the step w ← w − η(ĝ + λw)
 * is taken on the driver (regularisation is data-independent; the intercept is not regularised).
 * The learning rate η is constant.
 *
 * <p><b>Sampling stream.</b> Row j of partition p at step t uses the j-th trial of the keyed
 * stream of cell {@code "dpsgd-sample|t|p"} under the run's sampling secret. Each trial reads fresh
 * bits of the stream, so the trials are independent Bernoulli(q) for any row order that does not
 * depend on the secret, which is exactly Poisson sampling at rate q. A keyed stream per row (cell
 * id from step and row id) gives the same distribution but costs about 8 µs per row and step to
 * key (HMAC + SHA-256 + AES key schedule), against about 9 ns per trial on a partition's stream,
 * and would make the sampling alone cost more than the gradients. Which rows were sampled is never
 * released (only the noisy sum is), so a task retry that meets a reordered partition draws a new,
 * equally valid Poisson sample and nothing is released twice. The sampling secret is sent to the
 * executors inside the task closure; the noise secret never leaves the driver.
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
    final double normSquared;

    Example(double label, Vector features) {
      this.label = label;
      this.features = features;
      double s = 0;
      if (features instanceof SparseVector sv) {
        for (double v : sv.values()) {
          s += v * v;
        }
      } else {
        for (double v : features.toArray()) {
          s += v * v;
        }
      }
      this.normSquared = s;
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
    double normSquared = r * r * (e.normSquared + (intercept ? 1 : 0));
    if (!Double.isFinite(normSquared)) {
      return 0;
    }
    double norm = Math.sqrt(normSquared);
    double scale = norm > clipNorm ? clipNorm / norm : 1.0;
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

  /** The keyed-stream cell of step {@code step}'s sampling trials in partition {@code partition}. */
  static String sampleCell(long step, int partition) {
    return "dpsgd-sample|" + step + "|" + partition;
  }

  /** The keyed-stream cell of step {@code step}'s Gaussian noise (drawn on the driver). */
  static String noiseCell(long step) {
    return "dpsgd-noise|" + step;
  }

  /**
   * The mechanism that noises one step's summed gradient: σ = z·C for L2 sensitivity C (adding or
   * removing one row moves the sum of clipped gradients by at most C).
   */
  static GaussianMechanism stepMechanism(DpSgdPlan plan) {
    return GaussianMechanism.builder().sigma(plan.noiseStd()).l2Sensitivity(plan.clipNorm()).build();
  }

  /** Step {@code step}'s noisy sum, drawn once from the keyed stream of its noise cell. */
  static NoisyVector noisySum(GaussianMechanism mechanism, double[] sum, Secret noiseSecret, long step) {
    return mechanism.release(sum, KeyedStreamSource.forCell(noiseSecret, noiseCell(step)));
  }

  /** The keyed-stream cell of the noise on the row count (drawn on the driver, before step 0). */
  static final String COUNT_CELL = "dpsgd-count";

  /**
   * The mechanism that noises the count of kept rows when N is not public: σ = {@code noiseStd},
   * L2 sensitivity 1 (adding or removing one row moves the count of kept rows by at most 1, since
   * the per-row rule keeps or drops each row on its own content).
   */
  static GaussianMechanism countMechanism(double noiseStd) {
    return GaussianMechanism.builder().sigma(noiseStd).l2Sensitivity(1).build();
  }

  /**
   * The N of a run whose row count is private: the kept rows counted, noised once by {@link
   * #countMechanism}, rounded and raised to at least 1 (post-processing, so that q·N is a valid
   * divisor). The exact count never leaves this method.
   */
  static long noisyCount(JavaRDD<Example> rows, double noiseStd) {
    Secret secret = Secret.generate();
    double noisy = countMechanism(noiseStd)
        .release((double) rows.count(), KeyedStreamSource.forCell(secret, COUNT_CELL)).value();
    return Math.max(1, Math.round(noisy));
  }

  /** One Poisson-sampling trial: true with probability exactly q. */
  static boolean sampled(double q, NoiseSource source) {
    return Bernoulli.sample(q, source);
  }

  /** What a run produced. */
  record Result(double[] coefficients, double intercept, double noiseStd) {}

  /**
   * The fixed settings of one run; {@code numExamples} is the N the noisy sums are divided by (as
   * q·N): the public N or the noisy count, never the exact count.
   */
  record Settings(
      DpSgdPlan plan, Loss loss, boolean fitIntercept, double learningRate, double regParam,
      long numExamples, int numFeatures, String stageName) {}

  /**
   * Runs {@code plan.steps()} DP-SGD steps over {@code data}, which the caller has cached; the
   * budget must already have been charged for {@code plan.event()}.
   */
  static Result train(JavaRDD<Example> data, Settings s) {
    DpSgdPlan plan = s.plan();
    int d = s.numFeatures();
    boolean intercept = s.fitIntercept();
    int dim = d + (intercept ? 1 : 0);
    double q = plan.sampleRate();
    double c = plan.clipNorm();
    Loss loss = s.loss();
    double expectedBatch = q * s.numExamples();
    GaussianMechanism mechanism = stepMechanism(plan);
    // Two secrets: the sampling one travels to the executors, the noise one never leaves here.
    Secret sampleSecret = Secret.generate();
    Secret noiseSecret = Secret.generate();
    byte[] sampleKey = sampleSecret.bytes();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(data.context());
    String previousDescription = jsc.getLocalProperty("spark.job.description");
    EpsilonTracker spent = new EpsilonTracker(plan);
    double[] w = new double[dim];
    double noiseStd = Double.NaN;
    double epochNoisyNormSum = 0;
    int epochSteps = 0;
    try {
      for (long step = 0; step < plan.steps(); step++) {
        jsc.setJobDescription(String.format(Locale.ROOT, "%s: DP-SGD step %d/%d",
            s.stageName(), step + 1, plan.steps()));
        Broadcast<double[]> weights = jsc.broadcast(w.clone());
        final long t = step;
        double[] sum = data.mapPartitionsWithIndex(
                (Integer p, Iterator<Example> rows) -> {
                  double[] acc = new double[dim];
                  double[] wv = weights.value();
                  KeyedStreamSource source =
                      KeyedStreamSource.forCell(Secret.fromBytes(sampleKey), sampleCell(t, p));
                  while (rows.hasNext()) {
                    Example e = rows.next();
                    if (sampled(q, source)) {
                      addClippedGradient(wv, d, intercept, e, loss, c, acc);
                    }
                  }
                  return Collections.singletonList(acc).iterator();
                },
                false)
            .treeAggregate(new double[dim], DpSgd::addInto, DpSgd::addInto, 2);
        weights.destroy();
        NoisyVector noisy = noisySum(mechanism, sum, noiseSecret, step);
        noiseStd = noisy.noiseStd();
        double[] g = noisy.values();
        double normSquared = 0;
        for (int k = 0; k < dim; k++) {
          g[k] /= expectedBatch;
          normSquared += g[k] * g[k];
          boolean isIntercept = intercept && k == d;
          double reg = isIntercept ? 0 : s.regParam() * w[k];
          w[k] -= s.learningRate() * (g[k] + reg);
        }
        epochNoisyNormSum += Math.sqrt(normSquared);
        epochSteps++;
        boolean epochEnd = (step + 1) % plan.stepsPerEpoch() == 0 || step + 1 == plan.steps();
        if (epochEnd) {
          long epoch = (step + 1 + plan.stepsPerEpoch() - 1) / plan.stepsPerEpoch();
          LOG.info(String.format(Locale.ROOT,
              "%s: DP-SGD epoch %d/%d (step %d/%d): mean noisy-gradient norm %.5g, weight norm %.5g,"
                  + " epsilon spent so far %.4f at delta %.3g",
              s.stageName(), epoch, plan.epochs(), step + 1, plan.steps(),
              epochNoisyNormSum / epochSteps, norm(w), spent.after(step + 1), plan.delta()));
          epochNoisyNormSum = 0;
          epochSteps = 0;
        }
      }
    } finally {
      jsc.setJobDescription(previousDescription);
      java.util.Arrays.fill(sampleKey, (byte) 0);
    }
    double[] coefficients = java.util.Arrays.copyOf(w, d);
    return new Result(coefficients, intercept ? w[d] : 0.0, noiseStd);
  }

  /**
   * ε at the plan's δ after k steps, from the RDP curve of one step computed once: k steps' curve is
   * that curve times k, rounded up per order exactly as {@link SampledGaussianEvent#rdp} rounds (plus
   * the count's curve when N is counted, as {@code ComposedEvent} adds it), so {@code after(k)}
   * equals {@code plan.epsilonAfter(k)} at a fraction of the cost (the per-order RDP of the
   * subsampled Gaussian is the expensive part).
   */
  static final class EpsilonTracker {
    private final SampledGaussianEvent oneStep;
    private final RdpCurve stepCurve;
    private final RdpCurve countCurve; // null when N is public
    private final double delta;

    EpsilonTracker(DpSgdPlan plan) {
      oneStep = new SampledGaussianEvent(plan.sampleRate(), plan.noiseMultiplier(), 1);
      stepCurve = oneStep.curve(plan.grid());
      countCurve = plan.countsExamples()
          ? countMechanism(plan.numExamplesNoiseStd()).event().curve(plan.grid()) : null;
      delta = plan.delta();
    }

    double after(long steps) {
      if (steps == 0 && countCurve == null) {
        return 0;
      }
      RdpCurve curve = steps == 0 ? countCurve
          : countCurve == null ? stepCurve.times(steps) : countCurve.plus(stepCurve.times(steps));
      // Gaussian noise (both the steps and the count) has no pure-DP bound (pureEpsilon is +∞)
      // and no additive δ.
      return RdpConversion.epsilon(curve, oneStep.additiveDelta(), oneStep.pureEpsilon(), delta)
          .epsilon();
    }
  }

  static double norm(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }

  static double[] addInto(double[] a, double[] b) {
    for (int i = 0; i < a.length; i++) {
      a[i] += b[i];
    }
    return a;
  }
}
