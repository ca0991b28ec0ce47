package org.privspark.examples;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.rand;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import javax.management.JMException;
import javax.management.ObjectName;
import org.apache.spark.metrics.source.CodegenMetrics;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.noise.Secret;
import org.privspark.spark.LongRunningDriver;
import org.privspark.spark.sql.PrivateDataFrame;

/**
 * Job {@code benchmark-releases}: many small releases from one driver, as a service, a notebook or
 * an audit loop issues them, and the driver's heap after a full GC every {@code sampleEvery}
 * releases. A long-running driver must keep a flat heap: nothing may be retained per release.
 *
 * <p><b>Release.</b> Each release is a fresh {@link PrivacyBudget} (ε = 1, δ = 10⁻⁶) and a fresh
 * release secret, and one private aggregation of a small data set: per group key (10 keys, private
 * partition selection), count and sum of {@code value} in [0, 100], L0 = 1, L∞ = 1. {@code perJob}
 * releases are unioned and collected by one Spark action (25 by default, as in the report that
 * found the leak: docs/RELIABILITY.md, check 8); with {@code perJob} = 1 each release is collected
 * on its own, as a release materialised by {@code run()} is.
 *
 * <p><b>Session.</b> By default the session is built as PrivSpark recommends for a long-running
 * driver ({@link LongRunningDriver#configure}); {@code --spark-defaults} builds it with Spark's
 * defaults, as a new user would, to show what those retain.
 *
 * <p><b>Figures.</b> At every sample: the bytes of live objects after a full GC (the JVM's class
 * histogram of live objects, which collects first), the live bytes of {@code long[]} (Spark's
 * on-heap memory pages), the SQL executions Spark's status store still holds, Spark's code
 * generation compilations so far, and releases per second over the interval (the GC excluded). No
 * figure depends on private data: the data set is synthetic, and only its noisy releases are
 * collected.
 *
 * <p>Not thread-safe; one benchmark per JVM at a time (it forces full GCs of the whole JVM).
 */
public final class ReleaseLoopBenchmark {
  /** Distinct group keys of the data set. */
  public static final int GROUPS = 10;

  /** Rows per privacy unit. */
  public static final int ROWS_PER_UNIT = 4;

  /** The pause between the first GC of a sample and the measured one. */
  private static final long CLEANER_PAUSE_MS = 500;

  private ReleaseLoopBenchmark() {}

