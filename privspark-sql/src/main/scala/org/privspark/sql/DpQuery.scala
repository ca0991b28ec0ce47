package org.privspark.sql

import java.util.Locale

import scala.jdk.CollectionConverters._

import org.apache.spark.sql.{Dataset, Row, SparkSession}
import org.apache.spark.sql.catalyst.expressions.{Attribute, AttributeReference}
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan
import org.apache.spark.sql.privspark.SparkInternals
import org.apache.spark.sql.types.{DoubleType, StringType}
import org.privspark.core.accounting.PrivacyBudget
import org.privspark.core.noise.Secret
import org.privspark.spark.sql.{PrivateAggregation, PrivateDataFrame}

/**
 * A planned DP query: everything needed to build the DataFrame API's query for it, and the columns
 * it returns. Planning read no data; [[aggregation]] builds the one implementation of every
 * statistic, dp-spark's [[PrivateAggregation]], which plans through dp-core's aggregation planner.
 *
 * @param sql the statement, as the analyst sent it
 * @param options its OPTIONS
 * @param table the private table it reads
 * @param data the analysed plan of the rows to aggregate: the keys, the aggregated columns and the
 *     unit column, each under its own name
 * @param unitColumn the unit column's name in `data`
 * @param keys the group keys' names in `data`
 * @param items the select items, in order
 * @param outputNames each select item's output column name
 * @param publicGroups the groups the query names, or None when they are chosen privately
 */
final case class DpQuery(
    sql: String,
    options: DpOptions,
    table: PrivateTable,
    data: LogicalPlan,
    unitColumn: String,
    keys: Seq[String],
    items: Seq[Selected],
    outputNames: Seq[String],
    publicGroups: Option[LogicalPlan]) {

  /** The value columns, in output order: one per select item, with its noise columns if asked. */
  lazy val output: Seq[Attribute] = items.zip(outputNames).flatMap {
    case (SelectedKey(a, _), name) => Seq(AttributeReference(name, a.dataType, nullable = true)())
    case (_: SelectedStatistic, name) =>
      val suffixes = if (options.noiseColumns) DpQuery.NoiseSuffixes else Seq("")
      suffixes.map(s => AttributeReference(name + s, DoubleType, nullable = true)())
  }

  /** The columns of `EXPLAIN SELECT WITH DIFFERENTIAL_PRIVACY`. */
  lazy val explainOutput: Seq[Attribute] = Seq(
    AttributeReference("output", StringType, nullable = false)(),
    AttributeReference("statistic", StringType, nullable = false)(),
    AttributeReference("noise_std", DoubleType, nullable = true)(),
    AttributeReference("ci_half_width", DoubleType, nullable = true)())

  private def statistics: Seq[(DpStatistic, Option[Attribute])] =
    items.collect { case SelectedStatistic(s, c) => (s, c) }

  /**
   * The DataFrame API's query for this one: the same data, bounds, statistics, ε, δ, noise and
   * groups. Validates nothing itself: `run()`, `cost()` and `explain()` validate before they charge.
   */
  def aggregation(session: SparkSession, budget: PrivacyBudget, unitName: Option[String], secret: Option[Secret]): PrivateAggregation = {
    val rows = SparkInternals.dataFrame(session, data)
    val source = unitName match {
      case Some(n) => PrivateDataFrame.of(rows, unitColumn, n, budget)
      case None => PrivateDataFrame.of(rows, unitColumn, budget)
    }
    val bounded = source
      .maxGroupsContributed(options.maxGroupsContributed)
      .maxContributionsPerGroup(options.maxContributionsPerGroup)
    var query = if (keys.isEmpty) bounded.aggregate() else bounded.groupBy(keys: _*)
    for (call <- DpQuery.calls(statistics)) {
      query = call match {
        case ("count", _, _, _, _) => query.count()
        case ("count_distinct", _, _, _, _) => query.countDistinctUnits()
        case ("sum", c, lo, hi, _) => query.sum(c, lo, hi)
        case ("avg", c, lo, hi, _) => query.mean(c, lo, hi)
        case ("var_pop", c, lo, hi, _) => query.variance(c, lo, hi)
        case ("stddev_pop", c, lo, hi, _) => query.stddev(c, lo, hi)
        case ("percentile_cont", c, lo, hi, ranks) => query.quantiles(c, lo, hi, ranks: _*)
        case (other, _, _, _, _) => throw new IllegalStateException(s"no statistic $other")
      }
    }
    query = query.epsilon(options.epsilon).delta(options.delta).noise(options.noise)
    publicGroups.foreach(g => query = query.publicGroups(SparkInternals.dataFrame(session, g)))
    secret.foreach(s => query = query.releaseSecret(s))
    query
  }

  /** The query's rows from the DataFrame API's result: renamed, split per rank, in select order. */
  def rows(result: Dataset[Row]): Seq[Row] = {
    val stats = statistics
    val calls = DpQuery.calls(stats)
    result.collect().toSeq.map { r =>
      val values = items.flatMap {
        case SelectedKey(a, _) => Seq(r.get(r.fieldIndex(a.name)))
        case SelectedStatistic(s, c) =>
          val name = DpQuery.apiOutput(s, c.map(_.name))
          val rank = if (s.kind == "percentile_cont") {
            calls.find(k => k._1 == s.kind && k._2 == c.get.name && k._3 == s.lower && k._4 == s.upper)
              .get._5.indexOf(s.rank)
          } else -1
          val suffixes = if (options.noiseColumns) DpQuery.NoiseSuffixes else Seq("")
          suffixes.map(suffix => DpQuery.number(r.get(r.fieldIndex(name + suffix)), rank))
      }
      Row.fromSeq(values)
    }
  }
}

