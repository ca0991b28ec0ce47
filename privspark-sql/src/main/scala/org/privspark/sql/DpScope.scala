package org.privspark.sql

/**
 * Marks the driver thread while a DP query plans or runs: inside, [[PrivateTableGuard]] lets plans
 * read private tables, because the DP command built them and noises everything they release.
 *
 * Analysis happens on the thread that builds a Dataset, so a thread-local covers every plan the DP
 * command analyses; no analyst's query can run on that thread meanwhile.
 */
private[sql] object DpScope {
  private val depth = new ThreadLocal[Integer] {
    override def initialValue(): Integer = 0
  }

  def active: Boolean = depth.get > 0

  def apply[T](body: => T): T = {
    depth.set(depth.get + 1)
    try body
    finally depth.set(depth.get - 1)
  }
}
