package org.privspark.examples;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;

/**
 * What the Spark benchmark jobs share: their sizes and option values on the command line, timing
 * one run (wall clock and the JVM's CPU), medians, and JSON numbers.
 */
final class BenchmarkRuns {
  private BenchmarkRuns() {}

  /** The value after option {@code args[i - 1]}; IllegalArgumentException if there is none. */
  static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value; got none");
    }
    return args[i];
  }

  /** A row count such as {@code 1000000}, {@code 200k} or {@code 10M}. */
  static long parseSize(String s) {
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
      throw new IllegalArgumentException(
          "size must be a row count such as 1000000 or 10M; got '" + s + "'", e);
    }
  }

  /**
   * Runs {@code action} once: its wall-clock seconds into {@code out[0][i]}, the JVM's CPU seconds
   * into {@code out[1][i]} (NaN where the platform cannot tell).
   */
  static void time(Runnable action, double[][] out, int i) {
    long cpu = processCpuNanos();
    long start = System.nanoTime();
    action.run();
    out[0][i] = (System.nanoTime() - start) / 1e9;
    long cpuEnd = processCpuNanos();
    out[1][i] = cpu < 0 || cpuEnd < 0 ? Double.NaN : (cpuEnd - cpu) / 1e9;
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  /** The median; NaN for no values. */
  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    if (n == 0) {
      return Double.NaN;
    }
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  /** A JSON array of numbers at {@code digits} decimals (null for NaN or an infinity). */
  static String jsonArray(double[] values, int digits) {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < values.length; i++) {
      out.append(i == 0 ? "" : ",").append(jsonNumber(values[i], digits));
    }
    return out.append(']').toString();
  }

  /**
   * A JSON number at {@code digits} decimals; null for NaN or an infinity, which JSON cannot hold.
   */
  static String jsonNumber(double value, int digits) {
    return Double.isFinite(value) ? String.format(Locale.ROOT, "%." + digits + "f", value) : "null";
  }
}
