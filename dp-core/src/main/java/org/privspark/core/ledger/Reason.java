package org.privspark.core.ledger;

/**
 * Why a ledger failed verification (or could not be read). The codes are part of the ledger
 * format's contract: {@code privspark audit verify --json} prints them, and docs/LEDGER-FORMAT.md
 * lists them.
 */
public enum Reason {
  /** Not JSON, trailing bytes, duplicate keys, unknown or missing fields, wrong types. */
  MALFORMED,
  /** Valid JSON whose bytes are not the canonical encoding of its content. */
  NON_CANONICAL,
  /** ledger.json is missing or does not match what the entries and checkpoints commit to. */
  GENESIS_MISMATCH,
  /** An entry file is missing below the highest one, or below a checkpoint's size. */
  MISSING_ENTRY,
  /** An entry's sequence number differs from its file name. */
  SEQUENCE_MISMATCH,
  /** An entry's previous-leaf hash differs from the hash of the entry before it. */
  CHAIN_BROKEN,
  /** An entry names another ledger's origin. */
  ORIGIN_MISMATCH,
  /** An entry's recorded cost differs from the cost recomputed from its mechanism. */
  COST_MISMATCH,
  /** Two entries share a release id. */
  DUPLICATE_RELEASE_ID,
  /** An entry's time is earlier than its predecessor's. */
  TIME_REVERSED,
  /** The entries' total cost exceeds the budget. */
  BUDGET_EXCEEDED,
  /** No signed checkpoint covers the ledger (or its newest entries). */
  UNSIGNED_ENTRIES,
  /** A checkpoint's signature does not verify with the ledger's public key. */
  BAD_SIGNATURE,
  /**
   * A checkpoint is signed only by keys other than the ledger's, or the key is not the expected
   * one.
   */
  UNKNOWN_KEY,
  /** A checkpoint's root differs from the root of the entries it claims to cover. */
  ROOT_MISMATCH,
  /** The ledger is not an append-only extension of a checkpoint the auditor holds. */
  INCONSISTENT_CHECKPOINT,
  /** An opening does not match the entry's commitments. */
  OPENING_MISMATCH,
  /**
   * A confidential ledger's budget proof does not verify: a per-entry range proof (index = the
   * entry) or the budget-slack proof (index 0) fails, or the proof is for another checkpoint or
   * order.
   */
  BUDGET_PROOF_INVALID,
  /**
   * An entry of a ledger that declares its privacy unit claims another unit, or none
   * (docs/LEDGER-FORMAT.md §5); or an entry of a ledger that declares none claims one.
   */
  UNIT_MISMATCH,
  /** The store could not be read. */
  IO_ERROR
}
