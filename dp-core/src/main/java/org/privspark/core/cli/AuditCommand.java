package org.privspark.core.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.privspark.core.audit.AuditReport;
import org.privspark.core.audit.BudgetReport;
import org.privspark.core.audit.ConfidentialVerifier;
import org.privspark.core.ledger.BudgetProof;
import org.privspark.core.ledger.LedgerGenesis;
import org.privspark.core.ledger.LedgerLayout;
import org.privspark.core.ledger.SpotCheck;
import org.privspark.core.audit.HtmlReport;
import org.privspark.core.audit.LedgerVerifier;
import org.privspark.core.audit.ReportJson;
import org.privspark.core.ledger.LedgerEntry;
import org.privspark.core.ledger.LedgerException;
import org.privspark.core.ledger.LocalDirectoryStore;
import org.privspark.core.ledger.Opening;
import org.privspark.core.ledger.note.KeyFiles;
import org.privspark.core.ledger.note.NoteVerifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code privspark audit ...}: the auditor's side. Needs the ledger's public key and the ledger's
 * files; never the data, the queries or the results. Exit 0: verified; 1: rejected; 2: bad
 * arguments.
 */
@Command(
    name = "audit",
    description = "Verify a privacy ledger with its public key.",
    mixinStandardHelpOptions = true,
    subcommands = {AuditCommand.Verify.class, AuditCommand.Consistency.class, AuditCommand.Open.class,
        AuditCommand.SpotCheckCommand.class})
final class AuditCommand {
  private AuditCommand() {}

