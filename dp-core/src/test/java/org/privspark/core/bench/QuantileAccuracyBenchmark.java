package org.privspark.core.bench;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.privspark.core.aggregation.HistogramQuantiles;
import org.privspark.core.aggregation.QuantileEstimate;
import org.privspark.core.aggregation.QuantileTree;
import org.privspark.core.mechanism.GaussianMechanism;
import org.privspark.core.mechanism.GridMechanism;
import org.privspark.core.mechanism.LaplaceMechanism;
import org.privspark.core.mechanism.NoisyVector;
import org.privspark.core.noise.KeyedStreamSource;
import org.privspark.core.noise.Secret;

/**
 * Accuracy (not speed) of DP quantiles: dp-spark's noisy 64-bin histogram ({@link
 * HistogramQuantiles}) against the tree ({@link QuantileTree}) at several (b, h), at the same ε
 * (and δ for Gaussian noise). For each scenario and method it prints the median absolute error over
 * the releases at ranks 0.1, 0.25, 0.5, 0.75, 0.9 against the exact quantile (the ⌈rN⌉-th smallest
 * clamped value), the share of 95% intervals that cover it, and their median width.
 *
 * <p>Scenarios: (a) Adult {@code age} in [0, 100], one row per person, L0 = L∞ = 1, ε = 1 and 0.1;
 * (b) benchmark-like groups: 460 values uniform in [0, 100), L0 = 5, L∞ = 10, ε = 0.25 (a fresh
 * seeded group per release); controls (b') with skewed values 100·u³ and (c), (c') with groups of
 * 4,600. A first row gives the signal-free answer 100·r, which a tree whose counts sum to ≤ 0
 * returns (and which is exact for uniform data). Noise from {@link KeyedStreamSource} with a seeded
 * secret per release, so every figure is reproducible. Run with {@code BENCH_MVN_FLAGS=-o bin/bench
 * --main QuantileAccuracyBenchmark [releases] [adult.data path]} (defaults 500 and the copy in
 * dp-spark's test resources); results are recorded in {@code docs/BENCHMARKS.md}.
 */
public final class QuantileAccuracyBenchmark {
  private static final double[] RANKS = {0.1, 0.25, 0.5, 0.75, 0.9};
  private static final int BINS = 64;
  private static final double DELTA = 1e-6;
  private static final int[][] TREES = {
    {16, 4}, {16, 3}, {16, 2}, {32, 2}, {8, 4}, {8, 3}, {4, 4}, {4, 6}, {2, 8}
  };

  /** Trees also run with alpha = 0 (only negative counts ignored) instead of Google's 0.005. */
  private static final int[][] TREES_ALPHA_ZERO = {{16, 4}, {16, 2}, {8, 3}};

  private QuantileAccuracyBenchmark() {}

  /** One release's quantiles and 95% intervals. */
  private record Release(double[] values, double[] low, double[] high) {}

  /** A quantile method at fixed parameters: data in, one release out. */
  private interface Method {
    String name();

    Release release(double[] data, Secret secret);
  }

  public static void main(String[] args) throws IOException {
    int releases = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    Path adult = Path.of(args.length > 1 ? args[1] : "../data/adult/adult.data");
    double[] ages = readAges(adult);
    System.out.printf(Locale.ROOT, "releases per row: %d; Adult rows: %d%n", releases, ages.length);
    for (double eps : new double[] {1, 0.1}) {
      report(
          "(a) Adult age in [0, 100], L0 = Linf = 1, eps = " + eps,
          eps,
          1,
          1,
          releases,
          seed -> ages);
    }
    report(
        "(b) 460 values uniform in [0, 100), L0 = 5, Linf = 10, eps = 0.25",
        0.25,
        5,
        10,
        releases,
        seed -> group(460, seed, 1));
    // Controls: skewed values (100·u³, mass near 0), where a signal-free answer is no longer right,
    // and ten times larger groups, where the counts carry signal.
    report(
        "(b') 460 values 100·u^3 (skewed), L0 = 5, Linf = 10, eps = 0.25",
        0.25,
        5,
        10,
        releases,
        seed -> group(460, seed, 3));
    report(
        "(c) 4,600 values uniform in [0, 100), L0 = 5, Linf = 10, eps = 0.25",
        0.25,
        5,
        10,
        releases,
        seed -> group(4600, seed, 1));
    report(
        "(c') 4,600 values 100·u^3 (skewed), L0 = 5, Linf = 10, eps = 0.25",
        0.25,
        5,
        10,
        releases,
        seed -> group(4600, seed, 3));
  }

  private interface Data {
    double[] group(int seed);
  }

