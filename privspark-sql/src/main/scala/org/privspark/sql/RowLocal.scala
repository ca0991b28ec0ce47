package org.privspark.sql

import java.util.Locale

import org.apache.spark.sql.catalyst.expressions._
import org.apache.spark.sql.catalyst.plans.logical._

/**
 * The steps a DP query allows between its private table and the aggregation: each output row must
 * come from one private row (and public data), so that bounding each unit's rows afterwards bounds
 * the unit's influence; and no step may fail because of a private value after the charge.
 */
private[sql] object RowLocal {

  /** Refuses `p`, a step whose input holds private rows, unless it keeps rows apart. */
  def check(p: LogicalPlan): Unit = {
    p match {
      case _: Project | _: Filter | _: SubqueryAlias | _: View | _: Join | _: ResolvedHint =>
      case other =>
        throw new DpSqlException(
          s"${other.nodeName} over a private table is not supported in a DP query: between the " +
            "private table and the aggregation, only filters, projections and joins to public " +
            "tables keep each row one unit's (no aggregation, window, DISTINCT, LIMIT, sampling, " +
            "union or generator)")
    }
    checkSubqueries(p)
    p.expressions.foreach { expression =>
      expression.find(isUserDefined).foreach { e =>
        throw new DpSqlException(
          s"user-defined function ${functionName(e)} in a DP query: only Spark's built-in functions " +
            "may touch private rows (a function could send them elsewhere)")
      }
      // The innermost non-deterministic expression is the one to name (rand(), not the comparison).
      expression.find(e => !e.deterministic && e.children.forall(_.deterministic)).foreach { e =>
        throw new DpSqlException(
          s"non-deterministic ${e.prettyName}() in a DP query: a retried task would change the release")
      }
    }
  }

  /**
   * A subquery on the private rows' path is allowed only as a filter conjunct of its own, `col [NOT]
   * IN (SELECT ...)` or `[NOT] EXISTS (SELECT ...)`, uncorrelated: Spark plans it as a semi- or
   * anti-join on public data, which cannot fail on a private value. Anywhere else (beside an
   * expression that could throw, or correlated with the private row, as a scalar subquery that
   * fails on two rows) TRY cannot guard it, and a failure after the charge would be a noiseless bit.
   */
  private def checkSubqueries(p: LogicalPlan): Unit = {
    val allowed = p match {
      case f: Filter => conjuncts(f.condition).filter(plainSubqueryTest)
      case _ => Seq.empty
    }
    p.expressions.flatMap(conjunctsOf(p, _)).filterNot(c => allowed.exists(_ eq c)).foreach { c =>
      if (c.exists(_.isInstanceOf[SubqueryExpression])) {
        throw new DpSqlException(
          "a subquery in a DP query must be a WHERE condition of its own, `column IN (SELECT ...)` or " +
            "`EXISTS (SELECT ...)`, uncorrelated with the private rows; got " + c.sql)
      }
    }
  }

  private def conjunctsOf(p: LogicalPlan, e: Expression): Seq[Expression] = p match {
    case _: Filter => conjuncts(e)
    case _ => Seq(e)
  }

  private def plainSubqueryTest(e: Expression): Boolean = e match {
    case n: Not => plainSubqueryTest(n.child)
    case i: InSubquery => i.values.forall(plain) && i.query.outerAttrs.isEmpty
    case x: Exists => x.outerAttrs.isEmpty
    case _ => false
  }

  /** A user-defined function's registered name where Spark keeps one (Scala, Java, Python UDFs). */
  private def functionName(e: Expression): String = {
    def call(method: String): Option[Any] =
      try Option(e.getClass.getMethod(method).invoke(e))
      catch { case _: ReflectiveOperationException => None }
    call("udfName").collect { case Some(n: String) => n }
      .orElse(call("name").collect { case n: String => n })
      .getOrElse(e.prettyName)
  }

  private def isUserDefined(e: Expression): Boolean =
    e.isInstanceOf[UserDefinedExpression] ||
      e.getClass.getSimpleName.toUpperCase(Locale.ROOT).contains("UDF")

  /** The conjuncts of a condition, `a AND b AND c` as `a`, `b`, `c`. */
  def conjuncts(e: Expression): Seq[Expression] = e match {
    case a: And => conjuncts(a.left) ++ conjuncts(a.right)
    case other => Seq(other)
  }

  /**
   * `plan` with every filter conjunct, computed column and non-equality join condition that could
   * throw on some value evaluated under TRY (a failure reads as null: the row is filtered out, or
   * its value dropped as a null). Otherwise a value could fail the query after its charge, an
   * answer with no noise (for example `WHERE CAST(name AS INT) > 0` under ANSI mode, or
   * `raise_error`). Plain comparisons of columns with literals, and equi-join keys, cannot fail and
   * stay as they are, so that Spark still pushes them down and plans hash joins.
   */
  def guarded(plan: LogicalPlan): LogicalPlan = plan.transformUp {
    case f: Filter => f.copy(condition = conjuncts(f.condition).map(tryConjunct).reduce(And))
    case p: Project =>
      p.copy(projectList = p.projectList.map {
        case a: Alias if !safe(a.child) => a.withNewChildren(Seq(TryEval(a.child))).asInstanceOf[NamedExpression]
        case other => other
      })
    case j: Join if j.condition.isDefined =>
      j.copy(condition = j.condition.map(c => conjuncts(c).map {
        // Column = column of one type is an equi-join key (a hash join) and cannot fail; anything
        // else, an equality of computed sides included, runs under TRY.
        case eq: EqualTo if columnsOfOneType(eq) => eq
        case eq: EqualNullSafe if columnsOfOneType(eq) => eq
        case other => tryConjunct(other)
      }.reduce(And)))
  }

  private def columnsOfOneType(c: BinaryComparison): Boolean =
    c.left.isInstanceOf[Attribute] && c.right.isInstanceOf[Attribute] &&
      c.left.dataType == c.right.dataType

  private def tryConjunct(e: Expression): Expression =
    if (safe(e) || e.exists(_.isInstanceOf[SubqueryExpression])) e else TryEval(e)

  /** Expressions that cannot throw on any value: columns, literals, and plain comparisons of them. */
  private def safe(e: Expression): Boolean = e match {
    case _: Attribute | _: Literal => true
    case c: BinaryComparison => plain(c.left) && plain(c.right) && c.left.dataType == c.right.dataType
    case i: In => plain(i.value) && i.list.forall(v => v.isInstanceOf[Literal] && v.dataType == i.value.dataType)
    case n: IsNull => plain(n.child)
    case n: IsNotNull => plain(n.child)
    case n: Not => safe(n.child)
    case _ => false
  }

  private def plain(e: Expression): Boolean = e.isInstanceOf[Attribute] || e.isInstanceOf[Literal]
}
