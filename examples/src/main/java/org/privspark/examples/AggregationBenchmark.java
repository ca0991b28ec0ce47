package org.privspark.examples;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.sum;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.spark.sql.PrivateDataFrame;

/**
 * Job {@code benchmark-aggregation}: how much a private aggregation costs on Spark, against two
 * baselines measured in the same JVM, on the same cached data, in the same run.
 *
 * <p><b>Query.</b> Per group key: count, sum and mean of {@code value} in [0, 100], with private
 * partition selection, L0 = 5, L∞ = 10, ε = 1, δ = 1e-6 ({@link PrivateDataFrame}).
 *
 * <p><b>Baselines.</b> (a) {@code plain}: the same statistics without privacy,
 * {@code groupBy("key").agg(count, sum, avg)}. (b) {@code shuffle}: one shuffle of every row by
 * privacy unit, {@code repartition(col("user"))} written to the {@code noop} sink. Any plan that
 * bounds contributions per unit must move every row to its unit's partition once, so (b) is the
 * floor of a bounded-contribution plan, and DP/(b) is the figure of merit (the goal is ≤ 2).
 *
 * <p><b>Data.</b> Generated in Spark, never on the driver: N rows, N/10 privacy units with a heavy
 * tail (unit = ⌊(N/10)·u³⌋ for u uniform on [0, 1), so unit 0 holds about (N/10)^(−1/3) of all rows:
 * 21,500 rows at N = 10⁶, 100,000 at N = 10⁷), 10,000 group keys uniform, values uniform on
 * [0, 100). Spark's seeded {@code rand}: the data depend only on N, the seed and the number of
 * input partitions. All noise is drawn by PrivSpark from fresh secrets.
 *
 * <p><b>Method.</b> The data set is cached and counted before any timing. Each of the three queries
 * runs {@code warmups} times untimed, then {@code runs} times timed, interleaved (plain, shuffle,
 * DP, plain, …) so that a burst of load from other processes hits all three alike; the report
 * gives the median of the wall-clock times, and also the CPU time the JVM used in each run. With
 * {@code local[N]} every task runs in this JVM, and other processes on a shared machine slow the
 * wall clock but barely change the CPU time; with a cluster master the CPU figures cover the
 * driver only and mean little. Queries (a) and DP are forced by collecting their result (10,000 small rows);
 * (b) has no small result and is written to the {@code noop} sink. The DP time includes
 * {@code run()}: validation, budget charge and planning (milliseconds), and the release's Spark job,
 * which {@code run()} runs (the collect after it reads the rows it holds on the driver).
 *
 * <p>Not thread-safe; one benchmark per {@code SparkSession} at a time.
 */
public final class AggregationBenchmark {
  /** Sizes measured when none are given. */
  public static final List<Long> DEFAULT_SIZES = List.of(1_000_000L, 10_000_000L);
  /** Rows per privacy unit, on average. */
  public static final int ROWS_PER_UNIT = 10;
  /** Distinct group keys. */
  public static final int GROUPS = 10_000;
  /**
   * Shuffle partitions, and partitions of the generated data. 8 on 2 cores: 4 waves of tasks, so a
   * slow task (the heavy unit's partition) is balanced by the others, while per-task overhead stays
   * small next to 1 M rows; Spark's default of 200 costs more in task scheduling than it saves here.
   * Adaptive execution may coalesce them further.
   */
  public static final int DEFAULT_PARTITIONS = 8;

  private static final long DEFAULT_SEED = 20_261_124L;

  private AggregationBenchmark() {}

