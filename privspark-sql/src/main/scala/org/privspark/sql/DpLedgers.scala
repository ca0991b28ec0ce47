package org.privspark.sql

import java.io.{IOException, UncheckedIOException}
import java.nio.file.{Files, Paths}
import java.util.concurrent.ConcurrentHashMap

import org.apache.spark.sql.SparkSession
import org.apache.spark.sql.privspark.SparkInternals
import org.privspark.core.ledger.{Ledger, LedgerException, LedgerLayout, LocalDirectoryStore, OpeningStore}
import org.privspark.core.ledger.note.KeyFiles
import org.privspark.spark.ledger.HadoopLedgerStore

/**
 * Opens the ledger a private table names, with the key the session's configuration names (never a
 * table property: whoever can alter a table must not be able to pick the key). SQL never creates a
 * ledger: the data holder makes it, with its budget and unit, by `privspark ledger init`.
 */
private[sql] object DpLedgers {

  /**
   * The Spark conf key naming the ledgers' KEY file; its openings are read from KEY.openings. Read
   * from the application's conf (set when the session or server starts), never a session's.
   */
  val KeyConf = "spark.privspark.ledger.key"

  // One DP query at a time per ledger in this JVM: each opens the ledger afresh (so it sees what
  // other processes appended), charges and runs under this lock.
  private val locks = new ConcurrentHashMap[String, Object]()

  def withLedger[T](session: SparkSession, table: PrivateTable)(body: Ledger => T): T = {
    val lock = locks.computeIfAbsent(ProtectedPaths.qualify(session, table.ledger), _ => new Object)
    lock.synchronized {
      body(open(session, table))
    }
  }

  private def open(session: SparkSession, table: PrivateTable): Ledger = {
    // The application's conf, not the session's: no client can point a query at another key.
    val keyFile = SparkInternals.staticConf(session).getOption(KeyConf).map(_.trim).filter(_.nonEmpty).getOrElse {
      throw new DpSqlException(
        s"table ${table.name} is charged to the ledger at ${table.ledger}, but $KeyConf is not set: " +
          "the operator sets it to the ledgers' KEY file when the session or server starts (--conf)")
    }
    val key = Paths.get(keyFile)
    if (!Files.isRegularFile(key)) {
      throw new DpSqlException(s"$KeyConf = $keyFile: no such file")
    }
    try {
      val signer = KeyFiles.readSigner(key)
      val store = HadoopLedgerStore.of(table.ledger, session)
      if (store.read(LedgerLayout.GENESIS).isEmpty) {
        throw new DpSqlException(
          s"table ${table.name}: there is no ledger at ${table.ledger} (${PrivateTable.Ledger}); the data " +
            "holder creates it with `privspark ledger init`")
      }
      Ledger.open(store, signer, OpeningStore.in(new LocalDirectoryStore(KeyFiles.openingsPath(key))))
    } catch {
      case e: DpSqlException => throw e
      case e: LedgerException =>
        throw new DpSqlException(s"the ledger of table ${table.name} at ${table.ledger} cannot be used: ${e.getMessage}")
      case e: IllegalArgumentException =>
        throw new DpSqlException(s"the ledger of table ${table.name} at ${table.ledger}: ${e.getMessage}")
      case e: IOException =>
        throw new DpSqlException(s"the ledger of table ${table.name} at ${table.ledger} cannot be read: ${e.getMessage}")
      case e: UncheckedIOException =>
        throw new DpSqlException(s"the ledger of table ${table.name} at ${table.ledger} cannot be read: ${e.getMessage}")
    }
  }

  /**
   * The unit the table's releases claim: its `privspark.privacy_unit_name`, which must be the
   * ledger's unit when the ledger declares one (one ledger, one privacy unit).
   */
  def claim(table: PrivateTable, ledger: Ledger): Option[String] = {
    val declared = ledger.unit()
    if (declared.isPresent && table.unitName.isEmpty) {
      throw new DpSqlException(
        s"table ${table.name} does not name its privacy unit, but its ledger protects " +
          s"'${declared.get.name}': set ${PrivateTable.UnitName} = '${declared.get.name}' if " +
          s"${table.unitColumn} identifies a ${declared.get.name}")
    }
    table.unitName
  }
}
