package org.privspark.spark.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.core.accounting.BudgetExhaustedException;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.PrivacyUnit;
import org.privspark.core.accounting.UnitClaim;
import org.privspark.core.ledger.Ledger;
import org.privspark.core.ledger.LedgerEntry;
import org.privspark.core.ledger.LocalDirectoryStore;
import org.privspark.core.ledger.OpeningStore;
import org.privspark.core.ledger.note.NoteSigner;
import org.privspark.core.noise.Secret;
import org.privspark.spark.SparkTestSession;

/**
 * {@link PrivateDataFrame#bounds}: bounds that cover the bulk of the data, one charge, nothing
 * charged for bad input, a documented answer for empty data, null and NaN values dropped.
 *
 * <p><b>False failures.</b> The secrets are fixed, so every run is the same; over the choice of
 * secret, the statistical test fails falsely with probability ≤ 2.1·10^-6 (see its comment) and the
 * empty-data test with probability ≤ 10^-6 (β). The other tests are exact.
 */
class BoundsTest {
  private static final StructType SCHEMA =
      new StructType()
          .add("user", DataTypes.StringType)
          .add("v", DataTypes.DoubleType)
          .add("w", DataTypes.DoubleType)
          .add("name", DataTypes.StringType);
  private static final BoundsOptions STRICT = BoundsOptions.defaults().emptyBinProbability(1e-6);
  @TempDir Path dir;

  private static Secret secret(int n) {
    byte[] bytes = new byte[Secret.LENGTH];
    Arrays.fill(bytes, (byte) 0x5b);
    bytes[0] = (byte) n;
    return Secret.fromBytes(bytes);
  }

  /** 4,000 users, one row each: v ~ Normal(50, 10), w ~ Uniform[−300, 20) (seeded test data). */
  private static List<Row> rows() {
    Random random = new Random(14);
    List<Row> rows = new ArrayList<>();
    for (int u = 0; u < 4000; u++) {
      rows.add(
          RowFactory.create(
              "u" + u, 50 + 10 * random.nextGaussian(), -300 + 320 * random.nextDouble(), "x"));
    }
    return rows;
  }

  private static Dataset<Row> frame(List<Row> rows) {
    return SparkTestSession.get().createDataFrame(rows, SCHEMA);
  }

  /** The index of the bin of {@link PowerOfTwoBins#edges()} that holds x. */
  private static int bin(double[] edges, double x) {
    int j = 0;
    while (j < edges.length - 2 && x >= edges[j + 1]) {
      j++;
    }
    return j;
  }

  /**
   * Per column: bounds ≤ the 1% quantile and ≥ the 99% quantile, and within the data's range
   * rounded out to bin edges. With ε = 1 and L∞ = 1 the bin noise has b = 1 and the threshold is t
   * = ln(202/(2·10^-6)) ≈ 18.4. An empty bin passes with probability ≤ β = 10^-6 per call; the bins
   * of the two quantiles hold ≥ 40 rows (checked on the data), so one is missed with probability ≤
   * ½e^{−(40 − 18.4)} ≈ 2·10^-10. Two calls: ≤ 2.1·10^-6.
   */
  @Test
  void bounds_coverTheBulk_ofPositiveAndNegativeData_andPassNoEmptyBin() {
    List<Row> rows = rows();
    PrivacyBudget budget = PrivacyBudget.inMemory(10, 0);
    PrivateDataFrame pdf = PrivateDataFrame.of(frame(rows), "user", budget);
    double[] edges = PowerOfTwoBins.edges();
    int call = 0;
    for (String column : List.of("v", "w")) {
      int index = SCHEMA.fieldIndex(column);
      double[] values = rows.stream().mapToDouble(r -> r.getDouble(index)).sorted().toArray();
      double q01 = values[values.length / 100];
      double q99 = values[values.length - 1 - values.length / 100];
      for (double q : new double[] {q01, q99}) {
        int b = bin(edges, q);
        long inBin = Arrays.stream(values).filter(x -> bin(edges, x) == b).count();
        assertThat(inBin)
            .as("rows in the bin of %s's quantile %s", column, q)
            .isGreaterThanOrEqualTo(40);
      }

      Bounds bounds = pdf.bounds(column, 1.0, STRICT.releaseSecret(secret(call++)));

      assertThat(bounds.found()).isTrue();
      assertThat(bounds.lower())
          .as(column)
          .isLessThanOrEqualTo(q01)
          .isGreaterThanOrEqualTo(edges[bin(edges, values[0])]);
      assertThat(bounds.upper())
          .as(column)
          .isGreaterThanOrEqualTo(q99)
          .isLessThanOrEqualTo(edges[bin(edges, values[values.length - 1]) + 1]);
      assertThat(bounds.epsilon()).isEqualTo(1.0);
    }
    assertThat(budget.spent().epsilon()).isCloseTo(2.0, org.assertj.core.data.Offset.offset(1e-6));
  }