  /**
   * The settings of one invocation.
   *
   * @param sizes row counts N, each &ge; {@value #ROWS_PER_UNIT}
   * @param master Spark master; null means the launcher's {@code spark.master}, else {@code local[2]}
   * @param partitions shuffle partitions and partitions of the generated data, &ge; 1
   * @param warmups untimed runs of each query, &ge; 0
   * @param runs timed runs of each query, &ge; 1
   * @param seed seed of the generated data
   * @param explain whether to print the DP query's formatted physical plan
   * @param conf extra Spark settings, {@code key=value} each (for experiments)
   */
  public record Settings(List<Long> sizes, String master, int partitions, int warmups, int runs, long seed,
      boolean explain, List<String> conf) {
    public Settings {
      sizes = List.copyOf(sizes);
      conf = BenchmarkSessions.checkConf(conf);
      if (sizes.isEmpty()) {
        throw new IllegalArgumentException("sizes must list at least one row count; got none");
      }
      for (long n : sizes) {
        if (n < ROWS_PER_UNIT) {
          throw new IllegalArgumentException("each size must be >= " + ROWS_PER_UNIT + "; got " + n);
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
    }

    /** The defaults: sizes 1 M and 10 M, 8 partitions, 1 warm-up, 3 timed runs. */
    public static Settings defaults() {
      return new Settings(DEFAULT_SIZES, null, DEFAULT_PARTITIONS, 1, 3, DEFAULT_SEED, false, List.of());
    }

    /**
     * Parses {@code [--master M] [--partitions P] [--warmups W] [--runs R] [--seed S] [--explain]
     * [--conf key=value]... [N1,N2,...]}; sizes accept {@code _} separators and the suffixes
     * {@code k} and {@code M}.
     */
    public static Settings parse(String... args) {
      Settings d = defaults();
      List<Long> sizes = d.sizes();
      String master = d.master();
      int partitions = d.partitions();
      int warmups = d.warmups();
      int runs = d.runs();
      long seed = d.seed();
      boolean explain = false;
      List<String> conf = new ArrayList<>();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--master" -> master = value(args, ++i, a);
          case "--partitions" -> partitions = Integer.parseInt(value(args, ++i, a));
          case "--warmups" -> warmups = Integer.parseInt(value(args, ++i, a));
          case "--runs" -> runs = Integer.parseInt(value(args, ++i, a));
          case "--seed" -> seed = Long.parseLong(value(args, ++i, a));
          case "--explain" -> explain = true;
          case "--conf" -> conf.add(value(args, ++i, a));
          default -> {
            if (a.startsWith("-")) {
              throw new IllegalArgumentException("unknown option '" + a
                  + "'; options are --master, --partitions, --warmups, --runs, --seed, --explain, --conf");
            }
            sizes = Arrays.stream(a.split(",")).map(Settings::parseSize).toList();
          }
        }
      }
      return new Settings(sizes, master, partitions, warmups, runs, seed, explain, conf);
    }

    private static String value(String[] args, int i, String option) {
      if (i >= args.length) {
        throw new IllegalArgumentException(option + " needs a value; got none");
      }
      return args[i];
    }

    private static long parseSize(String s) {
      String t = s.trim().replace("_", "");
      long scale = 1;
      if (t.endsWith("k") || t.endsWith("K")) {
        scale = 1_000;
        t = t.substring(0, t.length() - 1);
      } else if (t.endsWith("M") || t.endsWith("m")) {
        scale = 1_000_000;
        t = t.substring(0, t.length() - 1);
      }
      try {
        return Math.multiplyExact(Long.parseLong(t), scale);
      } catch (NumberFormatException | ArithmeticException e) {
        throw new IllegalArgumentException("size must be a row count such as 1000000 or 10M; got '" + s + "'", e);
      }
    }
  }

  /**
   * The figures for one size. Times are in seconds, per timed run in run order: wall-clock
   * ({@code *Runs}) and CPU time of the whole JVM ({@code *Cpu}; NaN if the platform cannot tell).
   *
   * @param rows N
   * @param units privacy units N/10 (the largest possible unit id + 1; nearly all occur)
   * @param plainRuns (a) plain groupBy
   * @param shuffleRuns (b) one shuffle by privacy unit
   * @param dpRuns the private aggregation
   * @param plainCpu CPU seconds of (a)
   * @param shuffleCpu CPU seconds of (b)
   * @param dpCpu CPU seconds of the private aggregation
   * @param plainGroups groups in the plain result (10,000 unless N is tiny)
   * @param releasedGroups groups the last DP run released (partition selection drops rare ones)
   */
  public record Result(long rows, long units, double[] plainRuns, double[] shuffleRuns, double[] dpRuns,
      double[] plainCpu, double[] shuffleCpu, double[] dpCpu, long plainGroups, long releasedGroups) {
    public Result {
      plainRuns = plainRuns.clone();
      shuffleRuns = shuffleRuns.clone();
      dpRuns = dpRuns.clone();
      plainCpu = plainCpu.clone();
      shuffleCpu = shuffleCpu.clone();
      dpCpu = dpCpu.clone();
    }

    @Override
    public double[] plainRuns() {
      return plainRuns.clone();
    }

    @Override
    public double[] shuffleRuns() {
      return shuffleRuns.clone();
    }

    @Override
    public double[] dpRuns() {
      return dpRuns.clone();
    }

    @Override
    public double[] plainCpu() {
      return plainCpu.clone();
    }

    @Override
    public double[] shuffleCpu() {
      return shuffleCpu.clone();
    }

    @Override
    public double[] dpCpu() {
      return dpCpu.clone();
    }

    public double plainSeconds() {
      return median(plainRuns);
    }

    public double shuffleSeconds() {
      return median(shuffleRuns);
    }

    public double dpSeconds() {
      return median(dpRuns);
    }

    /** DP / (a). */
    public double dpOverPlain() {
      return dpSeconds() / plainSeconds();
    }

    /** DP / (b); the goal is ≤ 2. */
    public double dpOverShuffle() {
      return dpSeconds() / shuffleSeconds();
    }

    /**
     * DP / (b) in CPU seconds of the JVM (medians). On a shared machine, time lost to other
     * processes inflates wall-clock times but not CPU times, so this ratio is the steadier one.
     */
    public double dpOverShuffleCpu() {
      return median(dpCpu) / median(shuffleCpu);
    }

    /** One JSON object with every figure. */
    public String toJson() {
      return String.format(Locale.ROOT,
          "{\"rows\":%d,\"units\":%d,\"groups\":%d,\"plain_s\":%.3f,\"shuffle_s\":%.3f,\"dp_s\":%.3f,"
              + "\"dp_over_plain\":%.2f,\"dp_over_shuffle\":%.2f,\"plain_groups\":%d,\"released_groups\":%d,"
              + "\"plain_runs_s\":%s,\"shuffle_runs_s\":%s,\"dp_runs_s\":%s,"
              + "\"plain_cpu_s\":%.3f,\"shuffle_cpu_s\":%.3f,\"dp_cpu_s\":%.3f,\"dp_over_shuffle_cpu\":%.2f}",
          rows, units, GROUPS, plainSeconds(), shuffleSeconds(), dpSeconds(), dpOverPlain(), dpOverShuffle(),
          plainGroups, releasedGroups, jsonArray(plainRuns), jsonArray(shuffleRuns), jsonArray(dpRuns),
          median(plainCpu), median(shuffleCpu), median(dpCpu), dpOverShuffleCpu());
    }
  }

