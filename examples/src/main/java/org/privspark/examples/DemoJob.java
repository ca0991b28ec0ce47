package org.privspark.examples;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.monotonically_increasing_id;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.PrivacyUnit;
import org.privspark.core.accounting.UnitClaim;
import org.privspark.core.aggregation.NoiseKind;
import org.privspark.core.audit.AuditReport;
import org.privspark.core.audit.LedgerVerifier;
import org.privspark.core.ledger.Ledger;
import org.privspark.core.ledger.LocalDirectoryStore;
import org.privspark.core.ledger.OpeningStore;
import org.privspark.core.ledger.note.KeyFiles;
import org.privspark.core.ledger.note.NoteSigner;
import org.privspark.spark.ml.DPLogisticRegression;
import org.privspark.spark.ml.DPLogisticRegressionModel;
import org.privspark.spark.sql.PrivateDataFrame;

/**
 * Job {@code demo}: PrivSpark end to end on the bundled UCI Adult data, the README's first command.
 * One ledger holds one budget for the data set; three private aggregations and one DP-SGD model are
 * charged to it, each recorded before its result exists; then the auditor's verifier replays the
 * ledger with the public key alone, and a summary compares the ε spent with the budget.
 *
 * <p>Arguments: {@code [--data DIR] [--out DIR]}. DIR holds {@code adult.data} and {@code
 * adult.test} (default: the checkout's {@code data/adult}, {@link AdultData#defaultDir()}); {@code
 * --out} (default {@code target/privspark-demo} below {@code $PRIVSPARK_ROOT}, else the working
 * directory) receives a new ledger and its key files, replacing an earlier demo's.
 */
final class DemoJob {
  static final String ORIGIN = "demo.privspark.org/adult";
  static final double BUDGET_EPSILON = 3.0;
  static final double BUDGET_DELTA = 1e-5;

  /**
   * Whom the budget protects: a respondent of the census. Adult has one row per respondent, so the
   * "person" column below is a row number, and a row is a person.
   */
  static final PrivacyUnit UNIT =
      PrivacyUnit.of(
          "person", "one respondent of the 1994 US census extract (UCI Adult), who has one row");

  /**
   * The demo's claim: each row is one person (the "person" column is a row number), recorded per
   * entry.
   */
  static final UnitClaim ROW_IS_PERSON = UnitClaim.rowIsUnit(UNIT.name());

  /** What the demo found, for its test. */
  record Outcome(long educationGroups, double medianHours, double accuracy, AuditReport audit) {}

  private DemoJob() {}

