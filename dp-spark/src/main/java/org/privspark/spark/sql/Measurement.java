package org.privspark.spark.sql;

import java.io.Serializable;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.aggregation.PlannedMeasurement;
import org.privspark.core.aggregation.Quantity;
import org.privspark.core.mechanism.GridMechanism;

/**
 * One planned measurement ({@link PlannedMeasurement}) with the public fixed-point grid its exact
 * per-group totals are on. Serializable: executors rebuild the same mechanism from it.
 *
 * @param planned the quantity, noise and sensitivity the planner chose
 * @param input the fixed-point grid of its exact per-group totals (X·2^e, X an integer)
 */
record Measurement(PlannedMeasurement planned, InputGrid input) implements Serializable {

  String name() {
    return planned.name();
  }

  Quantity quantity() {
    return planned.quantity();
  }

  int dimension() {
    return planned.dimension();
  }

  double epsilon() {
    return planned.epsilon();
  }

  double sigma() {
    return planned.sigma();
  }

  double sensitivity() {
    return planned.sensitivity();
  }

  /**
   * What one release of this measurement (all groups) costs ({@link PlannedMeasurement#event()}).
   */
  PrivacyEvent event() {
    return planned.event();
  }

  GridMechanism<?, ?> mechanism() {
    return planned.mechanism();
  }
}
