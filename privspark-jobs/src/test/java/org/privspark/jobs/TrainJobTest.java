package org.privspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.privspark.jobs.JobFixture.ADULT;
import static org.privspark.jobs.JobFixture.ADULT_ROWS;
import static org.privspark.jobs.JobFixture.ADULT_SCHEMA;
import static org.privspark.jobs.JobFixture.auditVerifies;
import static org.privspark.jobs.JobFixture.entries;
import static org.privspark.jobs.JobFixture.job;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.privspark.jobs.JobFixture.Run;
import org.privspark.spark.ml.DPLogisticRegressionModel;
import org.privspark.spark.ml.params.UnitGradient;

/**
 * The {@code train} job end to end on Adult (32,561 training rows, the 16,281-row test split),
 * in-process on the shared local session: a DP-SGD logistic regression at ε = 1 that beats the
 * majority class (0.76) clearly, a reloadable model, one auditable {@code dp-sgd} ledger entry, and
 * refusals (bad arguments, a bad feature file, over budget) that charge nothing.
 */
class TrainJobTest {
  static final String ADULT_TEST =
      Path.of("../data/adult/adult.test").toAbsolutePath().normalize().toString();

  /** The shipped Adult feature specification. */
  static final String FEATURES =
      Path.of("../data/adult/adult-features.json").toAbsolutePath().toString();

  @TempDir Path tmp;
  private Path ledger;
  private Path key;
  private Path pub;

  @BeforeEach
  void paths() {
    ledger = tmp.resolve("ledger");
    key = tmp.resolve("keys/adult.key");
    pub = tmp.resolve("keys/adult.key.pub");
  }

  /**
   * Logistic regression at (1, 1e-5), docs/ML.md's settings, 3 epochs, on a new ledger of budget
   * (1.5, 1e-5).
   */
  private List<String> logistic(Path modelOut) {
    return new ArrayList<>(
        List.of(
            "--input",
            ADULT,
            "--schema",
            ADULT_SCHEMA,
            "--csv-option",
            "ignoreLeadingWhiteSpace=true",
            "--features",
            FEATURES,
            "--model",
            "logistic",
            "--target-epsilon",
            "1",
            "--target-delta",
            "1e-5",
            "--expected-batch-size",
            "1024",
            "--num-examples",
            String.valueOf(ADULT_ROWS),
            "--epochs",
            "3",
            "--clip-norm",
            "2",
            "--learning-rate",
            "2",
            "--ledger",
            ledger.toString(),
            "--unit",
            "person",
            "--key",
            key.toString(),
            "--budget-epsilon",
            "1.5",
            "--budget-delta",
            "1e-5",
            "--model-out",
            modelOut.toString()));
  }

  private static Run train(List<String> args) {
    return job(TrainJob::run, args);
  }

  /**
   * Replaces the value of {@code option} in {@code args} (or removes the option with its value if
   * null).
   */
  private static List<String> with(List<String> args, String option, String value) {
    List<String> out = new ArrayList<>(args);
    int i = out.indexOf(option);
    if (i < 0) {
      out.addAll(List.of(option, value));
    } else if (value == null) {
      out.remove(i + 1);
      out.remove(i);
    } else {
      out.set(i + 1, value);
    }
    return out;
  }

  private static JsonNode metricsLine(String out) throws Exception {
    String line = out.lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow();
    return JobFixture.JSON.readTree(line);
  }

