package org.privspark.sql

import scala.util.control.NonFatal

import org.apache.spark.sql.SparkSession
import org.apache.spark.sql.catalyst.TableIdentifier
import org.apache.spark.sql.catalyst.analysis.ResolvedTable
import org.apache.spark.sql.catalyst.catalog.CatalogTable
import org.apache.spark.sql.catalyst.plans.logical.{LogicalPlan, SetTableProperties, UnsetTableProperties}
import org.apache.spark.sql.execution.command.{AlterTableSetPropertiesCommand, AlterTableUnsetPropertiesCommand, ExplainCommand}
import org.apache.spark.sql.privspark.SparkInternals

/**
 * An analyzer check rule: a plan that reads a private table fails at analysis, before any job runs,
 * unless a DP query built it ([[DpScope]]). Spark checks every analysed plan with it: queries, views
 * (expanded into the plan), subqueries, CTEs, `spark.table(..)`, `CACHE TABLE`, `INSERT ... SELECT`,
 * `CREATE TABLE AS SELECT`, `ANALYZE TABLE` (which analyses a read of the table) and Spark's `EXPLAIN`
 * (whose inner plan is analysed when it runs).
 *
 * It also refuses `ALTER TABLE ... SET/UNSET TBLPROPERTIES` that change a private table's
 * `privspark.*` properties, which would make it public or move it to a fresh ledger.
 *
 * An analyst-facing guard, not access control: whoever reads the table's files directly, or defines
 * another table over them, bypasses any SQL engine (docs/THREAT-MODEL.md).
 */
final class PrivateTableGuard(session: SparkSession) extends (LogicalPlan => Unit) {

  override def apply(plan: LogicalPlan): Unit = {
    if (!DpScope.active) {
      PrivateTableGuard.readsOf(plan, current).headOption.foreach { table =>
        throw PrivateTableGuard.refusal(table)
      }
      checkPropertyChange(plan)
      checkPartitions(plan)
      checkExplained(plan)
      paths.check(plan)
    }
  }

  private val paths = new ProtectedPaths(session)

  private val current: CatalogTable => CatalogTable = PrivateTable.current(session)

  private def withStatistics(t: TableIdentifier): Boolean =
    try {
      val meta = SparkInternals.sessionCatalog(session).getTableRawMetadata(t)
      meta.stats.isDefined && PrivateTable.fromCatalog(meta).isDefined
    } catch { case NonFatal(_) => false }

  /**
   * Whether `SHOW TABLE EXTENDED` (which lists tables by pattern) lists a private table that has
   * statistics; when its database or pattern cannot be read, any database and every table.
   */
  private def listedPrivateWithStatistics(plan: LogicalPlan): Boolean = {
    val catalog = SparkInternals.sessionCatalog(session)
    val pattern = PrivateTableGuard.call(plan, "tableIdentifierPattern").orElse(PrivateTableGuard.call(plan, "pattern"))
      .collect { case Some(p: String) => p; case p: String => p }.getOrElse("*")
    val database = PrivateTableGuard.call(plan, "databaseName").collect { case Some(d: String) => d }
    try {
      val databases = database.map(Seq(_)).getOrElse(catalog.listDatabases())
      databases.exists(db => catalog.listTables(db, pattern).exists(withStatistics))
    } catch { case NonFatal(_) => true }
  }

  /** `SHOW PARTITIONS` and `DESCRIBE ... PARTITION` list partition values: private when a table is. */
  private def checkPartitions(plan: LogicalPlan): Unit = {
    val name = plan.getClass.getSimpleName
    val partitions =
      name.startsWith("ShowPartitions") ||
        (name == "DescribeTableCommand" &&
          PrivateTableGuard.call(plan, "partitionSpec").exists {
            case m: scala.collection.Map[_, _] => m.nonEmpty
            case _ => false
          })
    // Statistics computed while the table was public (row count, column min/max): DESCRIBE EXTENDED
    // would show them.
    val extended =
      PrivateTableGuard.call(plan, "isExtended").contains(java.lang.Boolean.TRUE) ||
        name.contains("Json") || name.contains("Extended")
    val statistics =
      (name.startsWith("Describe") && extended &&
        (PrivateTableGuard.call(plan, "table").collect { case t: TableIdentifier => t }.exists(withStatistics) ||
          plan.children.exists {
            case t: ResolvedTable =>
              withStatistics(TableIdentifier(t.identifier.name, t.identifier.namespace.lastOption))
            case _ => false
          }))
    if (name.startsWith("ShowTable") && extended && listedPrivateWithStatistics(plan)) {
      throw new PrivateTableException(
        "SHOW TABLE EXTENDED is refused while a private table carries statistics (row counts, " +
          "column min and max) computed before it was made private: they are values of its rows")
    }
    if (partitions || statistics) {
      val byName = PrivateTableGuard.call(plan, "tableName").orElse(PrivateTableGuard.call(plan, "table")).collect {
        case t: TableIdentifier => catalogTable(t)
      }.flatten
      val resolved = plan.children.flatMap(resolvedTable).headOption
      byName.orElse(resolved).foreach(t => throw PrivateTableGuard.refusal(t))
    }
  }