  /**
   * The settings of one invocation.
   *
   * @param releases releases in all, &ge; 1
   * @param perJob releases unioned into one Spark action, &ge; 1
   * @param sampleEvery releases between two samples of the heap, &ge; 1
   * @param rows rows of the data set, &ge; {@value #ROWS_PER_UNIT}
   * @param master Spark master; null means the launcher's {@code spark.master}, else {@code
   *     local[2]}
   * @param sparkDefaults build the session with Spark's defaults instead of {@link
   *     LongRunningDriver}'s
   * @param conf extra Spark settings, {@code key=value} each, applied last
   */
  public record Settings(
      int releases,
      int perJob,
      int sampleEvery,
      int rows,
      String master,
      boolean sparkDefaults,
      List<String> conf) {
    public Settings {
      conf = BenchmarkSessions.checkConf(conf);
      if (releases < 1) {
        throw new IllegalArgumentException("releases must be >= 1; got " + releases);
      }
      if (perJob < 1) {
        throw new IllegalArgumentException("perJob must be >= 1; got " + perJob);
      }
      if (sampleEvery < 1) {
        throw new IllegalArgumentException("sampleEvery must be >= 1; got " + sampleEvery);
      }
      if (rows < ROWS_PER_UNIT) {
        throw new IllegalArgumentException("rows must be >= " + ROWS_PER_UNIT + "; got " + rows);
      }
    }

    /** The defaults: 10,000 releases, 25 per Spark action, a sample every 1,000, 2,000 rows. */
    public static Settings defaults() {
      return new Settings(10_000, 25, 1_000, 2_000, null, false, List.of());
    }

    /**
     * Parses {@code [--releases N] [--per-job K] [--sample-every M] [--rows R] [--master M]
     * [--spark-defaults] [--conf key=value]...}; counts accept {@code _} separators and the suffix
     * {@code k}.
     */
    public static Settings parse(String... args) {
      Settings d = defaults();
      int releases = d.releases();
      int perJob = d.perJob();
      int sampleEvery = d.sampleEvery();
      int rows = d.rows();
      String master = d.master();
      boolean sparkDefaults = false;
      List<String> conf = new ArrayList<>();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--releases" -> releases = count(value(args, ++i, a), a);
          case "--per-job" -> perJob = count(value(args, ++i, a), a);
          case "--sample-every" -> sampleEvery = count(value(args, ++i, a), a);
          case "--rows" -> rows = count(value(args, ++i, a), a);
          case "--master" -> master = value(args, ++i, a);
          case "--spark-defaults" -> sparkDefaults = true;
          case "--conf" -> conf.add(value(args, ++i, a));
          default ->
              throw new IllegalArgumentException(
                  "unknown option '"
                      + a
                      + "'; options are --releases, "
                      + "--per-job, --sample-every, --rows, --master, --spark-defaults, --conf");
        }
      }
      return new Settings(releases, perJob, sampleEvery, rows, master, sparkDefaults, conf);
    }

    private static String value(String[] args, int i, String option) {
      if (i >= args.length) {
        throw new IllegalArgumentException(option + " needs a value; got none");
      }
      return args[i];
    }

    private static int count(String s, String option) {
      String t = s.trim().replace("_", "");
      int scale = 1;
      if (t.endsWith("k") || t.endsWith("K")) {
        scale = 1_000;
        t = t.substring(0, t.length() - 1);
      }
      try {
        return Math.multiplyExact(Integer.parseInt(t), scale);
      } catch (NumberFormatException | ArithmeticException e) {
        throw new IllegalArgumentException(
            option + " must be a count such as 2000 or 10k; got '" + s + "'", e);
      }
    }
  }

  /**
   * One sample, taken after {@code releases} releases.
   *
   * @param releases releases so far
   * @param liveBytes bytes of live objects after a full GC
   * @param longArrayBytes of which in {@code long[]}
   * @param sqlExecutions SQL executions Spark's status store holds
   * @param compilations code generation compilations in this JVM so far (Spark's codegen cache
   *     misses)
   * @param releasesPerSecond releases per second since the previous sample (the GC excluded)
   */
  public record Sample(
      int releases,
      long liveBytes,
      long longArrayBytes,
      long sqlExecutions,
      long compilations,
      double releasesPerSecond) {
    /** One JSON object with every figure. */
    public String toJson() {
      return String.format(
          Locale.ROOT,
          "{\"releases\":%d,\"live_mb\":%.1f,\"long_array_mb\":%.1f,\"sql_executions\":%d,\"compilations\":%d,"
              + "\"releases_per_s\":%s}",
          releases,
          liveBytes / 1e6,
          longArrayBytes / 1e6,
          sqlExecutions,
          compilations,
          Double.isNaN(releasesPerSecond)
              ? "null"
              : String.format(Locale.ROOT, "%.2f", releasesPerSecond));
    }
  }

  /** Runs the job: {@code benchmark-releases [options]}, see {@link Settings#parse}. */
  public static void main(String[] args) {
    Settings settings = Settings.parse(args);
    SparkSession spark = session(settings);
    try {
      System.out.printf(
          Locale.ROOT,
          "benchmark-releases: %,d releases, %d per Spark action, %s session%n",
          settings.releases(),
          settings.perJob(),
          settings.sparkDefaults() ? "Spark's default" : "PrivSpark's");
      System.out.printf(
          Locale.ROOT,
          "%9s | %10s | %10s | %14s | %12s | %10s%n",
          "releases",
          "live MB",
          "long[] MB",
          "SQL executions",
          "compilations",
          "releases/s");
      List<Sample> samples =
          measure(
              spark,
              settings,
              s ->
                  System.out.printf(
                      Locale.ROOT,
                      "%,9d | %10.1f | %10.1f | %,14d | %,12d | %10.2f%n",
                      s.releases(),
                      s.liveBytes() / 1e6,
                      s.longArrayBytes() / 1e6,
                      s.sqlExecutions(),
                      s.compilations(),
                      s.releasesPerSecond()));
      System.out.println(json(spark, settings, samples));
    } finally {
      spark.stop();
    }
  }

  /**
   * The session of the job: {@code settings.master()} (or the launcher's, or {@code local[2]}),
   * driver on loopback, UI off, PrivSpark's settings for a long-running driver unless {@code
   * sparkDefaults}, then {@code settings.conf()}; warnings only.
   */
  public static SparkSession session(Settings settings) {
    SparkSession.Builder builder = BenchmarkSessions.loopback("privspark-benchmark-releases");
    if (!settings.sparkDefaults()) {
      builder = LongRunningDriver.configure(builder);
    }
    return BenchmarkSessions.start(builder, settings.master(), settings.conf());
  }

  /**
   * The data set: {@code rows} rows, {@code rows}/{@value #ROWS_PER_UNIT} privacy units, {@value
   * #GROUPS} keys, values uniform on [0, 100) (seeded); lazy and uncached, as a data set read from
   * a source is.
   */
  public static Dataset<Row> data(SparkSession spark, int rows) {
    return spark
        .range(0, rows, 1, 2)
        .select(
            col("id").divide(ROWS_PER_UNIT).cast(DataTypes.LongType).as("user"),
            col("id").mod(GROUPS).cast(DataTypes.IntegerType).as("key"),
            rand(7).multiply(100).as("value"));
  }

  /** One release: a fresh budget and secret; its lazy result. */
  static Dataset<Row> release(Dataset<Row> data) {
    return PrivateDataFrame.of(data, "user", PrivacyBudget.inMemory(1.0, 1e-6))
        .groupBy("key")
        .count()
        .sum("value", 0, 100)
        .epsilon(1.0)
        .delta(1e-6)
        .releaseSecret(Secret.generate())
        .run();
  }

  /**
   * Issues {@code settings.releases()} releases, {@code settings.perJob()} per Spark action, and
   * samples the heap before the first (release 0) and after every {@code settings.sampleEvery()}
   * and the last; {@code progress} sees each sample as it is taken.
   */
  public static List<Sample> measure(
      SparkSession spark, Settings settings, Consumer<Sample> progress) {
    Dataset<Row> data = data(spark, settings.rows());
    List<Sample> samples = new ArrayList<>();
    long[] live = liveHeap();
    Sample first =
        new Sample(0, live[0], live[1], sqlExecutions(spark), compilations(), Double.NaN);
    samples.add(first);
    progress.accept(first);
    int done = 0;
    long intervalStart = System.nanoTime();
    int intervalReleases = 0;
    while (done < settings.releases()) {
      int n = Math.min(settings.perJob(), settings.releases() - done);
      Dataset<Row> union = null;
      for (int i = 0; i < n; i++) {
        Dataset<Row> r = release(data);
        union = union == null ? r : union.unionAll(r);
      }
      union.collectAsList();
      int before = done;
      done += n;
      intervalReleases += n;
      if (done / settings.sampleEvery() > before / settings.sampleEvery()
          || done == settings.releases()) {
        double seconds = (System.nanoTime() - intervalStart) / 1e9;
        live = liveHeap();
        Sample s =
            new Sample(
                done,
                live[0],
                live[1],
                sqlExecutions(spark),
                compilations(),
                intervalReleases / seconds);
        samples.add(s);
        progress.accept(s);
        intervalStart = System.nanoTime();
        intervalReleases = 0;
      }
    }
    return samples;
  }

  /** The SQL executions Spark's status store holds (its SQL UI history). */
  static long sqlExecutions(SparkSession spark) {
    return spark.sharedState().statusStore().executionsCount();
  }

  /** Spark's code generation compilations in this JVM so far: one per miss of its codegen cache. */
  static long compilations() {
    return CodegenMetrics.METRIC_COMPILATION_TIME().getCount();
  }

  /**
   * {live bytes, live bytes of long[]} after a full GC: the class histogram of live objects ({@code
   * jcmd PID GC.class_histogram}, which collects first), read in-process. A first GC and a short
   * pause come before it, so that Spark's cleaner has dropped what the GC found unreachable
   * (shuffle states, broadcasts), as it does in a driver that runs on.
   */
  static long[] liveHeap() {
    System.gc();
    try {
      Thread.sleep(CLEANER_PAUSE_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Spark's cleaner", e);
    }
    String histogram;
    try {
      histogram =
          (String)
              ManagementFactory.getPlatformMBeanServer()
                  .invoke(
                      new ObjectName("com.sun.management:type=DiagnosticCommand"),
                      "gcClassHistogram",
                      new Object[] {new String[0]},
                      new String[] {String[].class.getName()});
    } catch (JMException e) {
      throw new IllegalStateException(
          "this JVM cannot print a class histogram (HotSpot's DiagnosticCommand)", e);
    }
    return parseHistogram(histogram);
  }

  /** {total bytes, bytes of [J} from a class histogram's text. */
  static long[] parseHistogram(String histogram) {
    long total = -1;
    long longs = 0;
    for (String line : histogram.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 3 && f[0].equals("Total")) {
        total = Long.parseLong(f[2]);
      } else if (f.length >= 4 && f[3].equals("[J")) {
        longs = Long.parseLong(f[2]);
      }
    }
    if (total < 0) {
      throw new IllegalStateException("no Total line in the class histogram");
    }
    return new long[] {total, longs};
  }

  /** The one-line JSON report: settings, environment and every sample. */
  public static String json(SparkSession spark, Settings settings, List<Sample> samples) {
    StringBuilder out =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "{\"benchmark\":\"releases\",\"master\":\"%s\",\"spark\":\"%s\",\"java\":\"%s\",\"max_heap_mb\":%d,"
                    + "\"releases\":%d,\"per_job\":%d,\"rows\":%d,\"session\":\"%s\",\"conf\":[%s],\"samples\":[",
                spark.sparkContext().master(),
                spark.version(),
                System.getProperty("java.vm.version"),
                Runtime.getRuntime().maxMemory() / 1_000_000,
                settings.releases(),
                settings.perJob(),
                settings.rows(),
                settings.sparkDefaults() ? "spark-defaults" : "privspark",
                String.join(
                    ",",
                    settings.conf().stream()
                        .map(c -> "\"" + c.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                        .toList())));
    for (int i = 0; i < samples.size(); i++) {
      out.append(i == 0 ? "" : ",").append(samples.get(i).toJson());
    }
    return out.append("]}").toString();
  }
}
