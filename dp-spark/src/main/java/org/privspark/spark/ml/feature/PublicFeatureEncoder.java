package org.privspark.spark.ml.feature;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.udf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.privspark.core.Check;
import org.privspark.spark.ml.params.ParamChecks;
import org.privspark.spark.ml.params.StringArrayArrayParam;

/**
 * Turns columns into a features vector using only a <em>public</em> specification, so that the
 * encoding itself reveals nothing about the data: numeric columns with public bounds [lo, hi]
 * (clamped, then scaled to [0, 1] or [−1, 1]), categorical columns with public vocabularies
 * (one-hot; a value outside the vocabulary becomes all zeros, or a 1 in an extra "other" slot), and
 * an optional clip of the vector's L2 norm. It fits nothing, so it is a {@link Transformer}, not an
 * estimator.
 *
 * <p><b>Why.</b> Spark's {@code StringIndexer}, {@code OneHotEncoder}, {@code StandardScaler} and
 * {@code MinMaxScaler} are fitted on the data: the fitted stage holds the set of categories that
 * occur (a rare category names a person), their frequency order, means, variances, minima and
 * maxima, none of it private. A pipeline that fits them on private data and then trains a DP model
 * leaks through the preprocessing. This encoder is the safe path: every number in it comes from the
 * caller (domain knowledge, a data dictionary), never from the rows.
 *
 * <p><b>Layout.</b> The numeric columns in the order given, then each categorical column's
 * vocabulary in the order given (plus its "other" slot when {@link Unknown#OTHER}). The output
 * column carries ML attribute metadata with the size. Nulls and NaN in a numeric column encode as
 * 0; a null category counts as unknown.
 *
 * <pre>{@code
 * PublicFeatureEncoder encoder = PublicFeatureEncoder.builder()
 *     .numeric("age", 17, 90)
 *     .categorical("sex", "Female", "Male")
 *     .outputCol("features")
 *     .build();
 * }</pre>
 *
 * <p>Immutable once built except through Spark's param setters; persisted with {@code
 * write().save(path)} and {@link #load}.
 */
