package org.privspark.examples.utility;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Locale;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.noise.Secret;
import org.privspark.examples.AdultData;
import org.privspark.spark.sql.Bounds;
import org.privspark.spark.sql.BoundsOptions;
import org.privspark.spark.sql.PrivateDataFrame;

/**
 * What {@link PrivateDataFrame#bounds} buys, on the UCI Adult training set (32,561 people, one row
 * each, L0 = L∞ = 1): the mean of a column with a naive guessed range [0, 10^6] at ε = 1, against
 * bounds() at ε = 0.2 then the mean within those bounds at ε = 0.8, the same total ε. Errors are
 * absolute, against the exact mean of the unclamped column, so clamping bias counts. Over {@value
 * #RELEASES} releases with fixed, distinct secrets (deterministic), the median error of the second
 * way must be below the first's. The figures go to docs/AGGREGATIONS.md, "Bounds from data".
 *
 * <p>Run: {@code mvn -o -pl examples -am -Preliability -Dtest=BoundsAccuracyTest
 * -Dsurefire.failIfNoSpecifiedTests=false test}
 */
@Tag("reliability")
class BoundsAccuracyTest {
  private static final int RELEASES = 21;
  private static Dataset<Row> adult;

  @BeforeAll
  static void loadAdult() {
    adult =
        AdultData.read(AdultFixture.spark(), AdultFixture.file("adult.data"))
            .withColumn("person", monotonically_increasing_id())
            .cache();
    assertThat(adult.count()).isEqualTo(AdultData.TRAIN_ROWS);
  }

  @AfterAll
  static void unpersist() {
    adult.unpersist();
    adult = null;
  }

  /** A fixed secret per (column, release, step). */
  private static Secret secret(int column, int release, int step) {
    byte[] bytes = new byte[Secret.LENGTH];
    Arrays.fill(bytes, (byte) 0x2d);
    bytes[0] = (byte) column;
    bytes[1] = (byte) release;
    bytes[2] = (byte) step;
    return Secret.fromBytes(bytes);
  }

  private static double mean(
      PrivateDataFrame pdf,
      String column,
      double lower,
      double upper,
      double epsilon,
      Secret secret) {
    Row r =
        pdf.aggregate()
            .mean(column, lower, upper)
            .epsilon(epsilon)
            .releaseSecret(secret)
            .run()
            .first();
    return r.getDouble(r.fieldIndex("mean_" + column));
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  @Test
  void boundsFromData_thenMean_beatAGuessedRange_atTheSameTotalEpsilon() {
    String[] columns = {"capital_gain", "hours_per_week"};
    for (int c = 0; c < columns.length; c++) {
      String column = columns[c];
      double exact = adult.agg(avg(column)).first().getDouble(0);
      double[] naive = new double[RELEASES];
      double[] fromData = new double[RELEASES];
      TreeSet<String> found = new TreeSet<>();
      for (int r = 0; r < RELEASES; r++) {
        PrivateDataFrame guessed =
            PrivateDataFrame.of(adult, "person", PrivacyBudget.inMemory(1.0, 0));
        naive[r] = Math.abs(mean(guessed, column, 0, 1e6, 1.0, secret(c, r, 0)) - exact);

        PrivacyBudget budget = PrivacyBudget.inMemory(1.0, 0);
        PrivateDataFrame pdf = PrivateDataFrame.of(adult, "person", budget);
        Bounds b = pdf.bounds(column, 0.2, BoundsOptions.defaults().releaseSecret(secret(c, r, 1)));
        assertThat(b.found()).as("%s release %d: %s", column, r, b.description()).isTrue();
        found.add("[" + b.lower() + ", " + b.upper() + "]");
        fromData[r] =
            Math.abs(mean(pdf, column, b.lower(), b.upper(), 0.8, secret(c, r, 2)) - exact);
      }
      double mNaive = median(naive);
      double mFromData = median(fromData);
      System.out.printf(
          Locale.ROOT,
          "bounds-accuracy %s: exact mean %.4f; median |error| over %d releases: [0, 1e6] at eps 1:"
              + " %.4f; bounds() at 0.2 + mean at 0.8: %.4f (%.1fx smaller); bounds found %s%n",
          column,
          exact,
          RELEASES,
          mNaive,
          mFromData,
          mNaive / mFromData,
          found);
      assertThat(mFromData).as(column).isLessThan(mNaive);
    }
  }
}
