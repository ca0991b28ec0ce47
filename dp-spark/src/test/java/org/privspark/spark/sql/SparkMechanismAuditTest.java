package org.privspark.spark.sql;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.aggregation.NoiseKind;
import org.privspark.core.audit.empirical.PrivacyLossAudit;
import org.privspark.core.mechanism.TruncatedGeometricPartitionSelection;
import org.privspark.core.noise.Secret;
import org.privspark.spark.SparkTestSession;

/**
 * Empirical privacy audits ({@link PrivacyLossAudit}, from dp-core's test-jar) of {@link
 * PrivateDataFrame} releases on Spark: count, sum, mean, median and private partition selection,
 * each on D against D' = D plus one privacy unit that has many rows in many groups, so that the
 * release's L0/L∞ bounding is what keeps the loss within the claim. Each correct release's lower
 * bound ε̂ stays at or below the ε it was charged; each deliberately broken variant is flagged (ε̂
 * above the claim), which shows the audit has power against it.
 *
 * <p><b>The data, per release.</b> D: groups g0..g4, each with {@value #BASE_UNITS} units of one
 * row (values in [1, 9], public bounds [0, 10]). The extra unit of D' has {@value #EXTRA_ROWS} rows
 * of value 10 in each of the 5 groups. The honest count, sum and mean bound with L0 = 2 and L∞ = 2,
 * so after bounding the extra unit adds 2 rows to 2 of its 5 groups, chosen at random per release;
 * the median bounds with L0 = L∞ = 1 at ε = 2 (a median read off 64 noisy bins at 4 per bin is
 * noise only, with this few rows). The audited output is a post-processing of the release: the sum
 * over the 5 groups of the statistic (all the groups the unit can reach, so its effect does not
 * depend on which it reached). Post-processing never increases the loss, so the claim is the
 * query's ε.
 *
 * <p><b>Many releases per Spark job</b> (as in {@link NeighbouringDatasetTest}). One query computes
 * 2n releases side by side: the data set is copied under a key {@code rep}, every unit becomes the
 * distinct unit {@code rep:unit}, and the query groups by (rep, grp). Replicate r's output depends
 * only on its own rows; its noise cells are distinct (the cell id contains the key) and its units'
 * bounding choices are keyed by distinct unit ids, so the replicates are independent releases with
 * the distribution of a single release (taking AES-CTR keyed by the secret as a pseudorandom
 * function). Replicates 0..n−1 are the audit's exploration sample, n..2n−1 its certification
 * sample. D and D' are separate jobs with distinct fixed secrets ({@code releaseSecret}).
 *
 * <p><b>The broken variants</b>, constructible without touching production code:
 *
 * <ul>
 *   <li><b>bounding disabled</b> (count, sum, mean, median): L0 = 5, L∞ = {@value #EXTRA_ROWS}, so
 *       nothing of the extra unit is dropped, run at ε' = ε·(5·{@value #EXTRA_ROWS})/(L0·L∞) of the
 *       honest query, which adds exactly its noise (every scale is L0·L∞·c/ε; the test checks the
 *       count's noise std). The claim stays ε: what someone believes who thinks the data were
 *       bounded as in the honest query. The real loss is 50/(L0·L∞) times the claim (12.5, or 50
 *       for the median).
 *   <li><b>public groups taken from the private data</b> (selection): the query is given, as
 *       "public" groups, the distinct keys of its own input. A key only the extra unit has is then
 *       always released from D' and never from D, whatever the noise.
 * </ul>
 *
 * <p><b>False failures.</b> The secrets are fixed, so every run is deterministic. For fresh secrets
 * a correct release is wrongly flagged with probability at most α = 10^-6 per case (the harness's
 * Clopper–Pearson bound), so at most {@value #CORRECT_CASES}·10^-6 over the correct cases here.
 */
class SparkMechanismAuditTest {
  static final double EPSILON = 1.0;
  static final double DELTA = 1e-5;
  static final double LOWER = 0;
  static final double UPPER = 10;
  static final long L0 = 2;
  static final long L_INF = 2;
  static final int GROUPS = 5;
  static final int BASE_UNITS = 5;
  static final int EXTRA_ROWS = 10;
  static final int CORRECT_CASES = 6;

  /** Releases per data set and phase in the default suite. */
  static final int RELEASES = 1_000;

  /** Releases per data set and phase with -Preliability. */
  static final int HEAVY_RELEASES = 5_000;

  private static final StructType SCHEMA =
      new StructType()
          .add("unit", DataTypes.StringType)
          .add("grp", DataTypes.StringType)
          .add("v", DataTypes.DoubleType);

