package org.privspark.sql

import scala.util.control.NonFatal

import org.apache.hadoop.fs.Path
import org.apache.spark.sql.SparkSession
import org.apache.spark.sql.catalyst.analysis.UnresolvedRelation
import org.apache.spark.sql.catalyst.catalog.{CatalogStorageFormat, CatalogTable}
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan
import org.apache.spark.sql.execution.command.AlterTableSetLocationCommand
import org.apache.spark.sql.execution.datasources.{HadoopFsRelation, InsertIntoHadoopFsRelationCommand, LogicalRelation}
import org.apache.spark.sql.privspark.SparkInternals

/**
 * The paths no SQL statement may read or write by path: the files of every private table, every
 * private table's ledger, the directory of the ledgers' key, and the roots the operator lists in
 * `spark.privspark.sql.protectedPaths`. Without this, `SELECT * FROM parquet.`<location>``, a new
 * table `LOCATION '<location>'`, `SELECT value FROM text.`<KEY>`` or `INSERT OVERWRITE DIRECTORY
 * '<ledger>'` would reach through SQL what the guard refuses by name.
 *
 * Only statements that name a path pay for the check (a look through the session catalog's tables).
 */
private[sql] final class ProtectedPaths(session: SparkSession) {

  /** Refuses `plan` if it reads or writes, by path, inside (or above) a protected path. */
  def check(plan: LogicalPlan): Unit = checkPaths(ProtectedPaths.namedPaths(plan))

  /**
   * The same for a plan not yet analysed: SQL on files (``parquet.`/path` ``) is refused before
   * Spark's analyser reads the files' schema (a job over their footers).
   */
  def checkUnresolved(plan: LogicalPlan): Unit =
    checkPaths(plan.collectWithSubqueries {
      case u: UnresolvedRelation if u.multipartIdentifier.size == 2 && u.multipartIdentifier(1).contains("/") =>
        u.multipartIdentifier(1)
    }.distinct)

  private def checkPaths(named: Seq[String]): Unit = {
    if (named.nonEmpty) {
      val roots = protectedRoots()
      for (p <- named; q = qualify(ProtectedPaths.literalPrefix(p)); (root, why) <- roots if overlaps(q, root)) {
        throw new PrivateTableException(
          s"the statement reads or writes $p by path, inside or above $why; private tables are read " +
            "only through SELECT WITH DIFFERENTIAL_PRIVACY, and their ledgers and keys not at all")
      }
    }
  }

  private def protectedRoots(): Seq[(String, String)] = {
    val conf = SparkInternals.staticConf(session)
    val listed = conf.getOption(ProtectedPaths.Conf).toSeq
      .flatMap(_.split(",")).map(_.trim).filter(_.nonEmpty)
      .map(p => qualify(p) -> s"a protected path ($p, ${ProtectedPaths.Conf})")
    val key = conf.getOption(DpLedgers.KeyConf).map(_.trim).filter(_.nonEmpty).toSeq
      .flatMap(k => Seq(k, k + ".pub", k + ".openings"))
      .map(k => qualify(k) -> "the ledgers' key or its openings")
    listed ++ key ++ privateTables()
  }

  private def privateTables(): Seq[(String, String)] = {
    val catalog = SparkInternals.sessionCatalog(session)
    val tables =
      try {
        catalog.listDatabases().flatMap { db =>
          catalog.getTablesByName(catalog.listTables(db).filter(_.database.isDefined))
        }
      } catch { case NonFatal(_) => Seq.empty }
    tables.flatMap { t =>
      val table =
        try PrivateTable.fromCatalog(t)
        catch { case _: DpSqlException => Some(PrivateTable(t.identifier.unquotedString, "", None, "")) }
      table.toSeq.flatMap { pt =>
        t.storage.locationUri.map(u => qualify(u.toString) -> s"private table ${pt.name}'s files").toSeq ++
          Option(pt.ledger).filter(_.nonEmpty).map(l => qualify(l) -> s"private table ${pt.name}'s ledger")
      }
    }
  }

  private def qualify(p: String): String = ProtectedPaths.qualify(session, p)

  private def overlaps(a: String, b: String): Boolean =
    a == b || a.startsWith(b + "/") || b.startsWith(a + "/")
}

