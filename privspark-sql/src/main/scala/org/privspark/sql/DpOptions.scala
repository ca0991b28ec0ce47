package org.privspark.sql

import java.util.Locale

import org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute
import org.apache.spark.sql.catalyst.expressions.{Expression, Literal, UnaryMinus}
import org.apache.spark.sql.catalyst.parser.ParserInterface
import org.apache.spark.sql.types.{Decimal, StringType}
import org.apache.spark.unsafe.types.UTF8String
import org.privspark.core.aggregation.NoiseKind

/**
 * The OPTIONS of a DP query, checked: each name known, each value in its range. Values are read by
 * Spark's parser as expressions: numbers, strings, booleans, or a bare column name.
 *
 * @param epsilon ε of the query, finite and &gt; 0
 * @param delta δ in [0, 1)
 * @param maxGroupsContributed L0, ≥ 1
 * @param maxContributionsPerGroup L∞, ≥ 1
 * @param privacyUnitColumn the unit column the query names, to check against the table's
 * @param noise the noise kind
 * @param noiseColumns whether each output gets `_noise_std`, `_ci_low` and `_ci_high` columns
 */
final case class DpOptions(
    epsilon: Double,
    delta: Double,
    maxGroupsContributed: Long,
    maxContributionsPerGroup: Long,
    privacyUnitColumn: Option[String],
    noise: NoiseKind,
    noiseColumns: Boolean)

object DpOptions {
  private val Known = Seq(
    "epsilon",
    "delta",
    "max_groups_contributed",
    "max_contributions_per_group",
    "privacy_unit_column",
    "noise",
    "noise_columns")

  def parse(options: Seq[(String, String)], parser: ParserInterface): DpOptions = {
    options.groupBy(_._1).collectFirst { case (n, vs) if vs.size > 1 => n }.foreach { n =>
      throw new DpSqlException(s"option $n is given twice")
    }
    options.map(_._1).filterNot(Known.contains).headOption.foreach { n =>
      throw new DpSqlException(s"unknown option '$n'; the options are ${Known.mkString(", ")}")
    }
    val values = options.map { case (n, text) => n -> value(n, text, parser) }.toMap

    def number(name: String): Option[Double] = values.get(name).map {
      case n: Double => n
      case other => throw new DpSqlException(s"option $name must be a number; got $other")
    }
    def count(name: String): Long = number(name) match {
      case None => 1L
      case Some(v) if v >= 1 && v <= Int.MaxValue && v == Math.rint(v) => v.toLong
      case Some(v) => throw new DpSqlException(s"option $name must be an integer in [1, ${Int.MaxValue}]; got $v")
    }

    val epsilon = number("epsilon").getOrElse {
      throw new DpSqlException("option epsilon is required: OPTIONS (epsilon = 0.5, ...), finite and > 0")
    }
    if (!(epsilon > 0) || epsilon.isInfinite) {
      throw new DpSqlException(s"option epsilon must be finite and > 0; got $epsilon")
    }
    val delta = number("delta").getOrElse(0.0)
    if (!(delta >= 0 && delta < 1)) {
      throw new DpSqlException(s"option delta must be in [0, 1); got $delta")
    }
    val noise = values.get("noise").map {
      case s: String =>
        s.toLowerCase(Locale.ROOT) match {
          case "laplace" => NoiseKind.LAPLACE
          case "gaussian" => NoiseKind.GAUSSIAN
          case "auto" => NoiseKind.AUTO
          case other =>
            throw new DpSqlException(s"option noise must be 'laplace', 'gaussian' or 'auto'; got '$other'")
        }
      case other => throw new DpSqlException(s"option noise must be 'laplace', 'gaussian' or 'auto'; got $other")
    }
    val noiseColumns = values.get("noise_columns").map {
      case b: java.lang.Boolean => b.booleanValue
      case other => throw new DpSqlException(s"option noise_columns must be true or false; got $other")
    }
    val unit = values.get("privacy_unit_column").map {
      case s: String => s
      case other => throw new DpSqlException(s"option privacy_unit_column must name a column; got $other")
    }
    DpOptions(
      epsilon,
      delta,
      count("max_groups_contributed"),
      count("max_contributions_per_group"),
      unit,
      noise.getOrElse(NoiseKind.LAPLACE),
      noiseColumns.getOrElse(true))
  }

  /** A value as Spark parses it: Double, String (a string or a bare identifier) or Boolean. */
  private def value(name: String, text: String, parser: ParserInterface): Any = {
    if (text.isEmpty) throw new DpSqlException(s"option $name has no value")
    val parsed =
      try parser.parseExpression(text)
      catch {
        case e: Exception =>
          throw new DpSqlException(s"option $name: cannot read the value '$text' (${e.getMessage.linesIterator.nextOption().getOrElse("")})")
      }
    constant(parsed).getOrElse {
      throw new DpSqlException(s"option $name must be a number, a string, true/false or a column name; got '$text'")
    }
  }

  private def constant(e: Expression): Option[Any] = e match {
    case a: UnresolvedAttribute if a.nameParts.size == 1 => Some(a.nameParts.head)
    case l: Literal if l.value == null => None
    case l: Literal if l.dataType == StringType => Some(l.value.asInstanceOf[UTF8String].toString)
    case l: Literal => numeric(l.value).orElse(Some(l.value))
    case m: UnaryMinus => constant(m.child).collect { case d: Double => -d }
    case _ => None
  }

  /** A literal's number as a double: integers, decimals and doubles; None for anything else. */
  def numeric(v: Any): Option[Double] = v match {
    case d: Decimal => Some(d.toDouble)
    case b: java.lang.Boolean => None
    case n: java.lang.Number => Some(n.doubleValue)
    case _ => None
  }
}
