/**
 * The holder's proofs about a confidential ledger (docs/LEDGER-FORMAT.md §10, docs/ZK.md), on top
 * of the ledger: the ledger itself writes either mode and keeps the cost openings; this package
 * proves things about what it wrote, from its public API ({@link
 * org.privspark.core.ledger.Ledger#snapshot()}, {@link org.privspark.core.ledger.Ledger#entry},
 * {@link org.privspark.core.ledger.Ledger#openings()}).
 *
 * <p>{@link org.privspark.core.ledger.confidential.BudgetProver} makes a {@link
 * org.privspark.core.ledger.confidential.BudgetProof} that the committed total at one order is at
 * most {@link org.privspark.core.ledger.confidential.BudgetThreshold}'s bound; {@link
 * org.privspark.core.ledger.confidential.SpotCheck} opens the entries an auditor's nonce samples.
 * The auditor's checks of both are {@code org.privspark.core.audit.ConfidentialVerifier}'s.
 *
 * <p>Dependencies point one way: this package uses {@code ledger} and {@code zk}; {@code ledger}
 * does not use it (docs/ARCHITECTURE.md, {@code PackageDependencyTest}).
 */
package org.privspark.core.ledger.confidential;
