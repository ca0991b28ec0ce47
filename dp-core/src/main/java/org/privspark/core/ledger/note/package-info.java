/**
 * C2SP signed notes with Ed25519 keys from the JDK, and C2SP tlog-checkpoint bodies: the signed
 * tree heads of the privacy ledger.
 *
 * <p>{@link org.privspark.core.ledger.note.SignedNotes} signs and opens notes; keys are {@link
 * org.privspark.core.ledger.note.NoteSigner} (secret) and {@link
 * org.privspark.core.ledger.note.NoteVerifier} (public), in the text formats of Go's {@code
 * golang.org/x/mod/sumdb/note}; {@link org.privspark.core.ledger.note.Checkpoint} is the note text
 * of a tree head. Failed verification throws {@link
 * org.privspark.core.ledger.note.NoteVerificationException} with a reason.
 *
 * @see <a href="https://c2sp.org/signed-note">C2SP signed-note</a>
 * @see <a href="https://c2sp.org/tlog-checkpoint">C2SP tlog-checkpoint</a>
 */
package org.privspark.core.ledger.note;
