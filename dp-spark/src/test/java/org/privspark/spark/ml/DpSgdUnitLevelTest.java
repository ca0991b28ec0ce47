package org.privspark.spark.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.core.accounting.Charge;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.PrivacyGuarantee;
import org.privspark.core.accounting.PrivacyUnit;
import org.privspark.core.accounting.SpendJournal;
import org.privspark.core.accounting.UnitClaim;
import org.privspark.core.accounting.UnitMismatchException;
import org.privspark.core.ledger.Ledger;
import org.privspark.core.ledger.LedgerEntry;
import org.privspark.core.ledger.LocalDirectoryStore;
import org.privspark.core.ledger.OpeningStore;
import org.privspark.core.ledger.note.NoteSigner;
import org.privspark.spark.SparkTestSession;
import org.privspark.spark.ml.params.UnitGradient;

/**
 * DP-SGD at the level of the privacy unit (docs/ML.md, "The privacy unit"): the unit params, the
 * bounding of rows per unit, a unit's contribution in both {@code unitGradient} modes (the mean of
 * its clipped row gradients; their sum clipped to C), Poisson sampling of units, the claim charged
 * to the budget, and the unit and mode kept by a saved model.
 */
class DpSgdUnitLevelTest {
  @TempDir Path dir;

  private static final PrivacyUnit PERSON = PrivacyUnit.of("person", "one customer");

  /**
   * 400 people with 1 to 8 rows each (x in [-1, 1]², label 1 when 2·x1 − x2 &gt; 0); fixed seed.
   */
  private static Dataset<Row> people;

  @BeforeAll
  static void makeData() {
    java.util.Random r = new java.util.Random(7); // test data only, not a privacy choice
    List<Row> rows = new ArrayList<>();
    for (int p = 0; p < 400; p++) {
      int n = 1 + p % 8;
      for (int j = 0; j < n; j++) {
        double x1 = 2 * r.nextDouble() - 1;
        double x2 = 2 * r.nextDouble() - 1;
        rows.add(RowFactory.create("p" + p, Vectors.dense(x1, x2), 2 * x1 - x2 > 0 ? 1.0 : 0.0));
      }
    }
    StructType schema =
        new StructType()
            .add("person", DataTypes.StringType)
            .add("features", new VectorUDT())
            .add("label", DataTypes.DoubleType);
    people = SparkTestSession.get().createDataFrame(rows, schema).repartition(3).cache();
    people.count();
  }

  private static int jobs() {
    return SparkTestSession.get().sparkContext().statusTracker().getJobIdsForGroup(null).length;
  }

  private static DPLogisticRegression unitLevel(PrivacyBudget budget) {
    return new DPLogisticRegression()
        .setBudget(budget)
        .setPrivacyUnit("person")
        .setPrivacyUnitCol("person")
        .setMaxRowsPerUnit(4)
        .setSampleRate(0.1)
        .setEpochs(2)
        .setNumFeatures(2)
        .setNumUnits(400)
        .setNoiseMultiplier(1.0);
  }

  // ---- params ----

  /** Each bad combination is refused naming the param, before any Spark job, and spends nothing. */
  @Test
  void params_badValues_nameTheParam_runNoJob_andSpendNothing() {
    PrivacyBudget budget = PrivacyBudget.inMemory(10, 1e-5, OrderGrid.defaults(), PERSON);
    Map<String, Function<DPLogisticRegression, DPLogisticRegression>> cases = new HashMap<>();
    cases.put(
        "privacyUnitCol (the column identifying the privacy unit) or rowIsUnit=true",
        e -> (DPLogisticRegression) e.clear(e.privacyUnitCol()));
    cases.put(
        "privacyUnitCol must be unset when rowIsUnit is true",
        e -> e.setRowIsUnit(true).setMaxRowsPerUnit(1));
    cases.put(
        "maxRowsPerUnit must be 1 when rowIsUnit is true; got 4",
        e -> ((DPLogisticRegression) e.clear(e.privacyUnitCol())).setRowIsUnit(true));
    cases.put(
        "privacyUnitCol must name a column of the input; got 'nobody'",
        e -> e.setPrivacyUnitCol("nobody"));
    for (Map.Entry<String, Function<DPLogisticRegression, DPLogisticRegression>> c :
        cases.entrySet()) {
      int before = jobs();
      assertThatThrownBy(() -> c.getValue().apply(unitLevel(budget)).fit(people))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(c.getKey());
      assertThat(jobs()).as("no Spark job for: %s", c.getKey()).isEqualTo(before);
    }
    assertThatThrownBy(() -> unitLevel(budget).setMaxRowsPerUnit(0))
        .hasMessage("maxRowsPerUnit must be an integer in [1, 1048576]; got 0");
    assertThatThrownBy(() -> unitLevel(budget).setMaxRowsPerUnit((1 << 20) + 1))
        .hasMessage("maxRowsPerUnit must be an integer in [1, 1048576]; got 1048577");
    assertThatThrownBy(() -> unitLevel(budget).setPrivacyUnit("Person!"))
        .hasMessage("privacyUnit must be a unit name matching [a-z][a-z0-9_-]{0,63}; got Person!");
    assertThatThrownBy(() -> unitLevel(budget).setPrivacyUnitCol(""))
        .hasMessageStartingWith("privacyUnitCol must be a non-empty column name");
    assertThat(budget.spent().epsilon()).isZero();
  }

