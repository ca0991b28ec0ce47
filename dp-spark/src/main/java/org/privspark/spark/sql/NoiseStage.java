package org.privspark.spark.sql;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.privspark.core.aggregation.AggregationPlan;
import org.privspark.core.aggregation.Estimate;
import org.privspark.core.aggregation.HistogramQuantiles;
import org.privspark.core.aggregation.PlannedMeasurement;
import org.privspark.core.aggregation.QuantileEstimate;
import org.privspark.core.aggregation.Quantity;
import org.privspark.core.mechanism.ConfidenceInterval;
import org.privspark.core.mechanism.GridMechanism;
import org.privspark.core.mechanism.NoisyValue;
import org.privspark.core.mechanism.NoisyVector;
import org.privspark.core.mechanism.PartitionSelection;
import org.privspark.core.noise.KeyedStreamSource;
import org.privspark.core.noise.ReleaseKey;
import org.privspark.core.noise.Secret;

/**
 * Runs on the executors over the per-group aggregates (keys, {@code __units}, one input per
 * measurement): drops groups that fail partition selection, adds noise to every measurement, and
 * computes each statistic with its noise standard deviation and 95% confidence interval.
 *
 * <p>Every draw comes from {@link KeyedStreamSource#forCell} with the release's {@link ReleaseKey}
 * and a cell id made of the measurement's name and the group key, so re-running a task reproduces
 * its output exactly.
 *
 * <p><b>Exact inputs.</b> Each measurement's input is the exact integer total X of its group on the
 * measurement's public grid ({@link InputGrid}), recombined here from Spark's exact column sums,
 * and reaches its mechanism as the fixed-point value X·2^e, without a rounding to a double in
 * between ({@link GridMechanism#releaseFixedPoint}): the mechanism accepts every such value.
 *
 * <p><b>No failure carries a private value.</b> The inputs here are exact, un-noised aggregates of
 * private data. Should a mechanism or the partition selection still throw, the exception is
 * replaced by one that names the step and the exception's class only, without the original message
 * or cause (which may quote the input), and without the group key (private until the release is
 * complete).
 *
 * <p>Confidence intervals: for counts and sums, the exact interval of the added noise (it covers
 * the exact bounded value with probability ≥ 95%). For mean and variance, intervals of their 2 or 3
 * components at level 1 − 0.05/k each, combined by interval arithmetic (a union bound keeps the
 * coverage at ≥ 95%). Their {@code _noise_std} is a first-order (delta-method) approximation.
 */
