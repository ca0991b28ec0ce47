package org.privspark.examples;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.privspark.spark.ml.feature.PublicFeatureEncoder;

/**
 * UCI Adult, in one place for the demo, the benchmarks and the utility tests: where the copy lives
 * ({@code data/adult/}, see the README there), its CSV schema and row counts, the loader (with a
 * 0/1 {@code label}, income &gt; 50K), the documented vocabularies and the public {@link
 * PublicFeatureEncoder} spec. Vocabularies and bounds come from the data set's documentation
 * ({@code adult.names}), never from the rows: fitting an indexer or scaler on private rows leaks.
 * The jobs' JSON spec for the same encoding is {@code data/adult/adult-features.json}
 * (AdultDataTest checks that the two agree); {@link AdultEncoding} is the wrappers' encoding.
 */
public final class AdultData {
  /** The columns of {@code adult.data} and {@code adult.test} (the copy has a header line). */
  public static final StructType SCHEMA =
      new StructType()
          .add("age", DataTypes.IntegerType)
          .add("workclass", DataTypes.StringType)
          .add("fnlwgt", DataTypes.IntegerType)
          .add("education", DataTypes.StringType)
          .add("education_num", DataTypes.IntegerType)
          .add("marital_status", DataTypes.StringType)
          .add("occupation", DataTypes.StringType)
          .add("relationship", DataTypes.StringType)
          .add("race", DataTypes.StringType)
          .add("sex", DataTypes.StringType)
          .add("capital_gain", DataTypes.IntegerType)
          .add("capital_loss", DataTypes.IntegerType)
          .add("hours_per_week", DataTypes.IntegerType)
          .add("native_country", DataTypes.StringType)
          .add("income", DataTypes.StringType);

  /** Rows in {@code adult.data}, the training split (published with the data set). */
  public static final long TRAIN_ROWS = 32_561;

  /** Rows in {@code adult.test}, the test split. */
  public static final long TEST_ROWS = 16_281;

  // The documented vocabularies, in adult.names order.
  /** {@code workclass}. */
  public static final List<String> WORKCLASS =
      List.of(
          "Private",
          "Self-emp-not-inc",
          "Self-emp-inc",
          "Federal-gov",
          "Local-gov",
          "State-gov",
          "Without-pay",
          "Never-worked");

  /** {@code education}. */
  public static final List<String> EDUCATION =
      List.of(
          "Bachelors",
          "Some-college",
          "11th",
          "HS-grad",
          "Prof-school",
          "Assoc-acdm",
          "Assoc-voc",
          "9th",
          "7th-8th",
          "12th",
          "Masters",
          "1st-4th",
          "10th",
          "Doctorate",
          "5th-6th",
          "Preschool");

  /** {@code marital_status}. */
  public static final List<String> MARITAL =
      List.of(
          "Married-civ-spouse",
          "Divorced",
          "Never-married",
          "Separated",
          "Widowed",
          "Married-spouse-absent",
          "Married-AF-spouse");

  /** {@code occupation}. */
  public static final List<String> OCCUPATION =
      List.of(
          "Tech-support",
          "Craft-repair",
          "Other-service",
          "Sales",
          "Exec-managerial",
          "Prof-specialty",
          "Handlers-cleaners",
          "Machine-op-inspct",
          "Adm-clerical",
          "Farming-fishing",
          "Transport-moving",
          "Priv-house-serv",
          "Protective-serv",
          "Armed-Forces");

  /** {@code relationship}. */
  public static final List<String> RELATIONSHIP =
      List.of("Wife", "Own-child", "Husband", "Not-in-family", "Other-relative", "Unmarried");

  /** {@code race}. */
  public static final List<String> RACE =
      List.of("White", "Asian-Pac-Islander", "Amer-Indian-Eskimo", "Other", "Black");

  /** {@code sex}. */
  public static final List<String> SEX = List.of("Female", "Male");

