/**
 * RFC 9162 (RFC 6962) Merkle tree hashing with SHA-256: an append-only tree of leaf hashes, its
 * roots at every size, inclusion and consistency proofs, and their verification.
 *
 * <p>{@link org.privspark.core.ledger.merkle.Rfc9162Hasher} is only the hash function, {@link
 * org.privspark.core.ledger.merkle.MerkleTree} only stores the tree and works out which nodes a
 * proof needs, and {@link org.privspark.core.ledger.merkle.MerkleVerifier} only checks proofs (it
 * needs no tree). Verification failures are {@link
 * org.privspark.core.ledger.merkle.ProofVerificationException}s, which carry a reason.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9162.html#section-2.1">RFC 9162, section 2.1</a>
 */
package org.privspark.core.ledger.merkle;