  /** The statistics audited; the feature of a release is the sum over groups of the statistic. */
  enum Statistic {
    COUNT("count", L0, L_INF, EPSILON),
    SUM("sum_v", L0, L_INF, EPSILON),
    MEAN("mean_v", L0, L_INF, EPSILON),
    // A median read off 64 noisy bins is swamped by their noise at L0·L∞/ε = 4 per bin with a few
    // rows per group; at L0 = L∞ = 1 and ε = 2 (0.5 per bin) the data still move it.
    MEDIAN("quantiles_v", 1, 1, 2 * EPSILON);

    final String column;
    final long l0;
    final long lInf;
    final double epsilon;

    Statistic(String column, long l0, long lInf, double epsilon) {
      this.column = column;
      this.l0 = l0;
      this.lInf = lInf;
      this.epsilon = epsilon;
    }

    /** ε' of the bounding-disabled variant: the honest noise with L0 = 5, L∞ = EXTRA_ROWS. */
    double epsilonUnbounded() {
      return epsilon * GROUPS * EXTRA_ROWS / (l0 * lInf);
    }

    String bounds() {
      return l0 == lInf ? "L0 = L∞ = " + l0 : "L0 = " + l0 + ", L∞ = " + lInf;
    }

    PrivateAggregation add(PrivateAggregation q) {
      return switch (this) {
        case COUNT -> q.count();
        case SUM -> q.sum("v", LOWER, UPPER);
        case MEAN -> q.mean("v", LOWER, UPPER);
        case MEDIAN -> q.quantiles("v", LOWER, UPPER, 0.5);
      };
    }

    double value(Row r) {
      return this == MEDIAN
          ? r.<Double>getList(r.fieldIndex(column)).get(0)
          : r.getDouble(r.fieldIndex(column));
    }
  }

  /**
   * One audit case: how to release on a data set of {@code releases} replicates, the rows of D and
   * D', and the claim.
   */
  record Case(
      String name,
      List<Row> d,
      List<Row> dPrime,
      Release release,
      double claimedEpsilon,
      double delta,
      boolean broken) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** n releases of one query on one (replicated) data set: the audited feature of each release. */
  @FunctionalInterface
  interface Release {
    double[] run(Dataset<Row> replicated, int replicates, Secret secret);
  }

  private static SparkSession spark() {
    return SparkTestSession.get();
  }

  static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    List<Row> d = baseRows(BASE_UNITS, GROUPS, "g");
    List<Row> dPrime = withExtraUnit(d, GROUPS, "g", EXTRA_ROWS);
    for (Statistic s : Statistic.values()) {
      String name = s.name().toLowerCase(Locale.ROOT);
      cases.add(
          new Case(
              name + ", " + s.bounds() + ", eps " + s.epsilon,
              d,
              dPrime,
              (data, n, secret) -> publicRelease(data, n, secret, s, s.l0, s.lInf, s.epsilon),
              s.epsilon,
              0,
              false));
      cases.add(
          new Case(
              name + ", bounding disabled (L0 = 5, L∞ = " + EXTRA_ROWS + ", same noise)",
              d,
              dPrime,
              (data, n, secret) ->
                  publicRelease(data, n, secret, s, GROUPS, EXTRA_ROWS, s.epsilonUnbounded()),
              s.epsilon,
              0,
              true));
    }