  @Test
  void train_adultLogisticAtEpsilonOne_beatsMajorityClassAndSavesAnAuditedReloadableModel()
      throws Exception {
    Path model = tmp.resolve("models/adult-income");
    Run r = train(with(logistic(model), "--public-test", ADULT_TEST));
    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(r.all())
        .doesNotContain(String.valueOf(ADULT_ROWS)); // private: never printed (issue 12, item 2)
    assertThat(r.out())
        .contains("created ledger")
        .contains("features: 54 from")
        .contains("charged ledger entry 1")
        .contains("summary:")
        .contains("epsilon spent:     ")
        .contains("budget remaining:  epsilon=")
        .contains("(entry 1, mechanism dp-sgd)")
        .contains("model:             file:" + model);
    JsonNode metrics = metricsLine(r.out());
    assertThat(metrics.has("testRows")).as("no row count of any data set is printed").isFalse();
    assertThat(metrics.get("accuracy").asDouble()).as(r.out()).isGreaterThan(0.80);
    assertThat(metrics.get("auc").asDouble()).isGreaterThan(0.80);
    assertThat(metrics.get("private").asBoolean()).isFalse();

    // The model reloads and predicts; its privacy record is the run's cost.
    PipelineModel loaded = PipelineModel.load(model.toString());
    Dataset<Row> test =
        JobFixture.spark()
            .read()
            .schema(org.apache.spark.sql.types.StructType.fromDDL(ADULT_SCHEMA))
            .option("header", "true")
            .option("ignoreLeadingWhiteSpace", "true")
            .csv(ADULT_TEST);
    assertThat(loaded.transform(test).select("prediction", "probability").count())
        .isEqualTo(16_281);
    DPLogisticRegressionModel m = (DPLogisticRegressionModel) loaded.stages()[1];
    assertThat(m.epsilon()).isLessThanOrEqualTo(1.0 + 1e-9).isGreaterThan(0.9);
    assertThat(m.delta()).isEqualTo(1e-5);
    assertThat(m.privacyRecord().steps()).isEqualTo(3 * 31);
    assertThat(m.privacyRecord().numUnits()).isEqualTo(ADULT_ROWS); // the public N
    assertThat(Files.exists(tmp.resolve("models/adult-income.receipt.json"))).isTrue();
    JobFixture.receiptVerifies(tmp.resolve("models/adult-income.receipt.json"), pub);

    // One dp-sgd entry, which privspark audit verify accepts.
    JsonNode audit = auditVerifies(ledger, pub);
    assertThat(audit.get("entries").asLong()).isEqualTo(1);
    assertThat(audit.get("mechanisms").has("dp-sgd")).as(audit.toString()).isTrue();
    assertThat(audit.get("mechanisms").size()).isEqualTo(1);
    assertThat(audit.get("spentEpsilon").asDouble()).isCloseTo(m.epsilon(), within(1e-6));

    // Bad arguments against the existing ledger: exit 2, the ledger's files unchanged.
    List<String> entries = entries(ledger);
    List<String> again = with(logistic(tmp.resolve("models/other")), "--budget-epsilon", null);
    Run badEpochs = train(with(again, "--epochs", "0"));
    assertThat(badEpochs.exit()).as(badEpochs.all()).isEqualTo(2);
    assertThat(badEpochs.err())
        .contains("epochs")
        .contains("Try 'train --help'.")
        .doesNotContain("Usage:");
    Run existing = train(with(again, "--model-out", model.toString()));
    assertThat(existing.exit()).as(existing.all()).isEqualTo(2);
    assertThat(existing.err()).contains("exists already");
    // More than is left: exit 3, nothing charged, no model. (A second run at ε = 1 would fit: the
    // RDP accountant composes two such runs to about 1.38, not 2.)
    Run over = train(with(again, "--target-epsilon", "3"));
    assertThat(over.exit()).as(over.all()).isEqualTo(3);
    assertThat(over.err()).contains("nothing was charged");
    assertThat(entries(ledger)).isEqualTo(entries);
    assertThat(auditVerifies(ledger, pub).get("entries").asLong()).isEqualTo(1);
    assertThat(Files.exists(tmp.resolve("models/other"))).isFalse();
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "--model|svm|--model must be logistic or linear; got 'svm'",
        "--target-epsilon|-1|targetEpsilon",
        "--target-delta||targetEpsilon and targetDelta must be set together",
        "--noise-multiplier|1.1|noiseMultiplier, or targetEpsilon with targetDelta, must be set,"
            + " not both",
        "--num-examples||expectedBatchSize needs numUnits",
        "--sample-rate|0.03|sampleRate or expectedBatchSize must be set, not both",
        "--clip-norm|0|clipNorm",
        "--learning-rate|NaN|learningRate",
        "--epochs|0|epochs",
        "--features|/nonexistent/features.json|--features /nonexistent/features.json cannot be"
            + " read",
        "--input|/nonexistent/adult.csv|--input /nonexistent/adult.csv cannot be read as csv",
        "--public-test|/nonexistent/adult.test|--public-test /nonexistent/adult.test cannot be read"
            + " as csv",
        "--schema|age INT, sex STRING|feature specification label: no column `income` in the input",
        "--model|linear|label.lower and label.upper (public bounds) must be given for --model"
            + " linear",
        "--budget-epsilon||--budget-epsilon is required: there is no ledger",
        "--target-epsilon|abc|Invalid value for option '--target-epsilon'",
      })
  void train_badArgument_exitsTwoWithUsageAndCreatesNothing(
      String option, String value, String message) {
    Run r = train(with(logistic(tmp.resolve("model")), option, value));
    assertThat(r.exit()).as(r.all()).isEqualTo(2);
    assertThat(r.err()).contains(message).contains("Try 'train --help'.").doesNotContain("Usage:");
    assertThat(Files.exists(ledger)).as("no ledger created").isFalse();
    assertThat(Files.exists(key)).as("no key written").isFalse();
    assertThat(Files.exists(tmp.resolve("model"))).as("no model").isFalse();
  }

  /**
   * Second hostile review: the training input given as the "public" test set would print its exact
   * metrics.
   */
  @Test
  void train_publicTestIsTheTrainingInput_refusedBeforeAnything() {
    Run r = train(with(logistic(tmp.resolve("model")), "--public-test", JobFixture.ADULT));
    assertThat(r.exit()).as(r.all()).isEqualTo(2);
    assertThat(r.err())
        .contains("--public-test must be a public test set, not the private --input");
    assertThat(Files.exists(ledger)).isFalse();
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "\"vocabulary\": [\"Female\", \"Male\"], \"vocab\": [\"x\"]|Unrecognized field"
            + " \"vocab\"|categorical[1].vocab",
        "\"vocabulary\": [\"Female\", \"Female\"]|must hold distinct, non-null"
            + " values|categorical[1]",
        "\"vocabulary\": \"Female\"|from String value|categorical[1].vocabulary",
      })
  void train_badFeatureSpec_exitsTwoNamingTheJsonPath(String sexEntry, String message, String path)
      throws Exception {
    String json =
        """
        {"numeric": [{"column": "age", "lower": 17, "upper": 90}],
         "categorical": [{"column": "workclass", "vocabulary": ["Private"]}, {"column": "sex", %s}],
         "label": {"column": "income", "positive": ">50K", "match": "prefix"}}
        """
            .formatted(sexEntry);
    Path spec = Files.writeString(tmp.resolve("features.json"), json);
    Run r = train(with(logistic(tmp.resolve("model")), "--features", spec.toString()));
    assertThat(r.exit()).as(r.all()).isEqualTo(2);
    assertThat(r.err())
        .contains(message)
        .contains("(at " + path)
        .contains("Try 'train --help'.")
        .doesNotContain("Usage:");
    assertThat(Files.exists(ledger)).as("no ledger created").isFalse();
  }

  @Test
  void train_numericBoundsReversed_exitsTwoNamingTheJsonPath() throws Exception {
    Path spec =
        Files.writeString(
            tmp.resolve("features.json"),
            """
            {"numeric": [{"column": "age", "lower": 17, "upper": 90}, {"column": "capital_gain", "lower": 9, "upper": 0}],
             "label": {"column": "income", "positive": ">50K"}}
            """);
    Run r = train(with(logistic(tmp.resolve("model")), "--features", spec.toString()));
    assertThat(r.exit()).as(r.all()).isEqualTo(2);
    assertThat(r.err())
        .contains("bounds of numeric column 'capital_gain' must be finite with lower < upper")
        .contains("(at numeric[1])");
  }

  /**
   * A spec that says neither whom the run protects nor that each row is one unit is refused before
   * anything.
   */
  @Test
  void train_specWithoutUnit_exitsTwoNamingTheFields() throws Exception {
    Path spec =
        Files.writeString(
            tmp.resolve("features.json"),
            """
            {"numeric": [{"column": "age", "lower": 17, "upper": 90}],
             "label": {"column": "income", "positive": ">50K"}, "privacyUnit": "person"}
            """);
    Run r = train(with(logistic(tmp.resolve("model")), "--features", spec.toString()));
    assertThat(r.exit()).as(r.all()).isEqualTo(2);
    assertThat(r.err())
        .contains("unitColumn (the column identifying the privacy unit) or \"rowIsUnit\": true");
    assertThat(Files.exists(ledger)).as("no ledger created").isFalse();
  }

  /**
   * The spec's unit must be the job's --unit: refused while validating, before any ledger exists.
   */
  @Test
  void train_specUnitOtherThanTheJobsUnit_exitsTwo() throws Exception {
    Path spec =
        Files.writeString(
            tmp.resolve("features.json"),
            """
            {"numeric": [{"column": "age", "lower": 17, "upper": 90}],
             "label": {"column": "income", "positive": ">50K"}, "privacyUnit": "household", "rowIsUnit": true}
            """);
    Run r = train(with(logistic(tmp.resolve("model")), "--features", spec.toString()));
    assertThat(r.exit()).as(r.all()).isEqualTo(2);
    assertThat(r.err())
        .contains(
            "privacyUnit 'household' of the feature specification must equal --unit 'person'");
    assertThat(Files.exists(ledger)).as("no ledger created").isFalse();
  }

  /**
   * A unit column the input does not have is refused while validating, before any ledger exists.
   */
  @Test
  void train_unitColumnMissing_exitsTwoNamingTheParam() throws Exception {
    Path spec =
        Files.writeString(
            tmp.resolve("features.json"),
            """
            {"numeric": [{"column": "age", "lower": 17, "upper": 90}],
             "label": {"column": "income", "positive": ">50K"}, "privacyUnit": "person",
             "unitColumn": "person_id", "maxRowsPerUnit": 4}
            """);
    Run r = train(with(logistic(tmp.resolve("model")), "--features", spec.toString()));
    assertThat(r.exit()).as(r.all()).isEqualTo(2);
    assertThat(r.err())
        .contains("feature specification unitColumn: no column `person_id` in the input");
    assertThat(Files.exists(ledger)).as("no ledger created").isFalse();
  }

  /**
   * A unit-level spec with "unitGradient": "sum": the fitted model, the receipt and the summary
   * record the mode (fnlwgt stands in for a unit column: Adult has none; 1 epoch, for speed).
   */
  @Test
  void train_unitLevelSpecWithUnitGradient_recordsTheModeInModelReceiptAndSummary()
      throws Exception {
    String shipped = Files.readString(Path.of(FEATURES));
    assertThat(shipped).contains("\"rowIsUnit\": true");
    Path spec =
        Files.writeString(
            tmp.resolve("features.json"),
            shipped.replace(
                "\"rowIsUnit\": true",
                "\"unitColumn\": \"fnlwgt\", \"maxRowsPerUnit\": 2, \"unitGradient\": \"sum\""));
    Path model = tmp.resolve("models/by-fnlwgt");
    Run r = train(with(with(logistic(model), "--features", spec.toString()), "--epochs", "1"));
    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(r.out()).contains("k=2, unitGradient=sum");
    DPLogisticRegressionModel m =
        (DPLogisticRegressionModel) PipelineModel.load(model.toString()).stages()[1];
    assertThat(m.privacyRecord().unitGradient()).isEqualTo(UnitGradient.SUM);
    assertThat(m.unit().maxRowsPerUnit()).isEqualTo(2);
    JsonNode receipt =
        JobFixture.JSON.readTree(tmp.resolve("models/by-fnlwgt.receipt.json").toFile());
    assertThat(receipt.findValue("unitGradient")).as(receipt.toString()).isNotNull();
    assertThat(receipt.findValue("unitGradient").asText()).isEqualTo("sum");
  }

  /**
   * A unitGradient other than "mean" or "sum" is refused while validating, before any ledger
   * exists.
   */
  @Test
  void train_badUnitGradient_exitsTwoNamingTheAllowedValues() throws Exception {
    Path spec =
        Files.writeString(
            tmp.resolve("features.json"),
            """
            {"numeric": [{"column": "age", "lower": 17, "upper": 90}],
             "label": {"column": "income", "positive": ">50K"}, "privacyUnit": "person",
             "unitColumn": "fnlwgt", "maxRowsPerUnit": 4, "unitGradient": "median"}
            """);
    Run r = train(with(logistic(tmp.resolve("model")), "--features", spec.toString()));
    assertThat(r.exit()).as(r.all()).isEqualTo(2);
    assertThat(r.err()).contains("unitGradient must be \"mean\" or \"sum\"; got 'median'");
    assertThat(Files.exists(ledger)).as("no ledger created").isFalse();
  }

  @Test
  void train_overBudget_exitsThreeAndChargesNothing() throws Exception {
    Run r = train(with(logistic(tmp.resolve("model")), "--budget-epsilon", "0.5"));
    assertThat(r.exit()).as(r.all()).isEqualTo(3);
    assertThat(r.err()).contains("nothing was charged");
    assertThat(entries(ledger)).isEmpty();
    assertThat(auditVerifies(ledger, pub).get("entries").asLong()).isZero();
    assertThat(Files.exists(tmp.resolve("model"))).isFalse();
  }
}