  /**
   * unitGradient: "mean" by default; "sum" accepted; anything else refused, naming the allowed
   * values.
   */
  @Test
  void unitGradient_defaultsToMean_andRefusesOtherValuesNamingTheAllowedOnes() {
    PrivacyBudget budget = PrivacyBudget.inMemory(10, 1e-5, OrderGrid.defaults(), PERSON);
    assertThat(unitLevel(budget).getUnitGradient()).isEqualTo(UnitGradient.MEAN);
    DPLogisticRegression fresh = unitLevel(budget);
    assertThat(fresh.getOrDefault(fresh.unitGradient())).isEqualTo("mean");
    assertThat(unitLevel(budget).setUnitGradient("sum").getUnitGradient())
        .isEqualTo(UnitGradient.SUM);
    assertThat(new DPLinearRegression().getUnitGradient()).isEqualTo(UnitGradient.MEAN);
    for (String bad : new String[] {"Mean", "avg", "", " sum"}) {
      assertThatThrownBy(() -> unitLevel(budget).setUnitGradient(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("unitGradient must be \"mean\" or \"sum\"; got '" + bad + "'");
    }
    assertThatThrownBy(() -> UnitGradient.of(null))
        .hasMessage("unitGradient must be \"mean\" or \"sum\"; got nothing");
    assertThat(budget.spent().epsilon()).isZero();
  }

  // ---- the claim ----

  /** A budget declared for "person" refuses a run that claims "household", before any job. */
  @Test
  void claim_wrongUnit_refusedBeforeAnySparkJob_nothingCharged() {
    PrivacyBudget budget = PrivacyBudget.inMemory(10, 1e-5, OrderGrid.defaults(), PERSON);
    int before = jobs();
    assertThatThrownBy(() -> unitLevel(budget).setPrivacyUnit("household").fit(people))
        .isInstanceOf(UnitMismatchException.class);
    DPLogisticRegression unnamed = unitLevel(budget);
    unnamed.clear(unnamed.privacyUnit());
    assertThatThrownBy(() -> unnamed.fit(people)).isInstanceOf(UnitMismatchException.class);
    assertThat(jobs()).as("no Spark job ran").isEqualTo(before);
    assertThat(budget.spent().epsilon()).isZero();
  }

  /**
   * The ledger entry records the claim, and the model its unit, k and the entry's origin and index.
   */
  @Test
  void claim_reachesTheLedger_andTheSavedModelKeepsItsRecord() throws Exception {
    String origin = "test.privspark.org/unit-sgd";
    LocalDirectoryStore store = new LocalDirectoryStore(dir.resolve("ledger"));
    Ledger ledger =
        Ledger.create(
            store,
            origin,
            10.0,
            1e-5,
            OrderGrid.defaults(),
            PERSON,
            NoteSigner.generate(origin),
            OpeningStore.discarding());
    DPLogisticRegressionModel model = unitLevel(ledger.budget()).fit(people);
    LedgerEntry entry =
        LedgerEntry.decode(
            Files.readAllBytes(store.root().resolve(LedgerEntry.path(1))), 1, ledger.genesis());
    assertThat(entry.mechanism()).isEqualTo("dp-sgd");
    assertThat(entry.unit()).isEqualTo(UnitClaim.perUnit("person"));
    PrivacyRecord.Unit unit = model.unit();
    assertThat(unit).isEqualTo(new PrivacyRecord.Unit("person", false, 4, origin, 1));
    assertThat(unit.claim()).isEqualTo(UnitClaim.perUnit("person"));

    assertThat(model.privacyRecord().unitGradient()).isEqualTo(UnitGradient.MEAN);

    String path = dir.resolve("model").toString();
    model.write().save(path);
    DPLogisticRegressionModel loaded = DPLogisticRegressionModel.load(path);
    assertThat(loaded.privacyRecord()).isEqualTo(model.privacyRecord());
    assertThat(loaded.unit()).isEqualTo(unit);
    assertThat(loaded.coefficients()).isEqualTo(model.coefficients());
  }

  /**
   * The mode reaches the charge's (committed) description and the model's record, and a saved model
   * keeps it: "sum" here, "mean" in the test above.
   */
  @Test
  void unitGradient_isInTheChargedDescription_andTheSavedModelKeepsIt() throws Exception {
    CapturingJournal journal = new CapturingJournal();
    PrivacyBudget budget = PrivacyBudget.journaled(10, 1e-5, OrderGrid.defaults(), journal);
    DPLogisticRegressionModel sum = unitLevel(budget).setUnitGradient("sum").fit(people);
    DPLogisticRegressionModel mean = unitLevel(budget).fit(people);
    assertThat(journal.descriptions).hasSize(2);
    assertThat(journal.descriptions.get(0))
        .contains("unitCol=person, maxRowsPerUnit=4, unitGradient=sum");
    assertThat(journal.descriptions.get(1))
        .contains("unitCol=person, maxRowsPerUnit=4, unitGradient=mean");
    assertThat(sum.privacyRecord().unitGradient()).isEqualTo(UnitGradient.SUM);
    assertThat(mean.privacyRecord().unitGradient()).isEqualTo(UnitGradient.MEAN);

    String path = dir.resolve("sum-model").toString();
    sum.write().save(path);
    DPLogisticRegressionModel loaded = DPLogisticRegressionModel.load(path);
    assertThat(loaded.privacyRecord().unitGradient()).isEqualTo(UnitGradient.SUM);
    assertThat(loaded.privacyRecord()).isEqualTo(sum.privacyRecord());
    assertThat(loaded.toString()).contains("unitGradient=sum");
    assertThat(loaded.getOrDefault(loaded.featuresCol())).isEqualTo("features");
  }

  /** A journal that admits every spend and keeps the descriptions it was given. */
  private static final class CapturingJournal implements SpendJournal {
    private final PrivacyBudget inner =
        PrivacyBudget.inMemory(10, 1e-5, OrderGrid.defaults(), PERSON);
    final List<String> descriptions = new ArrayList<>();

    @Override
    public Charge record(
        PrivacyEvent event,
        UnitClaim claim,
        String mechanism,
        String description,
        byte[] releaseId) {
      Charge c = inner.charge(event, claim, mechanism, description, releaseId);
      descriptions.add(description);
      return c;
    }

    @Override
    public java.util.Optional<PrivacyUnit> unit() {
      return inner.unit();
    }

    @Override
    public PrivacyGuarantee spent() {
      return inner.spent();
    }
  }

  /** Row-level mode: the caller states each row is a person; the claim and the record say so. */
  @Test
  void rowLevelMode_stillFits_andRecordsTheStatement() throws Exception {
    String origin = "test.privspark.org/row-sgd";
    LocalDirectoryStore store = new LocalDirectoryStore(dir.resolve("ledger-rows"));
    Ledger ledger =
        Ledger.create(
            store,
            origin,
            10.0,
            1e-5,
            OrderGrid.defaults(),
            PERSON,
            NoteSigner.generate(origin),
            OpeningStore.discarding());
    DPLogisticRegressionModel model =
        new DPLogisticRegression()
            .setBudget(ledger.budget())
            .setPrivacyUnit("person")
            .setRowIsUnit(true)
            .setSampleRate(0.1)
            .setEpochs(2)
            .setNumFeatures(2)
            .setNumUnits(1800)
            .setNoiseMultiplier(1.0)
            .fit(people);
    LedgerEntry entry =
        LedgerEntry.decode(
            Files.readAllBytes(store.root().resolve(LedgerEntry.path(1))), 1, ledger.genesis());
    assertThat(entry.unit()).isEqualTo(UnitClaim.rowIsUnit("person"));
    assertThat(model.unit()).isEqualTo(new PrivacyRecord.Unit("person", true, 1, origin, 1));
    assertThat(model.coefficients().apply(0)).as("learns the sign of x1").isPositive();
  }

  // ---- bounding ----

  /**
   * 3,000 units of 6 distinct rows, k = 2: every unit keeps exactly 2 rows, and which 2 of the 15
   * pairs is uniform: chi-square with 14 degrees of freedom below its 1 − 10^-6 quantile (54.6).
   * The salt is fixed, so the test is deterministic; for a random salt and an ideal keyed hash it
   * fails with probability 10^-6. The same salt keeps the same rows; another keeps other rows.
   */
  @Test
  void bounding_keepsAtMostK_uniformly_reproducibleForTheKey_differentForAnother() {
    List<Row> rows = new ArrayList<>();
    for (long u = 0; u < 3000; u++) {
      for (int j = 0; j < 6; j++) {
        rows.add(RowFactory.create(u, Vectors.dense(j), (double) (j % 2)));
      }
    }
    Dataset<Row> data =
        SparkTestSession.get()
            .createDataFrame(
                rows,
                new StructType()
                    .add("u", DataTypes.LongType)
                    .add("features", new VectorUDT())
                    .add("label", DataTypes.DoubleType))
            .repartition(4);
    byte[] salt = salt(1);
    List<Integer> kept = keptSets(data, salt);
    assertThat(kept).hasSize(3000);
    assertThat(kept).allSatisfy(mask -> assertThat(Integer.bitCount(mask)).isEqualTo(2));
    long[] counts = new long[64];
    kept.forEach(m -> counts[m]++);
    double expected = 3000.0 / 15;
    double chi = 0;
    for (int m = 0; m < 64; m++) {
      if (Integer.bitCount(m) == 2) {
        chi += (counts[m] - expected) * (counts[m] - expected) / expected;
      }
    }
    double limit = new ChiSquaredDistribution(null, 14).inverseCumulativeProbability(1 - 1e-6);
    assertThat(chi).as("chi-square of the 15 pairs").isLessThan(limit);
    // The same key reproduces the choice (a retried task keeps the same rows), whatever the order.
    assertThat(keptSets(data.repartition(3), salt)).containsExactlyInAnyOrderElementsOf(kept);
    // Another release's key chooses independently: about 14/15 of the units differ.
    List<Integer> other = keptSets(data, salt(2));
    assertThat(sortedByUnit(data, salt(2))).isNotEqualTo(sortedByUnit(data, salt));
    assertThat(other).hasSize(3000);
  }

  /** -0.0 and 0.0 are one Spark group, so one unit: its 6 rows are bounded to k = 4 together. */
  @Test
  void bounding_comparesUnitsAsSparkDoes() {
    List<Row> rows = new ArrayList<>();
    for (int j = 0; j < 3; j++) {
      rows.add(RowFactory.create(0.0, Vectors.dense(j), 0.0));
      rows.add(RowFactory.create(-0.0, Vectors.dense(10 + j), 0.0));
    }
    Dataset<Row> data =
        SparkTestSession.get()
            .createDataFrame(
                rows,
                new StructType()
                    .add("u", DataTypes.DoubleType)
                    .add("features", new VectorUDT())
                    .add("label", DataTypes.DoubleType));
    List<DpSgd.Example[]> units = bounded(data, 4, salt(3)).collect();
    assertThat(units).hasSize(1);
    assertThat(units.get(0)).hasSize(4);
  }

  private static JavaRDD<DpSgd.Example[]> bounded(Dataset<Row> data, int k, byte[] salt) {
    return UnitRows.bounded(
        data, "u", "features", "label", 1, label -> label == 0 || label == 1, k, salt);
  }

  /** Per unit, the bit mask of the feature values (0..5) it kept. */
  private static List<Integer> keptSets(Dataset<Row> data, byte[] salt) {
    return bounded(data, 2, salt)
        .map(
            unit -> {
              int mask = 0;
              for (DpSgd.Example e : unit) {
                mask |= 1 << (int) e.features.apply(0);
              }
              return mask;
            })
        .collect();
  }

  private static List<String> sortedByUnit(Dataset<Row> data, byte[] salt) {
    List<String> out =
        new ArrayList<>(
            bounded(data, 2, salt)
                .map(
                    unit ->
                        Arrays.toString(
                            Arrays.stream(unit).mapToDouble(e -> e.features.apply(0)).toArray()))
                .collect());
    return out;
  }

  private static byte[] salt(int tag) {
    byte[] s = new byte[32];
    Arrays.fill(s, (byte) (17 * tag));
    return s;
  }

  // ---- clipping and sampling ----

  /**
   * A unit of 50 rows, each with a gradient 100 times C, moves the noiseless step sum by at most C
   * in both modes; in "sum" mode by exactly C (the sum of its clipped gradients, of norm about
   * 50·C, is clipped to C), in "mean" mode by the norm of the mean of 50 clipped gradients of norm
   * C that point almost the same way (between 0.9·C and C). Treated as 50 one-row units the same
   * rows move it by about 50·C. q = 1, so every unit is in the step: the check is exact, with no
   * noise and no sampling.
   */
  @Test
  void unitContribution_aUnitWithManyRows_movesTheSumByAtMostC_inBothModes() {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
    List<DpSgd.Example[]> base = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      base.add(new DpSgd.Example[] {new DpSgd.Example(i % 2, Vectors.dense(0.1 * i - 1, 0.5))});
    }
    DpSgd.Example[] heavy = new DpSgd.Example[50];
    for (int j = 0; j < 50; j++) {
      heavy[j] = new DpSgd.Example(0, Vectors.dense(100 + j, 100 - j)); // gradient ~ 70-100 per row
    }
    List<DpSgd.Example[]> withUnit = new ArrayList<>(base);
    withUnit.add(heavy);
    List<DpSgd.Example[]> withRows = new ArrayList<>(base);
    Arrays.stream(heavy).forEach(e -> withRows.add(new DpSgd.Example[] {e}));
    double c = 1.0;
    double[] w = {0.3, -0.2, 0.1};
    for (UnitGradient mode : UnitGradient.values()) {
      double[] s0 = sum(jsc, base, w, c, mode);
      double[] s1 = sum(jsc, withUnit, w, c, mode);
      double[] s2 = sum(jsc, withRows, w, c, mode);
      double moved = distance(s0, s1);
      assertThat(moved)
          .as("%s", mode)
          .isLessThanOrEqualTo(c * (1 + 1e-12))
          .isGreaterThan((mode == UnitGradient.SUM ? 0.99 : 0.9) * c);
      assertThat(distance(s0, s2)).as("row-level clipping of the same rows").isGreaterThan(40 * c);
    }
  }

  /** Clipping aims at C(1 − 2^-30) (DpSgd.clipTarget): exact values are met within that margin. */
  private static final org.assertj.core.data.Offset<Double> CLIP_MARGIN =
      org.assertj.core.api.Assertions.within(2e-9);

  /**
   * A hand-computed unit of two rows, no intercept, w = 0 (so ℓ' = 1/2 − y): row A, x = (6, 8), y =
   * 0, has gradient (3, 4) of norm 5, clipped to C = 1: (0.6, 0.8); row B, x = (0.4, 0), y = 1, has
   * gradient (−0.2, 0), unclipped. "mean" adds exactly their mean (0.2, 0.4); "sum" adds their sum
   * (0.4, 0.8), of norm 0.894 &lt; C, so unclipped. A one-row unit adds its clipped gradient in
   * both modes.
   */
  @Test
  void unitContribution_handComputed_meanIsTheExactMean_sumIsTheSum() {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
    DpSgd.Example a = new DpSgd.Example(0, Vectors.dense(6, 8));
    DpSgd.Example b = new DpSgd.Example(1, Vectors.dense(0.4, 0));
    List<DpSgd.Example[]> unit = List.<DpSgd.Example[]>of(new DpSgd.Example[] {a, b});
    double[] mean =
        DpSgd.stepSum(
            jsc.parallelize(unit, 1),
            new double[2],
            2,
            false,
            DpSgd.Loss.LOGISTIC,
            UnitGradient.MEAN,
            1.0,
            1.0,
            salt(6),
            0);
    double[] sum =
        DpSgd.stepSum(
            jsc.parallelize(unit, 1),
            new double[2],
            2,
            false,
            DpSgd.Loss.LOGISTIC,
            UnitGradient.SUM,
            1.0,
            1.0,
            salt(6),
            0);
    assertThat(mean[0]).isCloseTo(0.2, CLIP_MARGIN);
    assertThat(mean[1]).isCloseTo(0.4, CLIP_MARGIN);
    assertThat(sum[0]).isCloseTo(0.4, CLIP_MARGIN);
    assertThat(sum[1]).isCloseTo(0.8, CLIP_MARGIN);
    for (UnitGradient mode : UnitGradient.values()) {
      double[] acc = new double[2];
      double norm =
          DpSgd.addUnitGradient(
              new double[2],
              2,
              false,
              new DpSgd.Example[] {a},
              DpSgd.Loss.LOGISTIC,
              1.0,
              mode,
              acc,
              new double[2]);
      assertThat(acc).as("%s, one row", mode).containsExactly(new double[] {0.6, 0.8}, CLIP_MARGIN);
      assertThat(norm).isCloseTo(1.0, CLIP_MARGIN).isLessThan(1.0);
    }
  }

  /**
   * "sum" still clips a unit's sum at C: two rows whose clipped gradients (0.6, 0.8) add up to
   * (1.2, 1.6), norm 2, clipped to exactly (0.6, 0.8); "mean" gives the same vector here, without
   * clipping, since both rows are alike.
   */
  @Test
  void unitContribution_sumMode_clipsTheSumAtC() {
    DpSgd.Example a = new DpSgd.Example(0, Vectors.dense(6, 8));
    for (UnitGradient mode : UnitGradient.values()) {
      double[] acc = new double[2];
      double norm =
          DpSgd.addUnitGradient(
              new double[2],
              2,
              false,
              new DpSgd.Example[] {a, a},
              DpSgd.Loss.LOGISTIC,
              1.0,
              mode,
              acc,
              new double[2]);
      assertThat(acc).as("%s", mode).containsExactly(new double[] {0.6, 0.8}, CLIP_MARGIN);
      assertThat(norm).isCloseTo(1.0, CLIP_MARGIN).isLessThan(1.0);
    }
  }

  private static double[] sum(
      JavaSparkContext jsc, List<DpSgd.Example[]> units, double[] w, double c, UnitGradient mode) {
    return DpSgd.stepSum(
        jsc.parallelize(units, 3), w, 2, true, DpSgd.Loss.LOGISTIC, mode, 1.0, c, salt(4), 0);
  }

  private static double distance(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return Math.sqrt(s);
  }

  /**
   * Sampling is of units: 1,000 units of 4 rows, each row adding exactly 1 to the intercept's
   * coordinate (squared loss at w = 0, label −1, x = 0; C = 10 clips nothing), so in "sum" mode a
   * step's sum is 4 times the number of units sampled, never a sum of single rows. The number
   * sampled is within 6 standard deviations of q·1000 (false failure below 2·10^-9 per step for a
   * random key; fixed here, so deterministic).
   */
  @Test
  void sampling_isPerUnit() {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
    List<DpSgd.Example[]> units = new ArrayList<>();
    for (int u = 0; u < 1000; u++) {
      DpSgd.Example[] rows = new DpSgd.Example[4];
      Arrays.fill(rows, new DpSgd.Example(-1, Vectors.dense(0.0)));
      units.add(rows);
    }
    JavaRDD<DpSgd.Example[]> rdd = jsc.parallelize(units, 4).cache();
    double q = 0.5;
    for (long step = 0; step < 5; step++) {
      double[] s =
          DpSgd.stepSum(
              rdd,
              new double[2],
              1,
              true,
              DpSgd.Loss.SQUARED,
              UnitGradient.SUM,
              q,
              10,
              salt(5),
              step);
      double sampled = s[1] / 4;
      assertThat(sampled).as("whole units only").isEqualTo(Math.rint(sampled));
      assertThat(Math.abs(sampled - 500)).isLessThan(6 * Math.sqrt(1000 * q * (1 - q)));
    }
    rdd.unpersist();
  }

  /** The unit-level fit runs on multi-row data and learns the signal. */
  @Test
  void unitLevelFit_learnsOnMultiRowData() {
    PrivacyBudget budget = PrivacyBudget.inMemory(50, 1e-5, OrderGrid.defaults(), PERSON);
    DPLogisticRegressionModel model =
        unitLevel(budget).setSampleRate(0.25).setEpochs(5).setNoiseMultiplier(0.5).fit(people);
    assertThat(model.coefficients().apply(0)).isPositive();
    assertThat(model.coefficients().apply(1)).isNegative();
    assertThat(budget.spent().epsilon()).isGreaterThan(0);
  }
}
