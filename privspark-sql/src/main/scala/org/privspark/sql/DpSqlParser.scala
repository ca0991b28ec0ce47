package org.privspark.sql

import java.util.function.Supplier

import org.apache.spark.sql.SparkSession
import org.apache.spark.sql.catalyst.{FunctionIdentifier, TableIdentifier}
import org.apache.spark.sql.catalyst.expressions.Expression
import org.apache.spark.sql.catalyst.parser.{ParameterContext, ParserInterface}
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan
import org.apache.spark.sql.types.{DataType, StructType}
import org.privspark.core.noise.Secret

/**
 * Spark's parser, plus the DP clause: a statement that starts `[EXPLAIN] SELECT WITH
 * DIFFERENTIAL_PRIVACY OPTIONS (...)` becomes a [[DpQueryCommand]] (or [[DpExplainCommand]]),
 * planned here; the rest of such a statement, and every other statement, is Spark's parser's.
 */
final class DpSqlParser(session: SparkSession, delegate: ParserInterface, secrets: Supplier[Secret])
    extends ParserInterface {

  override def parsePlan(sqlText: String): LogicalPlan =
    dp(sqlText).getOrElse(delegate.parsePlan(sqlText))

  override def parsePlanWithParameters(sqlText: String, parameterContext: ParameterContext): LogicalPlan =
    dp(sqlText).getOrElse(delegate.parsePlanWithParameters(sqlText, parameterContext))

  private def dp(sqlText: String): Option[LogicalPlan] = DpClause.parse(sqlText).map { clause =>
    val options = DpOptions.parse(clause.options, delegate)
    val select = DpSelectList.of(delegate.parsePlan(clause.select))
    val query = new DpQueryPlanner(session).plan(sqlText, options, select)
    if (clause.explain) DpExplainCommand(query) else DpQueryCommand(query, secrets)
  }

  override def parseExpression(sqlText: String): Expression = delegate.parseExpression(sqlText)
  override def parseTableIdentifier(sqlText: String): TableIdentifier = delegate.parseTableIdentifier(sqlText)
  override def parseFunctionIdentifier(sqlText: String): FunctionIdentifier =
    delegate.parseFunctionIdentifier(sqlText)
  override def parseMultipartIdentifier(sqlText: String): Seq[String] =
    delegate.parseMultipartIdentifier(sqlText)
  override def parseQuery(sqlText: String): LogicalPlan = delegate.parseQuery(sqlText)
  override def parseRoutineParam(sqlText: String): StructType = delegate.parseRoutineParam(sqlText)
  override def parseTableSchema(sqlText: String): StructType = delegate.parseTableSchema(sqlText)
  override def parseDataType(sqlText: String): DataType = delegate.parseDataType(sqlText)
}
