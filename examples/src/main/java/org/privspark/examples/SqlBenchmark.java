package org.privspark.examples;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.rand;
import static org.privspark.examples.BenchmarkRuns.jsonArray;
import static org.privspark.examples.BenchmarkRuns.median;
import static org.privspark.examples.BenchmarkRuns.time;
import static org.privspark.examples.BenchmarkRuns.value;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.IntSupplier;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyUnit;
import org.privspark.core.aggregation.NoiseKind;
import org.privspark.core.ledger.Ledger;
import org.privspark.core.ledger.LocalDirectoryStore;
import org.privspark.core.ledger.OpeningStore;
import org.privspark.core.ledger.note.KeyFiles;
import org.privspark.core.ledger.note.NoteSigner;
import org.privspark.spark.ledger.HadoopLedgerStore;
import org.privspark.spark.sql.PrivateAggregation;
import org.privspark.spark.sql.PrivateDataFrame;
import org.privspark.sql.PrivSparkExtensions;

/**
 * Job {@code benchmark-sql}: the wall clock of one DP query sent as {@code SELECT WITH
 * DIFFERENTIAL_PRIVACY} through {@code spark.sql}, against the same query written with the
 * DataFrame API, in the same session, on the same Parquet files. Issue 16's target: SQL ≤ 1.1 ×
 * DataFrame at 10 M rows.
 *
 * <p><b>Data.</b> Synthetic visits, generated in Spark with seeded {@code rand} and written once as
 * Parquet in a temporary directory: N rows, N/10 persons {@code user_id} with a heavy tail (as in
 * {@link AggregationBenchmark}: unit = ⌊(N/10)·u³⌋), {@code day} one of {@value #DAYS} days and
 * {@code country} one of {@value #COUNTRIES} codes, uniform (600 groups), {@code amount} uniform in
 * [0, 100). An external catalog table over those files is made private by its TBLPROPERTIES.
 *
 * <p><b>Query.</b> Per (day, country): COUNT(*), SUM(amount, 0, 100), AVG(amount, 0, 100); L0 =
 * {@value #MAX_GROUPS}, L∞ = {@value #MAX_ROWS_PER_GROUP}, ε = 1, δ = 1e-6, Laplace noise, private
 * groups (DP partition selection), noise columns on. <i>SQL</i>: {@link #sql} through {@code
 * spark.sql}, which plans, opens the table's ledger, charges and runs (a command), then the
 * returned rows collected. <i>DataFrame</i>: the ledger opened the way the command opens it, then
 * {@code PrivateDataFrame.of(spark.read().parquet(location), "user_id", "person", ledger.budget())}
 * with the same statistics in the same order, {@code run()} and collected. The guard refuses {@code
 * spark.table} on the private table, and reads of its files by path, so the DataFrame path reads a
 * copy of the files written from the same seed (the same rows in the same layout). Each path
 * charges a ledger of its own (same budget, keys of their own); each secret is fresh.
 *
 * <p><b>Method.</b> One session ({@code local[2]} unless told, the extension loaded). Each path
 * runs {@code warmups} times untimed, then {@code runs} times timed, interleaved and alternating
 * which goes first (SQL, DF, DF, SQL, …) so that drift and bursts of load from other processes hit
 * both alike; medians of wall-clock and JVM CPU seconds. Then planning alone, {@code planRuns}
 * times each after one untimed call: the SQL parser's {@code parsePlan} of the statement (the DP
 * clause is planned there: Spark's analysis of the FROM clause, the planner's checks, the public
 * groups; no ledger, no data), {@code EXPLAIN SELECT WITH DIFFERENTIAL_PRIVACY} collected (that
 * plus opening the ledger and the planner's prediction; nothing is read or spent), and its
 * DataFrame counterpart: opening the ledger, {@code read().parquet} and {@code explain()}. Each
 * timed run also prints what Spark ran for each path ({@link SparkWork}: jobs, stages, tasks, the
 * tasks' run and CPU time), so that a wall-clock difference can be traced to Spark's work or to the
 * driver.
 *
 * <p>Not thread-safe; one benchmark per JVM (it starts the session with the extension).
 */
