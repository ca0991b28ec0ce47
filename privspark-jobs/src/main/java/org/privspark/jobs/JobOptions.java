package org.privspark.jobs;

import static org.apache.spark.sql.functions.monotonically_increasing_id;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.privspark.core.accounting.UnitClaim;
import org.privspark.core.ledger.note.KeyFiles;
import picocli.CommandLine.Option;

/**
 * The options the {@code aggregate} and {@code report} jobs share, as picocli mixins: where the
 * data is and who its privacy units are ({@link Input}), which ledger pays ({@link LedgerOptions}),
 * and where results go ({@link Output}).
 */
final class JobOptions {
  private JobOptions() {}

  /** The input data set and its privacy unit. */
  static final class Input {
    @Option(
        names = "--input",
        required = true,
        paramLabel = "PATH",
        description =
            "The data: a CSV file or directory (with a header line) or Parquet; any Hadoop URI.")
    String path;

    @Option(
        names = "--format",
        paramLabel = "csv|parquet",
        description = "The input format (default: parquet if PATH ends in .parquet, else csv).")
    String format;

    @Option(
        names = "--csv-option",
        paramLabel = "KEY=VALUE",
        description =
            "A Spark CSV reader option, e.g. ignoreLeadingWhiteSpace=true (repeatable). Defaults:"
                + " header=true, mode=PERMISSIVE (or DROPMALFORMED); schema inference is refused:"
                + " it reads the private rows before the charge.")
    Map<String, String> csvOptions = new LinkedHashMap<>();

    @Option(
        names = "--schema",
        paramLabel = "DDL",
        description =
            "The input schema in Spark DDL, e.g. 'age INT, sex STRING' (CSV: replaces the header's"
                + " names). Without it every CSV column is a string, and the columns a statistic or"
                + " feature needs as numbers are converted (a value that does not convert counts as"
                + " missing).")
    String schema;

    /** Set by the job from its own argument group (picocli does not nest groups in mixins). */
    Unit unit;

    static final class Unit {
      @Option(
          names = "--privacy-unit",
          paramLabel = "COLUMN",
          description =
              "The column that identifies each row's privacy unit (person, account, device).")
      String column;

      @Option(
          names = "--row-is-unit",
          description =
              "Each row is its own privacy unit (one row per person, as in the Adult data).")
      boolean rowIsUnit;
    }

    /** The column --row-is-unit adds: a row id, stable across evaluations of one file scan. */
    static final String ROW_UNIT = "privspark_row";

    String format() {
      String f =
          format != null
              ? format.toLowerCase(Locale.ROOT)
              : path.toLowerCase(Locale.ROOT).endsWith(".parquet") ? "parquet" : "csv";
      if (!f.equals("csv") && !f.equals("parquet")) {
        throw new IllegalArgumentException("--format must be csv or parquet; got '" + format + "'");
      }
      return f;
    }

    /**
     * {@code data} with each of {@code columns} that is a string column converted to double, when
     * the input has no --schema (every CSV column is then a string; the columns a statistic or a
     * numeric feature needs are converted here). A value that does not parse becomes null: a
     * missing value, which statistics and DP-SGD drop by their per-row rules, never an error. With
     * a --schema its types are kept: a statistic on a declared string column is refused as usual.
     */
    Dataset<Row> numeric(Dataset<Row> data, java.util.Collection<String> columns) {
      if (schema != null) {
        return data;
      }
      Dataset<Row> out = data;
      for (String c : columns) {
        if (c != null
            && Arrays.asList(out.columns()).contains(c)
            && out.schema().apply(c).dataType() instanceof org.apache.spark.sql.types.StringType) {
          out = out.withColumn(c, functions.col(c).try_cast(DataTypes.DoubleType));
        }
      }
      return out;
    }

    /**
     * The Spark CSV options a user may set: formats and delimiters, never the parser's limits, the
     * corrupt-record column or schema checks. A row past a limit fails the whole read, and after
     * the charge that would make the job's outcome depend on a private value.
     */
    static final java.util.List<String> CSV_OPTION_NAMES =
        java.util.List.of(
            "header",
            "sep",
            "delimiter",
            "quote",
            "escape",
            "charToEscapeQuoteEscaping",
            "comment",
            "nullValue",
            "emptyValue",
            "nanValue",
            "positiveInf",
            "negativeInf",
            "encoding",
            "charset",
            "ignoreLeadingWhiteSpace",
            "ignoreTrailingWhiteSpace",
            "dateFormat",
            "timestampFormat",
            "timestampNTZFormat",
            "locale",
            "lineSep",
            "mode",
            "inferSchema");

    private static final java.util.Set<String> CSV_OPTIONS =
        CSV_OPTION_NAMES.stream()
            .map(n -> n.toLowerCase(Locale.ROOT))
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    /**
     * The most fields a CSV line may have (Spark's default is 20,480; a line with more fails the
     * read). Spark's parser holds one array of this size per task, 8 MiB of references. A line with
     * more fields than this still fails the release after its charge: docs/JOBS.md says so.
     */
    static final long CSV_MAX_COLUMNS = 1L << 20;

