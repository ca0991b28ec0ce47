package org.privspark.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.PrivacyUnit;
import org.privspark.spark.ml.DPLogisticRegression;
import org.privspark.spark.ml.DPLogisticRegressionModel;
import org.privspark.spark.ml.feature.PublicFeatureEncoder;

/**
 * Job {@code benchmark-ml-units}: DP-SGD at the level of the person on {@link AdultVisits} (Adult
 * with 2 to 21 rows per person), issue 13 §5.
 *
 * <p><b>Utility.</b> For each seed s = 1..S the data set is built with seed s, and five logistic
 * regressions are fitted on the multi-row training persons and scored on the test persons:
 *
 * <ul>
 *   <li>(a) unit-level DP-SGD as a user gets it ({@link DPLogisticRegression} with {@code
 *       privacyUnitCol = person_id}, {@code maxRowsPerUnit = k}, default {@code unitGradient =
 *       "mean"}: a person contributes the mean of their rows' clipped gradients) at ε = 1, δ =
 *       1e-5, charged to a budget that declares the unit {@code person};
 *   <li>(a-sum) the same with {@code unitGradient = "sum"} (the sum of the rows' clipped gradients,
 *       clipped to C). The summed gradient of a person's k near-identical visits reaches C when
 *       each row's gradient reaches C/k, so it clips k times harder than (c) does;
 *   <li>(a′) "sum" with C and η scaled by k by a public rule ({@link #scaledByK}): C = k·2, η =
 *       2/k, the hand-tuning that "sum" needs and "mean" is meant to make unnecessary;
 *   <li>(b) MLlib {@code LogisticRegression} (L-BFGS, no privacy) on all training rows;
 *   <li>(c) one row per person ({@link AdultVisits#onePerPerson} with seed s), then row-level
 *       DP-SGD ({@code rowIsUnit = true}) at the same ε, δ and settings.
 * </ul>
 *
 * k is the median rows per person under the public rule ({@link AdultVisits#medianRowsPerPerson()}
 * = 4) unless {@code --k} gives another. The DP fits: 1024 expected persons per step of the public
 * 32,561 training persons (q = 0.0314), {@code --epochs} epochs (default 5, 155 steps), C = 2, η =
 * 2 (except (a′)), as {@link MlBenchmark}. Accuracy is reported on one row per test person (the
 * person's Adult row, visit 0: Adult's test split) and on all test rows; the table gives mean ±
 * sample sd over the seeds. DP noise is fresh in every fit.
 *
 * <p><b>Performance.</b> On the seed-1 training rows, a unit-level fit (default mode, "mean")
 * against a row-level fit ({@code rowIsUnit = true} on every row, as if each row were a person: a
 * timing baseline, not a private release) with the same sampling rate q, the same noise multiplier
 * given (no calibration) and the same epochs, hence the same steps. Each is timed at 1 epoch and at
 * {@code --epochs}: the cost of a step is (T(E) − T(1)) / (steps(E) − steps(1)), which leaves out
 * the one-off work (validation, charge, caching, bounding rows per unit). One untimed warm-up, then
 * {@code --runs} interleaved repetitions; medians. Goal: unit step / row step ≤ 1.5.
 *
 * <p>Arguments: {@code [--data DIR] [--seeds S] [--runs R] [--epochs E] [--k K] [--master M]
 * [--partitions P] [--utility-only | --timing-only]}; defaults 3 seeds, 5 runs, 5 epochs, 2
 * partitions.
 */
public final class UnitUtilityBenchmark {
  static final double LOT = MlBenchmark.LOT;
  static final double EPSILON = 1.0;
  static final double DELTA = MlBenchmark.DELTA;
  static final double CLIP = 2;
  static final double LEARNING_RATE = 2;
  static final String UNIT = "person";
  static final String UNIT_DEFINITION =
      "one person of UCI Adult with all of their visits (AdultVisits)";

  private UnitUtilityBenchmark() {}