  /**
   * Spark's `EXPLAIN` analyses its query only when it runs, and prints an analysis error as its
   * output; refuse it here instead, as any other read, when the query it explains reads a private
   * table. (Its other errors stay Spark's to print.)
   */
  private def checkExplained(plan: LogicalPlan): Unit = plan match {
    case e: ExplainCommand =>
      val explained =
        try Some(DpScope(SparkInternals.analyze(session, e.logicalPlan)))
        catch { case NonFatal(_) => None }
      explained.flatMap(p => PrivateTableGuard.readsOf(p).headOption).foreach { table =>
        throw PrivateTableGuard.refusal(table)
      }
    case _ =>
  }

  private def checkPropertyChange(plan: LogicalPlan): Unit = plan match {
    case c: AlterTableSetPropertiesCommand if touchesOwn(c.properties.keys) =>
      catalogTable(c.tableName).foreach(t => throw PrivateTableGuard.propertyRefusal(t))
    case c: AlterTableUnsetPropertiesCommand if touchesOwn(c.propKeys) =>
      catalogTable(c.tableName).foreach(t => throw PrivateTableGuard.propertyRefusal(t))
    case c: SetTableProperties if touchesOwn(c.properties.keys) =>
      resolvedTable(c.table).foreach(t => throw PrivateTableGuard.propertyRefusal(t))
    case c: UnsetTableProperties if touchesOwn(c.propertyKeys) =>
      resolvedTable(c.table).foreach(t => throw PrivateTableGuard.propertyRefusal(t))
    case _ =>
  }

  private def touchesOwn(keys: Iterable[String]): Boolean =
    keys.exists(_.toLowerCase(java.util.Locale.ROOT).startsWith(PrivateTable.Prefix))

  private def catalogTable(name: TableIdentifier): Option[PrivateTable] = {
    val catalog = SparkInternals.sessionCatalog(session)
    val meta =
      try Some(catalog.getTableMetadata(name))
      catch { case NonFatal(_) => None } // a missing table: Spark's own error follows
    meta.flatMap(PrivateTable.fromCatalog)
  }

  private def resolvedTable(plan: LogicalPlan): Option[PrivateTable] = plan match {
    case t: ResolvedTable =>
      import scala.jdk.CollectionConverters._
      PrivateTable.fromProperties(t.identifier.toString, t.table.properties.asScala.toMap)
    case _ => None
  }
}

object PrivateTableGuard {

  /**
   * Every private table `plan` reads: its nodes, its children, the plans of its subquery
   * expressions, and inner plans (a command's query), recursively.
   */
  def readsOf(plan: LogicalPlan, current: CatalogTable => CatalogTable = identity): Seq[PrivateTable] = {
    val found = Seq.newBuilder[PrivateTable]
    def walk(p: LogicalPlan): Unit = {
      PrivateTable.of(p, current).foreach(found += _)
      p.children.foreach(walk)
      p.subqueries.foreach(walk)
      p.innerChildren.foreach {
        case inner: LogicalPlan => walk(inner)
        case _ =>
      }
    }
    walk(plan)
    found.result().distinct
  }

  private[sql] def call(o: AnyRef, method: String): Option[AnyRef] =
    try Option(o.getClass.getMethod(method).invoke(o))
    catch { case _: ReflectiveOperationException | _: SecurityException => None }

  def refusal(table: PrivateTable): PrivateTableException =
    new PrivateTableException(
      s"table ${table.name} is private (privacy unit ${table.unitColumn}); ${table.howToQuery}")

  def propertyRefusal(table: PrivateTable): PrivateTableException =
    new PrivateTableException(
      s"table ${table.name} is private (privacy unit ${table.unitColumn}): its privspark.* " +
        "properties cannot be changed from SQL; the data holder changes them in the catalog")
}
