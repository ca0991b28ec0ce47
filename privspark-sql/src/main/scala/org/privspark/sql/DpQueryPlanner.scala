package org.privspark.sql

import scala.jdk.CollectionConverters._

import org.apache.spark.sql.{Row, SparkSession}
import org.apache.spark.sql.catalyst.CatalystTypeConverters
import org.apache.spark.sql.catalyst.analysis.Resolver
import org.apache.spark.sql.catalyst.expressions._
import org.apache.spark.sql.catalyst.plans.Inner
import org.apache.spark.sql.catalyst.plans.logical._
import org.apache.spark.sql.privspark.SparkInternals
import org.apache.spark.sql.types.{StructField, StructType}

/**
 * Plans a DP query before anything is charged or read: analyses its FROM clause with Spark's
 * analyser, finds the one private table it reads, checks that every step between that table and the
 * aggregation keeps each output row the function of one input row (filters, projections, joins to
 * public tables: so bounding each unit's rows afterwards bounds its influence), and resolves the
 * keys, the aggregated columns and the privacy unit column. Every refusal is a [[DpSqlException]]
 * naming the part of the query; none reads data.
 */
final class DpQueryPlanner(session: SparkSession) {
  private val resolver: Resolver = SparkInternals.resolver(session)

  def plan(sql: String, options: DpOptions, select: DpSelectList): DpQuery = DpScope {
    // The guard is off while a DP query plans; paths it protects stay out of the FROM clause all the
    // same (a read by path of a private table's files would be a second, unbounded read of it).
    val paths = new ProtectedPaths(session)
    paths.checkUnresolved(select.from)
    val analysed = SparkInternals.analyze(session, select.from)
    paths.check(analysed)
    val (relation, table) = privateRelation(analysed)
    checkRowLocal(analysed)

    val unit = unitAttribute(analysed, relation, table)
    options.privacyUnitColumn.foreach { c =>
      if (!resolver(c, table.unitColumn)) {
        throw new DpSqlException(
          s"option privacy_unit_column = $c, but table ${table.name} names ${table.unitColumn} as its " +
            s"privacy unit (${PrivateTable.UnitColumn})")
      }
    }

    val keys = select.groupBy.map(parts => column(analysed, parts, "GROUP BY"))
    if (keys.exists(_.exprId == unit.exprId)) {
      throw new DpSqlException(s"GROUP BY must not include the privacy unit column ${unit.name}")
    }
    val items = select.items.map {
      case k: KeyItem =>
        val a = column(analysed, k.nameParts, "the select list")
        if (!keys.exists(_.exprId == a.exprId)) {
          throw new DpSqlException(
            s"${k.nameParts.mkString(".")} is selected but not in GROUP BY: a DP query selects " +
              "group keys and aggregates only")
        }
        SelectedKey(a, k.alias.getOrElse(a.name))
      case s: StatisticItem =>
        val col = s.statistic.column.map(parts => column(analysed, parts, s.statistic.kind.toUpperCase))
        if (s.statistic.kind == "count_distinct" && !col.exists(_.exprId == unit.exprId)) {
          throw new DpSqlException(
            s"COUNT(DISTINCT ...) counts privacy units in a DP query: write COUNT(DISTINCT ${unit.name})")
        }
        if (s.statistic.kind != "count_distinct" && col.exists(_.exprId == unit.exprId)) {
          throw new DpSqlException(
            s"${s.statistic.kind.toUpperCase} of the privacy unit column ${unit.name} is not a DP statistic")
        }
        SelectedStatistic(s.statistic, col)
    }
    val valued = items.collect { case SelectedStatistic(s, Some(c)) if s.kind != "count_distinct" => c }
    val columns = (keys ++ valued :+ unit).distinct
    columns.groupBy(_.name.toLowerCase).collectFirst { case (n, as) if as.map(_.exprId).distinct.size > 1 => n }
      .foreach { n =>
        throw new DpSqlException(
          s"two different columns are named $n in the FROM clause; rename one in a subquery")
      }
    val outputNames = items.map {
      case SelectedKey(_, name) => name
      case SelectedStatistic(s, c) => s.alias.getOrElse(DpQuery.apiName(s, c.map(_.name)))
    }
    outputNames.groupBy(_.toLowerCase).collectFirst { case (n, v) if v.size > 1 => n }.foreach { n =>
      throw new DpSqlException(s"two output columns are named $n; give one an alias with AS")
    }

    val data = Project(columns, RowLocal.guarded(analysed))
    DpQuery(
      sql,
      options,
      table,
      data,
      unit.name,
      keys.map(_.name),
      items,
      outputNames,
      publicGroups(analysed, keys))
  }

