package org.privspark.core.ledger;

import org.privspark.core.ledger.merkle.InclusionProof;

/**
 * What a release gets back from the ledger: proof that its spend is in the log. Keep it: with the
 * ledger's public key, it shows later that the entry was there, and the checkpoint stops the
 * history before it from being rewritten unnoticed.
 *
 * @param index the entry's sequence number (its leaf index)
 * @param leafHash the RFC 9162 leaf hash of the entry's bytes
 * @param inclusion the inclusion proof of the leaf in the checkpoint's tree
 * @param checkpoint the signed checkpoint (C2SP signed note) covering the entry
 */
public record Receipt(long index, byte[] leafHash, InclusionProof inclusion, String checkpoint) {}
