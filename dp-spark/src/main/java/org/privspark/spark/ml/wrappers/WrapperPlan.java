package org.privspark.spark.ml.wrappers;

import org.privspark.core.accounting.PrivacyEvent;

/**
 * One fit, planned from the params alone before anything is charged: its mechanism(s), calibrated
 * for a unit of up to k rows, and what the charge records.
 */
interface WrapperPlan {
  /** The event charged for the whole fit. */
  PrivacyEvent event();

  /** The δ at which the fit's ε is read (0 for a pure-DP wrapper). */
  double delta();

  /** The mechanism label the charge records (e.g. {@code ml-naive-bayes}). */
  String mechanism();

  /** The description the charge records: public parameters only. */
  String description();
}
