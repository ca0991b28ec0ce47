package org.privspark.spark;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Fault injection for the shared {@code local[2,2]} session (a failed task is retried once). Every
 * fault fires only in the first attempt of a task in the first attempt of its stage, so the retry
 * (or the resubmitted stage) succeeds, and a check of the outcome can compare it with a run without
 * faults.
 *
 * <ul>
 *   <li>{@link #failingIdentity}: a UDF for the input stage. It throws in partition {@code
 *       failPartition}, and in partition {@code losePartition} it lets the task succeed but deletes
 *       the task's shuffle output once it is committed. The next stage then fails with {@code
 *       FetchFailed}, and Spark reruns the lost map task and resubmits that stage: a fault in a
 *       stage the caller's code never runs in.
 *   <li>{@link #failingPartitions}: a pass-through {@code mapPartitions} function that throws,
 *       applied to the noisy rows inside a release's Spark job (package-private {@code
 *       PrivateAggregation.run(lastStage)}): a fault in the post-shuffle result stage.
 *   <li>{@link Recorder}: counts task ends by stage and reason, so a test can show that the faults
 *       actually happened.
 * </ul>
 *
 * Works in local mode only: the shuffle files are deleted through the driver's own block manager.
 */
public final class TaskFaults {
  private TaskFaults() {}

  private static boolean firstAttempt(TaskContext tc) {
    return tc != null && tc.attemptNumber() == 0 && tc.stageAttemptNumber() == 0;
  }

  /** Tasks (by attempt id) that already registered their output-deleting listener. */
  private static final Set<Long> ARMED = ConcurrentHashMap.newKeySet();

  /**
   * An identity UDF on doubles for the input stage: throws in the first attempt of partition {@code
   * failPartition}; in the first attempt of partition {@code losePartition} the task succeeds, then
   * its shuffle output is deleted (a lost map output).
   */
  public static UserDefinedFunction failingIdentity(int failPartition, int losePartition) {
    return functions
        .udf(
            (UDF1<Double, Double>)
                x -> {
                  TaskContext tc = TaskContext.get();
                  if (firstAttempt(tc) && tc.partitionId() == failPartition) {
                    throw new IllegalStateException(
                        "injected failure, first attempt of partition " + failPartition);
                  }
                  if (firstAttempt(tc)
                      && tc.partitionId() == losePartition
                      && ARMED.add(tc.taskAttemptId())) {
                    // Task completion listeners run after ShuffleMapTask has committed the map
                    // output.
                    tc.addTaskCompletionListener(
                        ctx -> {
                          if (!ctx.isInterrupted() && !ctx.isFailed()) {
                            deleteShuffleOutput(ctx.taskAttemptId());
                          }
                        });
                  }
                  return x;
                },
            DataTypes.DoubleType)
        .asNondeterministic();
  }

  /**
   * Deletes the map output files of task attempt {@code mapId} (Spark's map id is the attempt id).
   */
  private static void deleteShuffleOutput(long mapId) {
    Pattern own = Pattern.compile("shuffle_\\d+_" + mapId + "_0\\.(data|index)");
    List<File> deleted = new ArrayList<>();
    for (File f :
        scala.jdk.javaapi.CollectionConverters.asJava(
            SparkEnv.get().blockManager().diskBlockManager().getAllFiles())) {
      if (own.matcher(f.getName()).matches() && f.delete()) {
        deleted.add(f);
      }
    }
    if (deleted.isEmpty()) {
      throw new IllegalStateException("no shuffle output of map task " + mapId + " to delete");
    }
  }

  /** A pass-through that throws in the first attempt of partition {@code partition}. */
  public static MapPartitionsFunction<Row, Row> failingPartitions(int partition) {
    return rows -> {
      TaskContext tc = TaskContext.get();
      if (firstAttempt(tc) && tc.partitionId() == partition) {
        throw new IllegalStateException(
            "injected failure in the result stage, partition " + partition);
      }
      return rows;
    };
  }

  /**
   * Records every task end while attached: stage id and end reason ("Success", "FetchFailed", ...).
   */
  public static final class Recorder extends SparkListener implements AutoCloseable {
    private final SparkSession spark;
    private final Map<Integer, List<String>> reasons = new ConcurrentHashMap<>();

    private Recorder(SparkSession spark) {
      this.spark = spark;
    }

    /** Starts recording on {@code spark}'s context. */
    public static Recorder attach(SparkSession spark) {
      Recorder r = new Recorder(spark);
      spark.sparkContext().addSparkListener(r);
      return r;
    }

    private final List<String> stages = java.util.Collections.synchronizedList(new ArrayList<>());

    @Override
    public void onStageCompleted(org.apache.spark.scheduler.SparkListenerStageCompleted done) {
      var info = done.stageInfo();
      stages.add(
          info.stageId()
              + "."
              + info.attemptNumber()
              + " ("
              + info.numTasks()
              + " tasks"
              + (info.failureReason().isDefined() ? ", failed" : "")
              + ")");
    }

    /** Completed stage attempts, "id.attempt (n tasks)", in completion order. */
    public List<String> stageAttempts() {
      synchronized (stages) {
        return List.copyOf(stages);
      }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      String reason = end.reason().getClass().getSimpleName().replace("$", "");
      reasons
          .computeIfAbsent(
              end.stageId(), s -> java.util.Collections.synchronizedList(new ArrayList<>()))
          .add(reason);
    }

    /** Waits for the listener bus to deliver everything posted so far, then stops recording. */
    @Override
    public void close() {
      try {
        spark.sparkContext().listenerBus().waitUntilEmpty(30_000);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException("the listener bus did not drain in 30 s", e);
      } finally {
        spark.sparkContext().removeSparkListener(this);
      }
    }

    /** Stage id → reason → count, sorted. */
    public Map<Integer, Map<String, Integer>> byStage() {
      Map<Integer, Map<String, Integer>> out = new TreeMap<>();
      reasons.forEach(
          (stage, list) -> {
            Map<String, Integer> counts = new TreeMap<>();
            synchronized (list) {
              list.forEach(r -> counts.merge(r, 1, Integer::sum));
            }
            out.put(stage, counts);
          });
      return out;
    }

    /** The stages in which at least one task attempt ended other than "Success". */
    public Set<Integer> stagesWithFailures() {
      Set<Integer> out = new TreeSet<>();
      byStage()
          .forEach(
              (stage, counts) -> {
                if (counts.keySet().stream().anyMatch(r -> !r.equals("Success"))) {
                  out.add(stage);
                }
              });
      return out;
    }

    /** How many task attempts ended with {@code reason}. */
    public int count(String reason) {
      return byStage().values().stream().mapToInt(c -> c.getOrDefault(reason, 0)).sum();
    }
  }
}
