package org.privspark.spark.ml;

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
 * The UCI Adult splits (see {@code src/test/resources/data/adult/README.md}) with a 0/1 label
 * {@code label} (income &gt; 50K) and the public encoding used by the ML tests: bounds and
 * vocabularies from the data set's documentation ({@code adult.names}), never from the rows.
 */
final class AdultData {
  private AdultData() {}

  static final StructType SCHEMA = new StructType()
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
  static final long TRAIN_ROWS = 32_561;

  static Dataset<Row> load(SparkSession spark, String file) {
    URL url = AdultData.class.getResource("/data/adult/" + file);
    if (url == null) {
      throw new IllegalStateException("test resource data/adult/" + file + " is missing");
    }
    String path;
    try {
      path = Paths.get(url.toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    return spark.read().schema(SCHEMA).option("header", "true")
        .option("ignoreLeadingWhiteSpace", "true").option("mode", "FAILFAST").csv(path)
        // adult.test writes ">50K." with a full stop.
        .withColumn("label", when(trim(col("income")).startsWith(">50K"), 1.0).otherwise(0.0));
  }

  /** The public encoder: documented ranges and vocabularies. */
  static PublicFeatureEncoder encoder() {
    return PublicFeatureEncoder.builder()
        .numeric("age", 17, 90)
        .numeric("education_num", 1, 16)
        .numeric("capital_gain", 0, 15_000)
        .numeric("capital_loss", 0, 2_500)
        .numeric("hours_per_week", 1, 99)
        .categorical("workclass", "Private", "Self-emp-not-inc", "Self-emp-inc", "Federal-gov",
            "Local-gov", "State-gov", "Without-pay", "Never-worked")
        .categorical("marital_status", "Married-civ-spouse", "Divorced", "Never-married",
            "Separated", "Widowed", "Married-spouse-absent", "Married-AF-spouse")
        .categorical("occupation", "Tech-support", "Craft-repair", "Other-service", "Sales",
            "Exec-managerial", "Prof-specialty", "Handlers-cleaners", "Machine-op-inspct",
            "Adm-clerical", "Farming-fishing", "Transport-moving", "Priv-house-serv",
            "Protective-serv", "Armed-Forces")
        .categorical("relationship", "Wife", "Own-child", "Husband", "Not-in-family",
            "Other-relative", "Unmarried")
        .categorical("race", "White", "Asian-Pac-Islander", "Amer-Indian-Eskimo", "Other", "Black")
        .categorical("sex", "Female", "Male")
        .categorical("native_country", "United-States")
        .unknown(PublicFeatureEncoder.Unknown.OTHER)
        .outputCol("features")
        .build();
  }
}