  abstract static class Base extends Printing implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "The ledger directory.")
    Path dir;

    @Option(names = "--public-key", required = true, paramLabel = "KEY.pub", description = "The ledger's verifier key.")
    Path publicKey;

    @Override
    public Integer call() throws IOException {
      try {
        return run(KeyFiles.readVerifier(publicKey));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage(), e);
      }
    }

    abstract int run(NoteVerifier key) throws IOException;

    AuditReport verify(NoteVerifier key, List<String> checkpoints) {
      return new LedgerVerifier(key).verify(new LocalDirectoryStore(dir), checkpoints);
    }


    static String read(Path file, String option) throws IOException {
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException(option + " " + file + " is not a readable file");
      }
      return Files.readString(file, StandardCharsets.UTF_8);
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Replay the whole ledger: exit 0 if intact, consistent with every checkpoint given and"
          + " within budget; otherwise exit 1 naming the first failing entry and a reason code.")
  static final class Verify extends Base {
    @Option(names = "--checkpoint", paramLabel = "FILE", description = "A checkpoint saved earlier (repeatable).")
    List<Path> checkpoints = new ArrayList<>();

    @Option(names = "--json", description = "Print the report as one JSON object.")
    boolean json;

    @Option(names = "--html", paramLabel = "OUT", description = "Also write a self-contained HTML report.")
    Path html;

    @Option(names = "--budget-proof", paramLabel = "PROOF",
        description = "A confidential ledger's budget proof (required for confidential ledgers).")
    Path budgetProof;

    @Override
    int run(NoteVerifier key) throws IOException {
      List<String> saved = new ArrayList<>();
      for (Path p : checkpoints) {
        saved.add(read(p, "--checkpoint"));
      }
      LocalDirectoryStore store = new LocalDirectoryStore(dir);
      boolean confidential = isConfidential(store);
      if (confidential || budgetProof != null) {
        if (budgetProof == null) {
          throw new IllegalArgumentException("the ledger is confidential: its costs are hidden, so verify needs"
              + " --budget-proof PROOF (made by 'privspark ledger prove-budget')");
        }
        return verifyConfidential(key, store, saved);
      }
      AuditReport r = verify(key, saved);
      if (html != null) {
        Files.writeString(html, HtmlReport.render(r), StandardCharsets.UTF_8);
      }
      if (json) {
        out(ReportJson.render(r));
      } else {
        out(r.intact() ? "intact: " + r.entries() + " entries, consistent with " + saved.size()
            + " saved checkpoint(s), within budget"
            : "REJECTED: " + r.reason() + (r.failedIndex() >= 0 ? " at entry " + r.failedIndex() : "") + ": " + r.message());
        out("origin: " + r.origin());
        out(String.format(Locale.ROOT, "budget: epsilon=%s delta=%s", r.budgetEpsilon(), r.budgetDelta()));
        out(String.format(Locale.ROOT, "spent: epsilon=%.6g at delta=%s (additive delta %.3g); remaining epsilon=%.6g",
            r.spentEpsilon(), r.budgetDelta(), r.additiveDelta(), r.remainingEpsilon()));
        out("entries" + (r.intact() ? "" : " verified before the failure") + ": " + r.entries());
        r.mechanisms().forEach((name, t) -> out(String.format(Locale.ROOT,
            "  %-24s %8d entries   epsilon alone %.6g", name, t.entries(), t.epsilon())));
      }
      return r.intact() ? 0 : 1;
    }

    private int verifyConfidential(NoteVerifier key, LocalDirectoryStore store, List<String> saved) throws IOException {
      if (!Files.isRegularFile(budgetProof)) {
        throw new IllegalArgumentException("--budget-proof " + budgetProof + " is not a readable file");
      }
      BudgetProof proof;
      try {
        proof = BudgetProof.decode(Files.readAllBytes(budgetProof));
      } catch (LedgerException e) {
        err("REJECTED: the budget proof file: " + e.getMessage());
        return 1;
      }
      BudgetReport r = new ConfidentialVerifier(key).verifyBudget(store, saved, proof);
      // A proof covers the checkpoint it names; entries after it are unproven, so the whole ledger
      // is not shown to be within budget.
      boolean covers = r.ok() && r.entries() == r.structure().entries();
      if (r.ok() && !covers) {
        err(String.format(Locale.ROOT, "NOT COVERED: the budget proof covers the first %d of %d entries;"
            + " ask the holder for a proof of the newest checkpoint", r.entries(), r.structure().entries()));
      }
      if (json) {
        out(ReportJson.renderConfidential(r));
      } else {
        out(r.ok() ? String.format(Locale.ROOT, "within budget: %d entries, proven at order %s (checkpoint of %d"
            + " leaves); consistent with %d saved checkpoint(s)", r.entries(), r.order(), r.checkpointSize(),
            saved.size())
            : "REJECTED: " + r.reason() + (r.failedIndex() >= 0 ? " at entry " + r.failedIndex() : "") + ": "
                + r.message());
        out("origin: " + r.structure().origin() + " (confidential: per-entry costs and the total stay hidden)");
        out(String.format(Locale.ROOT, "budget: epsilon=%s delta=%s", r.structure().budgetEpsilon(),
            r.structure().budgetDelta()));
        out("entries: " + r.structure().entries());
      }
      return covers ? 0 : 1;
    }
  }

  /** Whether ledger.json says the ledger is confidential (false when it cannot be read: verify reports that). */
  static boolean isConfidential(LocalDirectoryStore store) {
    try {
      return store.read(LedgerLayout.GENESIS).map(LedgerGenesis::decode).map(LedgerGenesis::confidential)
          .orElse(false);
    } catch (IOException | LedgerException e) {
      return false;
    }
  }

  @Command(name = "spot-check", mixinStandardHelpOptions = true,
      description = "Check the holder's openings of the entries that the checkpoint's root and your nonce"
          + " select: their committed costs must be the costs of their mechanisms.")
  static final class SpotCheckCommand extends Base {
    @Option(names = "--nonce", required = true, paramLabel = "HEX",
        description = "Your fresh nonce (>= 16 bytes), chosen after the checkpoint was fixed.")
    String nonce;

    @Option(names = "--openings", required = true, paramLabel = "FILE", description = "The holder's open-sample file.")
    Path openings;

    @Option(names = "--sample", defaultValue = "8", paramLabel = "M",
        description = "How many entries the sample holds (default: ${DEFAULT-VALUE}).")
    int sample;

    @Option(names = "--checkpoint", paramLabel = "FILE",
        description = "The checkpoint you saved before choosing the nonce; the openings must be for it.")
    Path checkpoint;

    @Override
    int run(NoteVerifier key) throws IOException {
      byte[] n = LedgerCommand.nonceBytes(nonce);
      if (sample < 1) {
        throw new IllegalArgumentException("--sample must be >= 1; got " + sample);
      }
      String expected = checkpoint == null ? null : read(checkpoint, "--checkpoint");
      if (!Files.isRegularFile(openings)) {
        throw new IllegalArgumentException("--openings " + openings + " is not a readable file");
      }
      SpotCheck.Response response;
      try {
        response = SpotCheck.decode(Files.readAllBytes(openings));
      } catch (LedgerException e) {
        err("REJECTED: the openings file: " + e.getMessage());
        return 1;
      }
      BudgetReport r = new ConfidentialVerifier(key).spotCheck(new LocalDirectoryStore(dir), List.of(), n, sample,
          expected, response);
      if (r.ok()) {
        out(r.message());
        out("opened entries: " + java.util.Arrays.toString(r.opened()));
        return 0;
      }
      err("REJECTED: " + r.reason() + (r.failedIndex() >= 0 ? " at entry " + r.failedIndex() : "") + ": " + r.message());
      return 1;
    }
  }

  @Command(name = "consistency", mixinStandardHelpOptions = true,
      description = "Check that the ledger is an append-only extension of a checkpoint saved earlier.")
  static final class Consistency extends Base {
    @Option(names = "--from", required = true, paramLabel = "CHECKPOINT_FILE", description = "The saved checkpoint.")
    Path from;

    @Override
    int run(NoteVerifier key) throws IOException {
      AuditReport r = verify(key, List.of(read(from, "--from")));
      if (r.intact()) {
        out("consistent: the ledger (" + r.checkpointSize() + " leaves) extends the saved checkpoint");
        return 0;
      }
      err("INCONSISTENT: " + r.reason() + ": " + r.message());
      return 1;
    }
  }

  @Command(name = "open", mixinStandardHelpOptions = true,
      description = "Check an entry's opening against its commitments and print the opened details.")
  static final class Open extends Base {
    @Option(names = "--entry", required = true, paramLabel = "N", description = "The entry, from 1.")
    long entry;

    @Option(names = "--opening", required = true, paramLabel = "FILE", description = "The holder's opening file.")
    Path opening;

    @Override
    int run(NoteVerifier key) throws IOException {
      AuditReport r = verify(key, List.of());
      if (!r.intact()) {
        err("REJECTED: the ledger does not verify: " + r.reason() + ": " + r.message());
        return 1;
      }
      if (entry < 1 || entry > r.entries()) {
        throw new IllegalArgumentException("--entry must be in [1, " + r.entries() + "]; got " + entry);
      }
      LocalDirectoryStore store = new LocalDirectoryStore(dir);
      LedgerEntry e = LedgerEntry.decode(store.read(LedgerEntry.path(entry)).orElseThrow(), entry);
      Opening o;
      try {
        o = Opening.decode(Files.readAllBytes(opening));
      } catch (LedgerException ex) {
        err("REJECTED: " + ex.getMessage());
        return 1;
      }
      if (!o.opens(e)) {
        err("REJECTED: OPENING_MISMATCH at entry " + entry + ": the opening does not match the entry's commitments");
        return 1;
      }
      out("opened entry " + entry + " (" + e.mechanism() + "):");
      out("  query:      " + o.details().query());
      out("  parameters: " + o.details().parameters());
      out("  dataset:    " + o.details().dataset());
      out("  result:     " + o.details().result());
      return 0;
    }
  }
}
