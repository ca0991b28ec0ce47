package org.privspark.spark.sql;

import java.io.Serializable;

/**
 * Where things are in the rows the noise stage reads, one per group: the group keys, the group's
 * number of units, then per measurement (in the plan's order) the array of its exact column sums.
 * {@link PrivateAggregation#staged} writes rows in this layout and {@link NoiseStage} reads them
 * through it.
 *
 * @param keyCount number of group key columns
 * @param measurementCount number of measurements
 */
record StagedLayout(int keyCount, int measurementCount) implements Serializable {

  /** The column of the group's number of units. */
  int units() {
    return keyCount;
  }

  /** The column of measurement {@code i}'s column sums. */
  int input(int i) {
    return keyCount + 1 + i;
  }

  /** The name of measurement {@code i}'s input column. */
  static String inputName(int i) {
    return "__in" + i;
  }

  /** The name of the partial column j (a limb or a bin) of measurement i. */
  static String partialName(int measurement, int j) {
    return "__m" + measurement + "_" + j;
  }
}
