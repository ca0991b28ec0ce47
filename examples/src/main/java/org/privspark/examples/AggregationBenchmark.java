package org.privspark.examples;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.sum;
import static org.privspark.examples.BenchmarkRuns.jsonArray;
import static org.privspark.examples.BenchmarkRuns.jsonNumber;
import static org.privspark.examples.BenchmarkRuns.median;
import static org.privspark.examples.BenchmarkRuns.time;
import static org.privspark.examples.BenchmarkRuns.value;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.aggregation.NoiseKind;
import org.privspark.core.aggregation.QueryAccuracy;
import org.privspark.spark.sql.PrivateAggregation;
import org.privspark.spark.sql.PrivateDataFrame;

/**
 * Job {@code benchmark-aggregation}: how much a private aggregation costs on Spark, against two
 * baselines measured in the same JVM, on the same cached data, in the same run.
 *
 * <p><b>Query.</b> Per group key: count, sum and mean of {@code value} in [0, 100], with private
 * partition selection, L0 = 5, L∞ = 10, ε = 1, δ = 1e-6 ({@link PrivateDataFrame}); Laplace noise
 * unless {@code --noise} says otherwise, ε set by {@code --epsilon}.
 *
 * <p><b>Accuracy.</b> Every DP run is also scored against a {@link BoundedReference} computed once
 * per size on the same cached data (seeded uniform bounding to the same L0 and L∞, no noise, exact
 * count, sum and mean of the clamped values; untimed): over the released groups, the median
 * relative error of the count and the sum and the median absolute error of the mean ({@link
 * Accuracy}). {@code --accuracy-only} skips the baselines, for a cheap measurement of accuracy.
 * Also printed once per size: the plan ({@code explain()}: the noise chosen, {@code AUTO} resolved,
 * and the predicted noise), and a floor: a second reference draw scored against the first, the part
 * of the errors that the luck of the bounding draw alone explains.
 *
 * <p><b>Baselines.</b> (a) {@code plain}: the same statistics without privacy, {@code
 * groupBy("key").agg(count, sum, avg)}. (b) {@code shuffle}: one shuffle of every row by privacy
 * unit, {@code repartition(col("user"))} written to the {@code noop} sink. Any plan that bounds
 * contributions per unit must move every row to its unit's partition once, so (b) is the floor of a
 * bounded-contribution plan, and DP/(b) is the figure of merit (the goal is ≤ 2).
 *
 * <p><b>Data.</b> Generated in Spark, never on the driver: N rows, N/10 privacy units with a heavy
 * tail (unit = ⌊(N/10)·u³⌋ for u uniform on [0, 1), so unit 0 holds about (N/10)^(−1/3) of all
 * rows: 21,500 rows at N = 10⁶, 100,000 at N = 10⁷), 10,000 group keys uniform, values uniform on
 * [0, 100). Spark's seeded {@code rand}: the data depend only on N, the seed and the number of
 * input partitions. All noise is drawn by PrivSpark from fresh secrets.
 *
 * <p><b>Method.</b> The data set is cached and counted before any timing. Each of the three queries
 * runs {@code warmups} times untimed, then {@code runs} times timed, interleaved (plain, shuffle,
 * DP, plain, …) so that a burst of load from other processes hits all three alike; the report gives
 * the median of the wall-clock times, and also the CPU time the JVM used in each run. With {@code
 * local[N]} every task runs in this JVM, and other processes on a shared machine slow the wall
 * clock but barely change the CPU time; with a cluster master the CPU figures cover the driver only
 * and mean little. Queries (a) and DP are forced by collecting their result (10,000 small rows);
 * (b) has no small result and is written to the {@code noop} sink. The DP time includes {@code
 * run()}: validation, budget charge and planning (milliseconds), and the release's Spark job, which
 * {@code run()} runs (the collect after it reads the rows it holds on the driver).
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
   * small next to 1 M rows; Spark's default of 200 costs more in task scheduling than it saves
   * here. Adaptive execution may coalesce them further.
   */
  public static final int DEFAULT_PARTITIONS = 8;

  /** Groups each privacy unit may contribute to (L0), in the DP query and the reference. */
  public static final int MAX_GROUPS = 5;

  /** Rows each privacy unit may contribute to one group (L∞), in the DP query and the reference. */
  public static final int MAX_ROWS_PER_GROUP = 10;

  /** Clamping bounds of {@code value}, in the DP query and the reference. */
  public static final double LOWER = 0;

  public static final double UPPER = 100;

  private static final long DEFAULT_SEED = 20_261_124L;

  /** The reference's random choices use seeds seed + 3 and + 4; the data use seed to seed + 2. */
  private static final long REFERENCE_SEED_OFFSET = 3;

  /** A second, independent reference draw (for the floor) uses seeds seed + 5 and + 6. */
  private static final long SECOND_DRAW_SEED_OFFSET = 5;

  private AggregationBenchmark() {}

  /**
   * The settings of one invocation.
   *
   * @param sizes row counts N, each &ge; {@value #ROWS_PER_UNIT}
   * @param master Spark master; null means the launcher's {@code spark.master}, else {@code
   *     local[2]}
   * @param partitions shuffle partitions and partitions of the generated data, &ge; 1
   * @param warmups untimed runs of each query, &ge; 0
   * @param runs timed runs of each query, &ge; 1
   * @param seed seed of the generated data
   * @param explain whether to print the DP query's formatted physical plan
   * @param conf extra Spark settings, {@code key=value} each (for experiments)
   * @param noise the DP query's noise
   * @param epsilon the DP query's ε, finite and &gt; 0
   * @param accuracyOnly whether to skip the baselines (a) and (b) and time only the DP query
   */
  public record Settings(
      List<Long> sizes,
      String master,
      int partitions,
      int warmups,
      int runs,
      long seed,
      boolean explain,
      List<String> conf,
      NoiseKind noise,
      double epsilon,
      boolean accuracyOnly) {
    public Settings {
      sizes = List.copyOf(sizes);
      conf = BenchmarkSessions.checkConf(conf);
      if (noise == null) {
        throw new IllegalArgumentException(
            "noise must be one of " + Arrays.toString(NoiseKind.values()) + "; got none");
      }
      if (!(epsilon > 0) || !Double.isFinite(epsilon)) {
        throw new IllegalArgumentException("epsilon must be finite and > 0; got " + epsilon);
      }
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
    }

    /**
     * The defaults: sizes 1 M and 10 M, 8 partitions, 1 warm-up, 3 timed runs, Laplace noise, ε =
     * 1, baselines timed.
     */
    public static Settings defaults() {
      return new Settings(
          DEFAULT_SIZES,
          null,
          DEFAULT_PARTITIONS,
          1,
          3,
          DEFAULT_SEED,
          false,
          List.of(),
          NoiseKind.LAPLACE,
          1.0,
          false);
    }

    /**
     * Parses {@code [--master M] [--partitions P] [--warmups W] [--runs R] [--seed S] [--explain]
     * [--conf key=value]... [--noise KIND] [--epsilon E] [--accuracy-only] [N1,N2,...]}; sizes
     * accept {@code _} separators and the suffixes {@code k} and {@code M}; KIND is a {@link
     * NoiseKind} in any case ({@code laplace}, {@code gaussian}, {@code auto}).
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
      NoiseKind noise = d.noise();
      double epsilon = d.epsilon();
      boolean accuracyOnly = false;
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
          case "--noise" -> noise = noise(value(args, ++i, a));
          case "--epsilon" -> epsilon = epsilon(value(args, ++i, a));
          case "--accuracy-only" -> accuracyOnly = true;
          default -> {
            if (a.startsWith("-")) {
              throw new IllegalArgumentException(
                  "unknown option '"
                      + a
                      + "'; options are --master, --partitions, --warmups, --runs, --seed,"
                      + " --explain, --conf, --noise, --epsilon, --accuracy-only");
            }
            sizes = Arrays.stream(a.split(",")).map(BenchmarkRuns::parseSize).toList();
          }
        }
      }
      return new Settings(
          sizes,
          master,
          partitions,
          warmups,
          runs,
          seed,
          explain,
          conf,
          noise,
          epsilon,
          accuracyOnly);
    }

    private static double epsilon(String s) {
      try {
        return Double.parseDouble(s);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "epsilon must be a number > 0 such as 1 or 0.5; got '" + s + "'", e);
      }
    }

    /** A {@link NoiseKind} by name, in any case; whatever the enum holds is accepted. */
    private static NoiseKind noise(String name) {
      try {
        return NoiseKind.valueOf(name.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "noise must be one of "
                + Arrays.toString(NoiseKind.values()).toLowerCase(Locale.ROOT)
                + "; got '"
                + name
                + "'",
            e);
      }
    }
  }

  /**
   * The figures for one size. Times are in seconds, per timed run in run order: wall-clock ({@code
   * *Runs}) and CPU time of the whole JVM ({@code *Cpu}; NaN if the platform cannot tell). With
   * {@link Settings#accuracyOnly()} the baselines' arrays are empty and their medians NaN.
   *
   * @param rows N
   * @param units privacy units N/10 (the largest possible unit id + 1; nearly all occur)
   * @param plainRuns (a) plain groupBy
   * @param shuffleRuns (b) one shuffle by privacy unit
   * @param dpRuns the private aggregation
   * @param plainCpu CPU seconds of (a)
   * @param shuffleCpu CPU seconds of (b)
   * @param dpCpu CPU seconds of the private aggregation
   * @param plainGroups groups in the plain result (10,000 unless N is tiny); 0 if (a) did not run
   * @param referenceGroups groups in the {@link BoundedReference}
   * @param accuracy the errors of each timed DP run against the reference, in run order
   * @param drawFloor the errors of a second reference, drawn with another seed, against the first,
   *     over the groups both hold: what the luck of the bounding draw alone contributes to the DP
   *     errors
   * @param plannedNoise the noise the DP query's planner chose ({@link NoiseKind#AUTO} resolved)
   */
  public record Result(
      long rows,
      long units,
      double[] plainRuns,
      double[] shuffleRuns,
      double[] dpRuns,
      double[] plainCpu,
      double[] shuffleCpu,
      double[] dpCpu,
      long plainGroups,
      long referenceGroups,
      List<Accuracy> accuracy,
      Accuracy drawFloor,
      NoiseKind plannedNoise) {
    public Result {
      plainRuns = plainRuns.clone();
      shuffleRuns = shuffleRuns.clone();
      dpRuns = dpRuns.clone();
      plainCpu = plainCpu.clone();
      shuffleCpu = shuffleCpu.clone();
      dpCpu = dpCpu.clone();
      accuracy = List.copyOf(accuracy);
      if (accuracy.size() != dpRuns.length) {
        throw new IllegalArgumentException(
            "accuracy must have one entry per DP run ("
                + dpRuns.length
                + "); got "
                + accuracy.size());
      }
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

    /** Groups the last DP run released (partition selection drops rare ones). */
    public long releasedGroups() {
      return accuracy.get(accuracy.size() - 1).released();
    }

    /** Per timed DP run: the median relative error of the count, in percent. */
    public double[] countPercent() {
      return accuracy.stream().mapToDouble(Accuracy::countPercent).toArray();
    }

    /** Per timed DP run: the median relative error of the sum, in percent. */
    public double[] sumPercent() {
      return accuracy.stream().mapToDouble(Accuracy::sumPercent).toArray();
    }

    /** Per timed DP run: the median absolute error of the mean. */
    public double[] meanAbsolute() {
      return accuracy.stream().mapToDouble(Accuracy::meanAbsolute).toArray();
    }

    /** One JSON object with every figure; NaN (a figure that was not measured) as null. */
    public String toJson() {
      return String.format(
          Locale.ROOT,
          "{\"rows\":%d,\"units\":%d,\"groups\":%d,\"plain_s\":%s,\"shuffle_s\":%s,\"dp_s\":%s,"
              + "\"dp_over_plain\":%s,\"dp_over_shuffle\":%s,\"plain_groups\":%d,\"released_groups\":%d,"
              + "\"plain_runs_s\":%s,\"shuffle_runs_s\":%s,\"dp_runs_s\":%s,"
              + "\"plain_cpu_s\":%s,\"shuffle_cpu_s\":%s,\"dp_cpu_s\":%s,\"dp_over_shuffle_cpu\":%s,"
              + "\"reference_groups\":%d,\"released_groups_runs\":%s,\"matched_groups_runs\":%s,"
              + "\"count_rel_err_pct_runs\":%s,\"sum_rel_err_pct_runs\":%s,\"mean_abs_err_runs\":%s,"
              + "\"planned_noise\":\"%s\",\"draw_floor_count_rel_err_pct\":%s,\"draw_floor_sum_rel_err_pct\":%s,"
              + "\"draw_floor_mean_abs_err\":%s}",
          rows,
          units,
          GROUPS,
          jsonNumber(plainSeconds(), 3),
          jsonNumber(shuffleSeconds(), 3),
          jsonNumber(dpSeconds(), 3),
          jsonNumber(dpOverPlain(), 2),
          jsonNumber(dpOverShuffle(), 2),
          plainGroups,
          releasedGroups(),
          jsonArray(plainRuns, 3),
          jsonArray(shuffleRuns, 3),
          jsonArray(dpRuns, 3),
          jsonNumber(median(plainCpu), 3),
          jsonNumber(median(shuffleCpu), 3),
          jsonNumber(median(dpCpu), 3),
          jsonNumber(dpOverShuffleCpu(), 2),
          referenceGroups,
          jsonArray(accuracy.stream().mapToDouble(Accuracy::released).toArray(), 0),
          jsonArray(accuracy.stream().mapToDouble(Accuracy::matched).toArray(), 0),
          jsonArray(countPercent(), 2),
          jsonArray(sumPercent(), 2),
          jsonArray(meanAbsolute(), 3),
          plannedNoise.name().toLowerCase(Locale.ROOT),
          jsonNumber(drawFloor.countPercent(), 2),
          jsonNumber(drawFloor.sumPercent(), 2),
          jsonNumber(drawFloor.meanAbsolute(), 3));
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
        System.out.printf(
            Locale.ROOT,
            "  median: plain %s, shuffle %s, DP %s%n",
            seconds(r.plainSeconds()),
            seconds(r.shuffleSeconds()),
            seconds(r.dpSeconds()));
        System.out.printf(
            Locale.ROOT,
            "  median errors over released groups, range over the runs: count %s %%, "
                + "sum %s %%, mean %s%n",
            range(r.countPercent(), 1),
            range(r.sumPercent(), 1),
            range(r.meanAbsolute(), 2));
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
    SparkSession.Builder builder =
        BenchmarkSessions.loopback("privspark-benchmark-aggregation")
            .config("spark.sql.shuffle.partitions", Integer.toString(settings.partitions()));
    return BenchmarkSessions.start(builder, settings.master(), settings.conf());
  }

  /**
   * The synthetic data set (columns {@code user} long, {@code key} int, {@code value} double), lazy
   * and uncached; see the class comment.
   */
  public static Dataset<Row> generate(SparkSession spark, long rows, int partitions, long seed) {
    long units = rows / ROWS_PER_UNIT;
    return spark
        .range(0, rows, 1, partitions)
        .select(
            floor(pow(rand(seed), 3).multiply(units)).cast(DataTypes.LongType).as("user"),
            floor(rand(seed + 1).multiply(GROUPS)).cast(DataTypes.IntegerType).as("key"),
            rand(seed + 2).multiply(100).as("value"));
  }

  /**
   * Generates and caches {@code rows} rows, computes the {@link BoundedReference} (untimed), then
   * warms up and times the queries (the DP query alone with {@link Settings#accuracyOnly()}) and
   * scores every timed DP run against the reference, printing each run's figures.
   */
  public static Result measure(SparkSession spark, long rows, Settings settings) {
    Dataset<Row> df = generate(spark, rows, settings.partitions(), settings.seed()).cache();
    try {
      long cached = df.count();
      if (cached != rows) {
        throw new IllegalStateException("generated " + cached + " rows; expected " + rows);
      }
      Map<Integer, BoundedReference.Group> reference =
          BoundedReference.compute(
              df,
              MAX_GROUPS,
              MAX_ROWS_PER_GROUP,
              LOWER,
              UPPER,
              settings.seed() + REFERENCE_SEED_OFFSET);
      Accuracy drawFloor =
          Accuracy.of(
              BoundedReference.asRelease(
                  BoundedReference.compute(
                      df,
                      MAX_GROUPS,
                      MAX_ROWS_PER_GROUP,
                      LOWER,
                      UPPER,
                      settings.seed() + SECOND_DRAW_SEED_OFFSET),
                  "value"),
              reference,
              "value");
      System.out.printf(
          Locale.ROOT,
          "  floor (a second reference draw against the first): count %s %%, sum %s %%, "
              + "mean %s%n",
          fixed(drawFloor.countPercent(), 2),
          fixed(drawFloor.sumPercent(), 2),
          fixed(drawFloor.meanAbsolute(), 3));
      // Large enough that the runs here never exhaust it: each run spends ε, δ = 1e-6.
      PrivacyBudget budget = PrivacyBudget.inMemory(1e6 * settings.epsilon(), 1e-3);
      // No data read, nothing spent: the planner's choices, for groups of the reference's mean
      // size.
      long keptPerGroup =
          Math.max(
              1,
              reference.values().stream().mapToLong(BoundedReference.Group::count).sum()
                  / Math.max(1, reference.size()));
      QueryAccuracy predicted = dpAggregation(df, budget, settings).explain(keptPerGroup);
      System.out.println("  planned: " + predicted.toString().replace("\n", "\n  "));
      long[] plainGroups = new long[1];
      List<List<Row>> released = new ArrayList<>(List.of(List.of()));
      LongSupplier plain = () -> plainGroups[0] = plainQuery(df).collectAsList().size();
      LongSupplier shuffle =
          () -> {
            df.repartition(col("user")).write().format("noop").mode("overwrite").save();
            return 0;
          };
      LongSupplier dp =
          () -> {
            released.set(0, dpQuery(df, budget, settings).collectAsList());
            return released.get(0).size();
          };
      if (settings.explain()) {
        System.out.println("DP query plan:");
        dpQuery(df, budget, settings).explain("formatted");
      }
      boolean baselines = !settings.accuracyOnly();
      for (int i = 0; i < settings.warmups(); i++) {
        if (baselines) {
          plain.getAsLong();
          shuffle.getAsLong();
        }
        dp.getAsLong();
      }
      int n = settings.runs();
      int b = baselines ? n : 0;
      double[][] plainRuns = new double[2][b];
      double[][] shuffleRuns = new double[2][b];
      double[][] dpRuns = new double[2][n];
      List<Accuracy> accuracy = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (baselines) {
          time(plain::getAsLong, plainRuns, i);
          time(shuffle::getAsLong, shuffleRuns, i);
        }
        time(dp::getAsLong, dpRuns, i);
        // Scored after the timing, on the driver's copy of the released rows.
        Accuracy a = Accuracy.of(released.get(0), reference, "value");
        accuracy.add(a);
        System.out.printf(
            Locale.ROOT,
            "  run %d: DP %.2f s, released %,d groups (%,d in the reference), "
                + "median error: count %s %%, sum %s %%, mean %s%n",
            i + 1,
            dpRuns[0][i],
            a.released(),
            a.matched(),
            fixed(a.countPercent(), 2),
            fixed(a.sumPercent(), 2),
            fixed(a.meanAbsolute(), 3));
      }
      return new Result(
          rows,
          rows / ROWS_PER_UNIT,
          plainRuns[0],
          shuffleRuns[0],
          dpRuns[0],
          plainRuns[1],
          shuffleRuns[1],
          dpRuns[1],
          plainGroups[0],
          reference.size(),
          accuracy,
          drawFloor,
          predicted.noise());
    } finally {
      df.unpersist(true);
    }
  }

  /** (a): the same statistics without privacy. */
  static Dataset<Row> plainQuery(Dataset<Row> df) {
    return df.groupBy("key")
        .agg(count(lit(1)).as("count"), sum("value").as("sum"), avg("value").as("mean"));
  }

  /**
   * The private aggregation under test, with the settings' noise and ε; charges ε and δ = 1e-6 to
   * {@code budget}.
   */
  static Dataset<Row> dpQuery(Dataset<Row> df, PrivacyBudget budget, Settings settings) {
    return dpAggregation(df, budget, settings).run();
  }

  /** The DP query, built but not run. */
  static PrivateAggregation dpAggregation(
      Dataset<Row> df, PrivacyBudget budget, Settings settings) {
    return PrivateDataFrame.of(df, "user", budget)
        .maxGroupsContributed(MAX_GROUPS)
        .maxContributionsPerGroup(MAX_ROWS_PER_GROUP)
        .groupBy("key")
        .count()
        .sum("value", LOWER, UPPER)
        .mean("value", LOWER, UPPER)
        .epsilon(settings.epsilon())
        .delta(1e-6)
        .noise(settings.noise());
  }

  /**
   * Fixed-width tables of the results, one line per size: the timings, then the accuracy (each
   * error's range over the timed runs). A figure that was not measured shows as {@code -}.
   */
  public static String table(List<Result> results) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "%n%12s | %10s | %11s | %10s | %7s | %7s | %14s | %9s%n",
            "rows",
            "(a) plain",
            "(b) shuffle",
            "DP",
            "DP/(a)",
            "DP/(b)",
            "CPU DP/(b)",
            "released"));
    out.append("-".repeat(104)).append('\n');
    for (Result r : results) {
      out.append(
          String.format(
              Locale.ROOT,
              "%,12d | %10s | %11s | %10s | %7s | %7s | %14s | %,9d%n",
              r.rows(),
              seconds(r.plainSeconds()),
              seconds(r.shuffleSeconds()),
              seconds(r.dpSeconds()),
              fixed(r.dpOverPlain(), 2),
              fixed(r.dpOverShuffle(), 2),
              fixed(r.dpOverShuffleCpu(), 2),
              r.releasedGroups()));
    }
    out.append(
        "median wall-clock seconds of the timed runs; (a) groupBy(key).agg(count, sum, avg); (b)"
            + " repartition(user) to noop;\n"
            + "CPU DP/(b): the same ratio in CPU seconds of the JVM; released: groups the DP query"
            + " released; goal DP/(b) <= 2\n");
    out.append(
        String.format(
            Locale.ROOT,
            "%n%12s | %8s | %9s | %9s | %15s | %15s | %13s%n",
            "rows",
            "noise",
            "released",
            "reference",
            "count rel. err",
            "sum rel. err",
            "mean abs. err"));
    out.append("-".repeat(99)).append('\n');
    for (Result r : results) {
      out.append(
          String.format(
              Locale.ROOT,
              "%,12d | %8s | %,9d | %,9d | %13s %% | %13s %% | %13s%n",
              r.rows(),
              r.plannedNoise().name().toLowerCase(Locale.ROOT),
              r.releasedGroups(),
              r.referenceGroups(),
              range(r.countPercent(), 1),
              range(r.sumPercent(), 1),
              range(r.meanAbsolute(), 2)));
      Accuracy f = r.drawFloor();
      out.append(
          String.format(
              Locale.ROOT,
              "%12s | %8s | %9s | %,9d | %13s %% | %13s %% | %13s%n",
              "floor",
              "none",
              "-",
              f.matched(),
              fixed(f.countPercent(), 1),
              fixed(f.sumPercent(), 1),
              fixed(f.meanAbsolute(), 2)));
    }
    out.append(
        "errors against the bounded reference (seeded uniform bounding, no noise), median over the"
            + " released groups;\n"
            + "range over the timed runs; noise: as planned; released: last run; reference: groups"
            + " with a kept row;\n"
            + "floor: a second reference draw against the first, i.e. the bounding draw's share, no"
            + " noise\n");
    return out.toString();
  }

  /** The one-line JSON report: settings, environment and every result. */
  public static String json(SparkSession spark, Settings settings, List<Result> results) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "{\"benchmark\":\"aggregation\",\"master\":\"%s\",\"spark\":\"%s\",\"java\":\"%s\","
                + "\"shuffle_partitions\":%d,\"warmups\":%d,\"runs\":%d,\"seed\":%d,\"noise\":\"%s\","
                + "\"epsilon\":%s,\"delta\":1e-6,\"l0\":%d,\"linf\":%d,\"accuracy_only\":%b,\"conf\":[%s],\"results\":[",
            spark.sparkContext().master(),
            spark.version(),
            System.getProperty("java.vm.version"),
            settings.partitions(),
            settings.warmups(),
            settings.runs(),
            settings.seed(),
            settings.noise().name().toLowerCase(Locale.ROOT),
            settings.epsilon(),
            MAX_GROUPS,
            MAX_ROWS_PER_GROUP,
            settings.accuracyOnly(),
            String.join(
                ",", settings.conf().stream().map(AggregationBenchmark::jsonString).toList())));
    for (int i = 0; i < results.size(); i++) {
      out.append(i == 0 ? "" : ",").append(results.get(i).toJson());
    }
    return out.append("]}").toString();
  }

  /**
   * Runs {@code action} once; stores its wall-clock seconds in {@code out[0][i]} and the CPU
   * seconds this JVM used meanwhile (all threads: Spark's tasks in local mode, GC, JIT) in {@code
   * out[1][i]}, or NaN where the platform does not report process CPU time.
   */
  /**
   * "min-max" of the values at {@code digits} decimals (one value alone if they agree); "-" for
   * none or NaN.
   */
  static String range(double[] values, int digits) {
    double min = Arrays.stream(values).min().orElse(Double.NaN);
    double max = Arrays.stream(values).max().orElse(Double.NaN);
    String lo = fixed(min, digits);
    String hi = fixed(max, digits);
    return lo.equals(hi) ? lo : lo + "-" + hi;
  }

  /** "1.23s", or "-" if not measured. */
  private static String seconds(double value) {
    return Double.isNaN(value) ? "-" : fixed(value, 2) + "s";
  }

  /** {@code value} at {@code digits} decimals, or "-" if it is NaN (not measured). */
  private static String fixed(double value, int digits) {
    return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%." + digits + "f", value);
  }

  private static String jsonString(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
