package org.privspark.jobs;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;

/**
 * Entry point of the jobs' app jar: {@code Main JOB ARGS...}, one of {@link #JOBS}; {@code Main
 * --help} lists them. docs/JOBS.md describes the jobs' arguments.
 *
 * <p>Run it with {@code spark-submit} (or {@code bin/privspark-submit}), which puts Spark on the
 * class path. {@code java -jar} on an app jar has no Spark: the job then prints one line that says
 * what to run instead, not a stack trace.
 */
public final class Main {
  /** The production jobs, by name, in the order the usage lists them. */
  public static final Map<String, Job> JOBS = jobs();

  /**
   * One job of an app jar's list.
   *
   * @param summary what it does, one line, for the usage
   * @param main runs it with its arguments and exits with its code
   */
  public record Job(String summary, Consumer<String[]> main) {}

  private Main() {}

  private static Map<String, Job> jobs() {
    Map<String, Job> jobs = new LinkedHashMap<>();
    jobs.put(
        "aggregate",
        sparkJob(
            "one DP query over CSV or Parquet, charged to a ledger; writes result and receipt",
            "privspark-aggregate",
            s -> new AggregateJob(s)));
    jobs.put(
        "report",
        sparkJob(
            "a battery of DP queries from a JSON file, charged as one ledger entry",
            "privspark-report",
            s -> new ReportJob(s)));
    jobs.put(
        "train",
        sparkJob(
            "DP-SGD logistic or linear regression, charged to a ledger; writes the model",
            "privspark-train",
            s -> new TrainJob(s)));
    return Collections.unmodifiableMap(jobs);
  }

  /**
   * A picocli job run on spark-submit's session, exiting with its code. The job's class is named in
   * lambdas only, so that listing the jobs loads no Spark class ({@code java -jar APP_JAR --help}).
   */
  private static Job sparkJob(
      String summary, String appName, Function<Supplier<SparkSession>, Object> job) {
    return new Job(summary, args -> System.exit(SparkJobs.main(appName, job, args)));
  }

  /**
   * Runs one job: {@code JOB ARGS...}; {@code --help} lists the jobs, {@code --version} prints the
   * project version and the git commit.
   *
   * @param args the job's name, then its arguments
   */
  public static void main(String[] args) {
    run(JOBS, args);
  }

  /**
   * Runs {@code args[0]} of {@code jobs} with the remaining arguments. {@code --help} (or {@code
   * -h}) lists the jobs and exits 0; no job or an unknown one lists them and exits 2; without
   * Spark's classes (plain {@code java -jar}) it prints what to run instead and exits 1. {@code
   * --version} prints the project version and the git commit, and returns.
   *
   * @param jobs the jobs, by name
   * @param args the job's name, then its arguments
   */
  public static void run(Map<String, Job> jobs, String[] args) {
    if (args.length == 1 && args[0].equals("--version")) {
      System.out.println(JobVersion.line());
      return;
    }
    if (args.length > 0 && List.of("--help", "-h", "help").contains(args[0])) {
      usage(jobs, System.out);
      System.exit(0);
    }
    if (args.length == 0 || !jobs.containsKey(args[0])) {
      String nearest =
          args.length == 0 ? null : Columns.nearest(List.copyOf(jobs.keySet()), args[0]);
      System.err.println(
          args.length == 0
              ? "no job given"
              : "unknown job '"
                  + args[0]
                  + "'"
                  + (nearest == null ? "" : "; did you mean '" + nearest + "'?"));
      usage(jobs, System.err);
      System.exit(2);
    }
    try {
      jobs.get(args[0]).main().accept(Arrays.copyOfRange(args, 1, args.length));
    } catch (NoClassDefFoundError e) {
      if (!withoutSpark(e)) {
        throw e;
      }
      System.err.println(
          args[0]
              + ": Spark is not on the class path ("
              + e.getMessage().replace('/', '.')
              + "): run the app jar with spark-submit --class "
              + mainClass()
              + " APP_JAR "
              + args[0]
              + " ..., or bin/privspark-submit "
              + args[0]
              + " ... (docs/JOBS.md); java -jar cannot run a Spark job");
      System.exit(1);
    }
  }

  /** Whether {@code e} is a missing Spark, Scala or Hadoop class: the jar was run without Spark. */
  static boolean withoutSpark(NoClassDefFoundError e) {
    String m = e.getMessage() == null ? "" : e.getMessage().replace('.', '/');
    return m.startsWith("org/apache/spark/")
        || m.startsWith("scala/")
        || m.startsWith("org/apache/hadoop/");
  }

  /** The class that started this JVM's job list: the jar's Main (the jobs' or the examples'). */
  private static String mainClass() {
    StackTraceElement[] stack = Thread.currentThread().getStackTrace();
    String last = stack[stack.length - 1].getClassName();
    return last.endsWith(".Main") ? last : Main.class.getName();
  }

  /** The jobs, one a line, with what each does. */
  static void usage(Map<String, Job> jobs, PrintStream out) {
    out.println(
        "usage: spark-submit --class "
            + mainClass()
            + " APP_JAR JOB [ARGS...]  (or bin/privspark-submit"
            + " JOB [ARGS...]); JOB --help lists a job's options. Jobs:");
    int width = jobs.keySet().stream().mapToInt(String::length).max().orElse(0);
    jobs.forEach((name, job) -> out.printf("  %-" + width + "s  %s%n", name, job.summary()));
  }
}
