package org.apache.spark.sql.privspark

import org.apache.spark.sql.{DataFrame, SparkSession}
import org.apache.spark.sql.catalyst.analysis.Resolver
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan
import org.apache.spark.sql.classic

/**
 * The few `private[sql]` entry points PrivSpark's SQL extension needs, in Spark's package so that
 * Scala lets it call them. Every one exists, with the same signature, from Spark 4.0 to 4.2.
 */
object SparkInternals {

  private def classicSession(session: SparkSession): classic.SparkSession = session match {
    case s: classic.SparkSession => s
    case other =>
      throw new IllegalStateException(
        s"PrivSpark's SQL extension runs in a classic session (the driver, or a Spark Connect server); got ${other.getClass.getName}")
  }

  /** A DataFrame over an (analysed or not) logical plan. */
  def dataFrame(session: SparkSession, plan: LogicalPlan): DataFrame =
    classic.Dataset.ofRows(classicSession(session), plan)

  /** The analysed form of `plan`, checked as any query is; reads no data. */
  def analyze(session: SparkSession, plan: LogicalPlan): LogicalPlan =
    classicSession(session).sessionState.executePlan(plan).analyzed

  /** The session's catalog of tables (the built-in one). */
  def sessionCatalog(session: SparkSession): org.apache.spark.sql.catalyst.catalog.SessionCatalog =
    classicSession(session).sessionState.catalog

  /** The application's Spark conf, which no SQL `SET` or client changes. */
  def staticConf(session: SparkSession): org.apache.spark.SparkConf =
    classicSession(session).sparkContext.getConf

  /** The Hadoop configuration the session's file systems use. */
  def hadoopConf(session: SparkSession): org.apache.hadoop.conf.Configuration =
    classicSession(session).sessionState.newHadoopConf()

  /** How this session compares identifiers (case-insensitive by default). */
  def resolver(session: SparkSession): Resolver = classicSession(session).sessionState.conf.resolver
}