final class NoiseStage implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;
  private static final double LEVEL = AggregationPlan.LEVEL;

  private final byte[] secret;
  private final byte[] chargedReleaseId;
  private final StagedLayout layout;
  private final AggregationPlan plan;
  private final List<InputGrid> grids;
  private final List<Aggregate> aggregates;

  /**
   * @param secret the release secret, and {@code chargedReleaseId} the id its charge was recorded
   *     under: together the {@link ReleaseKey} every cell's noise comes from
   * @param layout where the staged rows hold the keys, the units and each measurement's input
   * @param plan the query's plan: measurements, derivations, selection
   * @param grids each measurement's input grid, in the plan's order
   * @param aggregates the statistics, in the plan's order, for their output
   */
  NoiseStage(
      byte[] secret,
      byte[] chargedReleaseId,
      StagedLayout layout,
      AggregationPlan plan,
      List<InputGrid> grids,
      List<Aggregate> aggregates) {
    this.secret = secret.clone();
    this.chargedReleaseId = chargedReleaseId.clone();
    this.layout = layout;
    this.plan = plan;
    this.grids = List.copyOf(grids);
    this.aggregates = List.copyOf(aggregates);
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    ReleaseKey key = ReleaseKey.of(Secret.fromBytes(secret), chargedReleaseId);
    List<PlannedMeasurement> measurements = plan.measurements();
    List<GridMechanism<?, ?>> mechanisms = new ArrayList<>();
    for (PlannedMeasurement m : measurements) {
      mechanisms.add(m.mechanism());
    }
    PartitionSelection selection = plan.selection();
    int keyCount = layout.keyCount();
    int[] vectorMeasurement = vectorMeasurements();
    List<Row> out = new ArrayList<>();
    while (input.hasNext()) {
      Row row = input.next();
      String cell = groupId(row);
      if (selection != null
          && !keep(
              selection,
              row.getLong(layout.units()),
              KeyedStreamSource.forCell(key, "select|" + cell))) {
        continue;
      }
      Object[] noisy = new Object[measurements.size()];
      for (int i = 0; i < noisy.length; i++) {
        KeyedStreamSource cellSource =
            KeyedStreamSource.forCell(key, cellId(measurements.get(i).name(), cell));
        InputGrid grid = grids.get(i);
        List<Long> sums = row.getList(layout.input(i));
        try {
          if (measurements.get(i).dimension() > 1) {
            BigInteger[] bins = new BigInteger[measurements.get(i).dimension()];
            for (int j = 0; j < bins.length; j++) {
              bins[j] = grid.combine(sums, j * grid.limbs());
            }
            noisy[i] = mechanisms.get(i).releaseFixedPoint(bins, grid.exponent(), cellSource);
          } else {
            noisy[i] =
                mechanisms
                    .get(i)
                    .releaseFixedPoint(grid.combine(sums, 0), grid.exponent(), cellSource);
          }
        } catch (RuntimeException e) {
          throw withheld("the noise of measurement '" + measurements.get(i).name() + "'", e);
        }
      }
      out.add(outputRow(row, noisy, keyCount, vectorMeasurement));
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
    return new IllegalStateException(
        "PrivSpark: "
            + step
            + " failed with "
            + e.getClass().getName()
            + " after the budget was charged; its message is withheld because it may contain a"
            + " value computed from private data");
  }

  /** Per statistic, the index of the histogram measurement it reads (−1 for a scalar statistic). */
  private int[] vectorMeasurements() {
    int[] index = new int[aggregates.size()];
    for (int s = 0; s < index.length; s++) {
      Aggregate a = aggregates.get(s);
      index[s] = a.isVector() ? plan.indexOf(Quantity.histogram(a.column(), a.edges())) : -1;
    }
    return index;
  }

  private Row outputRow(Row row, Object[] noisy, int keyCount, int[] vectorMeasurement) {
    Object[] values = new Object[keyCount + 4 * aggregates.size()];
    for (int k = 0; k < keyCount; k++) {
      values[k] = row.get(k);
    }
    NoisyValue[] scalars = new NoisyValue[noisy.length];
    for (int i = 0; i < noisy.length; i++) {
      scalars[i] = noisy[i] instanceof NoisyValue v ? v : null;
    }
    int at = keyCount;
    for (int s = 0; s < aggregates.size(); s++) {
      Aggregate a = aggregates.get(s);
      Object[] stat;
      // Post-processing of noisy values only; still, nothing thrown here may carry its message.
      try {
        if (a.isVector()) {
          stat = vectorStatistic(a, (NoisyVector) noisy[vectorMeasurement[s]]);
        } else {
          Estimate e = plan.estimate(s, scalars);
          stat = new Object[] {e.value(), e.noiseStd(), e.low(), e.high()};
        }
      } catch (RuntimeException ex) {
        throw withheld("the estimate of statistic '" + a.outputName() + "'", ex);
      }
      for (Object v : stat) {
        values[at++] = v;
      }
    }
    return RowFactory.create(values);
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
   * Quantiles read off the noisy bins by dp-core's {@link HistogramQuantiles} (its Javadoc has the
   * interval and the std). The one {@code _noise_std} is the largest of the ranks' stds, in the
   * value's units.
   */
  private static Object[] quantiles(Aggregate a, NoisyVector noisy) {
    QuantileEstimate q = HistogramQuantiles.of(noisy, a.edges(), a.ranks());
    return new Object[] {
      toSeq(q.values()), q.widestNoiseStd(), toSeq(q.ciLow()), toSeq(q.ciHigh())
    };
  }

  private static scala.collection.immutable.Seq<Object> toSeq(double[] v) {
    List<Object> list = new ArrayList<>(v.length);
    for (double d : v) {
      list.add(d);
    }
    return scala.jdk.javaapi.CollectionConverters.asScala(list).toList();
  }

  /**
   * A measurement's noise cell in a group: its name, length-prefixed so that no (name, group) pair
   * spells another's, and the group's id. (Selection cells start with "select|", never a digit.)
   */
  static String cellId(String measurement, String group) {
    return measurement.length() + ":" + measurement + "|" + group;
  }

  /**
   * The group's stable id ({@link SparkKeys#appendId}): the same on every evaluation and every JVM.
   */
  private String groupId(Row row) {
    StringBuilder id = new StringBuilder();
    for (int k = 0; k < layout.keyCount(); k++) {
      SparkKeys.appendId(id, row.get(k));
    }
    return id.toString();
  }
}
