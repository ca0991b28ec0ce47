package org.privspark.sql

import scala.jdk.CollectionConverters._

import org.apache.spark.sql.catalyst.catalog.{CatalogTable, HiveTableRelation}
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan
import org.apache.spark.sql.connector.catalog.Table
import org.apache.spark.sql.execution.datasources.LogicalRelation
import org.apache.spark.sql.execution.datasources.v2.DataSourceV2Relation

/**
 * A catalog table that its properties declare private: the column that identifies its privacy unit,
 * the unit's name, and the ledger every DP query on it is charged to.
 *
 * @param name the table's qualified name, as errors show it
 * @param unitColumn `privspark.privacy_unit`: the column whose value identifies a row's unit
 * @param unitName `privspark.privacy_unit_name`: the unit that column identifies, if given
 * @param ledger `privspark.ledger`: the ledger's location, a local path or a Hadoop URI
 */
final case class PrivateTable(
    name: String,
    unitColumn: String,
    unitName: Option[String],
    ledger: String) {

  /** How a refusal tells the analyst to query this table instead. */
  def howToQuery: String =
    s"read it only through SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = ...) <aggregates> " +
      s"FROM $name [WHERE ...] [GROUP BY ...] (docs/SQL.md)"
}

object PrivateTable {
  val Prefix = "privspark."
  val UnitColumn = "privspark.privacy_unit"
  val UnitName = "privspark.privacy_unit_name"
  val Ledger = "privspark.ledger"

  /**
   * The private table a relation reads, if its table's properties make it one.
   *
   * @throws DpSqlException if the properties hold some `privspark.*` key but not both of
   *     [[UnitColumn]] and [[Ledger]]: such a table is neither safely private nor public
   */
  def of(relation: LogicalPlan, current: CatalogTable => CatalogTable = identity): Option[PrivateTable] =
    relation match {
    case r: LogicalRelation => r.catalogTable.map(current).flatMap(fromCatalog)
    case r: HiveTableRelation => fromCatalog(current(r.tableMeta))
    case r: DataSourceV2Relation =>
      val name = r.identifier.map(_.toString).getOrElse(r.table.name)
      fromProperties(name, r.table.properties.asScala.toMap)
    // ResolvedTable and its kin name a table for DDL and DESCRIBE; they read nothing.
    case leaf if leaf.children.isEmpty && !leaf.getClass.getSimpleName.startsWith("Resolved") =>
      ofOtherLeaf(leaf, current)
    case _ => None
  }

  /**
   * Relations whose classes moved between Spark versions, streaming reads among them
   * (`spark.readStream.table(..)`: StreamingRelation, StreamingRelationV2): found by the accessors
   * they share (`catalogTable`, `dataSource.catalogTable`, `table`) rather than by class.
   */
  private def ofOtherLeaf(leaf: LogicalPlan, current: CatalogTable => CatalogTable): Option[PrivateTable] = {
    def call(o: AnyRef, method: String): Option[AnyRef] =
      try Option(o.getClass.getMethod(method).invoke(o))
      catch { case _: ReflectiveOperationException | _: SecurityException => None }
    def catalog(o: Option[AnyRef]): Option[PrivateTable] = o match {
      case Some(Some(t: CatalogTable)) => fromCatalog(current(t))
      case _ => None
    }
    catalog(call(leaf, "catalogTable"))
      .orElse(catalog(call(leaf, "dataSource").flatMap(call(_, "catalogTable"))))
      .orElse(call(leaf, "table").flatMap {
        case t: Table => fromProperties(t.name, t.properties.asScala.toMap)
        case _ => None
      })
  }

  /**
   * A table's entry as `session`'s catalog holds it now: a plan analysed earlier (a temporary view
   * made from a DataFrame, a cached Dataset) keeps the entry of its time, from before the table
   * was made private. The entry in the plan when the catalog no longer has one.
   */
  def current(session: org.apache.spark.sql.SparkSession)(table: CatalogTable): CatalogTable =
    try org.apache.spark.sql.privspark.SparkInternals.sessionCatalog(session).getTableRawMetadata(table.identifier)
    catch { case scala.util.control.NonFatal(_) => table }

  def fromCatalog(table: CatalogTable): Option[PrivateTable] =
    fromProperties(table.identifier.unquotedString, table.properties)

  /** The private table named `name` with these properties, or None when it is public. */
  def fromProperties(name: String, properties: Map[String, String]): Option[PrivateTable] = {
    // Keys compare in lower case: a catalog may keep them as typed, and PRIVSPARK.LEDGER must not
    // make a table public by accident.
    val own = properties.collect {
      case (k, v) if k.toLowerCase(java.util.Locale.ROOT).startsWith(Prefix) =>
        k.toLowerCase(java.util.Locale.ROOT) -> v
    }
    if (own.isEmpty) {
      None
    } else {
      def required(key: String): String =
        own.get(key).map(_.trim).filter(_.nonEmpty).getOrElse {
          throw new PrivateTableException(
            s"table $name has privspark.* properties but no '$key': it is neither private nor " +
              s"public, so it cannot be read; set '$UnitColumn' (the privacy unit column) and " +
              s"'$Ledger' (the ledger's location) with ALTER TABLE $name SET TBLPROPERTIES")
        }
      Some(
        PrivateTable(
          name,
          required(UnitColumn),
          own.get(UnitName).map(_.trim).filter(_.nonEmpty),
          required(Ledger)))
    }
  }
}
