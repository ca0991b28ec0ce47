package org.privspark.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Paths;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.privspark.spark.ml.feature.PublicFeatureEncoder;

/**
 * The UCI Adult test resources (see {@code src/test/resources/data/adult/README.md}) for every
 * dp-spark test, in one place: the CSV schema, the readers (raw, or with a 0/1 {@code label} for
 * income &gt; 50K), the documented vocabularies and the public encoder of the DP-SGD tests. Bounds
 * and vocabularies come from the data set's documentation ({@code adult.names}), never from the
 * rows.
 */
public final class AdultTestData {
  /** The columns of {@code adult.data} and {@code adult.test} (the copy has a header line). */
  public static final StructType SCHEMA = new StructType()
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

  /** Rows in adult.data (the training split). */
  public static final long TRAIN_ROWS = 32_561;
  /** Rows in adult.test. */
  public static final long TEST_ROWS = 16_281;

  // The documented vocabularies, in adult.names order (arrays: callers must not modify them).
  public static final String[] WORKCLASS = {"Private", "Self-emp-not-inc", "Self-emp-inc",
      "Federal-gov", "Local-gov", "State-gov", "Without-pay", "Never-worked"};
  public static final String[] EDUCATION = {"Bachelors", "Some-college", "11th", "HS-grad",
      "Prof-school", "Assoc-acdm", "Assoc-voc", "9th", "7th-8th", "12th", "Masters", "1st-4th",
      "10th", "Doctorate", "5th-6th", "Preschool"};
  public static final String[] MARITAL = {"Married-civ-spouse", "Divorced", "Never-married",
      "Separated", "Widowed", "Married-spouse-absent", "Married-AF-spouse"};
  public static final String[] OCCUPATION = {"Tech-support", "Craft-repair", "Other-service",
      "Sales", "Exec-managerial", "Prof-specialty", "Handlers-cleaners", "Machine-op-inspct",
      "Adm-clerical", "Farming-fishing", "Transport-moving", "Priv-house-serv", "Protective-serv",
      "Armed-Forces"};
  public static final String[] RELATIONSHIP = {"Wife", "Own-child", "Husband", "Not-in-family",
      "Other-relative", "Unmarried"};
  public static final String[] RACE = {"White", "Asian-Pac-Islander", "Amer-Indian-Eskimo", "Other",
      "Black"};
  public static final String[] SEX = {"Female", "Male"};
  public static final String[] COUNTRY = {"United-States", "Cambodia", "England", "Puerto-Rico",
      "Canada", "Germany", "Outlying-US(Guam-USVI-etc)", "India", "Japan", "Greece", "South",
      "China", "Cuba", "Iran", "Honduras", "Philippines", "Italy", "Poland", "Jamaica", "Vietnam",
      "Mexico", "Portugal", "Ireland", "France", "Dominican-Republic", "Laos", "Ecuador", "Taiwan",
      "Haiti", "Columbia", "Hungary", "Guatemala", "Nicaragua", "Scotland", "Thailand",
      "Yugoslavia", "El-Salvador", "Trinadad&Tobago", "Peru", "Hong", "Holand-Netherlands"};

  private AdultTestData() {}

  /** The file system path of the test resource {@code data/adult/<file>}. */
  public static String path(String file) {
    URL url = AdultTestData.class.getResource("/data/adult/" + file);
    if (url == null) {
      throw new IllegalStateException("test resource data/adult/" + file + " is missing");
    }
    try {
      return Paths.get(url.toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads one split with {@link #SCHEMA} (FAILFAST), no column added. */
  public static Dataset<Row> read(SparkSession spark, String file) {
    return spark.read().schema(SCHEMA)
        // The copy carries the header line added by whoever prepared it (see the README there).
        .option("header", "true")
        .option("ignoreLeadingWhiteSpace", "true")
        .option("mode", "FAILFAST")
        .csv(path(file));
  }

  /** {@link #read} plus {@code label}: 1.0 for income &gt; 50K, else 0.0. */
  public static Dataset<Row> load(SparkSession spark, String file) {
    // adult.test writes ">50K." with a full stop.
    return read(spark, file)
        .withColumn("label", when(trim(col("income")).startsWith(">50K"), 1.0).otherwise(0.0));
  }

  /** The public encoder of the DP-SGD tests, into {@code features}: documented ranges and vocabularies. */
  public static PublicFeatureEncoder encoder() {
    return PublicFeatureEncoder.builder()
        .numeric("age", 17, 90)
        .numeric("education_num", 1, 16)
        .numeric("capital_gain", 0, 15_000)
        .numeric("capital_loss", 0, 2_500)
        .numeric("hours_per_week", 1, 99)
        .categorical("workclass", WORKCLASS)
        .categorical("marital_status", MARITAL)
        .categorical("occupation", OCCUPATION)
        .categorical("relationship", RELATIONSHIP)
        .categorical("race", RACE)
        .categorical("sex", SEX)
        .categorical("native_country", "United-States")
        .unknown(PublicFeatureEncoder.Unknown.OTHER)
        .outputCol("features")
        .build();
  }
}