  /** The one private relation the FROM clause reads, and its table. */
  private def privateRelation(plan: LogicalPlan): (LogicalPlan, PrivateTable) = {
    val reads = Seq.newBuilder[(LogicalPlan, PrivateTable)]
    val current = PrivateTable.current(session) _
    def walk(p: LogicalPlan): Unit = {
      PrivateTable.of(p, current).foreach(t => reads += (p -> t))
      p.children.foreach(walk)
      p.subqueries.foreach(walk)
    }
    walk(plan)
    reads.result() match {
      case Seq(one) => one
      case Seq() =>
        throw new DpSqlException(
          "the FROM clause reads no private table: DP queries are for tables whose properties name " +
            s"'${PrivateTable.UnitColumn}' and '${PrivateTable.Ledger}'; query public tables without the DP clause")
      case many =>
        val ledgers = many.map(_._2.ledger).distinct
        val names = many.map(_._2.name).distinct.mkString(", ")
        if (ledgers.size > 1) {
          throw new DpSqlException(
            s"the query reads private tables $names, which are charged to different ledgers " +
              s"(${ledgers.mkString(", ")}); a DP query reads one private table")
        }
        throw new DpSqlException(
          s"the query reads private data ${many.size} times ($names): a DP query reads one private " +
            "table once (no self-joins or subqueries over it)")
    }
  }

  /** Refuses any step above the private relation that could mix rows of different units. */
  private def checkRowLocal(plan: LogicalPlan): Unit = {
    val current = PrivateTable.current(session) _
    def visit(p: LogicalPlan): Boolean = {
      val own = PrivateTable.of(p, current).isDefined
      val below = p.children.map(visit).contains(true)
      if (below && !own) RowLocal.check(p)
      own || below
    }
    visit(plan)
  }

  private def unitAttribute(plan: LogicalPlan, relation: LogicalPlan, table: PrivateTable): Attribute = {
    val attribute = relation.output.find(a => resolver(a.name, table.unitColumn)).getOrElse {
      throw new DpSqlException(
        s"table ${table.name} names ${table.unitColumn} as its privacy unit (${PrivateTable.UnitColumn}), " +
          s"but has no such column; its columns are ${relation.output.map(_.name).mkString(", ")}")
    }
    if (!plan.outputSet.contains(attribute)) {
      throw new DpSqlException(
        s"the FROM clause must keep table ${table.name}'s privacy unit column ${attribute.name} " +
          "(unrenamed) in its output")
    }
    attribute
  }

  private def column(plan: LogicalPlan, parts: Seq[String], where: String): Attribute = {
    val resolved =
      try plan.resolve(parts, resolver)
      catch {
        case e: org.apache.spark.sql.AnalysisException =>
          throw new DpSqlException(s"${parts.mkString(".")} in $where: ${e.getMessage}")
      }
    resolved match {
      case Some(a: Attribute) => a
      case Some(_) =>
        throw new DpSqlException(
          s"${parts.mkString(".")} in $where must name a top-level column, not a field; select the field " +
            "under a name in a subquery of the FROM clause")
      case None =>
        throw new DpSqlException(
          s"unknown column ${parts.mkString(".")} in $where; the FROM clause has columns " +
            plan.output.map(_.name).mkString(", "))
    }
  }

