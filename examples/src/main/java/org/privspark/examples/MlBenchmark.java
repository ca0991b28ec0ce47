package org.privspark.examples;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleSupplier;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.spark.ml.DPLinearRegression;
import org.privspark.spark.ml.DPLinearRegressionModel;
import org.privspark.spark.ml.DPLogisticRegression;
import org.privspark.spark.ml.DPLogisticRegressionModel;
import org.privspark.spark.ml.feature.PublicFeatureEncoder;
import scala.Tuple2;

/**
 * Job {@code benchmark-ml}: DP-SGD on the UCI Adult data (32,561 training rows, 16,281 test rows),
 * against baselines measured in the same JVM on the same cached data.
 *
 * <p><b>Timing.</b> (a) A DP-SGD fit ({@link DPLogisticRegression}: lot 1024 of N = 32,561, so q =
 * 0.0314, 5 epochs = 155 steps, C = 2, η = 2, ε = 1, δ = 1e-5) against the same SGD loop without
 * clipping or noise, written the way MLlib's {@code GradientDescent} runs a step: {@code
 * RDD.sample} at the same q, one {@code treeAggregate} of unclipped gradients, weights broadcast,
 * the same number of steps and the same one caching pass first. Goal: DP/plain ≤ 1.3. (b) The DP
 * fit's time per step against one bare {@code treeAggregate} (a sum of labels) over the same cached
 * rows: the floor of any per-step job over the data. Goal ≤ 2. (c) Seconds per epoch of the DP fit.
 * DP fits are timed twice: with targetEpsilon (fit includes calibrating z, a one-off bisection over
 * the accountant, timed on its own as {@code plan()}) and with that z given as noiseMultiplier (the
 * training loop itself). Fits are interleaved (DP, plan, DP with z, plain, bare, …) and the median
 * of {@code runs} is reported; DP times include validation, the budget charge and the caching pass.
 *
 * <p><b>Utility.</b> (d) Test accuracy of DP-SGD logistic regression and test R² of DP-SGD linear
 * regression (hours-per-week scaled with its public bounds [1, 99]) at ε in {0.1, 0.5, 1, 2, 5} (δ
 * = 1e-5, σ calibrated per ε), median of {@code runs} fits, and at ε = ∞: the plain SGD loop and
 * MLlib's {@code LogisticRegression}/{@code LinearRegression} (L-BFGS).
 *
 * <p><b>Adaptive clipping</b> ({@code --adaptive-clipping}, which runs this section alone): (e)
 * test accuracy of the logistic run above at ε = 1 with a fixed C in {0.01, 2, 100} (2 is the tuned
 * value, the others badly chosen) against adaptive clipping (Andrew et al. 2021; γ = 0.5 or {@code
 * --clip-quantile G}, η_C = 0.2, σ_b = B/20) started from the same C₀, median of {@code runs} fits,
 * with the median final C of the adaptive fits.
 *
 * <p>Arguments: {@code [--data DIR] [--runs R] [--master M] [--partitions P] [--timing-only]
 * [--adaptive-clipping [--clip-quantile G]]}; the CPU seconds of the whole JVM are reported beside
 * wall-clock time (with {@code local[N]} every task runs in this JVM; other processes on a shared
 * machine slow the wall clock much more than they change CPU time). DIR holds {@code adult.data}
 * and {@code adult.test} (default: the checkout's {@code data/adult}, {@link
 * AdultData#defaultDir()}).
 */
public final class MlBenchmark {
  static final double LOT = 1024;
  static final int EPOCHS = 5;
  static final double DELTA = 1e-5;
  static final double[] EPSILONS = {0.1, 0.5, 1, 2, 5};

  private MlBenchmark() {}

