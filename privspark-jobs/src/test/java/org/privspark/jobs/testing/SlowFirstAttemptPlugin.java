package org.privspark.jobs.testing;

import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.JavaSparkStatusTracker;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;

/**
 * Test-only: a Spark plugin that makes one task a straggler, for {@code .ci/failure-test}
 * (docs/RELIABILITY.md, "Spark failures"). It lives in privspark-jobs' tests jar, never in an app
 * jar; the failure test adds it with {@code --jars privspark-jobs-VERSION-tests.jar --conf
 * spark.plugins=org.privspark.jobs.testing.SlowFirstAttemptPlugin --conf
 * spark.privspark.test.slowFirstAttemptMs=N}.
 *
 * <p>It changes timing only, never a row: when the first attempt (attempt 0, in stage attempt 0) of
 * partition 0 of the first qualifying stage starts, the task prints {@value #SLOW_MARKER} to its
 * executor's stderr and sleeps N ms, before it computes anything. A stage qualifies when it has at
 * least two tasks (the straggler needs finished siblings for speculation to copy it; the CSV
 * header's one-task job does not). The driver's half of the plugin decides, from its status
 * tracker's count of the stage's tasks: the first qualifying stage to ask gets yes, every later one
 * no, so exactly one task in the application sleeps, whichever executor runs it.
 */
public final class SlowFirstAttemptPlugin implements SparkPlugin {
  /** The conf key of the sleep, in milliseconds (absent or 0: the plugin does nothing). */
  public static final String SLOW_FIRST_ATTEMPT_MS = "spark.privspark.test.slowFirstAttemptMs";

  /** What the slowed task prints to stderr before it sleeps (the failure test waits for it). */
  public static final String SLOW_MARKER =
      "privspark-test: slowing the first attempt of partition 0";

  @Override
  public DriverPlugin driverPlugin() {
    return new Driver();
  }

  @Override
  public ExecutorPlugin executorPlugin() {
    return new Executor();
  }

  /**
   * Answers "may stage S sleep?": yes for the first stage of two or more tasks that asks, no after.
   */
  static final class Driver implements DriverPlugin {
    private SparkContext sc;
    private Integer chosen;

    @Override
    public Map<String, String> init(SparkContext sc, PluginContext ctx) {
      this.sc = sc; // the status tracker is asked later: the context is still being built here
      return Map.of();
    }

    @Override
    public synchronized Object receive(Object message) throws InterruptedException {
      int stage = (Integer) message;
      if (chosen == null) {
        JavaSparkStatusTracker tracker = JavaSparkContext.fromSparkContext(sc).statusTracker();
        // The tracker learns of a stage from the listener bus, which may lag the task's start a
        // little.
        SparkStageInfo info = tracker.getStageInfo(stage);
        for (int i = 0; info == null && i < 200; i++) {
          Thread.sleep(25);
          info = tracker.getStageInfo(stage);
        }
        if (info != null && info.numTasks() >= 2) {
          chosen = stage;
        }
      }
      return chosen != null && chosen == stage;
    }
  }

  /** Sleeps in the chosen task's thread when it starts. */
  static final class Executor implements ExecutorPlugin {
    private PluginContext ctx;
    private long ms;

    @Override
    public void init(PluginContext ctx, Map<String, String> extraConf) {
      this.ctx = ctx;
      String value = ctx.conf().get(SLOW_FIRST_ATTEMPT_MS, "0").trim();
      try {
        ms = Long.parseLong(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            SLOW_FIRST_ATTEMPT_MS + " must be an integer >= 0; got " + value, e);
      }
      if (ms < 0) {
        throw new IllegalArgumentException(
            SLOW_FIRST_ATTEMPT_MS + " must be an integer >= 0; got " + value);
      }
    }

    @Override
    public void onTaskStart() {
      TaskContext tc = TaskContext.get();
      if (ms == 0
          || tc == null
          || tc.partitionId() != 0
          || tc.attemptNumber() != 0
          || tc.stageAttemptNumber() != 0) {
        return;
      }
      try {
        if (!Boolean.TRUE.equals(ctx.ask(tc.stageId()))) {
          return;
        }
        System.err.println(
            SLOW_MARKER
                + " of stage "
                + tc.stageId()
                + " by "
                + ms
                + " ms (task "
                + tc.taskAttemptId()
                + ")");
        System.err.flush();
        Thread.sleep(ms); // interrupted when a speculative copy wins or the task is killed
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        throw new IllegalStateException("the driver's half of the plugin did not answer", e);
      }
    }
  }
}