  public static void main(String[] args) {
    Path data = null;
    Path out = fromRoot(Paths.get("target", "privspark-demo"));
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--data" -> data = Paths.get(value(args, ++i, "--data"));
        case "--out" -> out = Paths.get(value(args, ++i, "--out"));
        default -> usage("unknown argument '" + args[i] + "'");
      }
    }
    data = data != null ? data : AdultData.defaultDir();
    if (!Files.isRegularFile(data.resolve("adult.data"))
        || !Files.isRegularFile(data.resolve("adult.test"))) {
      usage(
          "--data must name a directory with adult.data and adult.test; got "
              + data.toAbsolutePath());
    }
    SparkSession spark = SparkSession.builder().appName("privspark-demo").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    try {
      run(spark, data, out, System.out);
    } finally {
      spark.stop();
    }
  }

  static Outcome run(SparkSession spark, Path data, Path out, PrintStream say) {
    Path ledgerDir = out.resolve("ledger");
    Path key = out.resolve("ledger.key");
    NoteSigner signer = NoteSigner.generate(ORIGIN);
    LocalDirectoryStore store = new LocalDirectoryStore(ledgerDir);
    Ledger ledger = freshLedger(store, ledgerDir, key, signer);
    PrivacyBudget budget = ledger.budget();
    say.printf(
        Locale.ROOT,
        "PrivSpark demo on UCI Adult (CC BY 4.0). Budget for the data set: ε = %.1f at δ = %.0e,"
            + " held by the ledger %s%n%n",
        BUDGET_EPSILON,
        BUDGET_DELTA,
        ledgerDir);

    Dataset<Row> people =
        AdultData.load(spark, data.resolve("adult.data"))
            .withColumn("person", monotonically_increasing_id())
            .cache();
    Dataset<Row> test = AdultData.load(spark, data.resolve("adult.test"));

    // 1. A count per education level; the 16 levels are public (the data set's documentation).
    Dataset<Row> levels =
        spark.createDataset(AdultData.EDUCATION, Encoders.STRING()).toDF("education");
    List<Row> counts =
        PrivateDataFrame.of(people, "person", ROW_IS_PERSON, budget)
            .groupBy("education")
            .publicGroups(levels)
            .count()
            .epsilon(0.5)
            .noise(NoiseKind.LAPLACE)
            .run()
            .collectAsList();
    List<Row> top = new ArrayList<>(counts);
    top.sort(Comparator.comparingDouble((Row r) -> r.getAs("count")).reversed());
    say.println("1. People per education level (ε = 0.5, Laplace), the five largest:");
    for (Row r : top.subList(0, 5)) {
      say.printf(
          Locale.ROOT,
          "     %-13s %8.0f   95%% CI [%.0f, %.0f]%n",
          r.getString(0),
          r.<Double>getAs("count"),
          r.<Double>getAs("count_ci_low"),
          r.<Double>getAs("count_ci_high"));
    }

    // 2. Mean age and hours per week by sex; the groups are chosen privately.
    List<Row> bySex =
        PrivateDataFrame.of(people, "person", ROW_IS_PERSON, budget)
            .groupBy("sex")
            .mean("age", 17, 90)
            .mean("hours_per_week", 1, 99)
            .epsilon(0.5)
            .delta(1e-6)
            .noise(NoiseKind.GAUSSIAN)
            .run()
            .orderBy(col("sex"))
            .collectAsList();
    say.println("2. Mean age and hours per week by sex (ε = 0.5, δ = 1e-6, private groups):");
    for (Row r : bySex) {
      say.printf(
          Locale.ROOT,
          "     %-13s age %5.1f ± %.1f   hours %5.1f ± %.1f%n",
          r.getString(0),
          r.<Double>getAs("mean_age"),
          halfWidth(r, "mean_age"),
          r.<Double>getAs("mean_hours_per_week"),
          halfWidth(r, "mean_hours_per_week"));
    }

    // 3. Quartiles of hours per week, over everyone.
    List<Double> quartiles =
        PrivateDataFrame.of(people, "person", ROW_IS_PERSON, budget)
            .aggregate()
            .quantiles("hours_per_week", 0, 100, 0.25, 0.5, 0.75)
            .epsilon(0.5)
            .run()
            .first()
            .getList(0);
    double median = quartiles.get(1);
    say.printf(
        Locale.ROOT,
        "3. Hours per week, quartiles (ε = 0.5): %.1f, %.1f, %.1f%n",
        quartiles.get(0),
        median,
        quartiles.get(2));

    // 4. A DP-SGD logistic regression of income > 50K, on public feature bounds and vocabularies.
    // Adult has one row per person, so row-level DP-SGD protects a person: state it (rowIsUnit).
    DPLogisticRegression sgd =
        new DPLogisticRegression()
            .setRowIsUnit(true)
            .setPrivacyUnit("person")
            .setBudget(budget)
            .setTargetEpsilon(1.0)
            .setTargetDelta(BUDGET_DELTA)
            .setExpectedBatchSize(MlBenchmark.LOT)
            .setNumUnits(32_561)
            .setEpochs(MlBenchmark.EPOCHS)
            .setClipNorm(2)
            .setLearningRate(2);
    PipelineModel model =
        new Pipeline().setStages(new PipelineStage[] {AdultData.encoder(), sgd}).fit(people);
    DPLogisticRegressionModel fitted = (DPLogisticRegressionModel) model.stages()[1];
    double accuracy = accuracy(model.transform(test));
    say.printf(
        Locale.ROOT,
        "4. DP-SGD logistic regression, income > 50K (ε = %.2f, δ = %.0e, noise multiplier %.2f):"
            + " test accuracy %.3f%n%n",
        fitted.epsilon(),
        fitted.delta(),
        fitted.noiseMultiplier(),
        accuracy);

    // The auditor's side: the public key and the ledger directory, nothing else.
    AuditReport audit = new LedgerVerifier(signer.verifier()).verify(store, List.of());
    say.printf(
        Locale.ROOT,
        "Audit: %s, %d releases; ε spent %.3f of %.1f at δ = %.0e, %.3f left.%n",
        audit.intact()
            ? "ledger intact"
            : "LEDGER REJECTED (" + audit.reason() + ": " + audit.message() + ")",
        audit.entries(),
        audit.spentEpsilon(),
        audit.budgetEpsilon(),
        audit.budgetDelta(),
        audit.remainingEpsilon());
    say.printf(
        Locale.ROOT,
        "Verify it yourself: bin/privspark audit verify %s --public-key %s.pub%n",
        ledgerDir,
        key);
    people.unpersist();
    return new Outcome(counts.size(), median, accuracy, audit);
  }

  private static Ledger freshLedger(
      LocalDirectoryStore store, Path ledgerDir, Path key, NoteSigner signer) {
    try {
      deleteRecursively(ledgerDir);
      Files.createDirectories(ledgerDir);
      // Replaces an earlier demo's key pair; KeyFiles never overwrites one.
      Files.deleteIfExists(key);
      Files.deleteIfExists(KeyFiles.publicKeyPath(key));
      KeyFiles.write(key, signer);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + ledgerDir, e);
    }
    return Ledger.create(
        store,
        ORIGIN,
        BUDGET_EPSILON,
        BUDGET_DELTA,
        OrderGrid.defaults(),
        UNIT,
        signer,
        OpeningStore.discarding());
  }

  private static double halfWidth(Row r, String name) {
    return (r.<Double>getAs(name + "_ci_high") - r.<Double>getAs(name + "_ci_low")) / 2;
  }

  private static double accuracy(Dataset<Row> predictions) {
    // One pass over the test set (counting all rows and the right ones separately took two).
    return new MulticlassClassificationEvaluator()
        .setLabelCol("label")
        .setPredictionCol("prediction")
        .setMetricName("accuracy")
        .evaluate(predictions);
  }

  /**
   * A path in the checkout: below $PRIVSPARK_ROOT (set by bin/privspark-demo), else the working
   * directory.
   */
  private static Path fromRoot(Path relative) {
    String root = System.getenv("PRIVSPARK_ROOT");
    return root != null ? Paths.get(root).resolve(relative) : relative;
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      usage(option + " needs a value");
    }
    return args[i];
  }

  private static void usage(String problem) {
    System.err.println("demo: " + problem + "\nusage: demo [--data DIR] [--out DIR]");
    System.exit(2);
  }
}
