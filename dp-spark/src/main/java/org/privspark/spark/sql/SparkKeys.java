package org.privspark.spark.sql;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.make_valid_utf8;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.catalyst.util.CollationFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Group keys and privacy units in the form in which Spark's {@code groupBy} compares them, so that
 * contribution bounding, the keyed group hash, the final {@code groupBy}, the noise cell ids and
 * the output all see the same groups (docs/THREAT-MODEL.md, "What a release reveals", point 4).
 *
 * <p>Spark does not compare keys bit for bit. Its optimizer rule {@code NormalizeFloatingNumbers}
 * turns −0.0 into 0.0 and every NaN into one NaN in grouping keys, also inside structs and arrays;
 * and a string of a collation without binary equality (Spark 4) is compared by its collation key,
 * so "a" and "A" are one UTF8_LCASE group. Java's equality on the values Spark hands to a {@code
 * mapPartitions} function differs: {@code Double.equals} tells −0.0 from 0.0, a Scala array tells
 * every NaN from every other, and {@code String.equals} is case sensitive.
 *
 * <p>So every key is put in normal form inside the Spark plan, before anything reads it ({@link
 * #normalised}): −0.0 becomes 0.0 and any NaN the canonical NaN, recursively; a string of a
 * UTF8_BINARY or UTF8_LCASE collation becomes its collation key, which is itself a spelling of its
 * group (for UTF8_LCASE Spark's per-code-point lowercase, for *_RTRIM without trailing spaces); and
 * invalid UTF-8 becomes valid, because Java strings cannot tell invalid byte sequences apart. A
 * privacy unit's string is instead replaced by Spark's collation key of its raw bytes (binary),
 * which keeps distinct invalid byte sequences apart as Spark does. Two normal forms are then one
 * Spark group if and only if they are equal bit for bit, and {@link #identity} turns a normal form
 * into a Java value whose {@code equals} is exactly that.
 *
 * <p>The normal form is a function of the Spark group alone, never of which member spellings occur
 * in the data: a released key reveals the group, not who wrote it how. ICU collations (UNICODE,
 * UNICODE_CI, de_CI_AI, …) have no such canonical spelling. A privacy unit of an ICU collation is
 * replaced by its binary ICU collation key (units are never released). A group key of an ICU
 * collation is allowed only at the top level with public groups, where each row takes the listed
 * spelling of its group; anywhere else {@link #problem} names it, and the query is refused before
 * anything is charged.
 *
 * <p>Public for the ML estimators, which bound rows per privacy unit too; not part of the API.
 */
public final class SparkKeys {
  /** How a string of an ICU collation, which has no canonical spelling, is normalised. */
  public enum Icu {
    /** Kept as it is: the caller maps it to a listed spelling (public groups). */
    KEEP,
    /** Replaced by its binary ICU collation key (privacy units, which are never released). */
    COLLATION_KEY
  }

  private SparkKeys() {}

  /** {@code column} (of type {@code type}) in normal form; {@code column} itself if it has none. */
  public static Column normalised(Column column, DataType type, Icu icu) {
    if (type instanceof DoubleType || type instanceof FloatType) {
      // Spark's = holds between −0.0 and 0.0; NaN is tested first because NaN = 0 is false.
      return when(column.isNaN(), lit(Double.NaN).cast(type))
          .when(column.equalTo(0), lit(0.0).cast(type))
          .otherwise(column);
    }
    if (type instanceof StringType s && icu == Icu.COLLATION_KEY) {
      // A privacy unit is never released, so its key can be Spark's own collation key of the raw
      // bytes. Making the string valid first (as for group keys) would merge two units whose ids
      // are distinct invalid UTF-8, which Spark keeps apart: the merged unit's bound would then be
      // shared, and one person's rows could displace another's.
      Column bytes = column.cast(DataTypes.BinaryType);
      return s.supportsBinaryEquality() ? bytes : collationKeyBytes(s.collationId()).apply(bytes);
    }
    if (type instanceof StringType s) {
      Column valid = make_valid_utf8(column);
      if (s.supportsBinaryEquality()) {
        return valid;
      }
      if (hasCanonicalSpelling(s)) {
        return canonicalSpelling(s.collationId()).apply(valid).cast(s);
      }
      return valid;
    }
    if (type instanceof ArrayType a && needsNormalising(a.elementType())) {
      return transform(
          column, (scala.Function1<Column, Column>) e -> normalised(e, a.elementType(), icu));
    }
    if (type instanceof StructType st && needsNormalising(st)) {
      Column[] fields = new Column[st.fields().length];
      for (int i = 0; i < fields.length; i++) {
        StructField f = st.fields()[i];
        fields[i] = normalised(column.getField(f.name()), f.dataType(), icu).as(f.name());
      }
      return when(column.isNotNull(), struct(fields)); // a null struct stays null
    }
    return column;
  }

  /**
   * Why a key of this type cannot be put in normal form, or null if it can.
   *
   * @param parameter the parameter that names the column ("keyColumns", "privacyUnitColumn")
   * @param topLevelIcu whether a top-level string of an ICU collation is allowed
   */
  public static String problem(
      String parameter, String column, DataType type, boolean topLevelIcu) {
    if (!groupable(type)) {
      return parameter
          + " '"
          + column
          + "' has type "
          + type.simpleString()
          + ", which Spark cannot group by or"
          + " hash (a map or variant, also inside a struct or array); use a column of another type";
    }
    if (isIcu(type)) {
      return topLevelIcu
          ? null
          : parameter
              + " '"
              + column
              + "' has collation "
              + ((StringType) type).collationName()
              + ", which has no canonical spelling: the released key would show which spelling"
              + " occurs in the data. List the groups with publicGroups, or group by a column of"
              + " collation UTF8_BINARY or UTF8_LCASE";
    }
    if (containsIcu(type)) {
      return parameter
          + " '"
          + column
          + "' holds, inside a struct or array, strings of an ICU collation, which have no"
          + " canonical spelling; convert them to collation UTF8_BINARY or UTF8_LCASE first";
    }
    return null;
  }

  /** Whether Spark can group by and hash a value of this type: no map or variant anywhere in it. */
  private static boolean groupable(DataType type) {
    if (type instanceof org.apache.spark.sql.types.MapType
        || type instanceof org.apache.spark.sql.types.VariantType) {
      return false;
    }
    if (type instanceof ArrayType a) {
      return groupable(a.elementType());
    }
    if (type instanceof StructType st) {
      return Arrays.stream(st.fields()).allMatch(f -> groupable(f.dataType()));
    }
    return true;
  }

  private static boolean containsIcu(DataType type) {
    if (type instanceof ArrayType a) {
      return isIcu(a.elementType()) || containsIcu(a.elementType());
    }
    if (type instanceof StructType st) {
      return Arrays.stream(st.fields())
          .anyMatch(f -> isIcu(f.dataType()) || containsIcu(f.dataType()));
    }
    return false;
  }

  /** Whether a type contains anything {@link #normalised} changes. */
  static boolean needsNormalising(DataType type) {
    if (type instanceof DoubleType || type instanceof FloatType || type instanceof StringType) {
      return true;
    }
    if (type instanceof ArrayType a) {
      return needsNormalising(a.elementType());
    }
    if (type instanceof StructType st) {
      return Arrays.stream(st.fields()).anyMatch(f -> needsNormalising(f.dataType()));
    }
    return false;
  }

  /** Whether a string type has no binary equality and no canonical spelling (an ICU collation). */
  static boolean isIcu(DataType type) {
    return type instanceof StringType s && !s.supportsBinaryEquality() && !hasCanonicalSpelling(s);
  }

  /** UTF8_BINARY and UTF8_LCASE collations (with or without trimming): their key is a spelling. */
  private static boolean hasCanonicalSpelling(StringType s) {
    CollationFactory.Collation c = CollationFactory.fetchCollation(s.collationId());
    return c.isUtf8BinaryType || c.isUtf8LcaseType;
  }

  /**
   * Spark's collation key of a UTF8_BINARY or UTF8_LCASE collation: a spelling of the same group.
   */
  private static org.apache.spark.sql.expressions.UserDefinedFunction canonicalSpelling(
      int collationId) {
    return functions.udf(
        (UDF1<String, String>)
            s ->
                s == null
                    ? null
                    : CollationFactory.getCollationKey(UTF8String.fromString(s), collationId)
                        .toString(),
        DataTypes.StringType);
  }

  /**
   * Spark's binary collation key of a string's raw bytes (invalid UTF-8 included, as Spark compares
   * it).
   */
  private static org.apache.spark.sql.expressions.UserDefinedFunction collationKeyBytes(
      int collationId) {
    return functions.udf(
        (UDF1<byte[], byte[]>)
            b ->
                b == null
                    ? null
                    : CollationFactory.getCollationKeyBytes(UTF8String.fromBytes(b), collationId),
        DataTypes.BinaryType);
  }

  /**
   * A normal-form key (as a {@code Row} field) as a Java value whose {@code equals} and {@code
   * hashCode} are those of its bits: byte arrays by content, structs and arrays as lists of their
   * elements' identities. (A Scala array compares its elements with {@code ==}, under which NaN is
   * never equal to itself; a {@code Row} hashes a byte array by identity.)
   */
  public static Object identity(Object value) {
    if (value instanceof byte[] bytes) {
      return ByteBuffer.wrap(bytes);
    }
    if (value instanceof Row struct) {
      List<Object> fields = new ArrayList<>(struct.length());
      for (int i = 0; i < struct.length(); i++) {
        fields.add(identity(struct.get(i)));
      }
      return fields;
    }
    if (value instanceof scala.collection.Iterable<?> seq) {
      List<Object> elements = new ArrayList<>();
      scala.collection.Iterator<?> it = seq.iterator();
      while (it.hasNext()) {
        elements.add(identity(it.next()));
      }
      return elements;
    }
    return value;
  }

  /**
   * An unambiguous, stable id of a key value: length-prefixed, nulls marked, equal on every
   * evaluation and every JVM. Binary as hex (a byte[]'s own toString is its identity hash, new on
   * every evaluation), timestamps as their instant and dates as their calendar date (their toString
   * depends on the JVM's time zone), structs and arrays element by element, everything else by its
   * toString (stable for Spark's numeric, string, boolean, decimal, Instant and LocalDate values).
   */
  static void appendId(StringBuilder id, Object v) {
    if (v == null) {
      id.append("N;");
      return;
    }
    String s;
    if (v instanceof byte[] bytes) {
      s = "x" + java.util.HexFormat.of().formatHex(bytes);
    } else if (v instanceof java.sql.Timestamp ts) {
      s = "t" + ts.getTime() + "." + ts.getNanos();
    } else if (v instanceof java.sql.Date date) {
      s = "d" + date.toLocalDate();
    } else if (v instanceof Row struct) {
      StringBuilder inner = new StringBuilder("r");
      for (int i = 0; i < struct.length(); i++) {
        appendId(inner, struct.get(i));
      }
      s = inner.toString();
    } else if (v instanceof scala.collection.Iterable<?> seq) {
      StringBuilder inner = new StringBuilder("a");
      scala.collection.Iterator<?> it = seq.iterator();
      while (it.hasNext()) {
        appendId(inner, it.next());
      }
      s = inner.toString();
    } else {
      s = v.toString();
    }
    id.append(s.getBytes(StandardCharsets.UTF_8).length).append(':').append(s).append(';');
  }

  /** {@link #appendId} of each value, in order. */
  static String id(Object[] values) {
    StringBuilder id = new StringBuilder();
    for (Object v : values) {
      appendId(id, v);
    }
    return id.toString();
  }
}
