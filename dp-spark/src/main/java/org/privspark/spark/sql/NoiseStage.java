package org.privspark.spark.sql;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.privspark.core.mechanism.ConfidenceInterval;
import org.privspark.core.mechanism.GridMechanism;
import org.privspark.core.mechanism.PartitionSelection;
import org.privspark.core.mechanism.NoisyValue;
import org.privspark.core.mechanism.NoisyVector;
import org.privspark.core.noise.KeyedStreamSource;
import org.privspark.core.noise.ReleaseKey;
import org.privspark.core.noise.Secret;

/**
 * Runs on the executors over the per-group aggregates (keys, {@code __units}, one input per
 * measurement): drops groups that fail partition selection, adds noise to every measurement, and
 * computes each statistic with its noise standard deviation and 95% confidence interval.
 *
 * <p>Every draw comes from {@link KeyedStreamSource#forCell} with the release's {@link ReleaseKey} and a cell id
 * made of the measurement's name and the group key, so re-running a task reproduces its output
 * exactly.
 *
 * <p><b>Exact inputs.</b> Each measurement's input is the exact integer total X of its group on
 * the measurement's public grid ({@link InputGrid}), recombined here from Spark's exact column
 * sums, and reaches its mechanism as the fixed-point value X·2^e, without a rounding to a double
 * in between ({@link GridMechanism#releaseFixedPoint}): the mechanism accepts every such value.
 *
 * <p><b>No failure carries a private value.</b> The inputs here are exact, un-noised aggregates
 * of private data. Should a mechanism or the partition selection still throw, the exception is replaced by one
 * that names the step and the exception's class only, without the original message or cause
 * (which may quote the input), and without the group key (private until the release is complete).
 *
 * <p>Confidence intervals: for counts and sums, the exact interval of the added noise (it covers
 * the exact bounded value with probability ≥ 95%). For mean and variance, intervals of their 2 or
 * 3 components at level 1 − 0.05/k each, combined by interval arithmetic (a union bound keeps the
 * coverage at ≥ 95%). Their {@code _noise_std} is a first-order (delta-method) approximation.
 */