  public static void main(String[] args) {
    String data = AdultData.defaultDir().toString();
    int runs = 5;
    String master = System.getProperty("spark.master", "local[2]");
    int partitions = 2;
    boolean utility = true;
    boolean adaptive = false;
    double quantile = 0.5;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--data" -> data = args[++i];
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--master" -> master = args[++i];
        case "--partitions" -> partitions = Integer.parseInt(args[++i]);
        case "--timing-only" -> utility = false;
        case "--adaptive-clipping" -> adaptive = true;
        case "--clip-quantile" -> quantile = Double.parseDouble(args[++i]);
        default ->
            throw new IllegalArgumentException(
                "unknown argument '"
                    + args[i]
                    + "'; arguments: [--data DIR] [--runs R] [--master M] [--partitions P]"
                    + " [--timing-only] [--adaptive-clipping [--clip-quantile G]]");
      }
    }
    if (runs < 1) {
      throw new IllegalArgumentException("runs must be >= 1; got " + runs);
    }
    Path dir = Paths.get(data);
    if (!Files.isRegularFile(dir.resolve("adult.data"))
        || !Files.isRegularFile(dir.resolve("adult.test"))) {
      throw new IllegalArgumentException(
          "--data must name a directory with adult.data and adult.test; got "
              + dir.toAbsolutePath());
    }
    SparkSession spark =
        BenchmarkSessions.start(
            BenchmarkSessions.loopback("privspark-benchmark-ml")
                .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer"),
            master,
            java.util.List.of());
    try {
      if (adaptive) {
        runAdaptive(spark, dir, runs, partitions, quantile);
      } else {
        run(spark, dir, runs, partitions, utility);
      }
    } finally {
      spark.stop();
    }
  }

  static void run(SparkSession spark, Path dir, int runs, int partitions, boolean utility) {
    PublicFeatureEncoder encoder = AdultData.encoder();
    Dataset<Row> train =
        encoder
            .transform(AdultData.load(spark, dir.resolve("adult.data")))
            .withColumn("hours", scaledHours())
            .select("features", "label", "hours")
            .repartition(partitions)
            .cache();
    Dataset<Row> test =
        encoder
            .transform(AdultData.load(spark, dir.resolve("adult.test")))
            .withColumn("hours", scaledHours())
            .select("features", "label", "hours")
            .cache();
    long n = train.count();
    long nTest = test.count();
    System.out.printf(
        Locale.ROOT,
        "Adult: %d training rows (%d partitions), %d test rows, %d features%n",
        n,
        partitions,
        nTest,
        encoder.numFeatures());
    double q = LOT / n;
    int d = encoder.numFeatures();

    // (a)-(c) timing, interleaved; one untimed warm-up of each.
    double z = logistic(n, 1.0).plan().noiseMultiplier();
    List<Double> dpTimes = new ArrayList<>();
    List<Double> fixedTimes = new ArrayList<>();
    List<Double> planTimes = new ArrayList<>();
    List<Double> plainTimes = new ArrayList<>();
    List<Double> bareTimes = new ArrayList<>();
    List<Double> cpuDp = new ArrayList<>();
    List<Double> cpuFixed = new ArrayList<>();
    List<Double> cpuPlain = new ArrayList<>();
    List<Double> cpuBare = new ArrayList<>();
    long steps = 0;
    JavaRDD<Tuple2<Double, Vector>> cached =
        rows(train, "label").persist(StorageLevel.MEMORY_AND_DISK());
    cached.count();
    for (int r = -1; r < runs; r++) {
      long t0 = System.nanoTime();
      long c0 = cpu();
      DPLogisticRegressionModel m = logistic(n, 1.0).fit(train);
      double dp = seconds(t0);
      double dpCpu = (cpu() - c0) / 1e9;
      steps = m.privacyRecord().steps();
      t0 = System.nanoTime();
      logistic(n, 1.0).plan().epsilon();
      double planning = seconds(t0);
      t0 = System.nanoTime();
      c0 = cpu();
      fixedNoise(n, z).fit(train);
      double fixed = seconds(t0);
      double fixedCpu = (cpu() - c0) / 1e9;
      t0 = System.nanoTime();
      c0 = cpu();
      plainSgd(rows(train, "label"), d, q, steps, 2.0, true);
      double plain = seconds(t0);
      double plainCpu = (cpu() - c0) / 1e9;
      t0 = System.nanoTime();
      c0 = cpu();
      for (int k = 0; k < 20; k++) {
        bareTreeAggregate(cached);
      }
      double bare = seconds(t0) / 20;
      double bareCpu = (cpu() - c0) / 1e9 / 20;
      if (r >= 0) {
        dpTimes.add(dp);
        planTimes.add(planning);
        fixedTimes.add(fixed);
        plainTimes.add(plain);
        bareTimes.add(bare);
        cpuFixed.add(fixedCpu);
        cpuDp.add(dpCpu);
        cpuPlain.add(plainCpu);
        cpuBare.add(bareCpu);
      }
    }
    cached.unpersist();
    double dp = median(dpTimes);
    double planning = median(planTimes);
    double fixed = median(fixedTimes);
    double plain = median(plainTimes);
    double bare = median(bareTimes);
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "timing (median of %d; %d steps of q=%.4f; z=%.4f for epsilon 1):%n",
        runs,
        steps,
        q,
        z);
    System.out.printf(
        Locale.ROOT,
        "  DP-SGD fit, targetEpsilon=1      %.2f s  (%.1f ms/step)%n",
        dp,
        1000 * dp / steps);
    System.out.printf(Locale.ROOT, "    of which plan(): calibrating z  %.2f s%n", planning);
    System.out.printf(
        Locale.ROOT,
        "  DP-SGD fit, noiseMultiplier=z     %.2f s  (%.1f ms/step)%n",
        fixed,
        1000 * fixed / steps);
    System.out.printf(
        Locale.ROOT,
        "  plain SGD (no clip/noise)         %.2f s  (%.1f ms/step)%n",
        plain,
        1000 * plain / steps);
    System.out.printf(Locale.ROOT, "  bare treeAggregate                %.1f ms%n", 1000 * bare);
    System.out.printf(
        Locale.ROOT, "  (a) DP (fixed z) / plain SGD      %.2f x  (goal <= 1.3)%n", fixed / plain);
    System.out.printf(Locale.ROOT, "      DP (calibrated) / plain SGD   %.2f x%n", dp / plain);
    System.out.printf(
        Locale.ROOT,
        "  (b) DP step / treeAggregate       %.2f x  (goal <= 2; fixed z)%n",
        fixed / steps / bare);
    System.out.printf(
        Locale.ROOT,
        "  (c) DP-SGD per epoch              %.2f s  (fixed z; %.2f s calibrated)%n",
        fixed / EPOCHS,
        dp / EPOCHS);
    System.out.printf(
        Locale.ROOT,
        "  CPU seconds (whole JVM): DP calibrated %.2f, DP fixed z %.2f, plain %.2f, bare %.4f%n",
        median(cpuDp),
        median(cpuFixed),
        median(cpuPlain),
        median(cpuBare));
    System.out.printf(
        Locale.ROOT,
        "  CPU (a) DP fixed z / plain %.2f x, DP calibrated / plain %.2f x; (b) %.2f x%n",
        median(cpuFixed) / median(cpuPlain),
        median(cpuDp) / median(cpuPlain),
        median(cpuFixed) / steps / median(cpuBare));
    if (!utility) {
      return;
    }

    // (d) utility against epsilon.
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "utility (median of %d fits; delta=%.0e, lot %.0f, %d epochs):%n",
        runs,
        DELTA,
        LOT,
        EPOCHS);
    System.out.println("| epsilon | noise multiplier | logistic accuracy | linear R² |");
    System.out.println("|---:|---:|---:|---:|");
    for (double eps : EPSILONS) {
      double[] zEps = new double[1];
      double acc =
          medianOf(
              runs,
              () -> {
                DPLogisticRegressionModel m = logistic(n, eps).fit(train);
                zEps[0] = m.noiseMultiplier();
                return accuracy(m.transform(test));
              });
      double r2 =
          medianOf(
              runs,
              () -> {
                DPLinearRegressionModel m = linear(n, eps).fit(train);
                return r2(m.transform(test));
              });
      System.out.printf(Locale.ROOT, "| %s | %.3f | %.4f | %.4f |%n", eps, zEps[0], acc, r2);
    }
    double[] wLog = plainSgd(rows(train, "label"), d, q, steps, 2.0, true);
    double[] wLin = plainSgd(rows(train, "hours"), d, q, steps, 0.2, false);
    System.out.printf(
        Locale.ROOT,
        "| ∞ (same SGD, no clipping or noise) | — | %.4f | %.4f |%n",
        plainAccuracy(wLog, test),
        plainR2(wLin, test));
    double mllibAcc = accuracy(new LogisticRegression().fit(train).transform(test));
    double mllibR2 = r2(new LinearRegression().setLabelCol("hours").fit(train).transform(test));
    System.out.printf(Locale.ROOT, "| ∞ (MLlib, L-BFGS) | — | %.4f | %.4f |%n", mllibAcc, mllibR2);
    train.unpersist();
    test.unpersist();
  }

  /** (e): fixed C against adaptive clipping from the same C₀, ε = 1. */
  static void runAdaptive(SparkSession spark, Path dir, int runs, int partitions, double quantile) {
    PublicFeatureEncoder encoder = AdultData.encoder();
    Dataset<Row> train =
        encoder
            .transform(AdultData.load(spark, dir.resolve("adult.data")))
            .select("features", "label")
            .repartition(partitions)
            .cache();
    Dataset<Row> test =
        encoder
            .transform(AdultData.load(spark, dir.resolve("adult.test")))
            .select("features", "label")
            .cache();
    long n = train.count();
    test.count();
    System.out.printf(
        Locale.ROOT,
        "adaptive clipping (median of %d fits; epsilon 1, delta %.0e, lot %.0f, %d epochs, eta"
            + " 2, targetUnclippedQuantile %s):%n",
        runs,
        DELTA,
        LOT,
        EPOCHS,
        quantile);
    System.out.println(
        "| C0 | fixed C: accuracy | adaptive: accuracy | adaptive: final C | adaptive: z_Delta |");
    System.out.println("|---:|---:|---:|---:|---:|");
    for (double c0 : new double[] {0.01, 2, 100}) {
      double fixed =
          medianOf(
              runs, () -> accuracy(logistic(n, 1.0).setClipNorm(c0).fit(train).transform(test)));
      List<Double> finals = new ArrayList<>();
      double[] zDelta = new double[1];
      double adaptiveAcc =
          medianOf(
              runs,
              () -> {
                DPLogisticRegressionModel m =
                    logistic(n, 1.0)
                        .setClipNorm(c0)
                        .setAdaptiveClipping(true)
                        .setTargetUnclippedQuantile(quantile)
                        .fit(train);
                finals.add(m.privacyRecord().clipNorm());
                zDelta[0] = m.privacyRecord().adaptiveClipping().gradientNoiseMultiplier();
                return accuracy(m.transform(test));
              });
      System.out.printf(
          Locale.ROOT,
          "| %s | %.4f | %.4f | %.3f | %.4f |%n",
          c0,
          fixed,
          adaptiveAcc,
          median(finals),
          zDelta[0]);
    }
    train.unpersist();
    test.unpersist();
  }

  // Adult: one row per person, so the benchmark's fits are row-level (rowIsUnit).
  static DPLogisticRegression logistic(long n, double eps) {
    return new DPLogisticRegression()
        .setRowIsUnit(true)
        .setBudget(PrivacyBudget.inMemory(eps, DELTA))
        .setTargetEpsilon(eps)
        .setTargetDelta(DELTA)
        .setExpectedBatchSize(LOT)
        .setNumUnits(n)
        .setEpochs(EPOCHS)
        .setClipNorm(2)
        .setLearningRate(2);
  }

  /** The same run with the noise multiplier given: no calibration in {@code fit}. */
  static DPLogisticRegression fixedNoise(long n, double z) {
    return new DPLogisticRegression()
        .setRowIsUnit(true)
        .setBudget(PrivacyBudget.inMemory(100, DELTA))
        .setNoiseMultiplier(z)
        .setExpectedBatchSize(LOT)
        .setNumUnits(n)
        .setEpochs(EPOCHS)
        .setClipNorm(2)
        .setLearningRate(2);
  }

  static DPLinearRegression linear(long n, double eps) {
    return new DPLinearRegression()
        .setRowIsUnit(true)
        .setBudget(PrivacyBudget.inMemory(eps, DELTA))
        .setTargetEpsilon(eps)
        .setTargetDelta(DELTA)
        .setLabelCol("hours")
        .setExpectedBatchSize(LOT)
        .setNumUnits(n)
        .setEpochs(EPOCHS)
        .setClipNorm(1)
        .setLearningRate(0.2);
  }

  /**
   * The baseline: MLlib GradientDescent's step (sample, treeAggregate, broadcast), unclipped, no
   * noise.
   */
  static double[] plainSgd(
      JavaRDD<Tuple2<Double, Vector>> source,
      int d,
      double q,
      long steps,
      double lr,
      boolean logistic) {
    JavaRDD<Tuple2<Double, Vector>> data = source.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      double batch = q * data.count(); // the one caching pass, as the DP fit's
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(data.context());
      double[] w = new double[d + 1];
      for (long t = 0; t < steps; t++) {
        Broadcast<double[]> bw = jsc.broadcast(w.clone());
        double[] g =
            data.sample(false, q, 42 + t)
                .treeAggregate(
                    new double[d + 1],
                    (acc, e) -> {
                      double[] wv = bw.value();
                      double z = margin(wv, d, e._2());
                      double r = logistic ? 1 / (1 + Math.exp(-z)) - e._1() : z - e._1();
                      add(acc, r, d, e._2());
                      return acc;
                    },
                    MlBenchmark::sum,
                    2);
        bw.destroy();
        for (int k = 0; k <= d; k++) {
          w[k] -= lr * g[k] / batch;
        }
      }
      return w;
    } finally {
      data.unpersist();
    }
  }

  static double bareTreeAggregate(JavaRDD<Tuple2<Double, Vector>> data) {
    return data.treeAggregate(
            new double[1],
            (acc, e) -> {
              acc[0] += e._1();
              return acc;
            },
            MlBenchmark::sum,
            2)[0];
  }

  static double margin(double[] w, int d, Vector x) {
    double z = w[d];
    if (x instanceof SparseVector sv) {
      for (int k = 0; k < sv.indices().length; k++) {
        z += w[sv.indices()[k]] * sv.values()[k];
      }
    } else {
      for (int k = 0; k < d; k++) {
        z += w[k] * x.apply(k);
      }
    }
    return z;
  }

  static void add(double[] acc, double r, int d, Vector x) {
    if (x instanceof SparseVector sv) {
      for (int k = 0; k < sv.indices().length; k++) {
        acc[sv.indices()[k]] += r * sv.values()[k];
      }
    } else {
      for (int k = 0; k < d; k++) {
        acc[k] += r * x.apply(k);
      }
    }
    acc[d] += r;
  }

  static double[] sum(double[] a, double[] b) {
    for (int i = 0; i < a.length; i++) {
      a[i] += b[i];
    }
    return a;
  }

  static JavaRDD<Tuple2<Double, Vector>> rows(Dataset<Row> data, String label) {
    return data.select(col(label), col("features"))
        .toJavaRDD()
        .map(r -> new Tuple2<>(r.getDouble(0), (Vector) r.get(1)));
  }

  static double plainAccuracy(double[] w, Dataset<Row> test) {
    int d = w.length - 1;
    List<Tuple2<Double, Vector>> rows = rows(test, "label").collect();
    long right = 0;
    for (Tuple2<Double, Vector> e : rows) {
      right += (margin(w, d, e._2()) > 0 ? 1.0 : 0.0) == e._1() ? 1 : 0;
    }
    return (double) right / rows.size();
  }

  static double plainR2(double[] w, Dataset<Row> test) {
    int d = w.length - 1;
    List<Tuple2<Double, Vector>> rows = rows(test, "hours").collect();
    double mean = rows.stream().mapToDouble(Tuple2::_1).average().orElse(0);
    double ssRes = 0;
    double ssTot = 0;
    for (Tuple2<Double, Vector> e : rows) {
      double err = e._1() - margin(w, d, e._2());
      ssRes += err * err;
      ssTot += (e._1() - mean) * (e._1() - mean);
    }
    return 1 - ssRes / ssTot;
  }

  static double accuracy(Dataset<Row> predictions) {
    return (double) predictions.filter("prediction = label").count() / predictions.count();
  }

  static double r2(Dataset<Row> predictions) {
    return new RegressionEvaluator()
        .setLabelCol("hours")
        .setPredictionCol("prediction")
        .setMetricName("r2")
        .evaluate(predictions);
  }

  static double medianOf(int runs, DoubleSupplier f) {
    List<Double> v = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      v.add(f.getAsDouble());
    }
    return median(v);
  }

  static double median(List<Double> values) {
    List<Double> v = new ArrayList<>(values);
    Collections.sort(v);
    int m = v.size() / 2;
    return v.size() % 2 == 1 ? v.get(m) : (v.get(m - 1) + v.get(m)) / 2;
  }

  static long cpu() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  /** hours-per-week scaled to [0, 1] with its public bounds [1, 99]. */
  static org.apache.spark.sql.Column scaledHours() {
    return least(lit(99.0), greatest(lit(1.0), col("hours_per_week").cast("double")))
        .minus(lit(1.0))
        .divide(lit(98.0));
  }
}
