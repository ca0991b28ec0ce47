package org.privspark.spark.ml;

import static org.apache.spark.ml.functions.vector_to_array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.xxhash64;

import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.IntegralType;
import org.privspark.spark.sql.SparkKeys;

/**
 * The training data of a DP-SGD fit as one array of examples per privacy unit, built once per fit
 * (docs/ML.md, "Bounding").
 *
 * <p><b>Bounding.</b> The unit column is put in the form in which Spark compares keys ({@link
 * SparkKeys#normalised}), rows with a null unit are dropped, and the per-row rule ({@link
 * DpSgdEstimator#examples}) drops rows on their own content. Of each unit's remaining rows at most
 * k are kept: those of the k smallest keyed hashes xxhash64(salt, unit, features, label), the salt
 * derived from the fit's release key. For a salt unknown to whoever chose the data, these are k of
 * the unit's rows chosen uniformly at random; the same key keeps the same rows (a retried task
 * reproduces them), and another release's key keeps others. Ties of the hash are broken by the
 * label and the features, so they only pick between identical rows, and the choice does not depend
 * on the order in which rows arrive.
 *
 * <p><b>Cost.</b> One shuffle of the rows by unit and one sort of each partition by a single 64-bit
 * key of the unit (the unit itself when it is an integer, else its hash), as the aggregations'
 * {@code UnitBounding} does; then one streaming pass that holds at most k rows per unit of the
 * current sort key. The steps then read the cached arrays and shuffle nothing.
 */
final class UnitRows {
  private UnitRows() {}

  /** Row-level mode: each row that passes the per-row rule as a unit of its own. */
  static JavaRDD<DpSgd.Example[]> oneRowUnits(
      Dataset<?> dataset,
      String featuresCol,
      String labelCol,
      int dimension,
      DpSgdEstimator.LabelRule rule) {
    return DpSgdEstimator.examples(dataset, featuresCol, labelCol, dimension, rule)
        .map(e -> new DpSgd.Example[] {e});
  }

  /**
   * Unit-level mode: per unit of {@code unitCol}, at most {@code k} of its rows that pass the
   * per-row rule, chosen by the keyed hash under {@code salt} (8 bytes or more; the first 8 are
   * used). Units with no such row are left out.
   */
  static JavaRDD<DpSgd.Example[]> bounded(
      Dataset<?> dataset,
      String unitCol,
      String featuresCol,
      String labelCol,
      int dimension,
      DpSgdEstimator.LabelRule rule,
      int k,
      byte[] salt) {
    Dataset<Row> byUnit = plan(dataset, unitCol, featuresCol, labelCol, salt);
    boolean booleanLabel =
        DpSgdEstimator.field(dataset.schema(), labelCol, "labelCol").dataType()
            instanceof BooleanType;
    boolean integral = byUnit.schema().apply("__unit").dataType() instanceof IntegralType;
    return byUnit.toJavaRDD().mapPartitions(new Pass(k, dimension, booleanLabel, rule, !integral));
  }

  /**
   * The rows grouped and sorted by unit, as a Dataset: analysed when built (a unit column Spark
   * cannot hash fails here), but neither planned for execution nor run. {@link DpSgdEstimator}
   * builds it before the charge; only {@link #bounded} turns it into an RDD, which with adaptive
   * execution can run the shuffle.
   */
  static Dataset<Row> plan(
      Dataset<?> dataset, String unitCol, String featuresCol, String labelCol, byte[] salt) {
    DataType unitType =
        DpSgdEstimator.field(dataset.schema(), unitCol, "privacyUnitCol").dataType();
    Dataset<Row> rows =
        dataset
            .select(
                SparkKeys.normalised(col(unitCol), unitType, SparkKeys.Icu.COLLATION_KEY)
                    .as("__unit"),
                col(featuresCol).as("__f"),
                col(labelCol).as("__y"))
            .where(col("__unit").isNotNull());
    boolean integral = rows.schema().apply("__unit").dataType() instanceof IntegralType;
    // A binary literal, not a long one: Spark would compile code per literal value (see the
    // aggregations' bounding salts).
    Column saltLit = lit(Arrays.copyOf(salt, 8));
    Column sortKey = integral ? col("__unit").cast(DataTypes.LongType) : xxhash64(col("__unit"));
    Column rowHash =
        xxhash64(saltLit, col("__unit"), vector_to_array(col("__f"), "float64"), col("__y"));
    return rows.repartition(col("__unit"))
        .select(sortKey.as("__sort"), col("__unit"), col("__f"), col("__y"), rowHash.as("__hash"))
        .sortWithinPartitions(col("__sort"));
  }