final class NoiseStage implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;
  private static final double LEVEL = 0.95;

  private final byte[] secret;
  private final byte[] chargedReleaseId;
  private final int keyCount;
  private final List<Measurement> measurements;
  private final List<Aggregate> aggregates;
  private final PartitionSelectionStrategy selectionKind;
  private final double selectionEpsilon;
  private final double selectionDelta;
  private final long l0;
  private final long preThreshold;

  /**
   * @param secret the release secret, and {@code chargedReleaseId} the id its charge was recorded
   *     under: together the {@link ReleaseKey} every cell's noise comes from
   */
  NoiseStage(byte[] secret, byte[] chargedReleaseId, int keyCount, List<Measurement> measurements,
      List<Aggregate> aggregates,
      PartitionSelectionStrategy selectionKind, double selectionEpsilon, double selectionDelta, long l0, long preThreshold) {
    this.secret = secret.clone();
    this.chargedReleaseId = chargedReleaseId.clone();
    this.keyCount = keyCount;
    this.measurements = List.copyOf(measurements);
    this.aggregates = List.copyOf(aggregates);
    this.selectionKind = selectionKind;
    this.selectionEpsilon = selectionEpsilon;
    this.selectionDelta = selectionDelta;
    this.l0 = l0;
    this.preThreshold = preThreshold;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    ReleaseKey key = ReleaseKey.of(Secret.fromBytes(secret), chargedReleaseId);
    List<GridMechanism<?, ?>> mechanisms = new ArrayList<>();
    for (Measurement m : measurements) {
      mechanisms.add(m.mechanism());
    }
    PartitionSelection selection = Double.isNaN(selectionEpsilon)
        ? null
        : QueryPlan.selection(selectionKind, selectionEpsilon, selectionDelta, l0, preThreshold);
    List<Row> out = new ArrayList<>();
    while (input.hasNext()) {
      Row row = input.next();
      String cell = groupId(row);
      if (selection != null && !keep(selection, row.getLong(keyCount),
          KeyedStreamSource.forCell(key, "select|" + cell))) {
        continue;
      }
      Object[] noisy = new Object[measurements.size()];
      for (int i = 0; i < noisy.length; i++) {
        KeyedStreamSource cellSource =
            KeyedStreamSource.forCell(key, measurements.get(i).name() + "|" + cell);
        InputGrid grid = measurements.get(i).input();
        List<Long> sums = row.getList(keyCount + 1 + i);
        try {
          if (measurements.get(i).dimension() > 1) {
            BigInteger[] bins = new BigInteger[measurements.get(i).dimension()];
            for (int j = 0; j < bins.length; j++) {
              bins[j] = grid.combine(sums, j * grid.limbs());
            }
            noisy[i] = mechanisms.get(i).releaseFixedPoint(bins, grid.exponent(), cellSource);
          } else {
            noisy[i] = mechanisms.get(i).releaseFixedPoint(grid.combine(sums, 0), grid.exponent(), cellSource);
          }
        } catch (RuntimeException e) {
          throw withheld("the noise of measurement '" + measurements.get(i).name() + "'", e);
        }
      }
      out.add(outputRow(row, noisy));
    }
    return out.iterator();
  }

  private static boolean keep(PartitionSelection selection, long units, KeyedStreamSource source) {
    try {
      return selection.keep(units, source);
    } catch (RuntimeException e) {
      throw withheld("partition selection", e);
    }
  }

  /**
   * The exception thrown in place of {@code e}: its class name only, neither its message nor its
   * cause, which may quote the exact input (docs/THREAT-MODEL.md, "What a release reveals").
   */
  private static IllegalStateException withheld(String step, RuntimeException e) {
    return new IllegalStateException("PrivSpark: " + step + " failed with " + e.getClass().getName()
        + " after the budget was charged; its message is withheld because it may contain a value computed from"
        + " private data");
  }

  private Row outputRow(Row row, Object[] noisy) {
    Object[] values = new Object[keyCount + 4 * aggregates.size()];
    for (int k = 0; k < keyCount; k++) {
      values[k] = row.get(k);
    }
    int at = keyCount;
    for (Aggregate a : aggregates) {
      Object[] stat = a.isVector() ? vectorStatistic(a, (NoisyVector) noisy[index(a.histogramName())])
          : boxed(statistic(a, noisy));
      for (Object v : stat) {
        values[at++] = v;
      }
    }
    return RowFactory.create(values);
  }

  private static Object[] boxed(double[] v) {
    Object[] out = new Object[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return out;
  }

  /** {values, noise std, ci lows, ci highs} of a histogram or quantiles statistic. */
  private static Object[] vectorStatistic(Aggregate a, NoisyVector bins) {
    if (a.kind() == Aggregate.Kind.HISTOGRAM) {
      double[] v = bins.values();
      double[] lo = new double[v.length];
      double[] hi = new double[v.length];
      for (int j = 0; j < v.length; j++) {
        ConfidenceInterval ci = bins.confidenceInterval(j, LEVEL);
        lo[j] = ci.lower();
        hi[j] = ci.upper();
      }
      return new Object[] {toSeq(v), bins.noiseStd(), toSeq(lo), toSeq(hi)};
    }
    return quantiles(a, bins);
  }

  /**
   * Quantiles from noisy bin counts (negative counts read as 0), by linear interpolation in the
   * bin where the cumulative count reaches rank·total. The interval: every bin's noise is within
   * ±h with probability ≥ 1 − 0.05/B (h at that level), so with probability ≥ 95% the true
   * cumulative count C_j lies within Ĉ_j ± j·h and the true total N within N̂ ± B·h; the true
   * quantile then lies between the last edge whose upper bound stays below rank·N_low and the
   * first edge whose lower bound reaches rank·N_high. The noise std reported is that of the noisy
   * total, √B·σ_bin.
   */
  private static Object[] quantiles(Aggregate a, NoisyVector noisy) {
    double[] n = noisy.values();
    int bins = n.length;
    double[] edges = a.edges();
    double[] cum = new double[bins + 1];
    double[] raw = new double[bins + 1];
    for (int j = 0; j < bins; j++) {
      cum[j + 1] = cum[j] + Math.max(n[j], 0);
      raw[j + 1] = raw[j] + n[j];
    }
    double h = noisy.noise().halfWidth(1 - (1 - LEVEL) / bins);
    double nLow = Math.max(0, raw[bins] - bins * h);
    double nHigh = raw[bins] + bins * h;
    double[] value = new double[a.ranks().length];
    double[] lo = new double[value.length];
    double[] hi = new double[value.length];
    for (int r = 0; r < value.length; r++) {
      double rank = a.ranks()[r];
      value[r] = interpolate(cum, edges, rank * cum[bins]);
      lo[r] = edges[0];
      for (int j = 1; j <= bins; j++) {
        if (raw[j] + j * h < rank * nLow) {
          lo[r] = edges[j];
        }
      }
      hi[r] = edges[bins];
      for (int j = bins; j >= 1; j--) {
        if (raw[j] - j * h >= rank * nHigh) {
          hi[r] = edges[j];
        }
      }
      lo[r] = Math.min(lo[r], value[r]);
      hi[r] = Math.max(hi[r], value[r]);
    }
    double std = Math.sqrt(bins) * noisy.noiseStd();
    return new Object[] {toSeq(value), std, toSeq(lo), toSeq(hi)};
  }

  private static double interpolate(double[] cum, double[] edges, double target) {
    int bins = cum.length - 1;
    if (cum[bins] <= 0) {
      return edges[0] + (edges[bins] - edges[0]) / 2;
    }
    for (int j = 1; j <= bins; j++) {
      if (cum[j] >= target && cum[j] > cum[j - 1]) {
        double fraction = (target - cum[j - 1]) / (cum[j] - cum[j - 1]);
        return edges[j - 1] + Math.max(0, Math.min(1, fraction)) * (edges[j] - edges[j - 1]);
      }
    }
    return edges[bins];
  }

  private static scala.collection.immutable.Seq<Object> toSeq(double[] v) {
    List<Object> list = new ArrayList<>(v.length);
    for (double d : v) {
      list.add(d);
    }
    return scala.jdk.javaapi.CollectionConverters.asScala(list).toList();
  }

  /** {value, noise std, ci low, ci high} of one statistic. */
  private double[] statistic(Aggregate a, Object[] noisy) {
    return switch (a.kind()) {
      case COUNT -> direct(scalar(noisy, Aggregate.ROWS));
      case COUNT_DISTINCT_UNITS -> direct(scalar(noisy, Aggregate.UNITS));
      case SUM -> direct(scalar(noisy, a.sumName()));
      case MEAN -> mean(a, scalar(noisy, Aggregate.ROWS), scalar(noisy, a.centeredSumName()));
      case VARIANCE, STDDEV -> variance(a, scalar(noisy, Aggregate.ROWS), scalar(noisy, a.centeredSumName()),
          scalar(noisy, a.centeredSquaresName()), a.kind() == Aggregate.Kind.STDDEV);
      case QUANTILES, HISTOGRAM -> throw new IllegalStateException("vector statistic " + a.kind());
    };
  }

  private NoisyValue scalar(Object[] noisy, String measurement) {
    return (NoisyValue) noisy[index(measurement)];
  }

  private static double[] direct(NoisyValue v) {
    double[] ci = interval(v, LEVEL);
    return new double[] {v.value(), v.noiseStd(), ci[0], ci[1]};
  }

  private static double[] mean(Aggregate a, NoisyValue count, NoisyValue centeredSum) {
    double level = 1 - (1 - LEVEL) / 2;
    double c = Math.max(count.value(), 1);
    double s = centeredSum.value();
    double value = clamp(a.midpoint() + s / c, a.lower(), a.upper());
    double std = Math.sqrt(sq(centeredSum.noiseStd()) + sq(s / c) * sq(count.noiseStd())) / c;
    double[] ci = ratioInterval(interval(centeredSum, level), interval(count, level));
    return new double[] {value, std, clamp(a.midpoint() + ci[0], a.lower(), a.upper()),
        clamp(a.midpoint() + ci[1], a.lower(), a.upper())};
  }

  private static double[] variance(Aggregate a, NoisyValue count, NoisyValue centeredSum,
      NoisyValue centeredSquares, boolean root) {
    double level = 1 - (1 - LEVEL) / 3;
    double w2 = a.halfWidth() * a.halfWidth();
    double c = Math.max(count.value(), 1);
    double m1 = centeredSum.value() / c;
    double m2 = centeredSquares.value() / c;
    double value = clamp(m2 - m1 * m1, 0, w2);
    double std = Math.sqrt(sq(centeredSquares.noiseStd()) + sq(2 * m1) * sq(centeredSum.noiseStd())
        + sq(m2 - 2 * m1 * m1) * sq(count.noiseStd())) / c;
    double[] cI = interval(count, level);
    double[] sI = interval(centeredSum, level);
    double[] qI = interval(centeredSquares, level);
    double cLo = Math.max(cI[0], 1);
    double cHi = Math.max(cI[1], 1);
    double minAbsS = (sI[0] <= 0 && sI[1] >= 0) ? 0 : Math.min(Math.abs(sI[0]), Math.abs(sI[1]));
    double maxAbsS = Math.max(Math.abs(sI[0]), Math.abs(sI[1]));
    double hi = (qI[1] >= 0 ? qI[1] / cLo : qI[1] / cHi) - sq(minAbsS / cHi);
    double lo = (qI[0] >= 0 ? qI[0] / cHi : qI[0] / cLo) - sq(maxAbsS / cLo);
    lo = clamp(lo, 0, w2);
    hi = clamp(hi, 0, w2);
    if (!root) {
      return new double[] {value, std, lo, hi};
    }
    double sd = Math.sqrt(value);
    double sdStd = sd > 0 ? std / (2 * sd) : Math.sqrt(std);
    return new double[] {sd, sdStd, Math.sqrt(lo), Math.sqrt(hi)};
  }

  /**
   * The mechanism's interval at {@code level}: value ± the noise's half-width, widened for the
   * final rounding of a huge release and kept finite ({@link NoisyValue#confidenceInterval}).
   */
  private static double[] interval(NoisyValue v, double level) {
    ConfidenceInterval ci = v.confidenceInterval(level);
    return new double[] {ci.lower(), ci.upper()};
  }

  /** The range of s/c over s in {@code s} and c in {@code c}, with c floored at 1. */
  private static double[] ratioInterval(double[] s, double[] c) {
    double cLo = Math.max(c[0], 1);
    double cHi = Math.max(c[1], 1);
    double[] corners = {s[0] / cLo, s[0] / cHi, s[1] / cLo, s[1] / cHi};
    return new double[] {minOf(corners), maxOf(corners)};
  }

  private static double minOf(double[] v) {
    double m = Double.POSITIVE_INFINITY;
    for (double x : v) {
      m = Math.min(m, x);
    }
    return m;
  }

  private static double maxOf(double[] v) {
    double m = Double.NEGATIVE_INFINITY;
    for (double x : v) {
      m = Math.max(m, x);
    }
    return m;
  }

  private int index(String measurement) {
    for (int i = 0; i < measurements.size(); i++) {
      if (measurements.get(i).name().equals(measurement)) {
        return i;
      }
    }
    throw new IllegalStateException("no measurement " + measurement);
  }

  /** The group's stable id ({@link SparkKeys#appendId}): the same on every evaluation and every JVM. */
  private String groupId(Row row) {
    StringBuilder id = new StringBuilder();
    for (int k = 0; k < keyCount; k++) {
      SparkKeys.appendId(id, row.get(k));
    }
    return id.toString();
  }

  private static double clamp(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  private static double sq(double v) {
    return v * v;
  }
}
