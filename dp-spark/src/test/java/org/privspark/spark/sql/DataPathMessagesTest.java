package org.privspark.spark.sql;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.aggregation.PartitionSelectionStrategy;
import org.privspark.core.noise.Secret;
import org.privspark.spark.SparkTestSession;
import org.privspark.spark.TaskFaults;

/**
 * No exception, cause or log line on the data path carries a value computed from private data
 * (issue 12, item 2; docs/THREAT-MODEL.md, "What a release reveals"), and sums that overflow the
 * double range do not make a release fail after the charge.
 *
 * <p>Each test drives the aggregation into a failure it can reach on the data path, captures every
 * log event (at INFO and above, from Spark and PrivSpark, on the driver and the local executors)
 * and any exception with its whole cause chain, and looks there for the exact values of the data:
 * the count {@value #UNITS} (a prime, so that it is unlikely to occur by chance in a task id, a
 * size or a duration) and the sum {@value #UNITS} × {@value #AMOUNT}, in their usual renderings.
 */
class DataPathMessagesTest {
  /** Units in the data, each with one row in group "g". */
  private static final int UNITS = 104_729;

  private static final double AMOUNT = 456.75;
  private static final Secret SECRET =
      Secret.fromBytes(
          new byte[] {
            2, 7, 1, 8, 2, 8, 1, 8, 2, 8, 4, 5, 9, 0, 4, 5, 2, 3, 5, 3, 6, 0, 2, 8, 7, 4, 7, 1, 3,
            5, 2, 6
          });

  private static Dataset<Row> data() {
    return SparkTestSession.get()
        .range(UNITS)
        .toDF("user")
        .withColumn("grp", lit("g"))
        .withColumn("amount", lit(AMOUNT))
        .repartition(2);
  }

  /** The exact values: the count and the sum. */
  private static List<Double> privateValues() {
    return List.of((double) UNITS, UNITS * AMOUNT);
  }

  /**
   * A count and a sum at an ε high enough that their exact values lie beyond the range the noise
   * grid handled on the base commit (2^62 grid units, about 2^22·Δ/ε): the noise step threw "…; got
   * 104729.0" on the executors, after the charge. Whether or not the mechanisms accept such values
   * (they must, once dp-core releases every finite double), neither the count nor the sum may
   * appear in any message.
   */
  @Test
  void countAndSumBeyondTheOldNoiseGrid_noMessageOrLogLineCarriesThem() {
    Throwable thrown;
    try (CapturedLogs logs = new CapturedLogs()) {
      thrown =
          catchThrowable(
              () ->
                  PrivateDataFrame.of(data(), "user", PrivacyBudget.inMemory(1000, 1e-5))
                      .aggregate()
                      .count()
                      .sum("amount", 0, 1000)
                      .epsilon(200)
                      .releaseSecret(SECRET)
                      .run()
                      .collectAsList());
      assertNoPrivateValue(thrown, logs.lines());
    }
  }

  /**
   * Laplace thresholding noises the group's unit count with a Laplace mechanism: the same limit on
   * the base commit, with the exact number of units in the message.
   */
  @Test
  void partitionSelectionBeyondTheOldNoiseGrid_noMessageOrLogLineCarriesTheUnitCount() {
    Throwable thrown;
    try (CapturedLogs logs = new CapturedLogs()) {
      thrown =
          catchThrowable(
              () ->
                  PrivateDataFrame.of(data(), "user", PrivacyBudget.inMemory(1000, 1e-5))
                      .groupBy("grp")
                      .count()
                      .epsilon(400)
                      .delta(1e-6)
                      .partitionSelection(PartitionSelectionStrategy.LAPLACE_THRESHOLDING)
                      .releaseSecret(SECRET)
                      .run()
                      .collectAsList());
      assertNoPrivateValue(thrown, logs.lines());
    }
  }

  /**
   * Task failures in the input stage (one task throws, another loses its shuffle output, so the
   * next stage fails to fetch it) are retried; Spark logs each failure with its stack trace. None
   * of those lines carries the exact count or sum, and the release completes.
   */
  @Test
  void injectedTaskFailures_logLinesCarryNoPrivateValue() {
    Dataset<Row> faulty =
        data().withColumn("amount", TaskFaults.failingIdentity(0, 1).apply(col("amount")));
    Throwable thrown;
    List<Row> out = new ArrayList<>();
    try (CapturedLogs logs = new CapturedLogs()) {
      thrown =
          catchThrowable(
              () ->
                  out.addAll(
                      PrivateDataFrame.of(faulty, "user", PrivacyBudget.inMemory(10, 1e-5))
                          .groupBy("grp")
                          .count()
                          .sum("amount", 0, 1000)
                          .mean("amount", 0, 1000)
                          .epsilon(1)
                          .delta(1e-6)
                          .releaseSecret(SECRET)
                          .run()
                          .collectAsList()));
      assertThat(logs.lines())
          .as("Spark logged the injected failures")
          .anyMatch(l -> l.contains("injected failure"));
      assertNoPrivateValue(thrown, logs.lines());
    }
    assertThat(thrown).isNull();
    assertThat(out).hasSize(1);
  }

