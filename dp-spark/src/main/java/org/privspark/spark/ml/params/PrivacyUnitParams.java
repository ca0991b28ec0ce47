package org.privspark.spark.ml.params;

import java.io.Serializable;
import java.util.regex.Pattern;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.sql.types.StructType;
import scala.Function1;

/**
 * The privacy-unit params every PrivSpark ML estimator shares, declared once (docs/ML.md, "The
 * privacy unit"). A stage creates one instance in its constructor ({@code new
 * PrivacyUnitParams(this)}), returns it from {@link HasPrivacyUnit#privacyUnitParams()}, and gets
 * the four public param accessors Spark ML finds by reflection from {@link HasPrivacyUnit}:
 *
 * <ul>
 *   <li>{@code privacyUnit} (String): the name of the unit the rows belong to, e.g. "person"; it
 *       must equal the budget's declared unit ({@code PrivacyBudget.checkClaim}). The user states
 *       it; it is never copied from the budget, so that a mismatch is detectable. May be unset only
 *       on a budget with no declared unit.
 *   <li>{@code privacyUnitCol} (String): the column identifying the unit.
 *   <li>{@code maxRowsPerUnit} (int k &ge; 1, default 1): each unit keeps at most k rows.
 *   <li>{@code rowIsUnit} (boolean, default false): the caller states that each row is one unit
 *       (row-level mode); then {@code privacyUnitCol} must be unset and k = 1.
 * </ul>
 *
 * Exactly one of {@code privacyUnitCol} and {@code rowIsUnit = true} must be given; {@link
 * #resolve} checks that, and the column against the schema, before any data is read, and throws
 * {@link IllegalArgumentException} naming the param otherwise.
 */
public final class PrivacyUnitParams implements Serializable {
  private static final long serialVersionUID = 1L;

  /** A unit name, as dp-core's {@code PrivacyUnit} accepts it. */
  private static final Pattern UNIT_NAME = Pattern.compile("[a-z][a-z0-9_-]{0,63}");

  /** The largest k: a unit's kept rows are held in one executor's memory while it is bounded. */
  public static final int MAX_ROWS_PER_UNIT = 1 << 20;

  private final Params owner;
  final Param<String> privacyUnit;
  final Param<String> privacyUnitCol;
  final IntParam maxRowsPerUnit;
  final BooleanParam rowIsUnit;

  /** Declares the four params on {@code owner} (with its uid) and sets their defaults. */
  public PrivacyUnitParams(Params owner) {
    this.owner = owner;
    String uid = owner.uid();
    privacyUnit =
        new Param<>(
            uid,
            "privacyUnit",
            "name of the privacy unit the rows belong to, e.g. 'person' ([a-z][a-z0-9_-]{0,63});"
                + " must equal the budget's declared unit",
            unitName("privacyUnit"));
    privacyUnitCol =
        new Param<>(
            uid,
            "privacyUnitCol",
            "column identifying the privacy unit; set this or rowIsUnit=true",
            ParamChecks.columnName("privacyUnitCol"));
    maxRowsPerUnit =
        new IntParam(
            uid,
            "maxRowsPerUnit",
            "k: each unit keeps at most k rows, chosen uniformly at random per fit, in [1, 2^20];"
                + " must be 1 with rowIsUnit",
            ParamChecks.intInClosed("maxRowsPerUnit", 1, MAX_ROWS_PER_UNIT));
    rowIsUnit =
        new BooleanParam(
            uid,
            "rowIsUnit",
            "the caller states that each row is one unit (row-level mode, k = 1, no"
                + " privacyUnitCol)");
    owner.setDefault(maxRowsPerUnit, 1);
    owner.setDefault(rowIsUnit, false);
  }

  private static <T> Function1<T, Object> unitName(String name) {
    return ParamChecks.matching(name, UNIT_NAME, "a unit name matching [a-z][a-z0-9_-]{0,63}");
  }

  /**
   * The params resolved and checked against each other and against {@code schema}: reads no data.
   *
   * @throws IllegalArgumentException naming the param when neither or both of privacyUnitCol and
   *     rowIsUnit=true are given, when rowIsUnit comes with maxRowsPerUnit &gt; 1, or when
   *     privacyUnitCol names no column of {@code schema}
   */
  public Resolved resolve(StructType schema) {
    boolean rowMode = (Boolean) owner.getOrDefault(rowIsUnit);
    boolean hasCol = owner.isSet(privacyUnitCol);
    int k = (Integer) owner.getOrDefault(maxRowsPerUnit);
    if (rowMode == hasCol) {
      throw new IllegalArgumentException(
          rowMode
              ? "privacyUnitCol must be unset when rowIsUnit is true (each row is its own unit);"
                  + " got '"
                  + owner.getOrDefault(privacyUnitCol)
                  + "'; clear one of them"
              : "privacyUnitCol (the column identifying the privacy unit) or rowIsUnit=true (the"
                  + " caller states each row is one unit) must be set; got neither");
    }
    if (rowMode && k != 1) {
      throw new IllegalArgumentException(
          "maxRowsPerUnit must be 1 when rowIsUnit is true; got " + k);
    }
    String column = hasCol ? owner.getOrDefault(privacyUnitCol) : null;
    if (column != null
        && schema != null
        && !java.util.Arrays.asList(schema.fieldNames()).contains(column)) {
      throw new IllegalArgumentException(
          "privacyUnitCol must name a column of the input; got '"
              + column
              + "', columns: "
              + String.join(", ", schema.fieldNames()));
    }
    String unit = owner.isSet(privacyUnit) ? owner.getOrDefault(privacyUnit) : null;
    return new Resolved(unit, column, k, rowMode);
  }

  /**
   * The privacy-unit settings of one fit.
   *
   * @param unit the {@code privacyUnit} name, or null when unset (allowed on an undeclared budget)
   * @param column the unit column, or null in row-level mode
   * @param maxRowsPerUnit k (1 in row-level mode)
   * @param rowIsUnit whether each row is its own unit
   */
  public record Resolved(String unit, String column, int maxRowsPerUnit, boolean rowIsUnit)
      implements Serializable {}
}
