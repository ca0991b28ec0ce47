package org.privspark.sql

import java.util.Locale

import org.apache.spark.sql.catalyst.analysis.{UnresolvedAlias, UnresolvedAttribute, UnresolvedFunction, UnresolvedStar}
import org.apache.spark.sql.catalyst.expressions.{Alias, Expression, Literal, NamedExpression, UnaryMinus}
import org.apache.spark.sql.catalyst.plans.logical.{Aggregate, LogicalPlan, Project}

/**
 * One aggregate of a DP query's select list.
 *
 * @param kind the statistic: count, count_distinct, sum, avg, var_pop, stddev_pop or percentile_cont
 * @param column the aggregated column's name parts, for the valued statistics
 * @param lower the clamping bound below (NaN for counts)
 * @param upper the clamping bound above (NaN for counts)
 * @param rank the rank in [0, 1] of percentile_cont (NaN otherwise)
 * @param alias the output column's name, if the query gives one
 */
final case class DpStatistic(
    kind: String,
    column: Option[Seq[String]],
    lower: Double,
    upper: Double,
    rank: Double,
    alias: Option[String])

/** A select item: a group key or an aggregate, in the order the query lists them. */
sealed trait SelectItem
final case class KeyItem(nameParts: Seq[String], alias: Option[String]) extends SelectItem
final case class StatisticItem(statistic: DpStatistic) extends SelectItem

/**
 * The shape of a DP query as Spark's parser read it (not yet analysed): its select items, group keys
 * and FROM/WHERE plan. Refuses, naming the part, what the DP clause does not support.
 */
final case class DpSelectList(items: Seq[SelectItem], groupBy: Seq[Seq[String]], from: LogicalPlan)

object DpSelectList {
  private val Valued = Set("sum", "avg", "var_pop", "stddev_pop")
  private val Supported =
    "COUNT(*), COUNT(DISTINCT <privacy unit column>), SUM(col, lo, hi), AVG(col, lo, hi), " +
      "VAR_POP(col, lo, hi), STDDEV_POP(col, lo, hi), PERCENTILE_CONT(col, p, lo, hi)"

  def of(parsed: LogicalPlan): DpSelectList = parsed match {
    case a: Aggregate =>
      val keys = a.groupingExpressions.map {
        case u: UnresolvedAttribute => u.nameParts
        case other =>
          throw new DpSqlException(
            s"GROUP BY takes column names in a DP query; got ${other.sql}: compute it in a subquery " +
              "of the FROM clause and group by its name")
      }
      DpSelectList(a.aggregateExpressions.map(item), keys, a.child)
    case p: Project =>
      DpSelectList(p.projectList.map(item), Nil, p.child)
    case other =>
      throw new DpSqlException(
        s"a DP query is SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (...) <keys and aggregates> FROM ... " +
          s"[WHERE ...] [GROUP BY ...]; ${other.nodeName} (HAVING, ORDER BY, LIMIT, DISTINCT, " +
          "set operations, WITH) is not supported")
  }

  private def item(e: NamedExpression): SelectItem = e match {
    case u: UnresolvedAttribute => KeyItem(u.nameParts, None)
    // An aggregate without AS: Spark's parser wraps it to name it later; the DataFrame API's name is used.
    case u: UnresolvedAlias =>
      u.child match {
        case f: UnresolvedFunction => StatisticItem(statistic(f, None))
        case a: UnresolvedAttribute => KeyItem(a.nameParts, None)
        case other => unsupported(other)
      }
    case a: Alias =>
      a.child match {
        case u: UnresolvedAttribute => KeyItem(u.nameParts, Some(a.name))
        case f: UnresolvedFunction => StatisticItem(statistic(f, Some(a.name)))
        case other => unsupported(other)
      }
    case other =>
      other.asInstanceOf[Expression] match {
        case f: UnresolvedFunction => StatisticItem(statistic(f, None))
        case x => unsupported(x)
      }
  }

  private def unsupported(e: Expression): Nothing = e match {
    case _: UnresolvedStar =>
      throw new DpSqlException("SELECT * is not a DP query: list group keys and aggregates")
    case _ =>
      throw new DpSqlException(
        s"a DP query selects group keys and aggregates only; got ${e.sql}. The aggregates are $Supported")
  }

  private def statistic(f: UnresolvedFunction, alias: Option[String]): DpStatistic = {
    val name = f.nameParts.last.toLowerCase(Locale.ROOT)
    val args = f.arguments
    if (f.filter.isDefined) {
      throw new DpSqlException(s"FILTER (WHERE ...) on ${name.toUpperCase(Locale.ROOT)} is not supported; use WHERE")
    }
    def column(e: Expression): Seq[String] = e match {
      case u: UnresolvedAttribute => u.nameParts
      case other =>
        throw new DpSqlException(
          s"${name.toUpperCase(Locale.ROOT)} takes a column name; got ${other.sql}: compute it in a " +
            "subquery of the FROM clause")
    }
    def bound(e: Expression, what: String): Double = constant(e).getOrElse {
      throw new DpSqlException(
        s"${name.toUpperCase(Locale.ROOT)}: the $what must be a number literal; got ${e.sql}")
    }
    def arity(n: Int, shape: String): Unit =
      if (args.size != n) {
        throw new DpSqlException(
          s"${name.toUpperCase(Locale.ROOT)} takes $shape in a DP query (explicit clamping bounds); " +
            s"got ${args.size} argument(s)")
      }
    if (f.isDistinct && name != "count") {
      throw new DpSqlException(s"DISTINCT is supported only as COUNT(DISTINCT <privacy unit column>)")
    }
    name match {
      case "count" if f.isDistinct =>
        arity(1, "(DISTINCT <privacy unit column>)")
        DpStatistic("count_distinct", Some(column(args.head)), Double.NaN, Double.NaN, Double.NaN, alias)
      case "count" =>
        val star = args match {
          case Seq(_: UnresolvedStar) => true
          case Seq(l: Literal) => l.value != null
          case _ => false
        }
        if (!star) {
          throw new DpSqlException(
            "COUNT takes * in a DP query (the rows of each group); COUNT(DISTINCT <privacy unit column>) counts units")
        }
        DpStatistic("count", None, Double.NaN, Double.NaN, Double.NaN, alias)
      case n if Valued.contains(n) =>
        arity(3, "(column, lower, upper)")
        DpStatistic(n, Some(column(args(0))), bound(args(1), "lower bound"), bound(args(2), "upper bound"), Double.NaN, alias)
      case "percentile_cont" =>
        arity(4, "(column, p, lower, upper)")
        DpStatistic(
          kind = "percentile_cont",
          column = Some(column(args(0))),
          lower = bound(args(2), "lower bound"),
          upper = bound(args(3), "upper bound"),
          rank = bound(args(1), "rank p"),
          alias = alias)
      case other =>
        throw new DpSqlException(s"${other.toUpperCase(Locale.ROOT)} is not a DP aggregate; the aggregates are $Supported")
    }
  }

  /** A number literal, possibly negated. */
  private def constant(e: Expression): Option[Double] = e match {
    case l: Literal if l.value != null => DpOptions.numeric(l.value)
    case m: UnaryMinus => constant(m.child).map(-_)
    case _ => None
  }
}