    private void checkCsvOptions() {
      csvOptions.forEach(
          (k, v) -> {
            String key = k.toLowerCase(Locale.ROOT);
            String value = v.toUpperCase(Locale.ROOT);
            if (!CSV_OPTIONS.contains(key)) {
              throw new IllegalArgumentException(
                  "--csv-option "
                      + k
                      + " is not accepted; the options are "
                      + String.join(", ", CSV_OPTION_NAMES)
                      + " (the parser's limits, such as maxColumns and maxCharsPerColumn, are the"
                      + " job's: a row past a limit would fail the release after the charge)");
            }
            if (key.equals("inferschema") && !value.equals("FALSE")) {
              throw new IllegalArgumentException(
                  "--csv-option "
                      + k
                      + "="
                      + v
                      + " is refused: schema inference reads"
                      + " the private values before anything is charged; give --schema instead");
            }
            if (key.equals("header") && value.equals("FALSE") && schema == null) {
              throw new IllegalArgumentException(
                  "--csv-option header=false needs --schema: without a header line the schema would"
                      + " be read off the first private row before anything is charged");
            }
            if (key.equals("mode")
                && !value.equals("PERMISSIVE")
                && !value.equals("DROPMALFORMED")) {
              throw new IllegalArgumentException(
                  "--csv-option mode must be PERMISSIVE or DROPMALFORMED; got '"
                      + v
                      + "' (with FAILFAST one malformed value would fail the release after the"
                      + " charge)");
            }
            String problem = csvValueProblem(key, v);
            if (problem != null) {
              throw new IllegalArgumentException(
                  "--csv-option " + k + " must be " + problem + "; got '" + v + "'");
            }
          });
    }

    /**
     * What the value of CSV option {@code key} (lower case) must be, or null when {@code value} is
     * one: Spark checks most values only when it scans the data, after the charge, so the job
     * checks them first. The rules are Spark's CSV reader's.
     */
    static String csvValueProblem(String key, String value) {
      switch (key) {
        case "header", "inferschema", "ignoreleadingwhitespace", "ignoretrailingwhitespace":
          return value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")
              ? null
              : "true or false";
        case "encoding", "charset":
          try {
            return java.nio.charset.Charset.isSupported(value)
                ? null
                : "a charset this JVM supports";
          } catch (java.nio.charset.IllegalCharsetNameException e) {
            return "a charset this JVM supports";
          }
        case "sep", "delimiter":
          return value.isEmpty() ? "a non-empty separator" : null;
        case "quote", "escape", "chartoescapequoteescaping", "comment":
          return value.length() <= 1 ? null : "one character (or empty)";
        case "linesep":
          return value.isEmpty() || value.length() > 2 ? "one or two characters" : null;
        case "dateformat", "timestampformat", "timestampntzformat":
          try {
            java.time.format.DateTimeFormatter.ofPattern(value);
            return null;
          } catch (IllegalArgumentException e) {
            return "a date-time pattern (java.time.format.DateTimeFormatter)";
          }
        default:
          return null;
      }
    }

    String unitColumn() {
      return unit.rowIsUnit ? ROW_UNIT : unit.column;
    }

    /**
     * What the job's releases claim to protect: the unit {@code name} (--unit), per row with
     * --row-is-unit.
     */
    UnitClaim claim(String name) {
      return unit.rowIsUnit ? UnitClaim.rowIsUnit(name) : UnitClaim.perUnit(name);
    }

    /**
     * The data, lazily: this reads the schema (Parquet's footer, a CSV file's header line), never a
     * value, and keeps no rows. Throws IllegalArgumentException for a bad path, format or schema.
     *
     * <p>Why no schema inference and no FAILFAST: both make the job depend on the private values
     * outside the mechanisms. Inference reads every value before the charge and picks each column's
     * type from them (a type the job prints, and that changes the result); FAILFAST makes one
     * malformed value fail the release after the charge. PERMISSIVE reads a malformed value as
     * null, and the aggregation and DP-SGD drop such a row by their per-row rules.
     */
    Dataset<Row> read(SparkSession spark) {
      String f = format();
      DataFrameReader reader = spark.read().format(f);
      if (schema != null) {
        try {
          reader = reader.schema(StructType.fromDDL(schema));
        } catch (Exception e) { // Spark's ParseException is a checked (Scala) exception
          throw new IllegalArgumentException(
              "--schema must be a Spark DDL schema such as 'age INT, sex STRING';"
                  + " got '"
                  + schema
                  + "': "
                  + firstLine(e.getMessage()),
              e);
        }
      }
      if (f.equals("csv")) {
        checkCsvOptions();
        reader =
            reader
                .option("header", "true")
                .option("inferSchema", "false")
                .option("mode", "PERMISSIVE")
                .option("maxColumns", CSV_MAX_COLUMNS)
                .options(csvOptions);
      } else if (!csvOptions.isEmpty()) {
        throw new IllegalArgumentException(
            "--csv-option applies to CSV input only; got "
                + csvOptions.keySet()
                + " with --format parquet");
      }
      Dataset<Row> data;
      try {
        data = reader.load(path);
      } catch (Exception e) {
        // Spark's AnalysisException (path does not exist, unreadable schema) is an argument error
        // here.
        throw new IllegalArgumentException(
            "--input " + path + " cannot be read as " + f + ": " + firstLine(e.getMessage()), e);
      }
      if (f.equals("csv") && schema == null) {
        data = trimmedHeader(data);
      }
      if (unit.rowIsUnit) {
        if (Arrays.asList(data.columns()).contains(ROW_UNIT)) {
          throw new IllegalArgumentException(
              "--row-is-unit adds the column "
                  + ROW_UNIT
                  + ", which the input already has; use --privacy-unit "
                  + ROW_UNIT);
        }
        // monotonically_increasing_id on the scan itself: a function of the input split and the
        // row's position in it, so every evaluation gives each row the same id.
        data = data.withColumn(ROW_UNIT, monotonically_increasing_id());
      }
      return data;
    }
  }

