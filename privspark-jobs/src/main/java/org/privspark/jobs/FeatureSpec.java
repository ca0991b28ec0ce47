package org.privspark.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.privspark.spark.ml.feature.PublicFeatureEncoder;
import org.privspark.spark.ml.params.UnitGradient;

/**
 * The {@code train} job's feature specification: which columns become features, with the
 * <em>public</em> bounds and vocabularies that {@link PublicFeatureEncoder} needs, and the label.
 * Everything in it is treated as public (docs/ML.md, "What is public"): take it from a data
 * dictionary or domain knowledge, never from the private rows.
 *
 * <pre>
 * {
 *   "numeric": [{"column": "age", "lower": 17, "upper": 90}],
 *   "categorical": [{"column": "sex", "vocabulary": ["Female", "Male"]}],
 *   "unknown": "other",
 *   "label": {"column": "income", "positive": "&gt;50K", "match": "prefix"},
 *   "privacyUnit": "person",
 *   "unitColumn": "person_id", "maxRowsPerUnit": 8, "unitGradient": "mean"
 * }
 * </pre>
 *
 * Whom the run protects (docs/ML.md, "The privacy unit"): {@code privacyUnit} names the unit
 * (optional; it must equal the job's {@code --unit}, which the ledger checks), and either {@code
 * unitColumn} gives the column identifying it, with {@code maxRowsPerUnit} (k, default 1) rows kept
 * per unit, or {@code "rowIsUnit": true} states that each row is one unit (row-level DP-SGD; k must
 * then be 1). Exactly one of the two is required. {@code unitGradient} ({@code "mean"}, the
 * default, or {@code "sum"}) sets how a unit's clipped row gradients form its contribution to a
 * step (docs/ML.md); it changes nothing with {@code rowIsUnit}.
 *
 * <p>For {@code --model logistic} the label gives the positive value ({@code positive}; {@code
 * match} {@code exact} (default) or {@code prefix}, compared with the value's surrounding spaces
 * trimmed); for {@code --model linear} its public bounds ({@code lower}, {@code upper}: the label
 * is clamped to them and scaled to [0, 1] for training, and predictions are scaled back). Unknown
 * fields are refused, and errors name their JSON path (as {@code numeric[1].lower}).
 *
 * @param numeric numeric columns with public bounds
 * @param categorical categorical columns with public vocabularies
 * @param unknown {@code zero} (default) or {@code other}: how a value outside a vocabulary encodes
 * @param range {@code unit} (default, [0, 1]) or {@code symmetric} ([-1, 1]) for numeric columns
 * @param maxNorm an optional L2 clip of every feature vector
 * @param label the label column
 * @param privacyUnit the name of the privacy unit (e.g. "person"), or null: the job's {@code
 *     --unit}
 * @param unitColumn the column identifying the unit, or null with {@code rowIsUnit}
 * @param maxRowsPerUnit k, the most rows kept per unit (default 1)
 * @param rowIsUnit whether each row is one unit (default false)
 * @param unitGradient {@code "mean"} or {@code "sum"}, or null: the estimator's default ("mean")
 */
