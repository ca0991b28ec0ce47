package org.privspark.spark;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.privspark.core.Check;

/**
 * Spark settings for a driver that issues many releases one after another (a service, a notebook,
 * an audit loop), so that its heap stays flat and each release costs the same. PrivSpark itself
 * keeps nothing per release once a release's result is dropped; with Spark's defaults, Spark does.
 * docs/RELIABILITY.md (check 8) has the measurements behind each value.
 *
 * <ul>
 *   <li>{@code spark.sql.ui.retainedExecutions = 50} (Spark: 1,000). Spark's status store keeps
 *       every finished SQL execution's plan graph and metrics, with or without the web UI, up to
 *       this many; for 25 small releases unioned into one action that is about 1.1 MB each.
 *   <li>{@code spark.ui.retainedJobs = 200}, {@code spark.ui.retainedStages = 200} (Spark: 1,000
 *       each). The same history for jobs and stages; a release runs several of each.
 *   <li>{@code spark.sql.codegen.useIdInClassName = false} (Spark: true). Spark names each
 *       generated class after its stage's number in the plan, so the same code in another stage
 *       (another release in a union, another query) is compiled again, each time for tens to
 *       hundreds of milliseconds, and Spark's cache of 100 compiled classes is churned.
 *   <li>{@code spark.buffer.pageSize = 4m} (Spark: heap × 0.6 / cores / 16, rounded up to a power
 *       of 2, between 1 MB and 64 MB). Spark 4.1's {@code SortExec} leaves each task's sorter in a
 *       thread-local of the executor thread that ran it, and that sorter keeps its last memory page
 *       reachable after the task has freed it; so each task thread may hold a few dead pages. Spark
 *       counts them as free, so with large pages and many task threads they can fill the heap under
 *       Spark's memory manager ("Could not allocate memory to grow BytesToBytesMap"). 4 MB pages
 *       bound that to a few MB per thread; small releases ran no slower with them.
 *   <li>{@code spark.sql.shuffleExchange.maxThreadThreshold = 64} (Spark: 1,024). Spark submits
 *       each shuffle from a pool that starts a new thread for every submission until it holds this
 *       many, each idle one living 60 s with its thread-local buffers; a busy driver accumulates
 *       hundreds. Past 64 waiting shuffles (a union of 32 releases), submissions queue.
 *   <li>{@code spark.sql.resultQueryStage.maxThreadThreshold = 64} (Spark: 1,024). The same for
 *       adaptive execution's result stages: one thread per collected query, idle for 60 s; at 6
 *       releases/s a driver held 756 of them, about 16 KB of thread-local buffers each.
 * </ul>
 *
 * <p>These change what Spark remembers and how it allocates memory, never what a query computes.
 */
public final class LongRunningDriver {
  private static final Map<String, String> SETTINGS = defaults();

  private LongRunningDriver() {}

  private static Map<String, String> defaults() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("spark.sql.ui.retainedExecutions", "50");
    s.put("spark.ui.retainedJobs", "200");
    s.put("spark.ui.retainedStages", "200");
    s.put("spark.sql.codegen.useIdInClassName", "false");
    s.put("spark.buffer.pageSize", "4m");
    s.put("spark.sql.shuffleExchange.maxThreadThreshold", "64");
    s.put("spark.sql.resultQueryStage.maxThreadThreshold", "64");
    return Collections.unmodifiableMap(s);
  }

  /** The settings, by key, in the order of the class comment. */
  public static Map<String, String> settings() {
    return SETTINGS;
  }

  /**
   * Adds the settings to {@code builder}, except those the launcher already set (a {@code --conf}
   * of spark-submit, or a {@code spark.*} system property): an explicit choice wins. Call it before
   * {@code getOrCreate()}; most of them are read once, when the context or session starts.
   */
  public static SparkSession.Builder configure(SparkSession.Builder builder) {
    Check.notNull("builder", builder);
    SparkConf launcher = new SparkConf();
    for (Map.Entry<String, String> e : SETTINGS.entrySet()) {
      if (!launcher.contains(e.getKey())) {
        builder.config(e.getKey(), e.getValue());
      }
    }
    return builder;
  }
}
