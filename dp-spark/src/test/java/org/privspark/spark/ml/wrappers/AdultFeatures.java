package org.privspark.spark.ml.wrappers;

import java.util.Arrays;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.privspark.spark.AdultTestData;
import org.privspark.spark.SparkTestSession;

/**
 * Test-only feature encoding of UCI Adult from PUBLIC information only: the vocabularies are
 * {@link AdultTestData}'s (those listed in the data set's documentation, {@code adult.names}), and numeric columns are clamped to
 * bounds fixed a priori, never fitted on the data (fitting a StringIndexer, OneHotEncoder or scaler
 * on private data leaks). Missing values ({@code ?}) encode as all zeros in their field. {@code
 * PublicFeatureEncoder} cannot produce this layout (it has no buckets and no log scaling). The
 * examples module keeps the same encoding for its benchmark ({@code AdultEncoding}).
 *
 * <p>Columns produced:
 *
 * <ul>
 *   <li>{@code label}: 1.0 for income {@code >50K}, else 0.0 (the test split's trailing dot is
 *       stripped);
 *   <li>{@code onehot}: the 8 categorical fields one-hot (99 entries) plus one-hot buckets of age
 *       (6), hours per week (5), capital gain &gt; 0 (2) and capital loss &gt; 0 (2): 114 entries
 *       with at most 12 ones, so ‖x‖₁ ≤ 12;
 *   <li>{@code mixed}: the categorical one-hot plus age, education-num, log capital gain, log capital
 *       loss and hours, each clamped and scaled to [0, 1]: 104 entries, ‖x‖₂ ≤ √13;
 *   <li>{@code noage}: {@code mixed} without age (103 entries, ‖x‖₂ ≤ √12), for predicting age;
 *   <li>{@code age}: age clamped to [17, 90]; {@code hours}: hours per week clamped to [1, 99].
 * </ul>
 *
 * <p>Public bounds: age [17, 90] (the extraction kept age &gt; 16; the census top-codes 90), hours
 * [1, 99] (census top-code 99), education-num [1, 16] (16 documented levels), capital gain [0,
 * 99999] (census top-code), capital loss [0, 5000] (chosen a priori).
 */
final class AdultFeatures {
  /** Field index in the CSV line, vocabulary. */
  private static final int[] CATEGORICAL_FIELDS = {1, 3, 5, 6, 7, 8, 9, 13};
  private static final String[][] VOCABULARIES = {AdultTestData.WORKCLASS, AdultTestData.EDUCATION,
      AdultTestData.MARITAL, AdultTestData.OCCUPATION, AdultTestData.RELATIONSHIP,
      AdultTestData.RACE, AdultTestData.SEX, AdultTestData.COUNTRY};

  static final int CATEGORICAL = 99;
  static final int ONEHOT = CATEGORICAL + 6 + 5 + 2 + 2;
  static final double ONEHOT_L1 = 12;
  static final int MIXED = CATEGORICAL + 5;
  static final int NOAGE = CATEGORICAL + 4;

  static final StructType SCHEMA = new StructType()
      .add("label", DataTypes.DoubleType)
      .add("onehot", new VectorUDT())
      .add("mixed", new VectorUDT())
      .add("noage", new VectorUDT())
      .add("age", DataTypes.DoubleType)
      .add("hours", DataTypes.DoubleType);

  private static Dataset<Row> train;
  private static Dataset<Row> test;

  private AdultFeatures() {}

  /** The encoded training split (32,561 rows), cached and shared by the test classes. */
  static synchronized Dataset<Row> train() {
    if (train == null) {
      train = load(SparkTestSession.get(), AdultTestData.path("adult.data")).cache();
      if (train.count() != AdultTestData.TRAIN_ROWS) {
        throw new IllegalStateException("adult.data must hold 32,561 rows");
      }
    }
    return train;
  }

  /** The encoded test split (16,281 rows), cached and shared. */
  static synchronized Dataset<Row> test() {
    if (test == null) {
      test = load(SparkTestSession.get(), AdultTestData.path("adult.test")).cache();
      if (test.count() != AdultTestData.TEST_ROWS) {
        throw new IllegalStateException("adult.test must hold 16,281 rows");
      }
    }
    return test;
  }

  /** Reads {@code path} (header line, ", " separated) and encodes every row. */
  static Dataset<Row> load(SparkSession spark, String path) {
    var rows = spark.read().textFile(path).javaRDD()
        .filter(line -> !line.isBlank() && !line.startsWith("age,"))
        .map(AdultFeatures::encode);
    return spark.createDataFrame(rows, SCHEMA);
  }

  static Row encode(String line) {
    String[] f = line.split(",");
    for (int i = 0; i < f.length; i++) {
      f[i] = f[i].trim();
    }
    if (f.length != 15) {
      throw new IllegalArgumentException("expected 15 fields; got " + f.length + " in: " + line);
    }
    double[] cat = new double[CATEGORICAL];
    int offset = 0;
    for (int c = 0; c < CATEGORICAL_FIELDS.length; c++) {
      int idx = Arrays.asList(VOCABULARIES[c]).indexOf(f[CATEGORICAL_FIELDS[c]]);
      if (idx >= 0) {
        cat[offset + idx] = 1;
      }
      offset += VOCABULARIES[c].length;
    }
    double age = clamp(Double.parseDouble(f[0]), 17, 90);
    double educationNum = clamp(Double.parseDouble(f[4]), 1, 16);
    double gain = clamp(Double.parseDouble(f[10]), 0, 99_999);
    double loss = clamp(Double.parseDouble(f[11]), 0, 5_000);
    double hours = clamp(Double.parseDouble(f[12]), 1, 99);
    double label = f[14].startsWith(">50K") ? 1.0 : 0.0;

    double[] ageBuckets = {25, 35, 45, 55, 65};
    double[] hourBuckets = {25, 40, 41, 50};
    double[] oh = new double[ONEHOT];
    System.arraycopy(cat, 0, oh, 0, CATEGORICAL);
    oh[CATEGORICAL + bucket(age, ageBuckets)] = 1;
    oh[CATEGORICAL + 6 + bucket(hours, hourBuckets)] = 1;
    oh[CATEGORICAL + 11 + (gain > 0 ? 1 : 0)] = 1;
    oh[CATEGORICAL + 13 + (loss > 0 ? 1 : 0)] = 1;

    double[] numeric = {
        (age - 17) / (90 - 17),
        (educationNum - 1) / 15,
        Math.log1p(gain) / Math.log1p(99_999),
        Math.log1p(loss) / Math.log1p(5_000),
        (hours - 1) / 98};
    double[] mixed = new double[MIXED];
    System.arraycopy(cat, 0, mixed, 0, CATEGORICAL);
    System.arraycopy(numeric, 0, mixed, CATEGORICAL, 5);
    double[] noage = new double[NOAGE];
    System.arraycopy(cat, 0, noage, 0, CATEGORICAL);
    System.arraycopy(numeric, 1, noage, CATEGORICAL, 4);
    return RowFactory.create(label, Vectors.dense(oh).compressed(), Vectors.dense(mixed).compressed(),
        Vectors.dense(noage).compressed(), age, hours);
  }

  private static int bucket(double v, double[] upperExclusive) {
    int i = 0;
    while (i < upperExclusive.length && v >= upperExclusive[i]) {
      i++;
    }
    return i;
  }

  private static double clamp(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }
}
