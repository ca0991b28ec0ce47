package org.privspark.sql

import java.util.function.Supplier

import org.apache.spark.sql.SparkSessionExtensions
import org.privspark.core.noise.Secret

/**
 * PrivSpark's DP SQL, as a Spark session extension: `SELECT WITH DIFFERENTIAL_PRIVACY` and the guard
 * of private tables. Load it with
 * `spark.sql.extensions=org.privspark.sql.PrivSparkExtensions` (a classic session, or a Spark Connect
 * server, whose clients then use it in any language), and set `spark.privspark.ledger.key` to the
 * ledgers' KEY file. docs/SQL.md has the grammar.
 *
 * @param secrets where each release's secret comes from: a fresh one per release
 *     ([[Secret.generate]]) unless a test fixes it to compare with the DataFrame API
 */
class PrivSparkExtensions(secrets: Supplier[Secret]) extends (SparkSessionExtensions => Unit) {

  /** The extension Spark loads by name: a fresh secret for every release. */
  def this() = this(() => Secret.generate())

  override def apply(extensions: SparkSessionExtensions): Unit = {
    extensions.injectParser((session, delegate) => new DpSqlParser(session, delegate, secrets))
    extensions.injectCheckRule(session => new PrivateTableGuard(session))
  }
}
