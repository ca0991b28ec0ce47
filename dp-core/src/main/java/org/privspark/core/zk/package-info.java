/**
 * Zero-knowledge building blocks for the confidential-cost ledger, on NIST P-256: Pedersen
 * commitments, a Fiat–Shamir transcript and range proofs with batch verification.
 *
 * <p>{@link org.privspark.core.zk.P256} is the group and {@link org.privspark.core.zk.Generators}
 * its two generators (H by RFC 9380 hash-to-curve, {@link org.privspark.core.zk.HashToCurveP256});
 * {@link org.privspark.core.zk.PointCodec} and {@link org.privspark.core.zk.ScalarCodec} are the
 * only (strict) encodings; {@link org.privspark.core.zk.PedersenOpening} makes a {@link
 * org.privspark.core.zk.PedersenCommitment}; {@link org.privspark.core.zk.RangeProver} and {@link
 * org.privspark.core.zk.RangeVerifier} make and check {@link org.privspark.core.zk.RangeProof}s
 * bound to a {@link org.privspark.core.zk.ProofContext} through a {@link
 * org.privspark.core.zk.Transcript}. Every rejection is a {@link
 * org.privspark.core.zk.ZkVerificationException} with a reason. The construction, its sizes and
 * what it does not prove are in docs/ZK.md.
 */
package org.privspark.core.zk;