object DpQuery {
  val NoiseSuffixes: Seq[String] = Seq("", "_noise_std", "_ci_low", "_ci_high")

  /**
   * The DataFrame API's calls for these statistics, each once: (kind, column, lower, upper, ranks).
   * Ranks of one column with the same bounds share one quantiles call (one histogram, one charge).
   */
  def calls(stats: Seq[(DpStatistic, Option[Attribute])]): Seq[(String, String, Double, Double, Seq[Double])] = {
    val out = scala.collection.mutable.LinkedHashMap.empty[(String, String, Double, Double), Seq[Double]]
    stats.foreach { case (s, c) =>
      val key = (s.kind, c.map(_.name).orNull, s.lower, s.upper)
      val ranks = out.getOrElse(key, Seq.empty)
      out(key) = if (s.kind == "percentile_cont" && !ranks.contains(s.rank)) ranks :+ s.rank else ranks
    }
    out.toSeq.map { case ((k, c, lo, hi), ranks) => (k, c, lo, hi, ranks) }
  }

  /** The DataFrame API's output column for a statistic. */
  def apiOutput(s: DpStatistic, column: Option[String]): String = s.kind match {
    case "count" => "count"
    case "count_distinct" => "count_distinct_units"
    case "sum" => "sum_" + column.get
    case "avg" => "mean_" + column.get
    case "var_pop" => "variance_" + column.get
    case "stddev_pop" => "stddev_" + column.get
    case "percentile_cont" => "quantiles_" + column.get
  }

  /** The default SQL name of a statistic's column, when the query gives no alias. */
  def apiName(s: DpStatistic, column: Option[String]): String = s.kind match {
    case "percentile_cont" =>
      "percentile_cont_" + column.get + "_" + BigDecimal(s.rank).bigDecimal.stripTrailingZeros.toPlainString.replace('.', '_')
    case _ => apiOutput(s, column)
  }

  private def number(v: Any, rank: Int): Any = v match {
    case null => null
    case s: scala.collection.Seq[_] => if (rank >= 0) s(rank) else s.head
    case l: java.util.List[_] => if (rank >= 0) l.get(rank) else l.get(0)
    case d: java.lang.Double => d
    case n: java.lang.Number => n.doubleValue
    case other => throw new IllegalStateException("unexpected value of type " + other.getClass.getName)
  }

  def lower(s: String): String = s.toLowerCase(Locale.ROOT)
}