  /** The parsed arguments. */
  record Settings(
      Path data,
      int seeds,
      int runs,
      int epochs,
      int k,
      String master,
      int partitions,
      boolean utility,
      boolean timing) {
    static Settings parse(String[] args) {
      String data = AdultData.defaultDir().toString();
      int seeds = 3;
      int runs = 5;
      int epochs = MlBenchmark.EPOCHS;
      int k = AdultVisits.medianRowsPerPerson();
      String master = null;
      int partitions = 2;
      boolean utility = true;
      boolean timing = true;
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--data" -> data = value(args, ++i);
          case "--seeds" -> seeds = atLeast("--seeds", value(args, ++i), 1);
          case "--runs" -> runs = atLeast("--runs", value(args, ++i), 1);
          case "--epochs" -> epochs = atLeast("--epochs", value(args, ++i), 2);
          case "--k" -> k = atLeast("--k", value(args, ++i), 1);
          case "--master" -> master = value(args, ++i);
          case "--partitions" -> partitions = atLeast("--partitions", value(args, ++i), 1);
          case "--utility-only" -> timing = false;
          case "--timing-only" -> utility = false;
          default ->
              throw new IllegalArgumentException(
                  "unknown argument '"
                      + args[i]
                      + "'; arguments: [--data DIR] [--seeds S] [--runs R] [--epochs E] [--k K]"
                      + " [--master M] [--partitions P] [--utility-only | --timing-only]");
        }
      }
      if (!utility && !timing) {
        throw new IllegalArgumentException("--utility-only and --timing-only exclude each other");
      }
      Path dir = Paths.get(data);
      if (!Files.isRegularFile(dir.resolve("adult.data"))
          || !Files.isRegularFile(dir.resolve("adult.test"))) {
        throw new IllegalArgumentException(
            "--data must name a directory with adult.data and adult.test; got "
                + dir.toAbsolutePath());
      }
      return new Settings(dir, seeds, runs, epochs, k, master, partitions, utility, timing);
    }

    private static String value(String[] args, int i) {
      if (i >= args.length) {
        throw new IllegalArgumentException(args[i - 1] + " needs a value");
      }
      return args[i];
    }

    private static int atLeast(String name, String value, int min) {
      int v;
      try {
        v = Integer.parseInt(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            name + " must be an integer >= " + min + "; got '" + value + "'");
      }
      if (v < min) {
        throw new IllegalArgumentException(name + " must be an integer >= " + min + "; got " + v);
      }
      return v;
    }
  }

  public static void main(String[] args) {
    Settings s = Settings.parse(args);
    SparkSession spark =
        BenchmarkSessions.start(
            BenchmarkSessions.loopback("privspark-benchmark-ml-units")
                .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .config("spark.sql.shuffle.partitions", String.valueOf(s.partitions())),
            s.master(),
            List.of());
    try {
      run(spark, s);
    } finally {
      spark.stop();
    }
  }

  /** One seed's encoded data: training rows (cached), test rows (cached), and the public sizes. */
  record Encoded(Dataset<Row> train, Dataset<Row> test, long persons, long rows) {
    void unpersist() {
      train.unpersist();
      test.unpersist();
    }
  }

  static Encoded encode(SparkSession spark, Settings s, long seed) {
    PublicFeatureEncoder encoder = AdultVisits.encoder();
    AdultVisits.Split split = AdultVisits.load(spark, s.data(), seed);
    Dataset<Row> train =
        encoder
            .transform(split.train())
            .select(AdultVisits.PERSON_ID, AdultVisits.VISIT, "features", "label")
            .repartition(s.partitions())
            .cache();
    Dataset<Row> test =
        encoder
            .transform(split.test())
            .select(AdultVisits.PERSON_ID, AdultVisits.VISIT, "features", "label")
            .cache();
    long rows = train.count();
    test.count();
    return new Encoded(train, test, split.trainPersons(), rows);
  }

  static void run(SparkSession spark, Settings s) {
    System.out.printf(
        Locale.ROOT,
        "AdultVisits (public rule, seeds 1..%d); k = %d (median rows per person under the public"
            + " rule: %d); lot %.0f persons, %d epochs, C = %s, eta = %s, epsilon %s, delta %.0e%n",
        s.seeds(),
        s.k(),
        AdultVisits.medianRowsPerPerson(),
        LOT,
        s.epochs(),
        CLIP,
        LEARNING_RATE,
        EPSILON,
        DELTA);
    if (s.utility()) {
      utility(spark, s);
    }
    if (s.timing()) {
      timing(spark, s);
    }
  }

  // ---- utility ----

  /**
   * One model of the utility table: its label, its short column name, and how it is fitted on a
   * seed's data.
   */
  record Model(String name, String column, boolean dp, Fitter fit) {}

  /** Fits one model on a seed's data; {@code one} is the one-row-per-person training set. */
  interface Fitter {
    org.apache.spark.ml.Transformer fit(Encoded data, Dataset<Row> one);
  }

  /** The utility table's models, in its order. */
  static List<Model> models(Settings s) {
    int k = s.k();
    return List.of(
        new Model(
            "(a) unit-level DP-SGD, person_id, k = "
                + k
                + ", unitGradient = mean (default), C = "
                + CLIP
                + ", η = "
                + LEARNING_RATE,
            "(a)",
            true,
            (d, one) -> unitLevel(s, d.persons()).fit(d.train())),
        new Model(
            "(a-sum) unit-level DP-SGD, k = "
                + k
                + ", unitGradient = sum, C = "
                + CLIP
                + ", η = "
                + LEARNING_RATE,
            "(a-sum)",
            true,
            (d, one) -> summed(unitLevel(s, d.persons())).fit(d.train())),
        new Model(
            "(a′) unit-level DP-SGD, k = "
                + k
                + ", unitGradient = sum, C = k·"
                + CLIP
                + ", η = "
                + LEARNING_RATE
                + "/k",
            "(a′)",
            true,
            (d, one) -> scaledByK(summed(unitLevel(s, d.persons())), k).fit(d.train())),
        new Model(
            "(b) MLlib LogisticRegression, all rows",
            "(b)",
            false,
            (d, one) -> new LogisticRegression().fit(d.train())),
        new Model(
            "(c) one row per person, row-level DP-SGD",
            "(c)",
            true,
            (d, one) -> rowLevel(s, d.persons()).fit(one)));
  }

  static void utility(SparkSession spark, Settings s) {
    List<Model> models = models(s);
    int n = models.size();
    List<List<Double>> perPerson = new ArrayList<>();
    List<List<Double>> allRows = new ArrayList<>();
    for (int m = 0; m < n; m++) {
      perPerson.add(new ArrayList<>());
      allRows.add(new ArrayList<>());
    }
    StringBuilder header = new StringBuilder("| seed | train rows | test rows | z |");
    StringBuilder rule = new StringBuilder("|---:|---:|---:|---:|");
    for (Model m : models) {
      header.append(' ').append(m.column()).append(" |");
      rule.append("---:|");
    }
    for (Model m : models) {
      header.append(' ').append(m.column()).append(" all |");
      rule.append("---:|");
    }
    System.out.println();
    System.out.println(header);
    System.out.println(rule);
    for (int seed = 1; seed <= s.seeds(); seed++) {
      Encoded data = encode(spark, s, seed);
      try {
        Dataset<Row> testPersons = AdultVisits.originalRows(data.test()).cache();
        long testRows = data.test().count();
        Dataset<Row> one = AdultVisits.onePerPerson(data.train(), seed).cache();
        StringBuilder line =
            new StringBuilder(
                String.format(
                    Locale.ROOT,
                    "| %d | %d | %d | %.4f |",
                    seed,
                    data.rows(),
                    testRows,
                    unitLevel(s, data.persons()).plan().noiseMultiplier()));
        double[] ar = new double[n];
        for (int m = 0; m < n; m++) {
          org.apache.spark.ml.Transformer fitted = models.get(m).fit().fit(data, one);
          if (models.get(m).dp() && ((DPLogisticRegressionModel) fitted).epsilon() > EPSILON) {
            throw new IllegalStateException(
                models.get(m).column() + " cost more than epsilon " + EPSILON);
          }
          double pp = MlBenchmark.accuracy(fitted.transform(testPersons));
          ar[m] = MlBenchmark.accuracy(fitted.transform(data.test()));
          perPerson.get(m).add(pp);
          allRows.get(m).add(ar[m]);
          line.append(String.format(Locale.ROOT, " %.4f |", pp));
        }
        for (int m = 0; m < n; m++) {
          line.append(String.format(Locale.ROOT, " %.4f |", ar[m]));
        }
        System.out.println(line);
        one.unpersist();
        testPersons.unpersist();
      } finally {
        data.unpersist();
      }
    }
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "utility: test accuracy, mean ± sd over %d seeds (ε = %s, δ = %.0e for the DP fits)%n",
        s.seeds(),
        EPSILON,
        DELTA);
    System.out.println("| model | one row per test person (Adult's test rows) | all test rows |");
    System.out.println("|---|---:|---:|");
    for (int m = 0; m < n; m++) {
      System.out.printf(
          Locale.ROOT,
          "| %s | %s | %s |%n",
          models.get(m).name(),
          meanSd(perPerson.get(m)),
          meanSd(allRows.get(m)));
    }
    int b = 3;
    int c = 4;
    for (int m = 0; m < 3; m++) {
      String x = models.get(m).column();
      System.out.printf(
          Locale.ROOT,
          "%s: (b) - %s = %+.2f points (target <= 2); %s - (c) = %+.2f points (target >= 0)%n",
          x,
          x,
          100 * (mean(perPerson.get(b)) - mean(perPerson.get(m))),
          x,
          100 * (mean(perPerson.get(m)) - mean(perPerson.get(c))));
    }
  }

  /**
   * Unit-level DP-SGD at ε = 1: one person per unit, at most k rows each, N = the public number of
   * persons.
   */
  static DPLogisticRegression unitLevel(Settings s, long persons) {
    DPLogisticRegression lr =
        common(s, persons)
            .setBudget(
                PrivacyBudget.inMemory(
                    EPSILON, DELTA, OrderGrid.defaults(), PrivacyUnit.of(UNIT, UNIT_DEFINITION)))
            .setTargetEpsilon(EPSILON)
            .setTargetDelta(DELTA);
    return unitParams(lr, AdultVisits.PERSON_ID, s.k());
  }

  /**
   * The public rule of (a′), for the "sum" mode: a unit's summed gradient has up to k times a row's
   * norm, so C is scaled by k (no unit of at most k rows is clipped harder than its rows) and η
   * divided by k (a unit of k rows then moves the weights as one row does in (c)): the noise on a
   * step, z·C·η/(q·N), is (c)'s.
   */
  static DPLogisticRegression scaledByK(DPLogisticRegression lr, int k) {
    return lr.setClipNorm(CLIP * k).setLearningRate(LEARNING_RATE / k);
  }

  /** The "sum" mode: a unit's clipped row gradients summed and the sum clipped to C. */
  static DPLogisticRegression summed(DPLogisticRegression lr) {
    return lr.setUnitGradient("sum");
  }

  /** Row-level DP-SGD at ε = 1 on one row per person: the caller states each row is one person. */
  static DPLogisticRegression rowLevel(Settings s, long persons) {
    DPLogisticRegression lr =
        common(s, persons)
            .setBudget(
                PrivacyBudget.inMemory(
                    EPSILON, DELTA, OrderGrid.defaults(), PrivacyUnit.of(UNIT, UNIT_DEFINITION)))
            .setTargetEpsilon(EPSILON)
            .setTargetDelta(DELTA);
    return rowParams(lr);
  }

  static DPLogisticRegression common(Settings s, long n) {
    return new DPLogisticRegression()
        .setExpectedBatchSize(LOT)
        .setNumUnits(n)
        .setEpochs(s.epochs())
        .setClipNorm(CLIP)
        .setLearningRate(LEARNING_RATE);
  }

  /** Unit-level mode: the unit column and k. */
  static DPLogisticRegression unitParams(DPLogisticRegression lr, String column, int k) {
    return lr.setPrivacyUnit(UNIT).setPrivacyUnitCol(column).setMaxRowsPerUnit(k);
  }

  /** Row-level mode: the caller states each row is one person. */
  static DPLogisticRegression rowParams(DPLogisticRegression lr) {
    return lr.setPrivacyUnit(UNIT).setRowIsUnit(true);
  }

  // ---- performance ----

  static void timing(SparkSession spark, Settings s) {
    Encoded data = encode(spark, s, 1);
    try {
      double q = LOT / data.persons();
      // The unit fit's noise multiplier for ε = 1, given to both fits: no calibration is timed.
      double z = unitLevel(s, data.persons()).plan().noiseMultiplier();
      List<Double> unitShort = new ArrayList<>();
      List<Double> unitLong = new ArrayList<>();
      List<Double> rowShort = new ArrayList<>();
      List<Double> rowLong = new ArrayList<>();
      List<Double> cpuUnitLong = new ArrayList<>();
      List<Double> cpuRowLong = new ArrayList<>();
      long[] steps = new long[2];
      for (int r = -1; r < s.runs(); r++) {
        double[] t = new double[6];
        t[0] = timed(() -> fixedUnit(s, data, z, q, 1).fit(data.train()), null);
        t[1] = timed(() -> fixedRow(s, data, z, q, 1).fit(data.train()), null);
        double[] cpu = new double[1];
        t[2] =
            timed(
                () ->
                    steps[0] =
                        fixedUnit(s, data, z, q, s.epochs())
                            .fit(data.train())
                            .privacyRecord()
                            .steps(),
                cpu);
        t[4] = cpu[0];
        t[3] =
            timed(
                () ->
                    steps[1] =
                        fixedRow(s, data, z, q, s.epochs())
                            .fit(data.train())
                            .privacyRecord()
                            .steps(),
                cpu);
        t[5] = cpu[0];
        if (r >= 0) {
          unitShort.add(t[0]);
          rowShort.add(t[1]);
          unitLong.add(t[2]);
          rowLong.add(t[3]);
          cpuUnitLong.add(t[4]);
          cpuRowLong.add(t[5]);
        }
      }
      long perEpoch = (long) Math.floor(1 / q);
      long stepsLong = steps[0];
      long extra = stepsLong - perEpoch;
      double unitStep = (MlBenchmark.median(unitLong) - MlBenchmark.median(unitShort)) / extra;
      double rowStep = (MlBenchmark.median(rowLong) - MlBenchmark.median(rowShort)) / extra;
      System.out.println();
      System.out.printf(
          Locale.ROOT,
          "performance (seed-1 training data: %d persons, %d rows; q = %.4f, z = %.4f given,"
              + " k = %d; median of %d after 1 warm-up):%n",
          data.persons(),
          data.rows(),
          q,
          z,
          s.k(),
          s.runs());
      System.out.println(
          "| fit | 1 epoch | "
              + s.epochs()
              + " epochs ("
              + stepsLong
              + " steps) | CPU, "
              + s.epochs()
              + " epochs | per step, (T(E) - T(1)) / "
              + extra
              + " |");
      System.out.println("|---|---:|---:|---:|---:|");
      System.out.printf(
          Locale.ROOT,
          "| unit-level (person_id, k = %d) | %.2f s | %.2f s | %.2f s | %.1f ms |%n",
          s.k(),
          MlBenchmark.median(unitShort),
          MlBenchmark.median(unitLong),
          MlBenchmark.median(cpuUnitLong),
          1000 * unitStep);
      System.out.printf(
          Locale.ROOT,
          "| row-level (rowIsUnit, every row) | %.2f s | %.2f s | %.2f s | %.1f ms |%n",
          MlBenchmark.median(rowShort),
          MlBenchmark.median(rowLong),
          MlBenchmark.median(cpuRowLong),
          1000 * rowStep);
      System.out.printf(
          Locale.ROOT,
          "unit step / row step = %.2f x (goal <= 1.5); whole fit at %d epochs: %.2f x wall,"
              + " %.2f x CPU (steps: unit %d, row %d)%n",
          unitStep / rowStep,
          s.epochs(),
          MlBenchmark.median(unitLong) / MlBenchmark.median(rowLong),
          MlBenchmark.median(cpuUnitLong) / MlBenchmark.median(cpuRowLong),
          steps[0],
          steps[1]);
    } finally {
      data.unpersist();
    }
  }

  /** Unit-level, noise multiplier z given, q = LOT / persons. Undeclared budget: a timing run. */
  static DPLogisticRegression fixedUnit(Settings s, Encoded data, double z, double q, int epochs) {
    DPLogisticRegression lr =
        common(s, data.persons())
            .setEpochs(epochs)
            .setNoiseMultiplier(z)
            .setBudget(PrivacyBudget.inMemory(100, DELTA));
    return unitParams(lr, AdultVisits.PERSON_ID, s.k());
  }

  /** Row-level on every row, same q and z: N = the row count (a timing baseline, not a release). */
  static DPLogisticRegression fixedRow(Settings s, Encoded data, double z, double q, int epochs) {
    DPLogisticRegression lr =
        new DPLogisticRegression()
            .setSampleRate(q)
            .setNumUnits(data.rows())
            .setEpochs(epochs)
            .setClipNorm(CLIP)
            .setLearningRate(LEARNING_RATE)
            .setNoiseMultiplier(z)
            .setBudget(PrivacyBudget.inMemory(100, DELTA));
    return rowParams(lr);
  }

  /** Wall seconds of {@code fit}; the JVM's CPU seconds into {@code cpu[0]} when given. */
  private static double timed(Runnable fit, double[] cpu) {
    long c0 = MlBenchmark.cpu();
    long t0 = System.nanoTime();
    fit.run();
    double wall = MlBenchmark.seconds(t0);
    if (cpu != null) {
      cpu[0] = (MlBenchmark.cpu() - c0) / 1e9;
    }
    return wall;
  }

  static double mean(List<Double> v) {
    return v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }

  /** Sample standard deviation (n − 1); 0 for one value. */
  static double sd(List<Double> v) {
    if (v.size() < 2) {
      return 0;
    }
    double m = mean(v);
    double ss = v.stream().mapToDouble(x -> (x - m) * (x - m)).sum();
    return Math.sqrt(ss / (v.size() - 1));
  }

  static String meanSd(List<Double> v) {
    return String.format(Locale.ROOT, "%.4f ± %.4f", mean(v), sd(v));
  }
}