  /**
   * The groups the query names itself, read off its filters: when every key is constrained to
   * literals (`k IN (...)`, `k = ...`) or to a public subquery (`k IN (SELECT ...)`), the groups are
   * the cross product of those values, chosen without looking at the private rows.
   */
  private def publicGroups(plan: LogicalPlan, keys: Seq[Attribute]): Option[LogicalPlan] = {
    if (keys.isEmpty) return None
    val conjuncts = plan.collect { case f: Filter => RowLocal.conjuncts(f.condition) }.flatten
    val joins = plan.collect { case j: Join => j }
    val perKey = keys.map { k =>
      conjuncts.flatMap(c => keyValues(c, k)).headOption.orElse(joins.flatMap(j => joinedValues(j, k)).headOption)
    }
    if (perKey.exists(_.isEmpty)) {
      None
    } else {
      val frames = keys.zip(perKey.flatten).map { case (k, values) =>
        SparkInternals.dataFrame(session, values).distinct().toDF(k.name)
      }
      Some(frames.reduce((a, b) => a.crossJoin(b)).queryExecution.analyzed)
    }
  }

  /**
   * The public values a join allows for `key`: those of a public side's column, when the key is
   * that column, or is equated with it in an inner join (`JOIN days USING (day)`, `ON v.day = d.day`).
   */
  private def joinedValues(join: Join, key: Attribute): Option[LogicalPlan] = {
    val publicSides = Seq(join.left, join.right).filter(side => PrivateTableGuard.readsOf(side).isEmpty)
    publicSides.flatMap { side =>
      if (side.outputSet.contains(key)) {
        Some(Project(Seq(key), side))
      } else if (join.joinType == Inner) {
        join.condition.toSeq.flatMap(RowLocal.conjuncts).collectFirst {
          case eq: EqualTo if equates(eq, key, side) => Project(Seq(partner(eq, key)), side)
        }
      } else None
    }.headOption
  }

  private def equates(eq: EqualTo, key: Attribute, side: LogicalPlan): Boolean =
    (eq.left, eq.right) match {
      case (a: Attribute, b: Attribute) =>
        (a.exprId == key.exprId && side.outputSet.contains(b)) ||
          (b.exprId == key.exprId && side.outputSet.contains(a))
      case _ => false
    }

  private def partner(eq: EqualTo, key: Attribute): Attribute =
    if (eq.left.asInstanceOf[Attribute].exprId == key.exprId) eq.right.asInstanceOf[Attribute]
    else eq.left.asInstanceOf[Attribute]

  /** The public values a conjunct allows for `key`, as a one-column plan, if it constrains it. */
  private def keyValues(condition: Expression, key: Attribute): Option[LogicalPlan] = {
    def isKey(e: Expression) = e match {
      case a: Attribute => a.exprId == key.exprId
      case _ => false
    }
    // The analyser has already coerced the literals to the key's type; anything else is no list.
    def literals(values: Seq[Expression]): Option[LogicalPlan] =
      if (values.nonEmpty && values.forall(v =>
          v.foldable && v.deterministic && v.dataType == key.dataType)) {
        val schema = StructType(Seq(StructField(key.name, key.dataType, nullable = true)))
        val rows = values.map(v => Row(CatalystTypeConverters.convertToScala(v.eval(), key.dataType)))
        Some(session.createDataFrame(rows.asJava, schema).queryExecution.analyzed)
      } else None
    condition match {
      case in: In if isKey(in.value) => literals(in.list)
      case eq: EqualTo if isKey(eq.left) => literals(Seq(eq.right))
      case eq: EqualTo if isKey(eq.right) => literals(Seq(eq.left))
      case in: InSubquery if in.values.size == 1 && isKey(in.values.head) =>
        val query = in.query
        val correlated = query.outerAttrs.nonEmpty
        if (correlated || PrivateTableGuard.readsOf(query.plan).nonEmpty) None
        else Some(query.plan)
      case _ => None
    }
  }
}

/** What a select item resolved to. */
sealed trait Selected
final case class SelectedKey(attribute: Attribute, outputName: String) extends Selected
final case class SelectedStatistic(statistic: DpStatistic, column: Option[Attribute]) extends Selected