  /** {@code native_country}. */
  public static final List<String> COUNTRY =
      List.of(
          "United-States",
          "Cambodia",
          "England",
          "Puerto-Rico",
          "Canada",
          "Germany",
          "Outlying-US(Guam-USVI-etc)",
          "India",
          "Japan",
          "Greece",
          "South",
          "China",
          "Cuba",
          "Iran",
          "Honduras",
          "Philippines",
          "Italy",
          "Poland",
          "Jamaica",
          "Vietnam",
          "Mexico",
          "Portugal",
          "Ireland",
          "France",
          "Dominican-Republic",
          "Laos",
          "Ecuador",
          "Taiwan",
          "Haiti",
          "Columbia",
          "Hungary",
          "Guatemala",
          "Nicaragua",
          "Scotland",
          "Thailand",
          "Yugoslavia",
          "El-Salvador",
          "Trinadad&Tobago",
          "Peru",
          "Hong",
          "Holand-Netherlands");

  /** The copy's place in the checkout. */
  private static final Path DIR = Path.of("data", "adult");

  private AdultData() {}

  /**
   * The checkout's {@code data/adult}: below {@code $PRIVSPARK_ROOT} when it is set (bin/ scripts
   * and the notebooks set it), else below the working directory or the nearest parent that holds
   * {@code data/adult/adult.data} (so a module's tests, which run in the module's folder, find it
   * too). When none does, {@code data/adult} relative to the working directory, for the caller's
   * error message.
   */
  public static Path defaultDir() {
    String root = System.getenv("PRIVSPARK_ROOT");
    if (root != null) {
      return Path.of(root).resolve(DIR);
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve(DIR).resolve("adult.data"))) {
        return p.resolve(DIR);
      }
    }
    return DIR;
  }

  /** Reads one split (FAILFAST) and adds {@code label}: 1.0 for income &gt; 50K, else 0.0. */
  public static Dataset<Row> load(SparkSession spark, Path file) {
    return withLabel(read(spark, file));
  }

  /** Reads one split (FAILFAST) with {@link #SCHEMA}'s columns only, in the file's line order. */
  public static Dataset<Row> read(SparkSession spark, Path file) {
    // The copy carries a header line (see data/adult/README.md); values follow ", ".
    return spark
        .read()
        .schema(SCHEMA)
        .option("header", "true")
        .option("ignoreLeadingWhiteSpace", "true")
        .option("mode", "FAILFAST")
        .csv(file.toString());
  }

  /** Adds {@code label}: 1.0 for income &gt; 50K, else 0.0. */
  static Dataset<Row> withLabel(Dataset<Row> rows) {
    // adult.test writes ">50K." with a full stop.
    return rows.withColumn(
        "label", when(trim(col("income")).startsWith(">50K"), 1.0).otherwise(0.0));
  }

  /**
   * The public encoding of Adult into {@code features}: bounds and vocabularies from the data set's
   * documentation. The features exclude hours-per-week (the linear regression's label in {@link
   * MlBenchmark}) and education (education_num carries it); native country is United-States or
   * other.
   */
  public static PublicFeatureEncoder encoder() {
    return encoderBuilder().build();
  }

  /**
   * {@link #encoder()}'s specification, for callers that add columns to it (numeric columns added
   * here come after its four numeric ones and before the categorical ones).
   */
  public static PublicFeatureEncoder.Builder encoderBuilder() {
    return PublicFeatureEncoder.builder()
        .numeric("age", 17, 90)
        .numeric("education_num", 1, 16)
        .numeric("capital_gain", 0, 15_000)
        .numeric("capital_loss", 0, 2_500)
        .categorical("workclass", WORKCLASS)
        .categorical("marital_status", MARITAL)
        .categorical("occupation", OCCUPATION)
        .categorical("relationship", RELATIONSHIP)
        .categorical("race", RACE)
        .categorical("sex", SEX)
        .categorical("native_country", "United-States")
        .unknown(PublicFeatureEncoder.Unknown.OTHER);
  }
}