public record FeatureSpec(
    List<Numeric> numeric,
    List<Categorical> categorical,
    String unknown,
    String range,
    Double maxNorm,
    Label label,
    String privacyUnit,
    String unitColumn,
    int maxRowsPerUnit,
    boolean rowIsUnit,
    String unitGradient) {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** The column the job derives for training: 0/1 (logistic) or the scaled label (linear). */
  static final String LABEL = "privspark_label";

  /** A numeric column, clamped to [lower, upper] and scaled. */
  public record Numeric(String column, double lower, double upper) {
    public Numeric {
      requireColumn(column);
      if (!Double.isFinite(lower) || !Double.isFinite(upper) || !(lower < upper)) {
        throw new IllegalArgumentException(
            "bounds of numeric column '"
                + column
                + "' must be finite with lower < upper; got ["
                + lower
                + ", "
                + upper
                + "]");
      }
    }

    @JsonCreator
    static Numeric fromJson(
        @JsonProperty(value = "column", required = true) String column,
        @JsonProperty(value = "lower", required = true) double lower,
        @JsonProperty(value = "upper", required = true) double upper) {
      return new Numeric(column, lower, upper);
    }
  }

  /** A categorical column, one-hot in the vocabulary's order. */
  public record Categorical(String column, List<String> vocabulary) {
    public Categorical {
      requireColumn(column);
      if (vocabulary == null || vocabulary.isEmpty()) {
        throw new IllegalArgumentException(
            "vocabulary of categorical column '"
                + column
                + "' must hold at least one value; got none");
      }
      if (new HashSet<>(vocabulary).size() != vocabulary.size() || vocabulary.contains(null)) {
        throw new IllegalArgumentException(
            "vocabulary of categorical column '"
                + column
                + "' must hold distinct, non-null values; got "
                + vocabulary);
      }
      vocabulary = List.copyOf(vocabulary);
    }

    @JsonCreator
    static Categorical fromJson(
        @JsonProperty(value = "column", required = true) String column,
        @JsonProperty(value = "vocabulary", required = true) List<String> vocabulary) {
      return new Categorical(column, vocabulary);
    }
  }

  /**
   * The label column: {@code positive} (+ {@code match}) for logistic regression, or {@code lower}
   * and {@code upper} for linear regression.
   */
  public record Label(String column, String positive, String match, Double lower, Double upper) {
    public Label {
      requireColumn(column);
      match = match == null ? "exact" : match.toLowerCase(Locale.ROOT);
      if (!match.equals("exact") && !match.equals("prefix")) {
        throw new IllegalArgumentException("match must be exact or prefix; got '" + match + "'");
      }
      if ((lower == null) != (upper == null)) {
        throw new IllegalArgumentException(
            "lower and upper of label '"
                + column
                + "' must be given together; got "
                + (lower == null ? "upper only" : "lower only"));
      }
      if (lower != null
          && (!Double.isFinite(lower) || !Double.isFinite(upper) || !(lower < upper))) {
        throw new IllegalArgumentException(
            "bounds of label '"
                + column
                + "' must be finite with lower < upper; got ["
                + lower
                + ", "
                + upper
                + "]");
      }
      if (positive != null && lower != null) {
        throw new IllegalArgumentException(
            "label '"
                + column
                + "' must have either positive (logistic) or"
                + " lower/upper (linear), not both");
      }
    }

    @JsonCreator
    static Label fromJson(
        @JsonProperty(value = "column", required = true) String column,
        @JsonProperty("positive") String positive,
        @JsonProperty("match") String match,
        @JsonProperty("lower") Double lower,
        @JsonProperty("upper") Double upper) {
      return new Label(column, positive, match, lower, upper);
    }
  }

  /** Checks what can be checked without data: columns named once, the enums, maxNorm. */
  public FeatureSpec {
    numeric = numeric == null ? List.of() : List.copyOf(numeric);
    categorical = categorical == null ? List.of() : List.copyOf(categorical);
    if (numeric.isEmpty() && categorical.isEmpty()) {
      throw new IllegalArgumentException(
          "numeric and categorical must name at least one feature column; got none");
    }
    unknown = unknown == null ? "zero" : unknown.toLowerCase(Locale.ROOT);
    if (!unknown.equals("zero") && !unknown.equals("other")) {
      throw new IllegalArgumentException("unknown must be zero or other; got '" + unknown + "'");
    }
    range = range == null ? "unit" : range.toLowerCase(Locale.ROOT);
    if (!range.equals("unit") && !range.equals("symmetric")) {
      throw new IllegalArgumentException("range must be unit or symmetric; got '" + range + "'");
    }
    if (maxNorm != null && !(Double.isFinite(maxNorm) && maxNorm > 0)) {
      throw new IllegalArgumentException("maxNorm must be finite and > 0; got " + maxNorm);
    }
    if (label == null) {
      throw new IllegalArgumentException("label must be given; got nothing");
    }
    Set<String> seen = new HashSet<>();
    for (String c : columns(numeric, categorical)) {
      if (!seen.add(c)) {
        throw new IllegalArgumentException(
            "column '" + c + "' must be named once; it appears twice");
      }
    }
    if (seen.contains(label.column())) {
      throw new IllegalArgumentException(
          "label column '" + label.column() + "' must not also be a feature");
    }
    if ((unitColumn != null) == rowIsUnit) {
      throw new IllegalArgumentException(
          rowIsUnit
              ? "unitColumn must not be given with rowIsUnit true (each row is its own unit); got '"
                  + unitColumn
                  + "'"
              : "unitColumn (the column identifying the privacy unit) or \"rowIsUnit\": true (each"
                  + " row is one unit) must be given; got neither");
    }
    if (unitColumn != null) {
      requireColumn(unitColumn);
      if (seen.contains(unitColumn) || unitColumn.equals(label.column())) {
        throw new IllegalArgumentException(
            "unitColumn '" + unitColumn + "' must not also be a feature or the label");
      }
    }
    if (maxRowsPerUnit < 1 || (rowIsUnit && maxRowsPerUnit != 1)) {
      throw new IllegalArgumentException(
          "maxRowsPerUnit must be "
              + (rowIsUnit ? "1 with rowIsUnit" : ">= 1")
              + "; got "
              + maxRowsPerUnit);
    }
    if (unitGradient != null) {
      UnitGradient.of(unitGradient); // "unitGradient must be "mean" or "sum"; got '...'"
    }
  }

  @JsonCreator
  static FeatureSpec fromJson(
      @JsonProperty("numeric") List<Numeric> numeric,
      @JsonProperty("categorical") List<Categorical> categorical,
      @JsonProperty("unknown") String unknown,
      @JsonProperty("range") String range,
      @JsonProperty("maxNorm") Double maxNorm,
      @JsonProperty(value = "label", required = true) Label label,
      @JsonProperty("privacyUnit") String privacyUnit,
      @JsonProperty("unitColumn") String unitColumn,
      @JsonProperty("maxRowsPerUnit") Integer maxRowsPerUnit,
      @JsonProperty("rowIsUnit") Boolean rowIsUnit,
      @JsonProperty("unitGradient") String unitGradient) {
    return new FeatureSpec(
        numeric,
        categorical,
        unknown,
        range,
        maxNorm,
        label,
        privacyUnit,
        unitColumn,
        maxRowsPerUnit == null ? 1 : maxRowsPerUnit,
        rowIsUnit != null && rowIsUnit,
        unitGradient);
  }

  private static void requireColumn(String column) {
    if (column == null || column.isBlank()) {
      throw new IllegalArgumentException(
          "column must name a column; got " + (column == null ? "nothing" : "''"));
    }
  }

  /** The feature columns, numeric first. */
  List<String> columns() {
    return columns(numeric, categorical);
  }

  // Static: the compact constructor runs before the fields are assigned.
  private static List<String> columns(List<Numeric> numeric, List<Categorical> categorical) {
    return java.util.stream.Stream.concat(
            numeric.stream().map(Numeric::column), categorical.stream().map(Categorical::column))
        .toList();
  }

  /**
   * Checks the label against the model kind.
   *
   * @throws IllegalArgumentException naming the missing field
   */
  void requireLabelFor(String model) {
    if (model.equals("logistic") && label.positive() == null) {
      throw new IllegalArgumentException(
          "label.positive must be given for --model logistic (the positive class"
              + " value, e.g. \">50K\"); got nothing");
    }
    if (model.equals("linear") && label.lower() == null) {
      throw new IllegalArgumentException(
          "label.lower and label.upper (public bounds) must be given for --model"
              + " linear; got nothing");
    }
  }

  /**
   * The encoder for this specification, writing {@code features}.
   *
   * @return a new encoder with this specification's columns, bounds and vocabularies
   */
  public PublicFeatureEncoder encoder() {
    PublicFeatureEncoder.Builder b = PublicFeatureEncoder.builder();
    numeric.forEach(n -> b.numeric(n.column(), n.lower(), n.upper()));
    categorical.forEach(c -> b.categorical(c.column(), c.vocabulary()));
    b.unknown(
        unknown.equals("other")
            ? PublicFeatureEncoder.Unknown.OTHER
            : PublicFeatureEncoder.Unknown.ZERO);
    b.range(
        range.equals("symmetric")
            ? PublicFeatureEncoder.Range.SYMMETRIC
            : PublicFeatureEncoder.Range.UNIT);
    if (maxNorm != null) {
      b.maxNorm(maxNorm);
    }
    return b.outputCol("features").build();
  }

  /**
   * Checks the label column against {@code schema}: it exists, and is numeric for linear
   * regression.
   *
   * @throws IllegalArgumentException naming the column
   */
  void requireLabelColumn(StructType schema, String model) {
    StructField field = null;
    for (StructField f : schema.fields()) {
      if (f.name().equals(label.column())) {
        field = f;
      }
    }
    if (field == null) {
      throw new IllegalArgumentException(
          "label column '"
              + label.column()
              + "' must exist in the input; columns: "
              + String.join(", ", schema.fieldNames()));
    }
    DataType t = field.dataType();
    if (model.equals("linear") && !(t instanceof NumericType)) {
      throw new IllegalArgumentException(
          "label column '"
              + label.column()
              + "' must be numeric for --model linear; got "
              + t.simpleString());
    }
  }

  /**
   * The training label: 1.0 where the label matches {@code positive}, else 0.0 (logistic); or the
   * label clamped to [lower, upper] and scaled to [0, 1] (linear).
   */
  Column trainingLabel(String model) {
    if (model.equals("logistic")) {
      Column v = trim(col(label.column()).cast("string"));
      Column match =
          label.match().equals("prefix")
              ? v.startsWith(label.positive())
              : v.equalTo(label.positive());
      return when(match, 1.0).otherwise(0.0);
    }
    double lo = label.lower();
    double hi = label.upper();
    return least(lit(hi), greatest(lit(lo), col(label.column()).cast("double")))
        .minus(lit(lo))
        .divide(lit(hi - lo));
  }

  /**
   * Reads a feature specification.
   *
   * @param file the JSON file (as {@code --features} names it)
   * @return the specification, validated
   * @throws IllegalArgumentException naming the file, what is wrong and where (its JSON path)
   */
  public static FeatureSpec read(Path file) {
    try {
      return JSON.readValue(Files.readAllBytes(file), FeatureSpec.class);
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IllegalArgumentException(
          "--features " + file + ": " + cause.getMessage() + location(e), e);
    } catch (JsonMappingException e) {
      throw new IllegalArgumentException(
          "--features " + file + ": " + e.getOriginalMessage() + location(e), e);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "--features " + file + " is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "--features " + file + " cannot be read: " + e.getMessage(), e);
    }
  }

  /** Where in the file, as {@code numeric[1].lower}. */
  private static String location(JsonMappingException e) {
    StringBuilder at = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        at.append(at.length() == 0 ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        at.append('[').append(r.getIndex()).append(']');
      }
    }
    return at.length() == 0 ? "" : " (at " + at + ")";
  }
}