  /** Runs the job: {@code benchmark-aggregation [options] [sizes]}, see {@link Settings#parse}. */
  public static void main(String[] args) {
    Settings settings = Settings.parse(args);
    SparkSession spark = session(settings);
    try {
      List<Result> results = new ArrayList<>();
      for (long n : settings.sizes()) {
        System.out.printf(Locale.ROOT, "benchmark-aggregation: %,d rows ...%n", n);
        Result r = measure(spark, n, settings);
        System.out.printf(Locale.ROOT, "  median: plain %.2f s, shuffle %.2f s, DP %.2f s%n",
            r.plainSeconds(), r.shuffleSeconds(), r.dpSeconds());
        results.add(r);
      }
      System.out.print(table(results));
      System.out.println(json(spark, settings, results));
    } finally {
      spark.stop();
    }
  }

  /**
   * The session of the job: {@code settings.master()} (or the launcher's, or {@code local[2]}),
   * driver on loopback, UI off, {@code settings.partitions()} shuffle partitions, then {@code
   * settings.conf()}; warnings only.
   */
  public static SparkSession session(Settings settings) {
    SparkSession.Builder builder = BenchmarkSessions.loopback("privspark-benchmark-aggregation")
        .config("spark.sql.shuffle.partitions", Integer.toString(settings.partitions()));
    return BenchmarkSessions.start(builder, settings.master(), settings.conf());
  }

  /**
   * The synthetic data set (columns {@code user} long, {@code key} int, {@code value} double), lazy
   * and uncached; see the class comment.
   */
  public static Dataset<Row> generate(SparkSession spark, long rows, int partitions, long seed) {
    long units = rows / ROWS_PER_UNIT;
    return spark.range(0, rows, 1, partitions).select(
        floor(pow(rand(seed), 3).multiply(units)).cast(DataTypes.LongType).as("user"),
        floor(rand(seed + 1).multiply(GROUPS)).cast(DataTypes.IntegerType).as("key"),
        rand(seed + 2).multiply(100).as("value"));
  }

