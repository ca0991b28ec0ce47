package org.privspark.spark.ml.params;

import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * A stage with the shared privacy-unit params ({@link PrivacyUnitParams}): the public accessors
 * Spark ML finds by reflection, and the getters. Implementors hold one {@link PrivacyUnitParams}
 * created in their constructor and add setters that return their own type.
 */
public interface HasPrivacyUnit extends Params {
  /**
   * The stage's privacy-unit params (created once, in the constructor).
   *
   * @return the params, the same instance on every call
   */
  PrivacyUnitParams privacyUnitParams();

  /**
   * Name of the privacy unit the rows belong to (e.g. "person"); no default.
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  default Param<String> privacyUnit() {
    return privacyUnitParams().privacyUnit;
  }

  /**
   * Column identifying the privacy unit; set it or {@link #rowIsUnit()}; no default.
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  default Param<String> privacyUnitCol() {
    return privacyUnitParams().privacyUnitCol;
  }

  /**
   * k: at most k rows per unit, in [1, 2^20]; default 1.
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  default IntParam maxRowsPerUnit() {
    return privacyUnitParams().maxRowsPerUnit;
  }

  /**
   * Whether each row is its own unit (row-level mode); default false.
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  default BooleanParam rowIsUnit() {
    return privacyUnitParams().rowIsUnit;
  }

  /**
   * {@link #privacyUnit()}, or null when unset.
   *
   * @return the unit's name, or null
   */
  default String getPrivacyUnit() {
    return isSet(privacyUnit()) ? getOrDefault(privacyUnit()) : null;
  }

  /**
   * {@link #privacyUnitCol()}, or null when unset.
   *
   * @return the column's name, or null
   */
  default String getPrivacyUnitCol() {
    return isSet(privacyUnitCol()) ? getOrDefault(privacyUnitCol()) : null;
  }

  /**
   * {@link #maxRowsPerUnit()}.
   *
   * @return k, the value set or the default 1
   */
  default int getMaxRowsPerUnit() {
    return (Integer) getOrDefault(maxRowsPerUnit());
  }

  /**
   * {@link #rowIsUnit()}.
   *
   * @return whether each row is its own unit
   */
  default boolean getRowIsUnit() {
    return (Boolean) getOrDefault(rowIsUnit());
  }
}
