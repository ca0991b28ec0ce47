package org.privspark.examples;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.privspark.spark.ml.feature.PublicFeatureEncoder;

/**
 * UCI Adult for the examples jobs, in one place: the CSV schema of the bundled copy, the loader
 * (with a 0/1 {@code label}, income &gt; 50K), the public vocabularies and the public {@link
 * PublicFeatureEncoder} spec. Vocabularies and bounds come from the data set's documentation
 * ({@code adult.names}), never from the rows: fitting an indexer or scaler on private rows leaks.
 */
public final class AdultData {
  /** The columns of {@code adult.data} and {@code adult.test} (the copy has a header line). */
  public static final StructType SCHEMA = new StructType()
      .add("age", DataTypes.IntegerType).add("workclass", DataTypes.StringType)
      .add("fnlwgt", DataTypes.IntegerType).add("education", DataTypes.StringType)
      .add("education_num", DataTypes.IntegerType).add("marital_status", DataTypes.StringType)
      .add("occupation", DataTypes.StringType).add("relationship", DataTypes.StringType)
      .add("race", DataTypes.StringType).add("sex", DataTypes.StringType)
      .add("capital_gain", DataTypes.IntegerType).add("capital_loss", DataTypes.IntegerType)
      .add("hours_per_week", DataTypes.IntegerType).add("native_country", DataTypes.StringType)
      .add("income", DataTypes.StringType);

  // The documented vocabularies, in adult.names order (arrays: callers must not modify them).
  static final String[] WORKCLASS = {"Private", "Self-emp-not-inc", "Self-emp-inc", "Federal-gov",
      "Local-gov", "State-gov", "Without-pay", "Never-worked"};
  static final String[] EDUCATION = {"Bachelors", "Some-college", "11th", "HS-grad", "Prof-school",
      "Assoc-acdm", "Assoc-voc", "9th", "7th-8th", "12th", "Masters", "1st-4th", "10th", "Doctorate",
      "5th-6th", "Preschool"};
  static final String[] MARITAL = {"Married-civ-spouse", "Divorced", "Never-married", "Separated",
      "Widowed", "Married-spouse-absent", "Married-AF-spouse"};
  static final String[] OCCUPATION = {"Tech-support", "Craft-repair", "Other-service", "Sales",
      "Exec-managerial", "Prof-specialty", "Handlers-cleaners", "Machine-op-inspct", "Adm-clerical",
      "Farming-fishing", "Transport-moving", "Priv-house-serv", "Protective-serv", "Armed-Forces"};
  static final String[] RELATIONSHIP = {"Wife", "Own-child", "Husband", "Not-in-family",
      "Other-relative", "Unmarried"};
  static final String[] RACE = {"White", "Asian-Pac-Islander", "Amer-Indian-Eskimo", "Other", "Black"};
  static final String[] SEX = {"Female", "Male"};
  static final String[] COUNTRY = {"United-States", "Cambodia", "England", "Puerto-Rico", "Canada",
      "Germany", "Outlying-US(Guam-USVI-etc)", "India", "Japan", "Greece", "South", "China", "Cuba",
      "Iran", "Honduras", "Philippines", "Italy", "Poland", "Jamaica", "Vietnam", "Mexico", "Portugal",
      "Ireland", "France", "Dominican-Republic", "Laos", "Ecuador", "Taiwan", "Haiti", "Columbia",
      "Hungary", "Guatemala", "Nicaragua", "Scotland", "Thailand", "Yugoslavia", "El-Salvador",
      "Trinadad&Tobago", "Peru", "Hong", "Holand-Netherlands"};

  private AdultData() {}

  /** Reads one split (FAILFAST) and adds {@code label}: 1.0 for income &gt; 50K, else 0.0. */
  public static Dataset<Row> load(SparkSession spark, Path file) {
    return withLabel(read(spark, file));
  }

  /** Reads one split (FAILFAST) with {@link #SCHEMA}'s columns only, in the file's line order. */
  static Dataset<Row> read(SparkSession spark, Path file) {
    return spark.read().schema(SCHEMA).option("header", "true").option("ignoreLeadingWhiteSpace", "true")
        .option("mode", "FAILFAST").csv(file.toString());
  }

  /** Adds {@code label}: 1.0 for income &gt; 50K, else 0.0. */
  static Dataset<Row> withLabel(Dataset<Row> rows) {
    // adult.test writes ">50K." with a full stop.
    return rows.withColumn("label", when(trim(col("income")).startsWith(">50K"), 1.0).otherwise(0.0));
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

  /** {@link #encoder()}'s specification, for callers that add columns to it. */
  static PublicFeatureEncoder.Builder encoderBuilder() {
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
