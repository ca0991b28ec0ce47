package org.privspark.jobs;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.privspark.core.accounting.PrivacyGuarantee;
import org.privspark.core.ledger.Ledger;
import org.privspark.core.ledger.Receipt;
import org.privspark.spark.ledger.HadoopLedgerStore;
import org.privspark.spark.ml.DpSgdEstimator;
import org.privspark.spark.ml.DpSgdModel;
import org.privspark.spark.ml.DpSgdPlan;
import org.privspark.spark.ml.PrivacyRecord;
import org.privspark.spark.ml.feature.PublicFeatureEncoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Job {@code train}: a DP-SGD logistic or linear regression (docs/ML.md) on a CSV or Parquet data
 * set, features encoded from a public {@link FeatureSpec}, charged to a ledger as one {@code
 * dp-sgd} entry; writes the fitted {@link PipelineModel} (encoder + model) and, beside it, the
 * entry's receipt (docs/JOBS.md).
 *
 * <pre>
 * spark-submit --class org.privspark.jobs.Main privspark-jobs-VERSION-app.jar train \
 *   --input adult.csv --csv-option ignoreLeadingWhiteSpace=true --features adult-features.json \
 *   --model logistic --target-epsilon 1 --target-delta 1e-5 --expected-batch-size 1024 \
 *   --num-units 32561 --epochs 5 --clip-norm 2 --learning-rate 2 \
 *   --ledger hdfs://nn:8020/privacy/adult-ledger --key adult.key --budget-epsilon 3 --budget-delta 1e-5 \
 *   --model-out hdfs://nn:8020/models/adult-income --test adult-test.csv
 * </pre>
 *
 * <p><b>Order of work.</b> As {@code aggregate}: everything is validated first, reading no rows —
 * the feature specification, the options, the input's (and test set's) schema against the
 * specification, the run's plan ({@link DpSgdEstimator#plan()}: q, z, steps, ε; a target ε that
 * cannot be reached fails here), the ledger and the model path (absent). A failure exits 2 with one
 * line and nothing is charged or created. The rows are then counted, the ledger opened or created,
 * and the pipeline fitted: DP-SGD charges the whole run to the ledger before it reads a row (over
 * budget: exit 3, nothing charged). Last, the model and its receipt are written and the test
 * metrics, if asked for, printed as one line of JSON.
 *
 * <p>The privacy unit is given by the feature specification: a unit column with at most k rows per
 * unit (user-level DP-SGD), or the statement that each row is one unit ({@code "rowIsUnit": true});
 * the ledger entry records the claim (docs/JOBS.md, docs/ML.md). The job prints no row count; its
 * test-set metrics are exact, and private only if the test set is public ({@link
 * PublicTestMetrics}). The pipeline is {@link TrainPipeline}'s, the data {@link TrainingData}'s,
 * the output {@link ModelOutput}'s. Not thread-safe; one run per instance.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    versionProvider = JobVersion.class,
    sortOptions = false,
    description =
        "Train a DP-SGD logistic or linear regression on CSV or Parquet, charged to a ledger;"
            + " write the PipelineModel (public feature encoder + model) and its receipt.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done",
      "1:failed (ledger, write, Spark, internal state); says whether anything was charged",
      "2:bad arguments or specification; nothing charged",
      "3:over budget; nothing charged, no row read"
    })
public final class TrainJob extends SparkJob<TrainJob.Prepared> {
  /** The ledger's mechanism name for these runs (as dp-spark's DP-SGD estimators record). */
  static final String MECHANISM = "dp-sgd";

  @Mixin JobOptions.Input input;

  @Option(
      names = "--features",
      required = true,
      paramLabel = "FILE",
      description =
          "The feature specification (JSON): numeric columns with public bounds, categorical"
              + " columns with public vocabularies, the label; see docs/JOBS.md and"
              + " examples/src/main/resources/adult-features.json.")
  Path features;

  @Option(
      names = "--model",
      defaultValue = "logistic",
      paramLabel = "logistic|linear",
      description = "The model (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(
      names = "--target-epsilon",
      paramLabel = "E",
      description =
          "The epsilon of the whole run, with --target-delta: the smallest noise multiplier that"
              + " meets them is used. Or give --noise-multiplier.")
  Double targetEpsilon;

  @Option(
      names = "--target-delta",
      paramLabel = "D",
      description = "The delta at which --target-epsilon holds.")
  Double targetDelta;

