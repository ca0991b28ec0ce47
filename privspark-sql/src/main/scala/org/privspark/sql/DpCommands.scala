package org.privspark.sql

import java.util.function.Supplier

import org.apache.spark.sql.{Row, SparkSession}
import org.apache.spark.sql.catalyst.expressions.Attribute
import org.apache.spark.sql.execution.command.LeafRunnableCommand
import org.privspark.core.accounting.{BudgetExhaustedException, PrivacyGuarantee}
import org.privspark.core.noise.Secret

/**
 * `SELECT WITH DIFFERENTIAL_PRIVACY ...`: a command, so that Spark runs it once, when `spark.sql`
 * returns (a Spark Connect server too), and the DataFrame it returns holds its rows: collecting it
 * again neither recomputes nor charges again.
 *
 * Order of work: the query was planned at parse time (no data read); `run` opens the table's
 * ledger, checks the unit claim, and hands the query to dp-spark's `PrivateAggregation`, which
 * validates, charges one ledger entry, then runs. A failure before the charge says what is wrong and
 * spends nothing; a failure after it says only which entry was charged (its cause may carry private
 * values).
 */
final case class DpQueryCommand(query: DpQuery, secrets: Supplier[Secret]) extends LeafRunnableCommand {

  override def output: Seq[Attribute] = query.output

  override def run(session: SparkSession): Seq[Row] = DpScope {
    DpLedgers.withLedger(session, query.table) { ledger =>
      val unitName = DpLedgers.claim(query.table, ledger)
      val before = ledger.entries()
      try {
        val aggregation =
          query.aggregation(session, ledger.budget(), unitName, Some(secrets.get()))
        DpQueryCommand.withoutCommonSubexpressions(session) {
          query.rows(aggregation.run())
        }
      } catch {
        case _: Throwable if ledger.entries() > before =>
          throw DpSqlException.afterCharge(ledger.entries())
        case e: DpSqlException => throw e
        case e: BudgetExhaustedException =>
          throw new DpSqlException(s"${e.getMessage}; nothing was charged")
        case e: IllegalArgumentException => throw new DpSqlException(e.getMessage)
      }
    }
  }

  override def simpleString(maxFields: Int): String = s"DpQueryCommand ${query.table.name}"
}

object DpQueryCommand {
  private val CommonSubexpressions = "spark.sql.subexpressionElimination.enabled"

  /**
   * Runs `body` with Spark's common subexpression elimination off in `session`: it evaluates an
   * expression that two TRY-guarded columns or conditions share once, before either TRY, so a
   * value that makes it throw would fail the release after its charge (RowLocal). The setting is
   * restored afterwards; other queries of the session meanwhile only run slower.
   */
  def withoutCommonSubexpressions[T](session: SparkSession)(body: => T): T = {
    val before = session.conf.getOption(CommonSubexpressions)
    session.conf.set(CommonSubexpressions, "false")
    try body
    finally before match {
      case Some(v) => session.conf.set(CommonSubexpressions, v)
      case None => session.conf.unset(CommonSubexpressions)
    }
  }
}

/**
 * `EXPLAIN SELECT WITH DIFFERENTIAL_PRIVACY ...`: the accuracy the query would have and what it
 * would cost, from the planner's prediction; reads no data and spends nothing. One row per output
 * statistic (its noise std and the half-width of its 95% interval, for groups of 1,000 kept rows for
 * means and variances), then the query's ε and δ, the smallest group kept with probability 50% and
 * 95% when groups are private, and the ledger's remaining ε.
 */
final case class DpExplainCommand(query: DpQuery) extends LeafRunnableCommand {

  override def output: Seq[Attribute] = query.explainOutput

  override def run(session: SparkSession): Seq[Row] = DpScope {
    DpLedgers.withLedger(session, query.table) { ledger =>
      val unitName = DpLedgers.claim(query.table, ledger)
      val accuracy =
        try query.aggregation(session, ledger.budget(), unitName, None).explain()
        catch { case e: IllegalArgumentException => throw new DpSqlException(e.getMessage) }
      val perStatistic = DpExplainCommand.statisticRows(query, accuracy)
      val spent: PrivacyGuarantee = ledger.spent()
      val budget = ledger.genesis().budgetEpsilon()
      val groups =
        if (query.keys.isEmpty || query.publicGroups.isDefined) Seq.empty
        else
          Seq(
            Row("(groups)", "units_kept_with_probability_50pct", accuracy.unitsForHalf.toDouble, null),
            Row("(groups)", "units_kept_with_probability_95pct", accuracy.unitsFor95.toDouble, null))
      perStatistic ++ groups ++ Seq(
        Row("(query)", "epsilon", query.options.epsilon, null),
        Row("(query)", "delta", query.options.delta, null),
        Row("(ledger)", "remaining_epsilon", math.max(0.0, budget - spent.epsilon()), null))
    }
  }
}

private object DpExplainCommand {
  import scala.jdk.CollectionConverters._

  /** Each select item's predicted accuracy, matched to the planner's statistics by output name. */
  def statisticRows(query: DpQuery, accuracy: org.privspark.core.aggregation.QueryAccuracy): Seq[Row] = {
    val calls = DpQuery.calls(query.items.collect { case SelectedStatistic(s, c) => (s, c) })
    val predicted = accuracy.statistics.asScala.toSeq
    query.items.zip(query.outputNames).collect { case (SelectedStatistic(s, c), name) =>
      val index = calls.indexWhere(k => k._1 == s.kind && k._2 == c.map(_.name).orNull && k._3.equals(s.lower) && k._4.equals(s.upper))
      val p = predicted(index)
      Row(name, s.kind, p.noiseStd, p.halfWidth95)
    }
  }
}