  /** Generates and caches {@code rows} rows, then warms up and times the three queries. */
  public static Result measure(SparkSession spark, long rows, Settings settings) {
    Dataset<Row> df = generate(spark, rows, settings.partitions(), settings.seed()).cache();
    try {
      long cached = df.count();
      if (cached != rows) {
        throw new IllegalStateException("generated " + cached + " rows; expected " + rows);
      }
      // Large enough that the runs here never exhaust it: each run spends ε = 1, δ = 1e-6.
      PrivacyBudget budget = new PrivacyBudget(1e6, 1e-3);
      long[] plainGroups = new long[1];
      long[] releasedGroups = new long[1];
      LongSupplier plain = () -> plainGroups[0] = plainQuery(df).collectAsList().size();
      LongSupplier shuffle = () -> {
        df.repartition(col("user")).write().format("noop").mode("overwrite").save();
        return 0;
      };
      LongSupplier dp = () -> releasedGroups[0] = dpQuery(df, budget).collectAsList().size();
      if (settings.explain()) {
        System.out.println("DP query plan:");
        dpQuery(df, budget).explain("formatted");
      }
      for (int i = 0; i < settings.warmups(); i++) {
        plain.getAsLong();
        shuffle.getAsLong();
        dp.getAsLong();
      }
      int n = settings.runs();
      double[][] plainRuns = new double[2][n];
      double[][] shuffleRuns = new double[2][n];
      double[][] dpRuns = new double[2][n];
      for (int i = 0; i < n; i++) {
        time(plain, plainRuns, i);
        time(shuffle, shuffleRuns, i);
        time(dp, dpRuns, i);
      }
      return new Result(rows, rows / ROWS_PER_UNIT, plainRuns[0], shuffleRuns[0], dpRuns[0], plainRuns[1],
          shuffleRuns[1], dpRuns[1], plainGroups[0], releasedGroups[0]);
    } finally {
      df.unpersist(true);
    }
  }

  /** (a): the same statistics without privacy. */
  static Dataset<Row> plainQuery(Dataset<Row> df) {
    return df.groupBy("key").agg(count(lit(1)).as("count"), sum("value").as("sum"), avg("value").as("mean"));
  }

  /** The private aggregation under test; charges ε = 1, δ = 1e-6 to {@code budget}. */
  static Dataset<Row> dpQuery(Dataset<Row> df, PrivacyBudget budget) {
    return PrivateDataFrame.of(df, "user", budget)
        .maxGroupsContributed(5)
        .maxContributionsPerGroup(10)
        .groupBy("key")
        .count()
        .sum("value", 0, 100)
        .mean("value", 0, 100)
        .epsilon(1.0)
        .delta(1e-6)
        .run();
  }

  /** A fixed-width table of the results, one line per size. */
  public static String table(List<Result> results) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%n%12s | %10s | %11s | %10s | %7s | %7s | %14s | %9s%n",
        "rows", "(a) plain", "(b) shuffle", "DP", "DP/(a)", "DP/(b)", "CPU DP/(b)", "released"));
    out.append("-".repeat(104)).append('\n');
    for (Result r : results) {
      out.append(String.format(Locale.ROOT, "%,12d | %9.2fs | %10.2fs | %9.2fs | %7.2f | %7.2f | %14.2f | %,9d%n",
          r.rows(), r.plainSeconds(), r.shuffleSeconds(), r.dpSeconds(), r.dpOverPlain(), r.dpOverShuffle(),
          r.dpOverShuffleCpu(), r.releasedGroups()));
    }
    out.append("median wall-clock seconds of the timed runs; (a) groupBy(key).agg(count, sum, avg); "
        + "(b) repartition(user) to noop;\nCPU DP/(b): the same ratio in CPU seconds of the JVM; "
        + "released: groups the DP query released; goal DP/(b) <= 2\n");
    return out.toString();
  }

  /** The one-line JSON report: settings, environment and every result. */
  public static String json(SparkSession spark, Settings settings, List<Result> results) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT,
        "{\"benchmark\":\"aggregation\",\"master\":\"%s\",\"spark\":\"%s\",\"java\":\"%s\","
            + "\"shuffle_partitions\":%d,\"warmups\":%d,\"runs\":%d,\"seed\":%d,\"conf\":[%s],\"results\":[",
        spark.sparkContext().master(), spark.version(), System.getProperty("java.vm.version"),
        settings.partitions(), settings.warmups(), settings.runs(), settings.seed(),
        String.join(",", settings.conf().stream().map(AggregationBenchmark::jsonString).toList())));
    for (int i = 0; i < results.size(); i++) {
      out.append(i == 0 ? "" : ",").append(results.get(i).toJson());
    }
    return out.append("]}").toString();
  }

  /**
   * Runs {@code action} once; stores its wall-clock seconds in {@code out[0][i]} and the CPU
   * seconds this JVM used meanwhile (all threads: Spark's tasks in local mode, GC, JIT) in
   * {@code out[1][i]}, or NaN where the platform does not report process CPU time.
   */
  private static void time(LongSupplier action, double[][] out, int i) {
    long cpu = processCpuNanos();
    long start = System.nanoTime();
    action.getAsLong();
    out[0][i] = (System.nanoTime() - start) / 1e9;
    long cpuEnd = processCpuNanos();
    out[1][i] = cpu < 0 || cpuEnd < 0 ? Double.NaN : (cpuEnd - cpu) / 1e9;
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  private static String jsonString(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String jsonArray(double[] values) {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < values.length; i++) {
      out.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.3f", values[i]));
    }
    return out.append(']').toString();
  }
}