public final class SqlBenchmark {
  /** Sizes measured when none are given. */
  public static final List<Long> DEFAULT_SIZES = List.of(10_000_000L);

  /** Rows per person, on average. */
  public static final int ROWS_PER_UNIT = 10;

  /** Distinct days. */
  public static final int DAYS = 30;

  /** Distinct countries. */
  public static final int COUNTRIES = 20;

  /** L0 of the query. */
  public static final int MAX_GROUPS = 5;

  /** L∞ of the query. */
  public static final int MAX_ROWS_PER_GROUP = 10;

  /** Clamping bounds of {@code amount}. */
  public static final double LOWER = 0;

  public static final double UPPER = 100;

  /** ε and δ of one query. */
  public static final double EPSILON = 1.0;

  public static final double DELTA = 1e-6;

  /** Each ledger's budget: more than any run here spends. */
  private static final double BUDGET_EPSILON = 1e6;

  private static final double BUDGET_DELTA = 0.01;

  private static final long DEFAULT_SEED = 20_261_207L;

  private static final String UNIT_NAME = "person";

  private SqlBenchmark() {}

  /**
   * The settings of one invocation.
   *
   * @param sizes row counts N, each &ge; {@value #ROWS_PER_UNIT}
   * @param master Spark master; null means the launcher's {@code spark.master}, else {@code
   *     local[2]}
   * @param partitions shuffle partitions and partitions (files) of the generated data, &ge; 1
   * @param warmups untimed runs of each path, &ge; 0
   * @param runs timed runs of each path, &ge; 1
   * @param planRuns timed planning-only calls of each kind, &ge; 1
   * @param seed seed of the generated data
   * @param conf extra Spark settings, {@code key=value} each (for experiments)
   */
  public record Settings(
      List<Long> sizes,
      String master,
      int partitions,
      int warmups,
      int runs,
      int planRuns,
      long seed,
      List<String> conf) {
    public Settings {
      sizes = List.copyOf(sizes);
      conf = BenchmarkSessions.checkConf(conf);
      if (sizes.isEmpty()) {
        throw new IllegalArgumentException("sizes must list at least one row count; got none");
      }
      for (long n : sizes) {
        if (n < ROWS_PER_UNIT) {
          throw new IllegalArgumentException(
              "each size must be >= " + ROWS_PER_UNIT + "; got " + n);
        }
      }
      if (partitions < 1) {
        throw new IllegalArgumentException("partitions must be >= 1; got " + partitions);
      }
      if (warmups < 0) {
        throw new IllegalArgumentException("warmups must be >= 0; got " + warmups);
      }
      if (runs < 1) {
        throw new IllegalArgumentException("runs must be >= 1; got " + runs);
      }
      if (planRuns < 1) {
        throw new IllegalArgumentException("plan-runs must be >= 1; got " + planRuns);
      }
    }

    /** 10 M rows, 8 partitions, 1 warm-up, 3 timed runs, 5 planning calls. */
    public static Settings defaults() {
      return new Settings(
          DEFAULT_SIZES,
          null,
          AggregationBenchmark.DEFAULT_PARTITIONS,
          1,
          3,
          5,
          DEFAULT_SEED,
          List.of());
    }

    /**
     * Parses {@code [--master M] [--partitions P] [--warmups W] [--runs R] [--plan-runs R] [--seed
     * S] [--conf key=value]... [N1,N2,...]}; sizes accept {@code _} separators and the suffixes
     * {@code k} and {@code M}.
     */
    public static Settings parse(String... args) {
      Settings d = defaults();
      List<Long> sizes = d.sizes();
      String master = d.master();
      int partitions = d.partitions();
      int warmups = d.warmups();
      int runs = d.runs();
      int planRuns = d.planRuns();
      long seed = d.seed();
      List<String> conf = new ArrayList<>();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--master" -> master = value(args, ++i, a);
          case "--partitions" -> partitions = integer(value(args, ++i, a), a);
          case "--warmups" -> warmups = integer(value(args, ++i, a), a);
          case "--runs" -> runs = integer(value(args, ++i, a), a);
          case "--plan-runs" -> planRuns = integer(value(args, ++i, a), a);
          case "--seed" -> seed = Long.parseLong(value(args, ++i, a));
          case "--conf" -> conf.add(value(args, ++i, a));
          default -> {
            if (a.startsWith("-")) {
              throw new IllegalArgumentException(
                  "unknown option '"
                      + a
                      + "'; options are --master, --partitions, --warmups, --runs, --plan-runs,"
                      + " --seed, --conf");
            }
            sizes = Arrays.stream(a.split(",")).map(BenchmarkRuns::parseSize).toList();
          }
        }
      }
      return new Settings(sizes, master, partitions, warmups, runs, planRuns, seed, conf);
    }

    private static int integer(String s, String option) {
      try {
        return Integer.parseInt(s);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(option + " must be an integer; got '" + s + "'", e);
      }
    }
  }

  /**
   * The figures for one size, in seconds, per timed call in call order: wall clock and CPU seconds
   * of the JVM (NaN where the platform cannot tell).
   *
   * @param rows N
   * @param sqlRuns SQL path, wall clock
   * @param dfRuns DataFrame path, wall clock
   * @param sqlCpu SQL path, CPU
   * @param dfCpu DataFrame path, CPU
   * @param parseRuns the SQL parser's {@code parsePlan} of the DP statement (planning alone)
   * @param explainRuns {@code EXPLAIN SELECT WITH DIFFERENTIAL_PRIVACY}, collected
   * @param dfExplainRuns ledger opened, {@code read().parquet}, {@code explain()}
   * @param sqlGroups groups the last timed SQL run released
   * @param dfGroups groups the last timed DataFrame run released
   */
  public record Result(
      long rows,
      double[] sqlRuns,
      double[] dfRuns,
      double[] sqlCpu,
      double[] dfCpu,
      double[] parseRuns,
      double[] explainRuns,
      double[] dfExplainRuns,
      int sqlGroups,
      int dfGroups) {
    public Result {
      sqlRuns = sqlRuns.clone();
      dfRuns = dfRuns.clone();
      sqlCpu = sqlCpu.clone();
      dfCpu = dfCpu.clone();
      parseRuns = parseRuns.clone();
      explainRuns = explainRuns.clone();
      dfExplainRuns = dfExplainRuns.clone();
    }

    /** SQL / DataFrame, medians of wall clock; the target is ≤ 1.1. */
    public double ratio() {
      return median(sqlRuns) / median(dfRuns);
    }

    /** SQL / DataFrame, medians of CPU seconds. */
    public double cpuRatio() {
      return median(sqlCpu) / median(dfCpu);
    }

    /** One JSON object with every figure; NaN as null. */
    public String toJson() {
      return String.format(
          Locale.ROOT,
          "{\"rows\":%d,\"sql_s\":%s,\"df_s\":%s,\"sql_over_df\":%s,\"sql_cpu_s\":%s,"
              + "\"df_cpu_s\":%s,\"sql_over_df_cpu\":%s,\"parse_s\":%s,\"explain_s\":%s,"
              + "\"df_explain_s\":%s,\"sql_runs_s\":%s,\"df_runs_s\":%s,\"sql_cpu_runs_s\":%s,"
              + "\"df_cpu_runs_s\":%s,\"parse_runs_s\":%s,\"explain_runs_s\":%s,"
              + "\"df_explain_runs_s\":%s,\"sql_groups\":%d,\"df_groups\":%d}",
          rows,
          number(median(sqlRuns), 3),
          number(median(dfRuns), 3),
          number(ratio(), 3),
          number(median(sqlCpu), 3),
          number(median(dfCpu), 3),
          number(cpuRatio(), 3),
          number(median(parseRuns), 4),
          number(median(explainRuns), 4),
          number(median(dfExplainRuns), 4),
          jsonArray(sqlRuns, 3),
          jsonArray(dfRuns, 3),
          jsonArray(sqlCpu, 3),
          jsonArray(dfCpu, 3),
          jsonArray(parseRuns, 4),
          jsonArray(explainRuns, 4),
          jsonArray(dfExplainRuns, 4),
          sqlGroups,
          dfGroups);
    }
  }

  /**
   * The DP statement the SQL path sends, over {@code table}. The aliases are the DataFrame API's
   * names, which the extension gives an aggregate without {@code AS} too; they keep the statement
   * valid for extensions built before that (3121a8c).
   */
  public static String sql(String table) {
    return String.format(
        Locale.ROOT,
        "SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = %s, delta = %s,"
            + " max_groups_contributed = %d, max_contributions_per_group = %d, noise = 'laplace')"
            + " day, country, COUNT(*) AS count, SUM(amount, %s, %s) AS sum_amount,"
            + " AVG(amount, %s, %s) AS mean_amount"
            + " FROM %s GROUP BY day, country",
        EPSILON,
        DELTA,
        MAX_GROUPS,
        MAX_ROWS_PER_GROUP,
        LOWER,
        UPPER,
        LOWER,
        UPPER,
        table);
  }

  /** The same query with the DataFrame API, built but not run. */
  static PrivateAggregation dataFrameQuery(Dataset<Row> visits, Ledger ledger) {
    return PrivateDataFrame.of(visits, "user_id", UNIT_NAME, ledger.budget())
        .maxGroupsContributed(MAX_GROUPS)
        .maxContributionsPerGroup(MAX_ROWS_PER_GROUP)
        .groupBy("day", "country")
        .count()
        .sum("amount", LOWER, UPPER)
        .mean("amount", LOWER, UPPER)
        .epsilon(EPSILON)
        .delta(DELTA)
        .noise(NoiseKind.LAPLACE);
  }

  /** Runs the job: {@code benchmark-sql [options] [sizes]}, see {@link Settings#parse}. */
  public static void main(String[] args) {
    Settings settings = Settings.parse(args);
    Path dir;
    try {
      dir = Files.createTempDirectory("privspark-benchmark-sql");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Keys keys = Keys.write(dir);
      SparkSession spark = session(settings, dir, keys.sql());
      try {
        List<Result> results = new ArrayList<>();
        for (long n : settings.sizes()) {
          System.out.printf(Locale.ROOT, "benchmark-sql: %,d rows ...%n", n);
          results.add(measure(spark, n, settings, dir, keys));
        }
        System.out.print(table(results));
        System.out.println(json(spark, settings, results));
      } finally {
        spark.stop();
      }
    } finally {
      delete(dir);
    }
  }

  /**
   * The session: the extension loaded, {@code spark.privspark.ledger.key} = the SQL ledger's key,
   * the warehouse in {@code dir}, {@code settings.partitions()} shuffle partitions, then {@code
   * settings.conf()}.
   */
  static SparkSession session(Settings settings, Path dir, Path sqlKey) {
    SparkSession.Builder builder =
        BenchmarkSessions.loopback("privspark-benchmark-sql")
            .config("spark.sql.shuffle.partitions", Integer.toString(settings.partitions()))
            .config("spark.sql.extensions", PrivSparkExtensions.class.getName())
            .config("spark.privspark.ledger.key", sqlKey.toString())
            .config("spark.sql.warehouse.dir", dir.resolve("warehouse").toString());
    return BenchmarkSessions.start(builder, settings.master(), settings.conf());
  }

  /** The two ledgers' keys: SQL's (the session's conf) and the DataFrame path's. */
  record Keys(Path sql, Path df) {
    static Keys write(Path dir) {
      try {
        Path sql = dir.resolve("KEY-sql");
        KeyFiles.write(sql, NoteSigner.generate("bench-sql"));
        Path df = dir.resolve("KEY-df");
        KeyFiles.write(df, NoteSigner.generate("bench-df"));
        return new Keys(sql, df);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * Counts what Spark ran between two calls of {@link #take}: jobs, stages, tasks, and the tasks'
   * run and CPU time summed over tasks (so a path that ran more or longer tasks shows it even when
   * other processes stretch the wall clock). Counts and times only, of synthetic data.
   */
  static final class SparkWork extends org.apache.spark.scheduler.SparkListener {
    private final java.util.concurrent.atomic.AtomicLong jobs =
        new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong stages =
        new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong tasks =
        new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong runMs =
        new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong cpuNs =
        new java.util.concurrent.atomic.AtomicLong();

    @Override
    public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart e) {
      jobs.incrementAndGet();
    }

    @Override
    public void onStageCompleted(org.apache.spark.scheduler.SparkListenerStageCompleted e) {
      stages.incrementAndGet();
    }

    @Override
    public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd e) {
      tasks.incrementAndGet();
      if (e.taskMetrics() != null) {
        runMs.addAndGet(e.taskMetrics().executorRunTime());
        cpuNs.addAndGet(e.taskMetrics().executorCpuTime());
      }
    }

    /** "J jobs, S stages, T tasks, task time R s (CPU C s)" since the last call; resets. */
    String take(SparkSession spark) {
      try {
        // Task-end events arrive asynchronously; Spark's own tests wait for them the same way.
        spark.sparkContext().listenerBus().waitUntilEmpty();
      } catch (java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException("Spark's listener bus did not drain", e);
      }
      return String.format(
          Locale.ROOT,
          "%d jobs, %d stages, %d tasks, task time %.2f s (CPU %.2f s)",
          jobs.getAndSet(0),
          stages.getAndSet(0),
          tasks.getAndSet(0),
          runMs.getAndSet(0) / 1e3,
          cpuNs.getAndSet(0) / 1e9);
    }
  }

  /** The synthetic visits, lazy; see the class comment. */
  static Dataset<Row> generate(SparkSession spark, long rows, int partitions, long seed) {
    long units = rows / ROWS_PER_UNIT;
    Column[] countries = new Column[COUNTRIES];
    for (int i = 0; i < COUNTRIES; i++) {
      countries[i] = lit(String.format(Locale.ROOT, "C%02d", i));
    }
    return spark
        .range(0, rows, 1, partitions)
        .select(
            concat(lit("u"), floor(pow(rand(seed), 3).multiply(units)).cast(DataTypes.StringType))
                .as("user_id"),
            format_string("2026-11-%02d", floor(rand(seed + 1).multiply(DAYS)).plus(1)).as("day"),
            element_at(
                    array(countries),
                    floor(rand(seed + 2).multiply(COUNTRIES)).plus(1).cast(DataTypes.IntegerType))
                .as("country"),
            rand(seed + 3).multiply(100).as("amount"));
  }

  /**
   * Writes {@code rows} visits as Parquet, makes them a private table and two ledgers, then times
   * both paths and planning; prints each run.
   */
  static Result measure(SparkSession spark, long rows, Settings settings, Path dir, Keys keys) {
    String table = "visits_" + rows;
    Path files = dir.resolve("data").resolve(table);
    generate(spark, rows, settings.partitions(), settings.seed()).write().parquet(files.toString());
    // The guard refuses reads by path of a private table's files, so the DataFrame path reads a
    // byte-for-byte equal copy: the same seed writes the same rows in the same files.
    Path copy = dir.resolve("data").resolve(table + "_copy");
    generate(spark, rows, settings.partitions(), settings.seed()).write().parquet(copy.toString());
    Path sqlLedger = dir.resolve("ledgers").resolve(table + "-sql");
    Path dfLedger = dir.resolve("ledgers").resolve(table + "-df");
    createLedger(sqlLedger, keys.sql(), "bench-sql");
    createLedger(dfLedger, keys.df(), "bench-df");
    spark.sql(
        "CREATE TABLE "
            + table
            + " USING parquet LOCATION '"
            + files.toUri()
            + "' TBLPROPERTIES ('privspark.privacy_unit'='user_id',"
            + " 'privspark.privacy_unit_name'='"
            + UNIT_NAME
            + "', 'privspark.ledger'='"
            + sqlLedger
            + "')");
    String statement = sql(table);
    String location = copy.toString();
    int[] groups = new int[2];
    IntSupplier sqlRun = () -> groups[0] = spark.sql(statement).collectAsList().size();
    IntSupplier dfRun =
        () ->
            groups[1] =
                dataFrameQuery(
                        spark.read().parquet(location), openLedger(spark, dfLedger, keys.df()))
                    .run()
                    .collectAsList()
                    .size();
    for (int i = 0; i < settings.warmups(); i++) {
      sqlRun.getAsInt();
      dfRun.getAsInt();
    }
    SparkWork work = new SparkWork();
    spark.sparkContext().addSparkListener(work);
    work.take(spark);
    int n = settings.runs();
    double[][] sql = new double[2][n];
    double[][] df = new double[2][n];
    for (int i = 0; i < n; i++) {
      // Alternate which path goes first, so that neither always follows the other's garbage.
      String sqlWork;
      String dfWork;
      if (i % 2 == 0) {
        time(sqlRun::getAsInt, sql, i);
        sqlWork = work.take(spark);
        time(dfRun::getAsInt, df, i);
        dfWork = work.take(spark);
      } else {
        time(dfRun::getAsInt, df, i);
        dfWork = work.take(spark);
        time(sqlRun::getAsInt, sql, i);
        sqlWork = work.take(spark);
      }
      System.out.printf(Locale.ROOT, "  run %d: SQL: %s; DataFrame: %s%n", i + 1, sqlWork, dfWork);
      System.out.printf(
          Locale.ROOT,
          "  run %d: SQL %.2f s (%d groups), DataFrame %.2f s (%d groups)%n",
          i + 1,
          sql[0][i],
          groups[0],
          df[0][i],
          groups[1]);
    }
    spark.sparkContext().removeSparkListener(work);
    int sqlGroups = groups[0];
    int dfGroups = groups[1];

    var parser = ((org.apache.spark.sql.classic.SparkSession) spark).sessionState().sqlParser();
    IntSupplier parse =
        () -> {
          try {
            return parser.parsePlan(statement).hashCode();
          } catch (org.apache.spark.sql.catalyst.parser.ParseException e) {
            throw new IllegalStateException("the benchmark's statement does not parse", e);
          }
        };
    IntSupplier explain = () -> spark.sql("EXPLAIN " + statement).collectAsList().size();
    IntSupplier dfExplain =
        () ->
            dataFrameQuery(spark.read().parquet(location), openLedger(spark, dfLedger, keys.df()))
                .explain()
                .statistics()
                .size();
    int p = settings.planRuns();
    double[][] parseRuns = new double[2][p];
    double[][] explainRuns = new double[2][p];
    double[][] dfExplainRuns = new double[2][p];
    parse.getAsInt();
    explain.getAsInt();
    dfExplain.getAsInt();
    for (int i = 0; i < p; i++) {
      time(parse::getAsInt, parseRuns, i);
      time(explain::getAsInt, explainRuns, i);
      time(dfExplain::getAsInt, dfExplainRuns, i);
    }
    Result r =
        new Result(
            rows,
            sql[0],
            df[0],
            sql[1],
            df[1],
            parseRuns[0],
            explainRuns[0],
            dfExplainRuns[0],
            sqlGroups,
            dfGroups);
    System.out.printf(
        Locale.ROOT,
        "  median: SQL %.2f s, DataFrame %.2f s, SQL/DataFrame %.3f (CPU %.3f); planning: parse"
            + " %.0f ms, EXPLAIN %.0f ms, DataFrame explain() %.0f ms%n",
        median(r.sqlRuns()),
        median(r.dfRuns()),
        r.ratio(),
        r.cpuRatio(),
        1e3 * median(r.parseRuns()),
        1e3 * median(r.explainRuns()),
        1e3 * median(r.dfExplainRuns()));
    return r;
  }

  private static void createLedger(Path location, Path key, String origin) {
    try {
      Ledger.create(
          new LocalDirectoryStore(location),
          origin,
          BUDGET_EPSILON,
          BUDGET_DELTA,
          OrderGrid.defaults(),
          PrivacyUnit.of(UNIT_NAME, "a visitor"),
          KeyFiles.readSigner(key),
          OpeningStore.in(new LocalDirectoryStore(KeyFiles.openingsPath(key))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Opens a ledger as the SQL command opens the table's: afresh, through Hadoop's file system. */
  private static Ledger openLedger(SparkSession spark, Path location, Path key) {
    try {
      return Ledger.open(
          HadoopLedgerStore.of(location.toString(), spark),
          KeyFiles.readSigner(key),
          OpeningStore.in(new LocalDirectoryStore(KeyFiles.openingsPath(key))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fixed-width table of the results, one line per size. */
  public static String table(List<Result> results) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "%n%12s | %8s | %9s | %8s | %8s | %8s | %9s | %12s | %7s%n",
            "rows",
            "SQL",
            "DataFrame",
            "SQL/DF",
            "CPU",
            "parse",
            "EXPLAIN",
            "DF explain()",
            "groups"));
    out.append("-".repeat(104)).append('\n');
    for (Result r : results) {
      out.append(
          String.format(
              Locale.ROOT,
              "%,12d | %7.2fs | %8.2fs | %8.3f | %8.3f | %6.0fms | %7.0fms | %10.0fms | %3d/%3d%n",
              r.rows(),
              median(r.sqlRuns()),
              median(r.dfRuns()),
              r.ratio(),
              r.cpuRatio(),
              1e3 * median(r.parseRuns()),
              1e3 * median(r.explainRuns()),
              1e3 * median(r.dfExplainRuns()),
              r.sqlGroups(),
              r.dfGroups()));
    }
    out.append(
        "medians; SQL/DF: wall clock (target <= 1.1), CPU: the same in CPU seconds of the JVM;"
            + " parse: the parser's\nparsePlan of the DP statement (planning alone); EXPLAIN:"
            + " EXPLAIN SELECT WITH DIFFERENTIAL_PRIVACY collected;\nDF explain(): ledger"
            + " opened, read().parquet, explain(); groups: released by the last SQL/DF run\n");
    return out.toString();
  }

  /** The one-line JSON report: settings, environment and every result. */
  public static String json(SparkSession spark, Settings settings, List<Result> results) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "{\"benchmark\":\"sql\",\"master\":\"%s\",\"spark\":\"%s\",\"java\":\"%s\","
                + "\"shuffle_partitions\":%d,\"warmups\":%d,\"runs\":%d,\"plan_runs\":%d,"
                + "\"seed\":%d,\"epsilon\":%s,\"delta\":%s,\"l0\":%d,\"linf\":%d,\"conf\":%d,"
                + "\"results\":[",
            spark.sparkContext().master(),
            spark.version(),
            System.getProperty("java.vm.version"),
            settings.partitions(),
            settings.warmups(),
            settings.runs(),
            settings.planRuns(),
            settings.seed(),
            EPSILON,
            DELTA,
            MAX_GROUPS,
            MAX_ROWS_PER_GROUP,
            settings.conf().size()));
    for (int i = 0; i < results.size(); i++) {
      out.append(i == 0 ? "" : ",").append(results.get(i).toJson());
    }
    return out.append("]}").toString();
  }

  /**
   * Runs {@code action} once; stores its wall-clock seconds in {@code out[0][i]} and the CPU
   * seconds of this JVM meanwhile in {@code out[1][i]} (NaN if the platform does not tell).
   */
  private static String number(double value, int digits) {
    return Double.isFinite(value) ? String.format(Locale.ROOT, "%." + digits + "f", value) : "null";
  }

  private static void delete(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("benchmark-sql: could not delete " + dir + ": " + e.getMessage());
    }
  }
}