  private static void report(String title, double eps, long l0, long k, int releases, Data data) {
    System.out.println();
    System.out.println("### " + title);
    System.out.println();
    System.out.println(
        "| method | noise | q0.1 | q0.25 | q0.5 | q0.75 | q0.9 | 95% CI coverage | median CI width"
            + " |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    for (boolean gaussian : new boolean[] {false, true}) {
      List<Method> methods = new ArrayList<>();
      if (!gaussian) {
        methods.add(signalFree());
      }
      methods.add(histogram(eps, l0, k, gaussian));
      for (int[] bh : TREES) {
        methods.add(tree(bh[0], bh[1], QuantileTree.ALPHA, eps, l0, k, gaussian));
      }
      for (int[] bh : TREES_ALPHA_ZERO) {
        methods.add(tree(bh[0], bh[1], 0, eps, l0, k, gaussian));
      }
      for (Method m : methods) {
        double[][] errors = new double[RANKS.length][releases];
        int covered = 0;
        double[] widths = new double[releases * RANKS.length];
        for (int s = 0; s < releases; s++) {
          double[] group = data.group(s);
          double[] sorted =
              Arrays.stream(group).map(v -> Math.max(0, Math.min(100, v))).sorted().toArray();
          Release r = m.release(group, secret(s));
          for (int i = 0; i < RANKS.length; i++) {
            double exact = sorted[(int) Math.max(1, Math.ceil(RANKS[i] * sorted.length)) - 1];
            errors[i][s] = Math.abs(r.values()[i] - exact);
            covered += r.low()[i] <= exact && exact <= r.high()[i] ? 1 : 0;
            widths[s * RANKS.length + i] = r.high()[i] - r.low()[i];
          }
        }
        String noise =
            m.name().startsWith("no data") ? "none" : gaussian ? "Gaussian, δ = 1e-6" : "Laplace";
        StringBuilder row = new StringBuilder("| " + m.name() + " | " + noise + " |");
        for (double[] e : errors) {
          row.append(String.format(Locale.ROOT, " %.3f |", median(e)));
        }
        row.append(
            String.format(
                Locale.ROOT,
                " %.1f %% | %.2f |",
                100.0 * covered / (releases * RANKS.length),
                median(widths)));
        System.out.println(row);
      }
    }
  }

  /**
   * The answer of a tree or histogram with no signal: lower + r·(upper − lower), interval [0, 100].
   */
  private static Method signalFree() {
    return new Method() {
      @Override
      public String name() {
        return "no data: 100·r";
      }

      @Override
      public Release release(double[] data, Secret secret) {
        double[] v = new double[RANKS.length];
        double[] low = new double[RANKS.length];
        double[] high = new double[RANKS.length];
        for (int i = 0; i < RANKS.length; i++) {
          v[i] = 100 * RANKS[i];
          high[i] = 100;
        }
        return new Release(v, low, high);
      }
    };
  }

  private static Method histogram(double eps, long l0, long k, boolean gaussian) {
    // As dp-spark plans it: L1 = L0·k, L2 = √L0·k, one vector of 64 bins per group, L0·64
    // coordinates.
    GridMechanism<?, ?> mechanism =
        gaussian
            ? GaussianMechanism.builder()
                .epsilon(eps)
                .delta(DELTA)
                .l2Sensitivity(Math.nextUp(Math.sqrt(l0)) * k)
                .maxCoordinatesContributed(l0 * BINS)
                .build()
            : LaplaceMechanism.builder()
                .epsilon(eps)
                .l1Sensitivity((double) l0 * k)
                .maxCoordinatesContributed(l0 * BINS)
                .build();
    double[] edges = new double[BINS + 1];
    for (int j = 0; j <= BINS; j++) {
      edges[j] = 100.0 * j / BINS;
    }
    return new Method() {
      @Override
      public String name() {
        return "histogram, 64 bins";
      }

      @Override
      public Release release(double[] data, Secret secret) {
        long[] counts = new long[BINS];
        for (double v : data) {
          double c = Math.max(0, Math.min(100, v));
          counts[Math.min(BINS - 1, (int) Math.floor(c / 100 * BINS))]++;
        }
        BigInteger[] units = new BigInteger[BINS];
        for (int j = 0; j < BINS; j++) {
          units[j] = BigInteger.valueOf(counts[j]);
        }
        NoisyVector noisy =
            mechanism.releaseFixedPoint(units, 0, KeyedStreamSource.forCell(secret, "histogram"));
        QuantileEstimate r = HistogramQuantiles.of(noisy, edges, RANKS);
        return new Release(r.values(), r.ciLow(), r.ciHigh());
      }
    };
  }

  private static Method tree(
      int b, int h, double alpha, double eps, long l0, long k, boolean gaussian) {
    QuantileTree.Builder builder =
        QuantileTree.builder()
            .lower(0)
            .upper(100)
            .branchingFactor(b)
            .height(h)
            .alpha(alpha)
            .maxPartitionsContributed(l0)
            .maxContributionsPerPartition(k);
    QuantileTree tree = (gaussian ? builder.gaussian(eps, DELTA) : builder.laplace(eps)).build();
    return new Method() {
      @Override
      public String name() {
        return "tree, b = "
            + b
            + ", h = "
            + h
            + (alpha == QuantileTree.ALPHA ? "" : ", alpha = " + alpha);
      }

      @Override
      public Release release(double[] data, Secret secret) {
        Map<Long, Long> counts = new HashMap<>();
        for (double v : data) {
          counts.merge(tree.leafOf(v), 1L, Long::sum);
        }
        QuantileEstimate r =
            tree.quantiles(
                counts, RANKS, node -> KeyedStreamSource.forCell(secret, "tree|" + node));
        return new Release(r.values(), r.ciLow(), r.ciHigh());
      }
    };
  }

  private static Secret secret(int seed) {
    byte[] bytes = new byte[Secret.LENGTH];
    new Random(0x5EED0000L + seed).nextBytes(bytes);
    return Secret.fromBytes(bytes);
  }

  /** n values 100·u^power, u uniform in [0, 1) from a Random seeded with {@code seed}. */
  private static double[] group(int n, int seed, int power) {
    Random random = new Random(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = 100 * Math.pow(random.nextDouble(), power);
    }
    return v;
  }

  private static double[] readAges(Path path) throws IOException {
    List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
    double[] ages = new double[lines.size() - 1];
    for (int i = 1; i < lines.size(); i++) {
      ages[i - 1] = Double.parseDouble(lines.get(i).substring(0, lines.get(i).indexOf(',')).trim());
    }
    return ages;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }
}
