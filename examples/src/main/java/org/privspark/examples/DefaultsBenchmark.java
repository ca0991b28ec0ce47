package org.privspark.examples;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.spark.ml.DPLogisticRegression;
import org.privspark.spark.ml.DPLogisticRegressionModel;
import org.privspark.spark.ml.DPTuner;
import org.privspark.spark.ml.DPTunerModel;
import org.privspark.spark.ml.DpSgdPlan;
import org.privspark.spark.ml.feature.PublicFeatureEncoder;

/**
 * Job {@code benchmark-ml-defaults}: are DPLogisticRegression's defaults good on data they were not
 * chosen on? For each data set, MLlib's non-private {@code LogisticRegression} (its defaults)
 * against DP-SGD under named configurations, at several ε (δ = 1e-5), several fits each: AUC and
 * accuracy on a VALIDATION split of the training data (what defaults are chosen on) and, with
 * {@code --test}, on the test split (reported once, at the end).
 *
 * <p>Data: Adult ({@code --adult DIR}, default the checkout's data/adult; train 80 % / validation
 * 20 % of adult.data by a seeded split, test adult.test) and, when {@code --birdstrikes FILE} is
 * given, {@link BirdStrikes} (60/20/20 train/validation/test by a seeded split).
 *
 * <p>Configurations ({@code --config NAME:key=value,...}, repeatable): {@code default} sets only
 * the budget, {@code rowIsUnit}, targetEpsilon/targetDelta and numUnits, which is what the issue
 * calls the untuned path; {@code readme} is the README's settings before issue 17 (B = 1024, 5
 * epochs, C = 2, η = 2). Keys: {@code lr, B, q, epochs, C, reg}, {@code adaptive} (1 or 0: adaptive
 * clipping on or off) and {@code step} (the noise rule's learning rate with another cap on ηC).
 * Without {@code --config} both of those run.
 *
 * <p>Stress ({@code --wide-bounds F}, F &ge; 1, default 1): multiplies the public upper bound of
 * every numeric Adult feature by F, so the scaled values shrink by about F and sit near 0, as on
 * data whose public bounds are much wider than its values (issue 17); the model then needs weights
 * about F times larger. Everything else (vocabularies, splits, MLlib's baseline on the same
 * features) is unchanged; values above the old upper bound are no longer clamped.
 *
 * <p>Arguments: {@code [--adult DIR] [--birdstrikes FILE] [--runs R] [--eps e1,e2,...] [--test]
 * [--wide-bounds F] [--config NAME:k=v,...]... [--master M]}.
 */
public final class DefaultsBenchmark {
  static final double DELTA = 1e-5;

  private DefaultsBenchmark() {}