  /**
   * {@code data} with its CSV header's names trimmed: "age, workclass, ..." (Adult's header) names
   * its columns " workclass" and so on, which nobody types. Names only (public schema); the values
   * keep their spaces unless {@code --csv-option ignoreLeadingWhiteSpace=true} is given.
   *
   * @throws IllegalArgumentException if two names are equal once trimmed
   */
  static Dataset<Row> trimmedHeader(Dataset<Row> data) {
    String[] names = data.columns();
    String[] trimmed = Arrays.stream(names).map(String::strip).toArray(String[]::new);
    if (Arrays.equals(names, trimmed)) {
      return data;
    }
    if (Arrays.stream(trimmed).distinct().count() < trimmed.length) {
      throw new IllegalArgumentException(
          "--input: the CSV header's names are not distinct once their spaces are"
              + " trimmed ("
              + String.join(",", names)
              + "); give --schema with distinct names");
    }
    return data.toDF(trimmed);
  }

  /** The ledger that pays for the job, and its key. */
  static final class LedgerOptions {
    @Option(
        names = "--ledger",
        required = true,
        paramLabel = "URI",
        description =
            "The ledger directory: a local path, file://, hdfs:// or s3a:// (created if absent).")
    String location;

    @Option(
        names = "--key",
        required = true,
        paramLabel = "KEY",
        description =
            "The ledger's signer key file (privspark ledger init --key-out); written, with KEY.pub,"
                + " when a new ledger is created and KEY does not exist.")
    Path key;

    @Option(
        names = "--openings",
        paramLabel = "DIR",
        description =
            "Where the holder keeps entry openings (default: KEY.openings beside the key).")
    Path openings;

    @Option(
        names = "--budget-epsilon",
        paramLabel = "E",
        description =
            "The budget's epsilon when the ledger is created (required then); if the ledger exists,"
                + " it must match.")
    Double budgetEpsilon;

    @Option(
        names = "--budget-delta",
        paramLabel = "D",
        description =
            "The budget's delta when the ledger is created (default 0); if the ledger exists, it"
                + " must match.")
    Double budgetDelta;

    @Option(
        names = "--origin",
        paramLabel = "NAME",
        description =
            "The name of a new ledger and its new key (default: privspark.local/<random id>).")
    String origin;

    @Option(
        names = "--accountant",
        paramLabel = "rdp|pld",
        description =
            "How a new ledger's budget composes spends (default rdp; pld refuses events without a"
                + " privacy-loss distribution); if the ledger exists, it must match.")
    String accountant;

    @Option(
        names = "--unit",
        required = true,
        paramLabel = "NAME",
        description =
            "The privacy unit the input's unit column identifies (person, household, ...): a new"
                + " ledger protects it; an existing ledger must protect it.")
    String unit;

    @Option(
        names = "--unit-definition",
        defaultValue = "",
        paramLabel = "TEXT",
        description =
            "What one unit is, for auditors, recorded in a new ledger (at most 1000 characters).")
    String unitDefinition;

    Path openingsDir() {
      return openings != null ? openings : KeyFiles.openingsPath(key);
    }
  }

  /** Where results and receipts go, and the release secret. */
  static final class Output {
    @Option(
        names = "--output",
        required = true,
        paramLabel = "DIR",
        description =
            "The output directory (any Hadoop URI): OUTPUT/<name>/ holds a result, OUTPUT/<name>"
                + ".receipt.json its receipt. Neither may exist yet.")
    String dir;

    @Option(
        names = "--output-format",
        defaultValue = "csv",
        paramLabel = "csv|parquet",
        description =
            "The results' format (default: ${DEFAULT-VALUE}; CSV writes arrays as JSON text).")
    String format;

    @Option(
        names = "--release-secret",
        paramLabel = "FILE",
        description =
            "A 32-byte release secret (raw, or 64 hex digits), to reproduce a release exactly;"
                + " default: a fresh secret. Never reuse one for a different query.")
    Path releaseSecret;

    String format() {
      String f = format.toLowerCase(Locale.ROOT);
      if (!f.equals("csv") && !f.equals("parquet")) {
        throw new IllegalArgumentException(
            "--output-format must be csv or parquet; got '" + format + "'");
      }
      return f;
    }
  }

  static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
