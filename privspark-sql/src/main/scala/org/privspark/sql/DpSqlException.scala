package org.privspark.sql

import org.apache.spark.sql.AnalysisException

/**
 * A DP query that cannot run: a bad option, an unsupported aggregate or FROM clause, an exhausted
 * budget, or a failure after the charge. Its message names the problem and never carries a value of
 * the private data: every check that raises one before the charge reads no data, and a failure after
 * the charge is reported without its cause ([[DpSqlException.afterCharge]]).
 *
 * An [[AnalysisException]], so that Spark and Spark Connect clients report it as a user's error.
 */
class DpSqlException(message: String)
    extends AnalysisException(message, None, None, None, None, Map.empty[String, String], Array.empty)

object DpSqlException {

  /** The error of a query whose charge was recorded as ledger entry `entry` but which then failed. */
  def afterCharge(entry: Long): DpSqlException =
    new DpSqlException(
      s"ledger entry $entry was charged but the query failed; the cause is withheld because it may " +
        "carry private data (the budget stays spent)")
}

/**
 * A query that reads a private table other than through `SELECT WITH DIFFERENTIAL_PRIVACY`, refused by
 * [[PrivateTableGuard]] before any job runs.
 */
class PrivateTableException(message: String) extends DpSqlException(message)
