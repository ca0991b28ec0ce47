package org.privspark.examples;

import java.util.List;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The wrappers' feature encoding of UCI Adult, for the wrapper benchmark and the wrappers' utility
 * tests, from PUBLIC information only: the vocabularies are {@link AdultData}'s (those listed in
 * the data set's documentation, {@code adult.names}), and numeric columns are clamped to bounds
 * fixed a priori, never fitted on the data (fitting a StringIndexer, OneHotEncoder or scaler on
 * private data leaks). Missing values ({@code ?}) encode as all zeros in their field. {@link
 * AdultData#encoder()} ({@code PublicFeatureEncoder}) cannot produce this layout: it has no buckets
 * and no log scaling.
 *
 * <p>Columns produced:
 *
 * <ul>
 *   <li>{@code label}: 1.0 for income {@code >50K}, else 0.0 (the test split's trailing dot is
 *       stripped);
 *   <li>{@code onehot}: the 8 categorical fields one-hot (99 entries) plus one-hot buckets of age
 *       (6), hours per week (5), capital gain &gt; 0 (2) and capital loss &gt; 0 (2): 114 entries
 *       with at most 12 ones, so ‖x‖₁ ≤ 12;
 *   <li>{@code mixed}: the categorical one-hot plus age, education-num, log capital gain, log
 *       capital loss and hours, each clamped and scaled to [0, 1]: 104 entries, ‖x‖₂ ≤ √13;
 *   <li>{@code noage}: {@code mixed} without age (103 entries, ‖x‖₂ ≤ √12), for predicting age;
 *   <li>{@code age}: age clamped to [17, 90]; {@code hours}: hours per week clamped to [1, 99].
 * </ul>
 *
 * <p>Public bounds: age [17, 90] (the extraction kept age &gt; 16; the census top-codes 90), hours
 * [1, 99] (census top-code 99), education-num [1, 16] (16 documented levels), capital gain [0,
 * 99999] (census top-code), capital loss [0, 5000] (chosen a priori).
 */
public final class AdultEncoding {
  /** The categorical fields' indices in the CSV line, and their vocabularies (AdultData's). */
  private static final int[] CATEGORICAL_FIELDS = {1, 3, 5, 6, 7, 8, 9, 13};

  private static final List<List<String>> VOCABULARIES =
      List.of(
          AdultData.WORKCLASS,
          AdultData.EDUCATION,
          AdultData.MARITAL,
          AdultData.OCCUPATION,
          AdultData.RELATIONSHIP,
          AdultData.RACE,
          AdultData.SEX,
          AdultData.COUNTRY);

  public static final int CATEGORICAL = 99;
  public static final int ONEHOT = CATEGORICAL + 6 + 5 + 2 + 2;
  public static final double ONEHOT_L1 = 12;
  public static final int MIXED = CATEGORICAL + 5;
  public static final int NOAGE = CATEGORICAL + 4;

  static final StructType SCHEMA =
      new StructType()
          .add("label", DataTypes.DoubleType)
          .add("onehot", new VectorUDT())
          .add("mixed", new VectorUDT())
          .add("noage", new VectorUDT())
          .add("age", DataTypes.DoubleType)
          .add("hours", DataTypes.DoubleType);

  private AdultEncoding() {}

  /** Reads {@code path} (one split: header line, ", " separated) and encodes every row. */
  public static Dataset<Row> load(SparkSession spark, String path) {
    var rows =
        spark
            .read()
            .textFile(path)
            .javaRDD()
            .filter(line -> !line.isBlank() && !line.startsWith("age,"))
            .map(AdultEncoding::encode);
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
      int idx = VOCABULARIES.get(c).indexOf(f[CATEGORICAL_FIELDS[c]]);
      if (idx >= 0) {
        cat[offset + idx] = 1;
      }
      offset += VOCABULARIES.get(c).size();
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
      (hours - 1) / 98
    };
    double[] mixed = new double[MIXED];
    System.arraycopy(cat, 0, mixed, 0, CATEGORICAL);
    System.arraycopy(numeric, 0, mixed, CATEGORICAL, 5);
    double[] noage = new double[NOAGE];
    System.arraycopy(cat, 0, noage, 0, CATEGORICAL);
    System.arraycopy(numeric, 1, noage, CATEGORICAL, 4);
    return RowFactory.create(
        label,
        Vectors.dense(oh).compressed(),
        Vectors.dense(mixed).compressed(),
        Vectors.dense(noage).compressed(),
        age,
        hours);
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