  @Test
  void badInput_isRefusedWithTheParameterNamed_andChargesNothing() {
    PrivacyBudget budget = PrivacyBudget.inMemory(1, 0);
    PrivateDataFrame pdf = PrivateDataFrame.of(frame(rows()), "user", budget);
    assertThatThrownBy(() -> pdf.bounds(null, 0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("column");
    assertThatThrownBy(() -> pdf.bounds("missing", 0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("column must name an existing column");
    assertThatThrownBy(() -> pdf.bounds("name", 0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("column 'name' must be numeric");
    for (double eps : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
      assertThatThrownBy(() -> pdf.bounds("v", eps))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("epsilon must be finite and > 0");
    }
    assertThatThrownBy(() -> pdf.bounds("v", 0.5, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("options");
    for (double beta : new double[] {0, 1, Double.NaN}) {
      assertThatThrownBy(() -> BoundsOptions.defaults().emptyBinProbability(beta))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("emptyBinProbability must be in (0.0, 1.0)");
    }
    assertThatThrownBy(() -> pdf.bounds("v", 2.0)).isInstanceOf(BudgetExhaustedException.class);
    assertThat(budget.spent().epsilon()).isZero();
  }

  @Test
  void theCharge_isRecordedOnce_inTheLedger_underTheUnitClaim() throws Exception {
    String origin = "test.privspark.org/bounds-ledger";
    LocalDirectoryStore store = new LocalDirectoryStore(dir.resolve("ledger"));
    Ledger ledger =
        Ledger.create(
            store,
            origin,
            3.0,
            1e-5,
            OrderGrid.defaults(),
            PrivacyUnit.of("person", "a customer"),
            NoteSigner.generate(origin),
            OpeningStore.discarding());
    PrivacyBudget budget = ledger.budget();

    PrivateDataFrame.of(frame(rows()), "user", "person", budget).bounds("v", 0.5);

    assertThat(ledger.entries()).isEqualTo(1);
    LedgerEntry entry =
        LedgerEntry.decode(Files.readAllBytes(store.root().resolve(LedgerEntry.path(1))), 1);
    assertThat(entry.unit()).isEqualTo(UnitClaim.perUnit("person"));
    assertThat(entry.mechanism()).isEqualTo(PrivateAggregation.MECHANISM);
    // The plan scales its shares down by a relative 1e-9, so that their sum never exceeds ε.
    assertThat(budget.spent().epsilon())
        .isLessThanOrEqualTo(0.5)
        .isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-6));
  }

  /** No rows: no bin passes except with probability ≤ β = 10^-6; nothing fails after the charge. */
  @Test
  void emptyData_isNotFound_withNaNBounds_afterOneCharge() {
    PrivacyBudget budget = PrivacyBudget.inMemory(1, 0);
    PrivateDataFrame pdf = PrivateDataFrame.of(frame(List.of()), "user", budget);

    Bounds bounds = pdf.bounds("v", 0.5, STRICT.releaseSecret(secret(9)));

    assertThat(bounds.found()).isFalse();
    assertThat(bounds.lower()).isNaN();
    assertThat(bounds.upper()).isNaN();
    assertThat(bounds.description()).startsWith("no bin passed");
    assertThat(budget.spent().epsilon()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-6));
  }

  /**
   * Exact: the same secret on data with and without 1,000 null and NaN rows gives the same bounds.
   */
  @Test
  void nullAndNaNValues_areDropped() {
    List<Row> clean = rows().subList(0, 2000);
    List<Row> dirty = new ArrayList<>(clean);
    for (int u = 0; u < 500; u++) {
      dirty.add(RowFactory.create("n" + u, null, 1.0, "x"));
      dirty.add(RowFactory.create("nan" + u, Double.NaN, 1.0, "x"));
    }
    Bounds expected =
        PrivateDataFrame.of(frame(clean), "user", PrivacyBudget.inMemory(1, 0))
            .bounds("v", 0.5, STRICT.releaseSecret(secret(20)));
    Bounds actual =
        PrivateDataFrame.of(frame(dirty), "user", PrivacyBudget.inMemory(1, 0))
            .bounds("v", 0.5, STRICT.releaseSecret(secret(20)));
    assertThat(actual).isEqualTo(expected);
    assertThat(actual.found()).isTrue();
  }
}