  @Option(
      names = "--noise-multiplier",
      paramLabel = "Z",
      description =
          "z = sigma / clip norm, instead of --target-epsilon/--target-delta; the run's epsilon is"
              + " then read at the ledger's delta.")
  Double noiseMultiplier;

  @Option(
      names = "--epochs",
      paramLabel = "N",
      description = "Epochs (default 10, the estimator's); steps = epochs x floor(1/q).")
  Integer epochs;

  @Option(
      names = "--expected-batch-size",
      paramLabel = "B",
      description =
          "The expected (Poisson) number of units per step B; q = B / --num-units. Or give"
              + " --sample-rate, or neither: B = max(256, N/50), q = 1/50 with a counted N.")
  Double expectedBatchSize;

  @Option(
      names = "--sample-rate",
      paramLabel = "Q",
      description = "The Poisson sampling rate q in (0, 1].")
  Double sampleRate;

  @Option(
      names = {"--num-units", "--num-examples"},
      paramLabel = "N",
      description =
          "The PUBLIC number of privacy units in the training data (rows, with \"rowIsUnit\": true"
              + " in the spec; e.g. a published population size), needed with"
              + " --expected-batch-size. It sets q and the gradient divisor and is not protected."
              + " Give it or --num-units-noise-std. (--num-examples: old name.)")
  Long numExamples;

  @Option(
      names = {"--num-units-noise-std", "--num-examples-noise-std"},
      paramLabel = "SIGMA",
      description =
          "Instead of --num-units (with --sample-rate): N is a DP count of the units with Gaussian"
              + " noise of this sigma in [1, 524288], charged in the run's one ledger entry.")
  Double numExamplesNoiseStd;

  @Option(
      names = "--clip-norm",
      paramLabel = "C",
      description = "L2 bound of each row's gradient and of each unit's sum of them (default 1).")
  Double clipNorm;

  @Option(
      names = "--learning-rate",
      paramLabel = "ETA",
      description =
          "Constant learning rate (default: the noise rule min(B/(z sqrt(steps)), 4)/C for"
              + " logistic, 0.1 for linear).")
  Double learningRate;

  @Option(
      names = "--reg-param",
      paramLabel = "LAMBDA",
      description = "L2 regularisation (default 0).")
  Double regParam;

  @Mixin JobOptions.LedgerOptions ledgerOptions;

  @Option(
      names = "--model-out",
      required = true,
      paramLabel = "DIR",
      description =
          "Where the fitted PipelineModel is saved (Spark ML format; any Hadoop URI);"
              + " DIR.receipt.json gets the ledger entry's receipt. Neither may exist yet.")
  String modelOut;

  @Option(
      names = "--public-test",
      paramLabel = "FILE",
      description =
          "A PUBLIC test set (same format and options as --input): prints exact metrics as JSON"
              + " (accuracy and AUC, or RMSE and R²). They are not differentially private: never"
              + " give a split of the private data here.")
  String test;

  /** What ran the training, so that a failure after the charge can name the entry. */
  private JobLedger.ReceiptJournal journal;

  /** A job that gets its session from {@code sessions} once the arguments parse. */
  public TrainJob(Supplier<SparkSession> sessions) {
    super(sessions);
  }

  /** Runs the job on {@code spark} with these streams; returns the exit code (for tests). */
  public static int run(SparkSession spark, PrintWriter out, PrintWriter err, String... args) {
    return SparkJobs.run(new TrainJob(() -> spark), out, err, args);
  }

  /** Everything checked and the run planned; nothing read but schemas, nothing written. */
  record Prepared(
      String kind,
      FeatureSpec features,
      Pipeline pipeline,
      DpSgdEstimator<?, ?> estimator,
      DpSgdPlan plan,
      Dataset<Row> data,
      Dataset<Row> test,
      JobLedger ledger,
      ModelOutput output) {}

  @Override
  JobLedger ledger(Prepared p) {
    return p.ledger();
  }

  @Override
  String dataset(Prepared p) {
    return SparkJobs.dataset(input, p.data());
  }

  @Override
  Receipt charged() {
    return journal == null ? null : journal.receipt();
  }