    // Partition selection (truncated geometric, the default with Laplace noise), private groups.
    // (a) Keys only the extra unit has: x0..x4, none in D. Feature: how many of them are released.
    List<Row> created = withExtraUnit(d, GROUPS, "x", EXTRA_ROWS);
    cases.add(
        new Case(
            "selection, keys created by one unit (5 keys, L0 = 2)",
            d,
            created,
            (data, n, secret) -> keysReleased(data, n, secret, "x", false),
            EPSILON,
            DELTA,
            false));
    cases.add(
        new Case(
            "selection, public groups taken from the private data",
            d,
            created,
            (data, n, secret) -> keysReleased(data, n, secret, "x", true),
            EPSILON,
            DELTA,
            true));
    // (b) Keys k0..k2 with m units each, m where the selection is most random, against the same
    // plus the extra unit in all 3 keys. Feature: how many of the 3 are released.
    int m = halfWayUnits();
    List<Row> nearThreshold = baseRows(m, 3, "k");
    cases.add(
        new Case(
            "selection, " + m + " vs " + (m + 1) + " units in 3 keys (L0 = 2)",
            nearThreshold,
            withExtraUnit(nearThreshold, 3, "k", EXTRA_ROWS),
            (data, n, secret) -> keysReleased(data, n, secret, "k", false),
            EPSILON,
            DELTA,
            false));
    return cases;
  }

  static List<Case> correct() {
    return cases().stream().filter(c -> !c.broken()).toList();
  }

  static List<Case> broken() {
    return cases().stream().filter(Case::broken).toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("correct")
  void audit_correctRelease_staysWithinClaimedEpsilon(Case c) {
    PrivacyLossAudit.Result r = audit(c, RELEASES);
    assertThat(r.epsilonLowerBound())
        .as("%s: %s", c.name(), r)
        .isLessThanOrEqualTo(c.claimedEpsilon());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("broken")
  void audit_brokenRelease_isFlagged(Case c) {
    PrivacyLossAudit.Result r = audit(c, RELEASES);
    assertThat(r.epsilonLowerBound()).as("%s: %s", c.name(), r).isGreaterThan(c.claimedEpsilon());
  }

  @Test
  void cases_countMatchesTheFalseFailureStatement() {
    assertThat(correct()).hasSize(CORRECT_CASES);
  }

  /** The bounding-disabled variants add exactly the honest noise: only the bounding differs. */
  @Test
  void boundingDisabled_addsTheHonestNoise() {
    Dataset<Row> data = replicated(baseRows(BASE_UNITS, GROUPS, "g"), 1);
    double honest = noiseStd(data, L0, L_INF, EPSILON);
    double unbounded = noiseStd(data, GROUPS, EXTRA_ROWS, Statistic.COUNT.epsilonUnbounded());
    assertThat(unbounded).isCloseTo(honest, within(1e-9 * honest));
  }

  @Test
  @Tag("reliability")
  void audit_allCases_heavyReleases() {
    List<String> failures = new ArrayList<>();
    for (Case c : cases()) {
      PrivacyLossAudit.Result r = audit(c, HEAVY_RELEASES);
      if ((r.epsilonLowerBound() > c.claimedEpsilon()) != c.broken()) {
        failures.add(c.name() + ": " + r);
      }
    }
    assertThat(failures).isEmpty();
  }

  /** 2n releases on D and on D' (first half explores, second half certifies), then the audit. */
  static PrivacyLossAudit.Result audit(Case c, int n) {
    long start = System.nanoTime();
    int caseId = Math.floorMod(c.name().hashCode(), 1 << 16);
    double[] onD = releases(c, c.d(), n, secret(caseId, 0, n));
    double[] onDPrime = releases(c, c.dPrime(), n, secret(caseId, 1, n));
    PrivacyLossAudit.Result r =
        PrivacyLossAudit.auditSamples(
            Arrays.copyOfRange(onD, 0, n),
            Arrays.copyOfRange(onDPrime, 0, n),
            Arrays.copyOfRange(onD, n, 2 * n),
            Arrays.copyOfRange(onDPrime, n, 2 * n),
            PrivacyLossAudit.Options.of(n, c.delta()));
    System.out.printf(
        Locale.ROOT,
        "%-60s claimed eps %.4f delta %s: %s [%.1f s]%n",
        c.name(),
        c.claimedEpsilon(),
        c.delta(),
        r,
        (System.nanoTime() - start) / 1e9);
    return r;
  }

  private static double[] releases(Case c, List<Row> rows, int n, Secret secret) {
    Dataset<Row> data = replicated(rows, 2 * n).cache();
    try {
      return c.release().run(data, 2 * n, secret);
    } finally {
      data.unpersist();
    }
  }

  /** Public groups g0..g4 per replicate; the feature is the sum over them of the statistic. */
  private static double[] publicRelease(
      Dataset<Row> data,
      int replicates,
      Secret secret,
      Statistic s,
      long l0,
      long lInf,
      double epsilon) {
    PrivateAggregation q =
        PrivateDataFrame.of(data, "unit", PrivacyBudget.inMemory(1e6, 0.5))
            .maxGroupsContributed(l0)
            .maxContributionsPerGroup(lInf)
            .groupBy("rep", "grp")
            .publicGroups(keys(replicates, GROUPS, "g"));
    List<Row> out =
        s.add(q)
            .epsilon(epsilon)
            .noise(NoiseKind.LAPLACE)
            .releaseSecret(secret)
            .run()
            .collectAsList();
    assertThat(out).hasSize(replicates * GROUPS);
    double[] feature = new double[replicates];
    for (Row r : out) {
      feature[(int) r.getLong(r.fieldIndex("rep"))] += s.value(r);
    }
    return feature;
  }

  /**
   * Private groups (or, broken, the input's own keys passed as public groups); the feature is the
   * number of keys with the given prefix released.
   */
  private static double[] keysReleased(
      Dataset<Row> data, int replicates, Secret secret, String prefix, boolean ownKeysAsPublic) {
    PrivateAggregation q =
        PrivateDataFrame.of(data, "unit", PrivacyBudget.inMemory(1e6, 0.5))
            .maxGroupsContributed(L0)
            .maxContributionsPerGroup(L_INF)
            .groupBy("rep", "grp");
    if (ownKeysAsPublic) {
      q = q.publicGroups(data.select("rep", "grp").distinct());
    }
    List<Row> out =
        q.count()
            .epsilon(EPSILON)
            .delta(DELTA)
            .noise(NoiseKind.LAPLACE)
            .releaseSecret(secret)
            .run()
            .select("rep", "grp")
            .collectAsList();
    double[] feature = new double[replicates];
    for (Row r : out) {
      if (r.getString(1).startsWith(prefix)) {
        feature[(int) r.getLong(0)] += 1;
      }
    }
    return feature;
  }

  /**
   * The unit count at which a key is kept with probability closest to 1/2, for the selection a
   * count query with private groups runs: half of ε (selection and count have weight 1 each) at δ,
   * over L0 groups.
   */
  static int halfWayUnits() {
    TruncatedGeometricPartitionSelection sel =
        TruncatedGeometricPartitionSelection.of(EPSILON / 2, DELTA, L0);
    int m = 1;
    while (sel.keepProbability(m) < 0.5) {
      m++;
    }
    return m;
  }

  private static double noiseStd(Dataset<Row> data, long l0, long lInf, double epsilon) {
    Row r =
        PrivateDataFrame.of(data, "unit", PrivacyBudget.inMemory(1e6, 0.5))
            .maxGroupsContributed(l0)
            .maxContributionsPerGroup(lInf)
            .groupBy("rep", "grp")
            .publicGroups(keys(1, GROUPS, "g"))
            .count()
            .epsilon(epsilon)
            .releaseSecret(secret(0, 9, 0))
            .run()
            .first();
    return r.getDouble(r.fieldIndex("count_noise_std"));
  }

  /**
   * {@code units} units of one row in each of {@code groups} groups prefix0.., values 1, 2, … (≤
   * 10).
   */
  static List<Row> baseRows(int units, int groups, String prefix) {
    List<Row> rows = new ArrayList<>();
    for (int g = 0; g < groups; g++) {
      for (int u = 0; u < units; u++) {
        rows.add(RowFactory.create("b" + g + "_" + u, prefix + g, (double) (1 + (u + g) % 9)));
      }
    }
    return rows;
  }

  /**
   * {@code rows} plus one unit with {@code perGroup} rows of value 10 in each of groups prefix0...
   */
  static List<Row> withExtraUnit(List<Row> rows, int groups, String prefix, int perGroup) {
    List<Row> out = new ArrayList<>(rows);
    for (int g = 0; g < groups; g++) {
      for (int j = 0; j < perGroup; j++) {
        out.add(RowFactory.create("extra", prefix + g, UPPER));
      }
    }
    return out;
  }

  /** The rows, copied {@code replicates} times under key {@code rep}, units renamed rep:unit. */
  static Dataset<Row> replicated(List<Row> rows, int replicates) {
    Dataset<Row> reps = spark().range(replicates).withColumnRenamed("id", "rep");
    return reps.crossJoin(spark().createDataFrame(rows, SCHEMA))
        .select(
            col("rep"),
            concat_ws(":", col("rep").cast("string"), col("unit")).as("unit"),
            col("grp"),
            col("v"));
  }

  private static Dataset<Row> keys(int replicates, int groups, String prefix) {
    List<Row> g = new ArrayList<>();
    for (int i = 0; i < groups; i++) {
      g.add(RowFactory.create(prefix + i));
    }
    return spark()
        .range(replicates)
        .withColumnRenamed("id", "rep")
        .crossJoin(spark().createDataFrame(g, new StructType().add("grp", DataTypes.StringType)));
  }

  /** A fixed secret per (case, data set, size): tests may fix secrets. */
  static Secret secret(int caseId, int dataset, int n) {
    byte[] b = new byte[Secret.LENGTH];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (29 * i + 7);
    }
    b[0] = (byte) caseId;
    b[1] = (byte) (caseId >>> 8);
    b[2] = (byte) dataset;
    b[3] = (byte) n;
    b[4] = (byte) (n >>> 8);
    b[5] = (byte) (n >>> 16);
    return Secret.fromBytes(b);
  }
}
