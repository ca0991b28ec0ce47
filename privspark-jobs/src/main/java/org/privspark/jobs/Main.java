package org.privspark.jobs;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Entry point of the jobs' app jar: {@code Main JOB ARGS...}, one of {@link #JOBS}. docs/JOBS.md
 * describes the jobs' arguments.
 */
public final class Main {
  /** The production jobs, by name, in the order the usage lists them. */
  public static final Map<String, Consumer<String[]>> JOBS = jobs();

  private Main() {}

  private static Map<String, Consumer<String[]>> jobs() {
    Map<String, Consumer<String[]>> jobs = new LinkedHashMap<>();
    jobs.put("aggregate", AggregateJob::main); // one DP query charged to a ledger
    jobs.put("report", ReportJob::main); // a battery of queries from a JSON file
    jobs.put("train", TrainJob::main); // DP-SGD regression, charged to a ledger
    return Collections.unmodifiableMap(jobs);
  }

  public static void main(String[] args) {
    run(JOBS, args);
  }

  /** Runs {@code args[0]} of {@code jobs} with the remaining arguments; exit code 2 for an unknown job. */
  public static void run(Map<String, Consumer<String[]>> jobs, String[] args) {
    if (args.length == 0 || !jobs.containsKey(args[0])) {
      String what = args.length == 0 ? "no job given" : "unknown job '" + args[0] + "'";
      System.err.println(what + "; jobs: " + String.join(", ", jobs.keySet()));
      System.exit(2);
    }
    jobs.get(args[0]).accept(Arrays.copyOfRange(args, 1, args.length));
  }
}