  @Override
  Prepared prepare() {
    String kind = model.toLowerCase(Locale.ROOT);
    if (!kind.equals("logistic") && !kind.equals("linear")) {
      throw new IllegalArgumentException("--model must be logistic or linear; got '" + model + "'");
    }
    FeatureSpec fs = FeatureSpec.read(features);
    fs.requireLabelFor(kind);
    PublicFeatureEncoder encoder = fs.encoder();
    DpSgdEstimator<?, ?> estimator = estimator(kind, fs);
    JobOptions.Input.Unit rows = new JobOptions.Input.Unit();
    input.unit = rows; // DP-SGD's unit comes from the feature spec; the input adds no unit column
    input.format();

    SparkSession spark = spark();
    out("reading " + input.path + " (" + input.format() + ")");
    Dataset<Row> data = TrainingData.read(spark, input, fs, kind);
    out("schema: " + data.schema().simpleString());
    estimator.transformSchema(encoder.transformSchema(data.schema()));
    out(
        String.format(
            Locale.ROOT,
            "features: %d from %s (%d numeric, %d categorical; unknown=%s%s); label %s",
            encoder.numFeatures(),
            features,
            fs.numeric().size(),
            fs.categorical().size(),
            fs.unknown(),
            fs.maxNorm() == null ? "" : ", maxNorm=" + fs.maxNorm(),
            TrainingData.describeLabel(fs, kind)));
    Dataset<Row> testData = test == null ? null : publicTest(spark, fs, kind, encoder, rows);

    JobLedger ledger =
        JobLedger.prepare(HadoopLedgerStore.of(ledgerOptions.location, spark), ledgerOptions);
    // The plan: validated and previewed on a budget of the ledger's size that nothing records.
    estimator.setBudget(ledger.previewBudget());
    DpSgdPlan plan = estimator.plan();
    out(
        String.format(
            Locale.ROOT,
            "plan: %s, q=%.6g, noise multiplier z=%.6g, clip norm C=%s, %d epoch(s) x %d = %d"
                + " steps: epsilon=%.6g at delta=%s",
            kind,
            plan.sampleRate(),
            plan.noiseMultiplier(),
            plan.clipNorm(),
            plan.epochs(),
            plan.stepsPerEpoch(),
            plan.steps(),
            plan.epsilon(),
            plan.delta()));
    ModelOutput output = ModelOutput.absent(spark, modelOut);
    return new Prepared(
        kind,
        fs,
        TrainPipeline.of(kind, fs, encoder, estimator),
        estimator,
        plan,
        data,
        testData,
        ledger,
        output);
  }