private[sql] object ProtectedPaths {

  /** Comma-separated roots an operator protects besides the private tables, ledgers and key. */
  val Conf = "spark.privspark.sql.protectedPaths"

  /** `p` as its file system names it (scheme, authority, absolute, normalised), for comparisons. */
  def qualify(session: SparkSession, p: String): String =
    try {
      val path = new Path(p)
      val fs = path.getFileSystem(SparkInternals.hadoopConf(session))
      fs.makeQualified(path).toString.stripSuffix("/")
    } catch { case NonFatal(_) => p.stripSuffix("/") }

  /**
   * A path up to its first glob character (`*?[]{}`), cut back to the last directory: Spark expands
   * `<root>/dat*`/visits` when it reads, so the glob is compared as the directory it starts in
   * (which contains every match).
   */
  def literalPrefix(p: String): String = {
    val glob = p.indexWhere(c => "*?[]{}".indexOf(c) >= 0)
    if (glob < 0) p else p.substring(0, math.max(p.lastIndexOf('/', glob), 1))
  }

  /** The paths `plan` reads or writes by path rather than through a catalog table. */
  def namedPaths(plan: LogicalPlan): Seq[String] = {
    val found = Seq.newBuilder[String]
    def walk(p: LogicalPlan): Unit = {
      found ++= of(p)
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

  private def of(p: LogicalPlan): Seq[String] = p match {
    case r: LogicalRelation if r.catalogTable.isEmpty =>
      r.relation match {
        case fs: HadoopFsRelation => fs.location.rootPaths.map(_.toString)
        case _ => Seq.empty
      }
    case c: InsertIntoHadoopFsRelationCommand if c.catalogTable.isEmpty => Seq(c.outputPath.toString)
    case c: AlterTableSetLocationCommand => Seq(c.location)
    case other => reflected(other)
  }

  /**
   * Paths held by nodes whose classes differ between Spark versions: `INSERT OVERWRITE DIRECTORY`
   * (a `storage`), `CREATE TABLE ... LOCATION` (a `tableDesc`/`table`, or a v2 `tableSpec`), and a
   * v2 file table's `paths`.
   */
  private def reflected(p: LogicalPlan): Seq[String] = {
    def call(o: AnyRef, method: String): Option[AnyRef] =
      try Option(o.getClass.getMethod(method).invoke(o))
      catch { case _: ReflectiveOperationException | _: SecurityException => None }
    val storage = Seq("storage", "fileFormat").flatMap(call(p, _)).collect {
      case s: CatalogStorageFormat => s.locationUri.map(_.toString)
    }.flatten
    // ALTER TABLE ... ADD PARTITION ... LOCATION: v1 pairs (spec, location), v2 partition specs.
    val partitions = call(p, "partitionSpecsAndLocs").orElse(call(p, "parts")).toSeq.flatMap {
      case s: scala.collection.Seq[_] =>
        s.flatMap {
          case (_, Some(l: String)) => Some(l)
          case spec: AnyRef => call(spec, "location").collect { case Some(l: String) => l }
          case _ => None
        }
      case _ => Nil
    }
    val created =
      if (!p.getClass.getSimpleName.startsWith("Create")) None
      else
        Seq("tableDesc", "table").flatMap(call(p, _)).collectFirst {
          case t: CatalogTable => t.storage.locationUri.map(_.toString)
        }.flatten.orElse(call(p, "tableSpec").flatMap(call(_, "location")).collect { case Some(l: String) => l })
    val files = call(p, "table").flatMap(call(_, "paths")).collect {
      case s: scala.collection.Seq[_] => s.map(_.toString)
    }.getOrElse(Seq.empty)
    storage ++ partitions ++ created.toSeq ++ files
  }
}
