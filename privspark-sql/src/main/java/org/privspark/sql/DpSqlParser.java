package org.privspark.sql;

import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.parser.ParameterContext;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.catalyst.parser.ParserInterface;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.privspark.core.noise.Secret;
import scala.Option;

/**
 * Spark's parser, plus the DP clause: a statement that starts {@code [EXPLAIN] SELECT WITH
 * DIFFERENTIAL_PRIVACY OPTIONS (...)} becomes a {@link DpQueryCommand} (or {@link
 * DpExplainCommand}), planned here; the rest of such a statement, and every other statement, is
 * Spark's parser's.
 *
 * <p>Java, not Scala: a Scala class that extends {@code ParserInterface} as Spark 4.1 and later
 * declare it (with a concrete {@code parsePlanWithParameters}) calls the trait's initialiser, which
 * Spark 4.0 does not have; a Java class calls none, so one jar serves Spark 4.0 to 4.2. On 4.0,
 * {@link #parsePlanWithParameters} is never called, and {@code ParameterContext} is never loaded.
 */
final class DpSqlParser implements ParserInterface {
  private final SparkSession session;
  private final ParserInterface delegate;
  private final Supplier<Secret> secrets;

  DpSqlParser(SparkSession session, ParserInterface delegate, Supplier<Secret> secrets) {
    this.session = session;
    this.delegate = delegate;
    this.secrets = secrets;
  }

  @Override
  public LogicalPlan parsePlan(String sqlText) throws ParseException {
    LogicalPlan dp = dp(sqlText);
    return dp != null ? dp : delegate.parsePlan(sqlText);
  }

  @Override
  public LogicalPlan parsePlanWithParameters(String sqlText, ParameterContext parameterContext)
      throws ParseException {
    LogicalPlan dp = dp(sqlText);
    return dp != null ? dp : delegate.parsePlanWithParameters(sqlText, parameterContext);
  }

  /** The DP statement's command, or null when {@code sqlText} is not a DP statement. */
  private LogicalPlan dp(String sqlText) throws ParseException {
    Option<DpClause> parsed = DpClause.parse(sqlText);
    if (parsed.isEmpty()) {
      return null;
    }
    DpClause clause = parsed.get();
    DpOptions options = DpOptions.parse(clause.options(), delegate);
    DpSelectList select = DpSelectList.of(delegate.parsePlan(clause.select()));
    DpQuery query = new DpQueryPlanner(session).plan(sqlText, options, select);
    return clause.explain() ? new DpExplainCommand(query) : new DpQueryCommand(query, secrets);
  }

  @Override
  public Expression parseExpression(String sqlText) throws ParseException {
    return delegate.parseExpression(sqlText);
  }

  @Override
  public TableIdentifier parseTableIdentifier(String sqlText) throws ParseException {
    return delegate.parseTableIdentifier(sqlText);
  }

  @Override
  public FunctionIdentifier parseFunctionIdentifier(String sqlText) throws ParseException {
    return delegate.parseFunctionIdentifier(sqlText);
  }

  @Override
  public scala.collection.immutable.Seq<String> parseMultipartIdentifier(String sqlText)
      throws ParseException {
    return delegate.parseMultipartIdentifier(sqlText);
  }

  @Override
  public LogicalPlan parseQuery(String sqlText) throws ParseException {
    return delegate.parseQuery(sqlText);
  }

  @Override
  public StructType parseRoutineParam(String sqlText) throws ParseException {
    return delegate.parseRoutineParam(sqlText);
  }

  @Override
  public StructType parseTableSchema(String sqlText) throws ParseException {
    return delegate.parseTableSchema(sqlText);
  }

  @Override
  public DataType parseDataType(String sqlText) throws ParseException {
    return delegate.parseDataType(sqlText);
  }
}