  /** The public test set, read as the input is, and checked against the encoder. */
  private Dataset<Row> publicTest(
      SparkSession spark,
      FeatureSpec fs,
      String kind,
      PublicFeatureEncoder encoder,
      JobOptions.Input.Unit rows) {
    if (java.nio.file.Paths.get(test)
        .normalize()
        .equals(java.nio.file.Paths.get(input.path).normalize())) {
      throw new IllegalArgumentException(
          "--public-test must be a public test set, not the private --input "
              + input.path
              + ": its exact metrics would describe the private rows");
    }
    JobOptions.Input t = new JobOptions.Input();
    t.path = test;
    t.format = input.format();
    t.csvOptions = input.csvOptions;
    t.schema = input.schema;
    t.unit = rows;
    Dataset<Row> testData;
    try {
      testData = TrainingData.read(spark, t, fs, kind);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          e.getMessage().replaceFirst("^--input", "--public-test"), e);
    }
    try {
      encoder.transformSchema(testData.schema());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--public-test " + test + ": " + e.getMessage(), e);
    }
    return testData;
  }

  /** The estimator, with the options given and whom the run protects. */
  private DpSgdEstimator<?, ?> estimator(String kind, FeatureSpec fs) {
    DpSgdEstimator<?, ?> e = TrainPipeline.estimator(kind);
    if (epochs != null) {
      e.setEpochs(epochs);
    }
    // Whom the run protects: the unit named by --unit (the spec may repeat it, and must agree),
    // with
    // the spec's unit column and k, or the spec's statement that each row is one unit.
    if (fs.privacyUnit() != null && !fs.privacyUnit().equals(ledgerOptions.unit)) {
      throw new IllegalArgumentException(
          "privacyUnit '"
              + fs.privacyUnit()
              + "' of the feature specification must"
              + " equal --unit '"
              + ledgerOptions.unit
              + "'");
    }
    e.setPrivacyUnit(fs.privacyUnit() != null ? fs.privacyUnit() : ledgerOptions.unit);
    if (fs.rowIsUnit()) {
      e.setRowIsUnit(true);
    } else {
      e.setPrivacyUnitCol(fs.unitColumn()).setMaxRowsPerUnit(fs.maxRowsPerUnit());
    }
    if (fs.unitGradient() != null) {
      e.setUnitGradient(fs.unitGradient());
    }
    if (targetEpsilon != null) {
      e.setTargetEpsilon(targetEpsilon);
    }
    if (targetDelta != null) {
      e.setTargetDelta(targetDelta);
    }
    if (noiseMultiplier != null) {
      e.setNoiseMultiplier(noiseMultiplier);
    }
    if (expectedBatchSize != null) {
      e.setExpectedBatchSize(expectedBatchSize);
    }
    if (sampleRate != null) {
      e.setSampleRate(sampleRate);
    }
    if (numExamples != null) {
      e.setNumUnits(numExamples);
    }
    if (numExamplesNoiseStd != null) {
      e.setNumUnitsNoiseStd(numExamplesNoiseStd);
    }
    if (clipNorm != null) {
      e.setClipNorm(clipNorm);
    }
    if (learningRate != null) {
      e.setLearningRate(learningRate);
    }
    if (regParam != null) {
      e.setRegParam(regParam);
    }
    return e;
  }

  @Override
  int release(Prepared p, Ledger ledger, PrivacyGuarantee before, String dataset) throws Exception {
    journal = new JobLedger.ReceiptJournal(ledger, parameters(), dataset);
    p.estimator().setBudget(journal.budget());
    out(
        String.format(
            Locale.ROOT,
            "training: %d steps (progress: logger org.privspark.spark.ml.DpSgd at INFO)",
            p.plan().steps()));
    // DP-SGD charges the whole run before it reads a row: over budget, fit throws before any task.
    PipelineModel fitted = p.pipeline().fit(p.data());
    Receipt receipt = journal.receipt();
    out("charged ledger entry " + receipt.index());
    DpSgdModel<?> m = (DpSgdModel<?>) fitted.stages()[1];
    PrivacyRecord record = m.privacyRecord();
    p.output().writeModel(fitted);
    out("wrote model " + p.output().model());
    Map<String, Object> release = new LinkedHashMap<>();
    release.put("job", "train");
    release.put("model", p.kind());
    release.put("mechanism", MECHANISM);
    release.put("sampleRate", record.sampleRate());
    release.put("noiseMultiplier", record.noiseMultiplier());
    release.put("steps", record.steps());
    release.put("clipNorm", record.clipNorm());
    if (!record.unit().rowIsUnit()) {
      release.put("maxRowsPerUnit", record.unit().maxRowsPerUnit());
      release.put("unitGradient", record.unitGradient().value());
    }
    release.put("epsilon", record.epsilon());
    release.put("delta", record.delta());
    release.put("epsilonAtBudgetDelta", SparkJobs.epsilonOf(journal.event(), ledger));
    release.put("ledger", p.ledger().location());
    release.put("origin", ledger.genesis().origin());
    p.output().writeReceipt(receipt, release);
    out("wrote receipt " + p.output().receipt());
    if (p.test() != null) {
      out(PublicTestMetrics.json(fitted, p.test(), p.features(), p.kind(), test));
    }
    summary(
        before,
        ledger.spent(),
        ledger,
        p.ledger().location(),
        receipt,
        record,
        p.output().model().toString(),
        p.output().receipt().toString());
    return SparkJobs.OK;
  }

  private void summary(
      PrivacyGuarantee before,
      PrivacyGuarantee after,
      Ledger ledger,
      String location,
      Receipt receipt,
      PrivacyRecord record,
      String modelPath,
      String receiptPath) {
    out("summary:");
    spentLine(before, after, ledger);
    out(
        String.format(
            Locale.ROOT,
            "  model's cost:      epsilon=%.6g at delta=%s (q=%.6g, z=%.6g, %d steps, C=%s%s)",
            record.epsilon(),
            record.delta(),
            record.sampleRate(),
            record.noiseMultiplier(),
            record.steps(),
            record.clipNorm(),
            record.unit().rowIsUnit()
                ? ", one row per unit"
                : ", k="
                    + record.unit().maxRowsPerUnit()
                    + ", unitGradient="
                    + record.unitGradient().value()));
    remainingLine(after, ledger);
    ledgerLine(ledger, location, receipt.index(), ", mechanism " + MECHANISM);
    out("  model:             " + modelPath + " (PipelineModel.load)");
    out("  receipt:           " + receiptPath);
  }
}
