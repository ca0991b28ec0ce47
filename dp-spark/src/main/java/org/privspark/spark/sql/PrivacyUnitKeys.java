package org.privspark.spark.sql;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataType;

/**
 * Privacy units in the form in which Spark compares them ({@link SparkKeys}), for the parts of
 * dp-spark outside this package that bound rows per unit (the ML wrappers): equal units in Spark's
 * sense become equal bit for bit, so a unit's rows are bounded together however they are spelled.
 * Public only because the ML wrappers live in another package.
 */
public final class PrivacyUnitKeys {
  private PrivacyUnitKeys() {}

  /**
   * {@code column} (of type {@code type}) in normal form; a string of an ICU collation becomes its
   * binary collation key (units are never released).
   */
  public static Column normalised(Column column, DataType type) {
    return SparkKeys.normalised(column, type, SparkKeys.Icu.COLLATION_KEY);
  }

  /**
   * Why a unit column of this type cannot be put in normal form (a struct or array holding strings
   * of an ICU collation), or null if it can; the message names {@code parameter} and {@code
   * column}.
   */
  public static String problem(String parameter, String column, DataType type) {
    return SparkKeys.problem(parameter, column, type, true);
  }
}