  public static void main(String[] args) {
    Path adult = AdultData.defaultDir();
    Path birds = null;
    int runs = 3;
    double[] eps = {0.1, 0.3, 1, 3};
    boolean test = false;
    double wide = 1;
    String master = null;
    Map<String, Map<String, Double>> configs = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--adult" -> adult = Path.of(args[++i]);
        case "--birdstrikes" -> birds = Path.of(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--eps" -> {
          String[] parts = args[++i].split(",");
          eps = new double[parts.length];
          for (int k = 0; k < parts.length; k++) {
            eps[k] = Double.parseDouble(parts[k]);
          }
        }
        case "--test" -> test = true;
        case "--wide-bounds" -> {
          wide = Double.parseDouble(args[++i]);
          if (!(wide >= 1) || Double.isInfinite(wide)) {
            throw new IllegalArgumentException(
                "--wide-bounds must be finite and >= 1; got " + wide);
          }
        }
        case "--master" -> master = args[++i];
        case "--config" -> parseConfig(args[++i], configs);
        default ->
            throw new IllegalArgumentException(
                "unknown argument '"
                    + args[i]
                    + "'; arguments: [--adult DIR] [--birdstrikes FILE] [--runs R] [--eps"
                    + " e1,e2,...] [--test] [--wide-bounds F] [--config NAME:key=value,...]..."
                    + " [--master M]");
      }
    }
    if (configs.isEmpty()) {
      parseConfig("default:", configs);
      parseConfig("readme:B=1024,epochs=5,C=2,lr=2", configs);
    }
    SparkSession spark =
        BenchmarkSessions.start(
            BenchmarkSessions.loopback("privspark-benchmark-ml-defaults")
                .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer"),
            master,
            List.of());
    try {
      List<Split> splits = new ArrayList<>();
      splits.add(adult(spark, adult, wide));
      if (birds != null) {
        splits.add(birds(spark, birds));
      }
      for (Split s : splits) {
        run(s, configs, eps, runs, test);
      }
    } finally {
      spark.stop();
    }
  }

  /** One data set, encoded: train, validation, test (cached). */
  record Split(String name, Dataset<Row> train, Dataset<Row> validation, Dataset<Row> test) {}

  static Split adult(SparkSession spark, Path dir, double wide) {
    PublicFeatureEncoder encoder = widened(AdultData.encoder(), wide);
    Dataset<Row>[] parts =
        encoder
            .transform(AdultData.load(spark, dir.resolve("adult.data")))
            .select("features", "label")
            .randomSplit(new double[] {0.8, 0.2}, 17);
    Dataset<Row> test =
        encoder
            .transform(AdultData.load(spark, dir.resolve("adult.test")))
            .select("features", "label");
    String name =
        wide == 1 ? "Adult" : String.format(Locale.ROOT, "Adult (upper bounds x%s)", wide);
    return new Split(name, parts[0].cache(), parts[1].cache(), test.cache());
  }

  /** The encoder with every numeric column's public upper bound multiplied by {@code factor}. */
  static PublicFeatureEncoder widened(PublicFeatureEncoder encoder, double factor) {
    double[] hi = encoder.getOrDefault(encoder.upperBounds()).clone();
    for (int i = 0; i < hi.length; i++) {
      hi[i] *= factor;
    }
    return encoder.copy(new ParamMap().put(encoder.upperBounds(), hi));
  }

  static Split birds(SparkSession spark, Path csv) {
    Dataset<Row>[] parts =
        BirdStrikes.encoder()
            .transform(BirdStrikes.load(spark, csv))
            .select("features", "label")
            .randomSplit(new double[] {0.6, 0.2, 0.2}, 17);
    return new Split("BirdStrikes", parts[0].cache(), parts[1].cache(), parts[2].cache());
  }

  static void parseConfig(String spec, Map<String, Map<String, Double>> out) {
    int colon = spec.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("--config must be NAME:key=value,...; got '" + spec + "'");
    }
    Map<String, Double> kv = new LinkedHashMap<>();
    for (String p : spec.substring(colon + 1).split(",")) {
      if (p.isBlank()) {
        continue;
      }
      String[] e = p.split("=");
      if (e.length != 2
          || !List.of("lr", "B", "q", "epochs", "C", "reg", "step", "adaptive", "tune")
              .contains(e[0])) {
        throw new IllegalArgumentException(
            "--config keys are lr, B, q, epochs, C, reg, step, adaptive, tune (key=value); got '"
                + p
                + "'");
      }
      kv.put(e[0], Double.parseDouble(e[1]));
    }
    out.put(spec.substring(0, colon), kv);
  }

  static DPLogisticRegression estimator(long n, double eps, Map<String, Double> c) {
    DPLogisticRegression lr =
        new DPLogisticRegression()
            .setBudget(PrivacyBudget.inMemory(eps, DELTA))
            .setRowIsUnit(true)
            .setTargetEpsilon(eps)
            .setTargetDelta(DELTA)
            .setNumUnits(n);
    c.forEach(
        (k, v) -> {
          switch (k) {
            case "lr" -> lr.setLearningRate(v);
            case "B" -> lr.setExpectedBatchSize(v);
            case "q" -> lr.setSampleRate(v);
            case "epochs" -> lr.setEpochs(v.intValue());
            case "C" -> lr.setClipNorm(v);
            case "reg" -> lr.setRegParam(v);
            case "step", "tune" -> {} // step: applied below, once the plan is known; tune: in run
            case "adaptive" -> lr.setAdaptiveClipping(v != 0);
            default -> throw new IllegalStateException(k);
          }
        });
    if (c.containsKey("step") && !c.containsKey("lr")) {
      // The noise rule with another cap on ηC (exploring DEFAULT_MAX_STEP).
      DpSgdPlan p = lr.plan();
      double b = p.sampleRate() * n;
      lr.setLearningRate(
          Math.min(b / (p.noiseMultiplier() * Math.sqrt(p.steps())), c.get("step")) / p.clipNorm());
    }
    return lr;
  }

  static void run(
      Split s, Map<String, Map<String, Double>> configs, double[] eps, int runs, boolean test) {
    long n = s.train().count();
    System.out.printf(
        Locale.ROOT,
        "%n== %s: %d train, %d validation, %d test rows%n",
        s.name(),
        n,
        s.validation().count(),
        s.test().count());
    LogisticRegressionModel mllib = new LogisticRegression().fit(s.train());
    System.out.printf(
        Locale.ROOT,
        "MLlib LogisticRegression (non-private): validation AUC %.4f acc %.4f%s%n",
        auc(mllib.transform(s.validation())),
        ModelMetrics.accuracy(mllib.transform(s.validation())),
        test
            ? String.format(
                Locale.ROOT,
                "; test AUC %.4f acc %.4f",
                auc(mllib.transform(s.test())),
                ModelMetrics.accuracy(mllib.transform(s.test())))
            : "");
    for (Map.Entry<String, Map<String, Double>> c : configs.entrySet()) {
      for (double e : eps) {
        double[] vAuc = new double[runs];
        double[] vAcc = new double[runs];
        double[] tAuc = new double[runs];
        double[] tAcc = new double[runs];
        String plan = "";
        for (int r = 0; r < runs; r++) {
          DPLogisticRegression est = estimator(n, e, c.getValue());
          Double tune = c.getValue().get("tune");
          // tune=E[K]: DPTuner over its default grid, the whole search at (e, DELTA).
          org.apache.spark.ml.Model<?> m =
              tune == null
                  ? est.fit(s.train())
                  : new DPTuner()
                      .setEstimator(est)
                      .setEstimatorParamMaps(DPTuner.defaultGrid(est))
                      .setExpectedRepetitions(tune)
                      .setTargetEpsilon(e)
                      .setTargetDelta(DELTA)
                      .setBudget(est.getBudget())
                      .fit(s.train());
          var rec =
              m instanceof DPTunerModel tm
                  ? tm.bestModel().privacyRecord()
                  : ((DPLogisticRegressionModel) m).privacyRecord();
          plan =
              String.format(
                  Locale.ROOT,
                  "q=%.4g z=%.3g steps=%d C=%.3g lr=%.3g",
                  rec.sampleRate(),
                  rec.noiseMultiplier(),
                  rec.steps(),
                  rec.clipNorm(),
                  m instanceof DPTunerModel tm
                      ? (Double) tm.bestParamMap().apply(est.learningRate())
                      : est.learningRateFor(est.plan(), n));
          Dataset<Row> v = m.transform(s.validation());
          vAuc[r] = auc(v);
          vAcc[r] = ModelMetrics.accuracy(v);
          if (test) {
            Dataset<Row> t = m.transform(s.test());
            tAuc[r] = auc(t);
            tAcc[r] = ModelMetrics.accuracy(t);
          }
        }
        System.out.printf(
            Locale.ROOT,
            "%s eps=%s [%s]: validation AUC %s acc %s%s%n",
            c.getKey(),
            e,
            plan,
            meanSd(vAuc),
            meanSd(vAcc),
            test
                ? String.format(Locale.ROOT, "; test AUC %s acc %s", meanSd(tAuc), meanSd(tAcc))
                : "");
      }
    }
  }

  static double auc(Dataset<Row> predictions) {
    return new BinaryClassificationEvaluator()
        .setRawPredictionCol("rawPrediction")
        .setMetricName("areaUnderROC")
        .evaluate(predictions);
  }

  static String meanSd(double[] x) {
    double m = 0;
    for (double v : x) {
      m += v / x.length;
    }
    double ss = 0;
    for (double v : x) {
      ss += (v - m) * (v - m);
    }
    double sd = x.length > 1 ? Math.sqrt(ss / (x.length - 1)) : 0;
    return String.format(Locale.ROOT, "%.4f±%.4f", m, sd);
  }
}