  /**
   * Values at the top of the double range, with bounds [0, 10^308]: 40 units' sum overflows a
   * double. On the base commit the sum became +∞ and the noise step failed after the charge. It is
   * now summed exactly, and only the noisy release saturates at Double.MAX_VALUE
   * (docs/AGGREGATIONS.md, "Exact sums, of any size").
   */
  @Test
  void sumBeyondTheDoubleRange_releasesWithoutFailure() {
    Dataset<Row> huge =
        SparkTestSession.get().range(40).toDF("user").withColumn("amount", lit(1e308));
    List<Row> out =
        PrivateDataFrame.of(huge, "user", PrivacyBudget.inMemory(10, 1e-5))
            .aggregate()
            .sum("amount", 0, 1e308)
            .mean("amount", 0, 1e308)
            .epsilon(4)
            .releaseSecret(SECRET)
            .run()
            .collectAsList();
    assertThat(out).hasSize(1);
    assertThat(out.get(0).getDouble(out.get(0).fieldIndex("mean_amount"))).isBetween(0.0, 1e308);
  }

  /**
   * Bounds [−10^308, 10^308] with 40 units at each end: partial sums reach +∞ and −∞, and Spark's
   * sum of them was NaN on the base commit, which no mechanism releases. Exact integer sums cannot
   * overflow, so the exact sum, 0, is what gets noised.
   */
  @Test
  void sumOfOppositeOverflows_releasesWithoutFailure() {
    Dataset<Row> huge =
        SparkTestSession.get()
            .range(80)
            .toDF("user")
            .withColumn("amount", when(col("user").lt(40), lit(1e308)).otherwise(lit(-1e308)))
            .repartition(4);
    List<Row> out =
        PrivateDataFrame.of(huge, "user", PrivacyBudget.inMemory(10, 1e-5))
            .aggregate()
            .sum("amount", -1e308, 1e308)
            .epsilon(1)
            .releaseSecret(SECRET)
            .run()
            .collectAsList();
    assertThat(out).hasSize(1);
    assertThat(out.get(0).getDouble(out.get(0).fieldIndex("sum_amount"))).isNotNaN();
  }

  /**
   * Fails if a private value occurs in the exception (with causes and suppressed) or in a log line.
   */
  private static void assertNoPrivateValue(Throwable thrown, List<String> logLines) {
    List<String> texts = new ArrayList<>(logLines);
    if (thrown != null) {
      texts.add(stackTrace(thrown));
    }
    for (double v : privateValues()) {
      for (Pattern p : renderings(v)) {
        assertThat(texts).as("messages mentioning %s", p).noneMatch(t -> p.matcher(t).find());
      }
    }
  }

  /** The usual renderings of v, not preceded or followed by a digit. */
  private static List<Pattern> renderings(double v) {
    List<String> forms =
        new ArrayList<>(List.of(Double.toString(v), BigDecimal.valueOf(v).toPlainString()));
    if (v == Math.rint(v)) {
      forms.add(Long.toString((long) v));
    }
    return forms.stream()
        .map(f -> Pattern.compile("(?<![0-9])" + Pattern.quote(f) + "(?![0-9])"))
        .toList();
  }

  private static String stackTrace(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out.toString();
  }

  /**
   * Every log event, with the stack trace of its throwable, while open; the root logger is at INFO
   * meanwhile (the tests' configuration keeps it at WARN).
   */
  private static final class CapturedLogs implements AutoCloseable {
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
    private final LoggerConfig root = context.getConfiguration().getRootLogger();
    private final Level saved = root.getLevel();
    private final AbstractAppender appender =
        new AbstractAppender(
            "privspark-data-path-capture", null, null, true, Property.EMPTY_ARRAY) {
          @Override
          public void append(LogEvent event) {
            String line = event.getLoggerName() + ": " + event.getMessage().getFormattedMessage();
            lines.add(
                event.getThrown() == null ? line : line + "\n" + stackTrace(event.getThrown()));
          }
        };

    CapturedLogs() {
      appender.start();
      root.addAppender(appender, Level.ALL, null);
      root.setLevel(Level.INFO);
      context.updateLoggers();
    }

    List<String> lines() {
      synchronized (lines) {
        return List.copyOf(lines);
      }
    }

    @Override
    public void close() {
      root.removeAppender(appender.getName());
      root.setLevel(saved);
      context.updateLoggers();
      appender.stop();
    }
  }
}