public final class PublicFeatureEncoder extends Transformer implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  /** What a category outside its column's vocabulary encodes as. */
  public enum Unknown {
    /** All zeros in that column's slots. */
    ZERO,
    /** A 1 in an extra slot after the vocabulary. */
    OTHER
  }

  /** The range numeric columns are scaled to. */
  public enum Range {
    /** [0, 1]: lo maps to 0, hi to 1. */
    UNIT,
    /** [−1, 1]: lo maps to −1, hi to 1. */
    SYMMETRIC
  }

  private final String uid;
  private final StringArrayParam numericCols;
  private final DoubleArrayParam lowerBounds;
  private final DoubleArrayParam upperBounds;
  private final Param<String> range;
  private final StringArrayParam categoricalCols;
  private final StringArrayArrayParam vocabularies;
  private final Param<String> unknown;
  private final DoubleParam maxNorm;
  private final Param<String> outputCol;

  /**
   * An encoder with no columns; use {@link #builder()} or the setters.
   *
   * @param uid the stage's unique id
   */
  public PublicFeatureEncoder(String uid) {
    this.uid = uid;
    numericCols = new StringArrayParam(this, "numericCols", "numeric input columns");
    lowerBounds =
        new DoubleArrayParam(this, "lowerBounds", "public lower bound of each numeric column");
    upperBounds =
        new DoubleArrayParam(this, "upperBounds", "public upper bound of each numeric column");
    range =
        new Param<>(
            uid,
            "range",
            "scale numeric columns to UNIT [0, 1] or SYMMETRIC [-1, 1]",
            ParamChecks.columnName("range"));
    categoricalCols = new StringArrayParam(this, "categoricalCols", "categorical input columns");
    vocabularies =
        new StringArrayArrayParam(
            uid, "vocabularies", "public vocabulary of each categorical column", v -> true);
    unknown =
        new Param<>(
            uid,
            "unknown",
            "unknown categories: ZERO (all zeros) or OTHER (extra slot)",
            ParamChecks.columnName("unknown"));
    maxNorm =
        new DoubleParam(
            uid,
            "maxNorm",
            "clip each output vector to this L2 norm, finite and > 0 (unset: no clipping)",
            ParamChecks.positiveFinite("maxNorm"));
    outputCol =
        new Param<>(uid, "outputCol", "output vector column", ParamChecks.columnName("outputCol"));
    setDefault(numericCols, new String[0]);
    setDefault(lowerBounds, new double[0]);
    setDefault(upperBounds, new double[0]);
    setDefault(range, Range.UNIT.name());
    setDefault(categoricalCols, new String[0]);
    setDefault(vocabularies, new String[0][]);
    setDefault(unknown, Unknown.ZERO.name());
    setDefault(outputCol, "features");
  }

  /** An encoder with no columns and a fresh uid; use {@link #builder()} or the setters. */
  public PublicFeatureEncoder() {
    this(Identifiable.randomUID("pubenc"));
  }

  /**
   * A builder that validates the whole specification in {@link Builder#build()}.
   *
   * @return a builder with no columns
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String uid() {
    return uid;
  }

  /**
   * The {@code numericCols} param (see its doc string for the range and default).
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public StringArrayParam numericCols() {
    return numericCols;
  }

  /**
   * The {@code lowerBounds} param (see its doc string for the range and default).
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public DoubleArrayParam lowerBounds() {
    return lowerBounds;
  }

  /**
   * The {@code upperBounds} param (see its doc string for the range and default).
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public DoubleArrayParam upperBounds() {
    return upperBounds;
  }

  /**
   * The {@code range} param (see its doc string for the range and default).
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public Param<String> range() {
    return range;
  }

  /**
   * The {@code categoricalCols} param (see its doc string for the range and default).
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public StringArrayParam categoricalCols() {
    return categoricalCols;
  }

  /**
   * The {@code vocabularies} param (see its doc string for the range and default).
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public StringArrayArrayParam vocabularies() {
    return vocabularies;
  }

  /**
   * The {@code unknown} param (see its doc string for the range and default).
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public Param<String> unknown() {
    return unknown;
  }

  /**
   * The {@code maxNorm} param (see its doc string for the range and default).
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public DoubleParam maxNorm() {
    return maxNorm;
  }

  /**
   * The {@code outputCol} param (see its doc string for the range and default).
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public Param<String> outputCol() {
    return outputCol;
  }

  /**
   * Sets {@link #outputCol()}; the value is validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public PublicFeatureEncoder setOutputCol(String value) {
    set(outputCol, value);
    return this;
  }

  /**
   * Sets {@link #maxNorm()}; the value is validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public PublicFeatureEncoder setMaxNorm(double value) {
    set(maxNorm, value);
    return this;
  }

  /**
   * The size of the output vectors.
   *
   * @return the dimension of every vector this encoder writes
   */
  public int numFeatures() {
    return spec().size();
  }

  /** The validated specification the params describe. */
  private Spec spec() {
    String[] num = $(numericCols);
    double[] lo = $(lowerBounds);
    double[] hi = $(upperBounds);
    if (lo.length != num.length || hi.length != num.length) {
      throw new IllegalArgumentException(
          "lowerBounds and upperBounds must have one entry per "
              + "numeric column ("
              + num.length
              + "); got "
              + lo.length
              + " and "
              + hi.length);
    }
    for (int i = 0; i < num.length; i++) {
      checkBounds(num[i], lo[i], hi[i]);
    }
    String[] cat = $(categoricalCols);
    String[][] voc = $(vocabularies);
    if (voc.length != cat.length) {
      throw new IllegalArgumentException(
          "vocabularies must have one entry per categorical column ("
              + cat.length
              + "); got "
              + voc.length);
    }
    for (int i = 0; i < cat.length; i++) {
      checkVocabulary(cat[i], voc[i]);
    }
    Set names = new Set();
    for (String c : num) {
      names.add(c);
    }
    for (String c : cat) {
      names.add(c);
    }
    Unknown u = parse(Unknown.class, "unknown", $(unknown));
    Range r = parse(Range.class, "range", $(range));
    double norm = isSet(maxNorm) ? (Double) $(maxNorm) : Double.POSITIVE_INFINITY;
    return new Spec(num, lo, hi, r == Range.SYMMETRIC, cat, voc, u == Unknown.OTHER, norm);
  }

  /** Rejects duplicate column names. */
  private static final class Set {
    private final HashSet<String> seen = new HashSet<>();

    void add(String c) {
      if (!seen.add(c)) {
        throw new IllegalArgumentException("columns must be named once; got '" + c + "' twice");
      }
    }
  }

  private static <E extends Enum<E>> E parse(Class<E> type, String param, String value) {
    try {
      return Enum.valueOf(type, value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          param + " must be one of " + Arrays.toString(type.getEnumConstants()) + "; got " + value,
          e);
    }
  }

  static void checkBounds(String column, double lo, double hi) {
    if (!Double.isFinite(lo) || !Double.isFinite(hi) || !(lo < hi)) {
      throw new IllegalArgumentException(
          "bounds of '"
              + column
              + "' must be finite with lower < upper; got ["
              + lo
              + ", "
              + hi
              + "]");
    }
  }

  static void checkVocabulary(String column, String[] vocabulary) {
    if (vocabulary == null || vocabulary.length == 0) {
      throw new IllegalArgumentException(
          "vocabulary of '" + column + "' must hold at least one value; got none");
    }
    HashSet<String> seen = new HashSet<>();
    for (String v : vocabulary) {
      Check.notNull("vocabulary of '" + column + "' entry", v);
      if (!seen.add(v)) {
        throw new IllegalArgumentException(
            "vocabulary of '" + column + "' must not repeat a value; got '" + v + "' twice");
      }
    }
  }

  /** The encoding, as plain serializable data for the executors. */
  record Spec(
      String[] numeric,
      double[] lo,
      double[] hi,
      boolean symmetric,
      String[] categorical,
      String[][] vocabularies,
      boolean otherSlot,
      double maxNorm)
      implements java.io.Serializable {
    int size() {
      int n = numeric.length;
      for (String[] v : vocabularies) {
        n += v.length + (otherSlot ? 1 : 0);
      }
      return n;
    }

    List<Map<String, Integer>> indices() {
      List<Map<String, Integer>> out = new ArrayList<>();
      for (String[] v : vocabularies) {
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < v.length; i++) {
          m.put(v[i], i);
        }
        out.add(m);
      }
      return out;
    }

    /** Encodes one row whose fields are the numeric columns, then the categorical ones. */
    Vector encode(Row row, List<Map<String, Integer>> index) {
      int size = size();
      int nnz = numeric.length + categorical.length;
      int[] idx = new int[nnz];
      double[] val = new double[nnz];
      int k = 0;
      for (int i = 0; i < numeric.length; i++) {
        double x = row.isNullAt(i) ? Double.NaN : ((Number) row.get(i)).doubleValue();
        double scaled;
        if (Double.isNaN(x)) {
          scaled = 0;
        } else {
          double clamped = Math.min(hi[i], Math.max(lo[i], x));
          double unit = (clamped - lo[i]) / (hi[i] - lo[i]);
          scaled = symmetric ? 2 * unit - 1 : unit;
        }
        if (scaled != 0) {
          idx[k] = i;
          val[k++] = scaled;
        }
      }
      int offset = numeric.length;
      for (int j = 0; j < categorical.length; j++) {
        int width = vocabularies[j].length;
        Object raw = row.get(numeric.length + j);
        Integer slot = raw == null ? null : index.get(j).get(raw.toString());
        if (slot == null && otherSlot) {
          slot = width;
        }
        if (slot != null) {
          idx[k] = offset + slot;
          val[k++] = 1.0;
        }
        offset += width + (otherSlot ? 1 : 0);
      }
      double norm = 0;
      for (int i = 0; i < k; i++) {
        norm += val[i] * val[i];
      }
      norm = Math.sqrt(norm);
      if (norm > maxNorm) {
        double s = maxNorm / norm;
        for (int i = 0; i < k; i++) {
          val[i] *= s;
        }
      }
      return Vectors.sparse(size, Arrays.copyOf(idx, k), Arrays.copyOf(val, k)).compressed();
    }
  }

  @Override
  public StructType transformSchema(StructType schema) {
    Spec spec = spec();
    for (String c : spec.numeric()) {
      DataType t = field(schema, c).dataType();
      if (!(t instanceof NumericType)) {
        throw new IllegalArgumentException(
            "numeric column '" + c + "' must be numeric; got " + t.simpleString());
      }
    }
    for (String c : spec.categorical()) {
      DataType t = field(schema, c).dataType();
      if (!(t instanceof StringType)
          && !(t instanceof NumericType)
          && !(t instanceof org.apache.spark.sql.types.BooleanType)) {
        throw new IllegalArgumentException(
            "categorical column '"
                + c
                + "' must be a string, numeric or boolean column; got "
                + t.simpleString());
      }
    }
    String out = $(outputCol);
    for (String name : schema.fieldNames()) {
      if (name.equals(out)) {
        throw new IllegalArgumentException(
            "outputCol must name a column not in the input; got '" + out + "'");
      }
    }
    return schema.add(new AttributeGroup(out, spec.size()).toStructField());
  }

  private static StructField field(StructType schema, String name) {
    for (StructField f : schema.fields()) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "column '"
            + name
            + "' must exist in the input; columns: "
            + String.join(", ", schema.fieldNames()));
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType out = transformSchema(dataset.schema());
    Spec spec = spec();
    List<Column> inputs = new ArrayList<>();
    for (String c : spec.numeric()) {
      inputs.add(col(c));
    }
    for (String c : spec.categorical()) {
      inputs.add(col(c));
    }
    List<Map<String, Integer>> index = spec.indices();
    UDF1<Row, Vector> encode = row -> spec.encode(row, index);
    Column encoded = udf(encode, new VectorUDT()).apply(struct(inputs.toArray(new Column[0])));
    StructField field = out.apply($(outputCol));
    return dataset.withColumn($(outputCol), encoded, field.metadata());
  }

  @Override
  public PublicFeatureEncoder copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  /**
   * The reader of saved {@code PublicFeatureEncoder} stages.
   *
   * @return the reader
   */
  public static MLReader<PublicFeatureEncoder> read() {
    return new DefaultParamsReader<>();
  }

  /**
   * Loads what {@code write().save(path)} saved.
   *
   * @param path the directory {@code save} wrote
   * @return the encoder
   */
  public static PublicFeatureEncoder load(String path) {
    return read().load(path);
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "PublicFeatureEncoder: uid=%s, numeric=%s, categorical=%s",
        uid,
        Arrays.toString($(numericCols)),
        Arrays.toString($(categoricalCols)));
  }

  /** Collects the specification; {@link #build()} validates all of it. Not thread-safe. */
  public static final class Builder {
    private final List<String> numeric = new ArrayList<>();
    private final List<Double> lo = new ArrayList<>();
    private final List<Double> hi = new ArrayList<>();
    private final List<String> categorical = new ArrayList<>();
    private final List<String[]> vocab = new ArrayList<>();
    private Unknown unknown = Unknown.ZERO;
    private Range range = Range.UNIT;
    private Double maxNorm;
    private String outputCol = "features";

    private Builder() {}

    /**
     * A numeric column with public bounds: values are clamped to [lo, hi], then scaled.
     *
     * @param column the column's name
     * @param lower the public lower bound lo, finite
     * @param upper the public upper bound hi, finite and &gt; lo
     * @return this builder
     */
    public Builder numeric(String column, double lower, double upper) {
      numeric.add(column);
      lo.add(lower);
      hi.add(upper);
      return this;
    }

    /**
     * A categorical column with its public vocabulary, one-hot encoded in the order given.
     *
     * @param column the column's name
     * @param vocabulary the public categories, non-empty and without repeats
     * @return this builder
     */
    public Builder categorical(String column, String... vocabulary) {
      categorical.add(column);
      vocab.add(vocabulary == null ? null : vocabulary.clone());
      return this;
    }

    /**
     * A categorical column with its public vocabulary.
     *
     * @param column the column's name
     * @param vocabulary the public categories, non-empty and without repeats
     * @return this builder
     */
    public Builder categorical(String column, List<String> vocabulary) {
      return categorical(column, vocabulary == null ? null : vocabulary.toArray(new String[0]));
    }

    /**
     * Unknown categories; default {@link Unknown#ZERO}.
     *
     * @param value the new value
     * @return this builder
     */
    public Builder unknown(Unknown value) {
      unknown = Check.notNull("unknown", value);
      return this;
    }

    /**
     * The range numeric columns are scaled to; default {@link Range#UNIT}.
     *
     * @param value the new value
     * @return this builder
     */
    public Builder range(Range value) {
      range = Check.notNull("range", value);
      return this;
    }

    /**
     * Clips every output vector to this L2 norm (finite, &gt; 0); default none.
     *
     * @param value the new value
     * @return this builder
     */
    public Builder maxNorm(double value) {
      maxNorm = Check.positiveFinite("maxNorm", value);
      return this;
    }

    /**
     * The output column; default "features".
     *
     * @param value the new value
     * @return this builder
     */
    public Builder outputCol(String value) {
      outputCol = value;
      return this;
    }

    /**
     * Validates the specification (bounds finite with lo &lt; hi, vocabularies non-empty without
     * repeats, no column named twice) and builds the encoder.
     *
     * @return the encoder
     * @throws IllegalArgumentException naming the first invalid part of the specification
     */
    public PublicFeatureEncoder build() {
      if (numeric.isEmpty() && categorical.isEmpty()) {
        throw new IllegalArgumentException(
            "columns must include at least one numeric or categorical column; got none");
      }
      PublicFeatureEncoder e = new PublicFeatureEncoder();
      e.set(e.numericCols, numeric.toArray(new String[0]));
      e.set(e.lowerBounds, lo.stream().mapToDouble(Double::doubleValue).toArray());
      e.set(e.upperBounds, hi.stream().mapToDouble(Double::doubleValue).toArray());
      e.set(e.categoricalCols, categorical.toArray(new String[0]));
      e.set(e.vocabularies, vocab.toArray(new String[0][]));
      e.set(e.unknown, unknown.name());
      e.set(e.range, range.name());
      e.set(e.outputCol, outputCol);
      if (maxNorm != null) {
        e.set(e.maxNorm, maxNorm);
      }
      e.spec(); // validates everything
      return e;
    }
  }
}
