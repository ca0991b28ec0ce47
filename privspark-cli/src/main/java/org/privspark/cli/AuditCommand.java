package org.privspark.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.privspark.core.accounting.Accountant;
import org.privspark.core.audit.AuditReport;
import org.privspark.core.audit.BudgetReport;
import org.privspark.core.audit.ConfidentialVerifier;
import org.privspark.core.audit.HtmlReport;
import org.privspark.core.audit.LedgerVerifier;
import org.privspark.core.audit.ReportContext;
import org.privspark.core.audit.ReportJson;
import org.privspark.core.ledger.LedgerEntry;
import org.privspark.core.ledger.LedgerException;
import org.privspark.core.ledger.LocalDirectoryStore;
import org.privspark.core.ledger.Opening;
import org.privspark.core.ledger.Reason;
import org.privspark.core.ledger.confidential.BudgetProof;
import org.privspark.core.ledger.confidential.SpotCheck;
import org.privspark.core.ledger.note.KeyFiles;
import org.privspark.core.ledger.note.NoteVerifier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code privspark audit ...}: the auditor's side. Needs the ledger's public key and the ledger's
 * files; never the data, the queries or the results.
 *
 * <p>Exit codes: {@value #VERIFIED} the ledger verified; {@value #REJECTED} it was rejected (the
 * ledger, or the holder's budget proof, openings or spot-check answer, failed a check: "REJECTED"
 * and a reason code); {@value #INPUT_ERROR} the auditor's input is wrong and nothing was verified
 * (bad arguments, a file that does not exist or cannot be read, a key of the wrong kind, a saved
 * checkpoint changed by a copy, a directory that holds no ledger when no saved checkpoint says one
 * was there), with a message that says what to fix. A rejection prints no figure of the ledger: a
 * ledger that does not verify has none to rely on.
 */
@Command(
    name = "audit",
    description = "Verify a privacy ledger with its public key.",
    mixinStandardHelpOptions = true,
    subcommands = {
      AuditCommand.Verify.class,
      AuditCommand.Consistency.class,
      AuditCommand.Open.class,
      AuditCommand.SpotCheckCommand.class
    })
final class AuditCommand {
  /** The ledger verified. */
  static final int VERIFIED = 0;

  /** The ledger (or the holder's proof or answer) failed verification. */
  static final int REJECTED = 1;

  /** The auditor's input is wrong; nothing was verified (picocli's usage-error code). */
  static final int INPUT_ERROR = CommandLine.ExitCode.USAGE;

  private AuditCommand() {}

  abstract static class Base extends Printing implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "The ledger directory.")
    Path dir;

    @Option(
        names = "--public-key",
        required = true,
        paramLabel = "KEY.pub",
        description = "The ledger's verifier key.")
    Path publicKey;

    /** The key the auditor gave, once read (for a report's fingerprint); null before. */
    NoteVerifier key;

    @Override
    public Integer call() throws IOException {
      try {
        NoteVerifier key = KeyFiles.readVerifier(publicKey);
        this.key = key;
        AuditorInputs.requireLedgerDirectory(dir, checkpointSaved());
        return run(key);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage(), e);
      }
    }

    abstract int run(NoteVerifier key) throws IOException;

    /**
     * Whether the auditor gives a checkpoint it saved: then a missing ledger is a rollback the
     * verifier reports, not the auditor's mistyped path.
     */
    abstract boolean checkpointSaved();

    AuditReport verify(NoteVerifier key, List<String> checkpoints) {
      return new LedgerVerifier(key).verify(new LocalDirectoryStore(dir), checkpoints);
    }

    /**
     * The tool's version for a report: the project version and the git commit the build recorded
     * ({@link org.privspark.core.Version}), as {@code privspark --version} prints them.
     */
    static String toolVersion() {
      return org.privspark.core.Version.version()
          + " (commit "
          + org.privspark.core.Version.commit()
          + ")";
    }

    /** "REJECTED: REASON at entry N: message". */
    static String rejected(Reason reason, long failedIndex, String message) {
      return "REJECTED: "
          + reason
          + (failedIndex >= 0 ? " at entry " + failedIndex : "")
          + ": "
          + message;
    }
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description =
          "Replay the whole ledger: exit 0 if intact, consistent with every checkpoint given and"
              + " within budget; exit 1 naming the first failing entry and a reason code (and no"
              + " figure of the rejected ledger); exit 2 when your input is wrong (nothing"
              + " verified).")
  static final class Verify extends Base {
    @Option(
        names = "--checkpoint",
        paramLabel = "FILE",
        description = "A checkpoint saved earlier (repeatable).")
    List<Path> checkpoints = new ArrayList<>();

    @Option(names = "--json", description = "Print the report as one JSON object.")
    boolean json;

    @Option(
        names = "--html",
        paramLabel = "OUT",
        description =
            "Also write a self-contained HTML report: the verdict, the audit's time, tool version"
                + " and key fingerprint, and (when the ledger verifies) its figures, a chart and a"
                + " table of the entries.")
    Path html;

    @Option(
        names = "--budget-proof",
        paramLabel = "PROOF",
        description = "A confidential ledger's budget proof (required for confidential ledgers).")
    Path budgetProof;

    @Override
    boolean checkpointSaved() {
      return !checkpoints.isEmpty();
    }

    /**
     * As {@link Base#call()}; a run that ends without a verdict (the auditor's input error, or an
     * unexpected failure) first writes the "not audited" page to --html OUT, so that no page of an
     * earlier audit at OUT outlives it.
     */
    @Override
    public Integer call() throws IOException {
      try {
        return super.call();
      } catch (ParameterException e) {
        notAudited(e.getMessage());
        throw e;
      } catch (IOException | RuntimeException e) {
        notAudited("the audit stopped: " + e.getClass().getSimpleName());
        throw e;
      }
    }

    /**
     * Writes {@link HtmlReport#renderNotAudited}'s page to --html OUT, else removes OUT: either way
     * no earlier verdict is left there. Also called for an error in the command line itself ({@link
     * PrivSparkCli#commandLine()}), when OUT was parsed.
     */
    void notAudited(String message) {
      if (html == null) {
        return;
      }
      ReportContext c =
          new ReportContext(
              java.time.Instant.now(),
              toolVersion(),
              key == null ? "" : ReportContext.fingerprint(key));
      try {
        Files.writeString(html, HtmlReport.renderNotAudited(message, c), StandardCharsets.UTF_8);
      } catch (IOException | RuntimeException writing) {
        try {
          Files.deleteIfExists(html);
        } catch (IOException | RuntimeException removing) {
          err(
              "--html "
                  + html
                  + " can be neither written nor removed: a page of an earlier audit may remain"
                  + " there");
        }
      }
    }

    @Override
    int run(NoteVerifier key) throws IOException {
      // Taken before the ledger is read: the time the audit started.
      ReportContext context = ReportContext.now(key, toolVersion());
      List<String> saved = new ArrayList<>();
      for (Path p : checkpoints) {
        saved.add(AuditorInputs.readCheckpoint(p, "--checkpoint"));
      }
      if (budgetProof != null) {
        return verifyConfidential(key, saved, context);
      }
      // The mode is known only from the verified ledger.json: read once, by the verifier.
      AuditReport r = verify(key, saved);
      if (r.intact() && r.confidential()) {
        throw new IllegalArgumentException(
            "the ledger is confidential: its costs are hidden, so verify needs"
                + " --budget-proof PROOF (made by 'privspark ledger prove-budget')");
      }
      if (json) {
        out(ReportJson.render(r));
      } else if (!r.intact()) {
        out(rejected(r.reason(), r.failedIndex(), r.message()));
      } else {
        out(
            "intact: "
                + r.entries()
                + " entries, consistent with "
                + saved.size()
                + " saved checkpoint(s), within budget");
        out("origin: " + r.origin());
        out(
            "privacy unit: "
                + r.unitText()
                + (r.unit() == null || r.unit().definition().isEmpty()
                    ? ""
                    : " (" + r.unit().definition() + ")"));
        if (r.rowIsUnitEntries() > 0) {
          out(
              "  "
                  + r.rowIsUnitEntries()
                  + " entries treat each row as one "
                  + r.unit().name()
                  + ", on the data holder's statement that each row is one "
                  + r.unit().name());
        }
        out(
            String.format(
                Locale.ROOT, "budget: epsilon=%s delta=%s", r.budgetEpsilon(), r.budgetDelta()));
        out(
            "accountant: "
                + r.accountant().id()
                + (r.accountant() == Accountant.PLD
                    ? " (every epsilon is the PLD composition of the entries' events)"
                    : " (Renyi DP)"));
        out(
            String.format(
                Locale.ROOT,
                "spent: epsilon=%.6g at delta=%s (additive delta %.3g); remaining epsilon=%.6g",
                r.spentEpsilon(),
                r.budgetDelta(),
                r.additiveDelta(),
                r.remainingEpsilon()));
        out("entries: " + r.entries());
        r.mechanisms()
            .forEach(
                (name, t) ->
                    out(
                        String.format(
                            Locale.ROOT,
                            "  %-24s %8d entries   epsilon alone %.6g",
                            name,
                            t.entries(),
                            t.epsilon())));
      }
      writeHtml(() -> HtmlReport.render(r, context));
      return r.intact() ? VERIFIED : REJECTED;
    }

    private void writeHtml(java.util.function.Supplier<String> page) {
      if (html == null) {
        return;
      }
      try {
        Files.writeString(html, page.get(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalArgumentException("--html " + html + " cannot be written: " + e);
      }
    }

    private int verifyConfidential(NoteVerifier key, List<String> saved, ReportContext context) {
      byte[] bytes = AuditorInputs.read(budgetProof, "--budget-proof");
      BudgetProof proof;
      try {
        proof = BudgetProof.decode(bytes);
      } catch (LedgerException e) {
        err("REJECTED: the budget proof file: " + e.getMessage());
        writeHtml(
            () ->
                HtmlReport.renderFailure(
                    e.reason(), e.index(), "the budget proof file: " + e.getMessage(), context));
        return REJECTED;
      }
      BudgetReport r =
          new ConfidentialVerifier(key).verifyBudget(new LocalDirectoryStore(dir), saved, proof);
      // A proof covers the checkpoint it names; entries after it are unproven, so the whole ledger
      // is not shown to be within budget.
      boolean covers = r.ok() && r.entries() == r.structure().entries();
      if (r.ok() && !covers) {
        err(
            String.format(
                Locale.ROOT,
                "NOT COVERED: the budget proof covers the first %d of %d entries;"
                    + " ask the holder for a proof of the newest checkpoint",
                r.entries(),
                r.structure().entries()));
      }
      if (json) {
        out(ReportJson.renderConfidential(r, covers));
      } else {
        out(
            !r.ok()
                ? rejected(r.reason(), r.failedIndex(), r.message())
                : covers
                    ? String.format(
                        Locale.ROOT,
                        "within budget: %d entries, proven at order %s (checkpoint of %d"
                            + " leaves); consistent with %d saved checkpoint(s)",
                        r.entries(),
                        r.order(),
                        r.checkpointSize(),
                        saved.size())
                    : String.format(
                        Locale.ROOT,
                        "not covered: the budget proof covers the first %d of %d entries (order %s,"
                            + " checkpoint of %d leaves), so the ledger is not shown to be within"
                            + " its budget; consistent with %d saved checkpoint(s)",
                        r.entries(),
                        r.structure().entries(),
                        r.order(),
                        r.checkpointSize(),
                        saved.size()));
        // The ledger's own figures only when its structure and the proof verified (never in a
        // rejection).
        if (r.ok()) {
          out(
              "origin: "
                  + r.structure().origin()
                  + " (confidential: per-entry costs and the total stay hidden)");
          AuditReport s = r.structure();
          out(
              "privacy unit: "
                  + s.unitText()
                  + (s.unit() == null || s.unit().definition().isEmpty()
                      ? ""
                      : " (" + s.unit().definition() + ")")
                  + (s.rowIsUnitEntries() == 0
                      ? ""
                      : "; "
                          + s.rowIsUnitEntries()
                          + " entries treat each row as one "
                          + s.unit().name()));
          out(
              String.format(
                  Locale.ROOT,
                  "budget: epsilon=%s delta=%s",
                  r.structure().budgetEpsilon(),
                  r.structure().budgetDelta()));
          out("entries: " + r.structure().entries());
        }
      }
      writeHtml(() -> HtmlReport.renderConfidential(r, covers, context));
      return covers ? VERIFIED : REJECTED;
    }
  }

  @Command(
      name = "spot-check",
      mixinStandardHelpOptions = true,
      description =
          "Check the holder's openings of the entries that the checkpoint's root and your nonce"
              + " select: their committed costs must be the costs of their mechanisms.")
  static final class SpotCheckCommand extends Base {
    @Option(
        names = "--nonce",
        required = true,
        paramLabel = "HEX",
        description = "Your fresh nonce (>= 16 bytes), chosen after the checkpoint was fixed.")
    String nonce;

    @Option(
        names = "--openings",
        required = true,
        paramLabel = "FILE",
        description = "The holder's open-sample file.")
    Path openings;

    @Option(
        names = "--sample",
        defaultValue = "8",
        paramLabel = "M",
        description = "How many entries the sample holds (default: ${DEFAULT-VALUE}).")
    int sample;

    @Option(
        names = "--checkpoint",
        required = true,
        paramLabel = "FILE",
        description =
            "The checkpoint you saved before choosing the nonce (required: a holder who picks the"
                + " checkpoint after seeing the nonce could pick the sample); the openings must be"
                + " for it.")
    Path checkpoint;

    @Override
    boolean checkpointSaved() {
      return true;
    }

    @Override
    int run(NoteVerifier key) throws IOException {
      byte[] n = LedgerCommand.nonceBytes(nonce);
      if (sample < 1) {
        throw new IllegalArgumentException("--sample must be >= 1; got " + sample);
      }
      String expected = AuditorInputs.readCheckpoint(checkpoint, "--checkpoint");
      byte[] answer = AuditorInputs.read(openings, "--openings");
      SpotCheck.Response response;
      try {
        response = SpotCheck.decode(answer);
      } catch (LedgerException e) {
        err("REJECTED: the openings file: " + e.getMessage());
        return REJECTED;
      }
      BudgetReport r =
          new ConfidentialVerifier(key)
              .spotCheck(
                  new LocalDirectoryStore(dir), List.of(expected), n, sample, expected, response);
      if (r.ok()) {
        out(r.message());
        out("opened entries: " + java.util.Arrays.toString(r.opened()));
        return VERIFIED;
      }
      err(rejected(r.reason(), r.failedIndex(), r.message()));
      return REJECTED;
    }
  }

  @Command(
      name = "consistency",
      mixinStandardHelpOptions = true,
      description =
          "Check that the ledger is an append-only extension of a checkpoint saved earlier.")
  static final class Consistency extends Base {
    @Option(
        names = "--from",
        required = true,
        paramLabel = "CHECKPOINT_FILE",
        description = "The saved checkpoint.")
    Path from;

    @Override
    boolean checkpointSaved() {
      return true;
    }

    @Override
    int run(NoteVerifier key) throws IOException {
      AuditReport r = verify(key, List.of(AuditorInputs.readCheckpoint(from, "--from")));
      if (r.intact()) {
        out(
            "consistent: the ledger ("
                + r.checkpointSize()
                + " leaves) extends the saved checkpoint");
        return VERIFIED;
      }
      err("INCONSISTENT: " + r.reason() + ": " + r.message());
      return REJECTED;
    }
  }

  @Command(
      name = "open",
      mixinStandardHelpOptions = true,
      description =
          "Check an entry's opening against its commitments and print the opened details.")
  static final class Open extends Base {
    @Option(
        names = "--entry",
        required = true,
        paramLabel = "N",
        description = "The entry, from 1.")
    long entry;

    @Option(
        names = "--opening",
        required = true,
        paramLabel = "FILE",
        description = "The holder's opening file.")
    Path opening;

    @Override
    boolean checkpointSaved() {
      return false;
    }

    @Override
    int run(NoteVerifier key) throws IOException {
      // The entry as the verifier read and accepted it: never read again, unverified.
      LedgerEntry[] opened = new LedgerEntry[1];
      AuditReport r =
          new LedgerVerifier(key)
              .verify(
                  new LocalDirectoryStore(dir),
                  List.of(),
                  e -> {
                    if (e.seq() == entry) {
                      opened[0] = e;
                    }
                  });
      if (!r.intact()) {
        err("REJECTED: the ledger does not verify: " + r.reason() + ": " + r.message());
        return REJECTED;
      }
      if (entry < 1 || entry > r.entries()) {
        throw new IllegalArgumentException(
            "--entry must be in [1, " + r.entries() + "]; got " + entry);
      }
      LedgerEntry e = opened[0];
      byte[] bytes = AuditorInputs.read(opening, "--opening");
      Opening o;
      try {
        o = Opening.decode(bytes);
      } catch (LedgerException ex) {
        err("REJECTED: " + ex.getMessage());
        return REJECTED;
      }
      if (!o.opens(e)) {
        err(
            "REJECTED: OPENING_MISMATCH at entry "
                + entry
                + ": the opening does not match the entry's commitments");
        return REJECTED;
      }
      out("opened entry " + entry + " (" + e.mechanism() + "):");
      out("  query:      " + o.details().query());
      out("  parameters: " + o.details().parameters());
      out("  dataset:    " + o.details().dataset());
      out("  result:     " + o.details().result());
      return VERIFIED;
    }
  }
}