  /** A kept row: its keyed hash and its example. */
  private record Candidate(long hash, DpSgd.Example example) implements Serializable {}

  /** Hash, then label, then features: a total order in which only identical rows tie. */
  static final Comparator<Candidate> ORDER =
      Comparator.comparingLong(Candidate::hash)
          .thenComparing((a, b) -> Double.compare(a.example().label, b.example().label))
          .thenComparing((a, b) -> compareFeatures(a.example().features, b.example().features));

  private static int compareFeatures(Vector a, Vector b) {
    double[] x = a.toArray();
    double[] y = b.toArray();
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      int c = Double.compare(x[i], y[i]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(x.length, y.length);
  }

  /** The streaming pass over one partition sorted by unit key: yields one array per unit. */
  private static final class Pass implements FlatMapFunction<Iterator<Row>, DpSgd.Example[]> {
    private static final long serialVersionUID = 1L;
    private final int k;
    private final int dimension;
    private final boolean booleanLabel;
    private final DpSgdEstimator.LabelRule rule;
    private final boolean separateUnit;

    Pass(
        int k,
        int dimension,
        boolean booleanLabel,
        DpSgdEstimator.LabelRule rule,
        boolean separateUnit) {
      this.k = k;
      this.dimension = dimension;
      this.booleanLabel = booleanLabel;
      this.rule = rule;
      this.separateUnit = separateUnit;
    }

    @Override
    public Iterator<DpSgd.Example[]> call(Iterator<Row> input) {
      return new Iterator<>() {
        private final ArrayDeque<DpSgd.Example[]> ready = new ArrayDeque<>();
        private Row next; // first row of the next sort key, already read

        @Override
        public boolean hasNext() {
          while (ready.isEmpty() && (next != null || input.hasNext())) {
            readSortKey();
          }
          return !ready.isEmpty();
        }

        @Override
        public DpSgd.Example[] next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          return ready.poll();
        }

        /** Reads one sort key's rows; units sharing a hashed sort key are kept apart. */
        private void readSortKey() {
          Row row = next != null ? next : input.next();
          next = null;
          long key = row.getLong(0);
          Map<Object, PriorityQueue<Candidate>> units = new LinkedHashMap<>();
          while (true) {
            Object unit = separateUnit ? SparkKeys.identity(row.get(1)) : Boolean.TRUE;
            offer(units.computeIfAbsent(unit, u -> new PriorityQueue<>(ORDER.reversed())), row);
            if (!input.hasNext()) {
              break;
            }
            row = input.next();
            if (row.getLong(0) != key) {
              next = row;
              break;
            }
          }
          for (PriorityQueue<Candidate> kept : units.values()) {
            if (!kept.isEmpty()) {
              Candidate[] sorted = kept.toArray(new Candidate[0]);
              Arrays.sort(sorted, ORDER);
              ready.add(
                  Arrays.stream(sorted).map(Candidate::example).toArray(DpSgd.Example[]::new));
            }
          }
        }

        /** The per-row rule, then the bounded max-heap of the k smallest candidates. */
        private void offer(PriorityQueue<Candidate> kept, Row r) {
          if (r.isNullAt(2) || r.isNullAt(3) || ((Vector) r.get(2)).size() != dimension) {
            return;
          }
          double label =
              booleanLabel ? (r.getBoolean(3) ? 1 : 0) : ((Number) r.get(3)).doubleValue();
          if (!Double.isFinite(label) || !rule.accepts(label)) {
            return;
          }
          Candidate c = new Candidate(r.getLong(4), new DpSgd.Example(label, (Vector) r.get(2)));
          if (kept.size() < k) {
            kept.add(c);
          } else if (ORDER.compare(c, kept.peek()) < 0) {
            kept.poll();
            kept.add(c);
          }
        }
      };
    }
  }
}
