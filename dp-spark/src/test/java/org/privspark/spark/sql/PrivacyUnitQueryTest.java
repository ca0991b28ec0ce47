package org.privspark.spark.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.PrivacyUnit;
import org.privspark.core.accounting.UnitClaim;
import org.privspark.core.accounting.UnitMismatchException;
import org.privspark.core.ledger.Ledger;
import org.privspark.core.ledger.LedgerEntry;
import org.privspark.core.ledger.LocalDirectoryStore;
import org.privspark.core.ledger.OpeningStore;
import org.privspark.core.ledger.note.NoteSigner;
import org.privspark.spark.SparkTestSession;

/**
 * A private data frame names the unit its column identifies; a ledger that protects another unit
 * refuses it before any row is read, and the entry of a release records the claim.
 */
class PrivacyUnitQueryTest {
  private static final String ORIGIN = "test.privspark.org/unit-ledger";
  @TempDir Path dir;

  private Ledger personLedger() {
    return Ledger.create(
        new LocalDirectoryStore(dir.resolve("ledger")),
        ORIGIN,
        3.0,
        1e-5,
        OrderGrid.defaults(),
        PrivacyUnit.of("person", "a customer"),
        NoteSigner.generate(ORIGIN),
        OpeningStore.discarding());
  }

  /** 100 users of two groups; every row read adds one to {@code reads}. */
  private static Dataset<Row> data(LongAccumulator reads) {
    SparkSession spark = SparkTestSession.get();
    List<Row> rows = new ArrayList<>();
    for (int u = 0; u < 100; u++) {
      rows.add(RowFactory.create("u" + u, u % 2 == 0 ? "a" : "b", (long) u));
    }
    StructType schema =
        new StructType()
            .add("user", DataTypes.StringType)
            .add("grp", DataTypes.StringType)
            .add("row", DataTypes.LongType);
    return spark
        .createDataFrame(rows, schema)
        .mapPartitions(
            (MapPartitionsFunction<Row, Row>)
                it -> {
                  List<Row> out = new ArrayList<>();
                  it.forEachRemaining(
                      r -> {
                        reads.add(1);
                        out.add(r);
                      });
                  return out.iterator();
                },
            Encoders.row(schema));
  }

  private Dataset<Row> groups() {
    SparkSession spark = SparkTestSession.get();
    return spark.createDataFrame(
        List.of(RowFactory.create("a"), RowFactory.create("b")),
        new StructType().add("grp", DataTypes.StringType));
  }

  @Test
  void anotherUnit_orNoUnit_isRefusedBeforeAnyRowIsRead_andNothingIsCharged() {
    Ledger ledger = personLedger();
    PrivacyBudget budget = ledger.budget();
    LongAccumulator reads = SparkTestSession.get().sparkContext().longAccumulator("reads");
    Dataset<Row> input = data(reads);
    assertThatThrownBy(() -> PrivateDataFrame.of(input, "user", "household", budget))
        .isInstanceOf(UnitMismatchException.class)
        .hasMessageContaining("'household'")
        .hasMessageContaining("'person'");
    assertThatThrownBy(() -> PrivateDataFrame.of(input, "user", budget))
        .isInstanceOf(UnitMismatchException.class)
        .hasMessageContaining("must declare the unit");
    assertThatThrownBy(() -> PrivateDataFrame.of(input, "user", "Person", budget))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("privacyUnit must be");
    assertThat(reads.value()).isZero();
    assertThat(ledger.entries()).isZero();
  }

  @Test
  void theEntryRecordsTheClaim_perUnitOrRowIsUnit() throws Exception {
    Ledger ledger = personLedger();
    PrivacyBudget budget = ledger.budget();
    LongAccumulator reads = SparkTestSession.get().sparkContext().longAccumulator("reads");
    PrivateDataFrame.of(data(reads), "user", "person", budget)
        .groupBy("grp")
        .publicGroups(groups())
        .count()
        .epsilon(0.5)
        .run();
    PrivateDataFrame.of(data(reads), "row", UnitClaim.rowIsUnit("person"), budget)
        .groupBy("grp")
        .publicGroups(groups())
        .count()
        .epsilon(0.5)
        .run();
    Path root = dir.resolve("ledger");
    assertThat(LedgerEntry.decode(Files.readAllBytes(root.resolve(LedgerEntry.path(1))), 1).unit())
        .isEqualTo(UnitClaim.perUnit("person"));
    assertThat(LedgerEntry.decode(Files.readAllBytes(root.resolve(LedgerEntry.path(2))), 2).unit())
        .isEqualTo(UnitClaim.rowIsUnit("person"));
  }

  @Test
  void aBudgetWithoutAUnit_takesAnyNamedUnit_andTheOldSignature() {
    PrivacyBudget undeclared = PrivacyBudget.inMemory(2.0, 1e-5);
    LongAccumulator reads = SparkTestSession.get().sparkContext().longAccumulator("reads");
    PrivateDataFrame.of(data(reads), "user", "household", undeclared);
    PrivateDataFrame.of(data(reads), "user", undeclared)
        .groupBy("grp")
        .publicGroups(groups())
        .count()
        .epsilon(0.5)
        .run();
    assertThat(undeclared.spent().epsilon()).isPositive();
  }
}
