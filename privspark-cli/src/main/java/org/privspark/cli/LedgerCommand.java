package org.privspark.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.privspark.core.Check;
import org.privspark.core.accounting.Accountant;
import org.privspark.core.accounting.BudgetExhaustedException;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.PrivacyUnit;
import org.privspark.core.accounting.UnitClaim;
import org.privspark.core.audit.AuditReport;
import org.privspark.core.audit.LedgerVerifier;
import org.privspark.core.ledger.Ledger;
import org.privspark.core.ledger.LedgerEntry;
import org.privspark.core.ledger.LedgerException;
import org.privspark.core.ledger.LedgerGenesis;
import org.privspark.core.ledger.LedgerLayout;
import org.privspark.core.ledger.LedgerRepair;
import org.privspark.core.ledger.LocalDirectoryStore;
import org.privspark.core.ledger.Opening;
import org.privspark.core.ledger.OpeningStore;
import org.privspark.core.ledger.Receipt;
import org.privspark.core.ledger.ReleaseDetails;
import org.privspark.core.ledger.confidential.BudgetProof;
import org.privspark.core.ledger.confidential.BudgetProver;
import org.privspark.core.ledger.confidential.SpotCheck;
import org.privspark.core.ledger.note.KeyFiles;
import org.privspark.core.ledger.note.NoteSigner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code privspark ledger ...}: the data holder's side of the privacy ledger. */
@Command(
    name = "ledger",
    description = "Create a privacy ledger, record spends, print checkpoints, export openings.",
    mixinStandardHelpOptions = true,
    subcommands = {
      LedgerCommand.Init.class,
      LedgerCommand.Record.class,
      LedgerCommand.Checkpoint.class,
      LedgerCommand.OpeningOut.class,
      LedgerCommand.ProveBudget.class,
      LedgerCommand.OpenSample.class,
      LedgerCommand.Repair.class
    })
final class LedgerCommand {
  /** Exit code of {@code ledger record} when the spend would exceed the budget. */
  static final int OVER_BUDGET = 3;

  private LedgerCommand() {}

  /** Shared handling: bad arguments exit 2 with usage, a damaged ledger exits 1. */
  abstract static class Base extends Printing implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "The ledger directory.")
    Path dir;

    @Override
    public Integer call() throws IOException {
      try {
        return run();
      } catch (LedgerException e) {
        err(e.getMessage());
        return 1;
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage(), e);
      } catch (UncheckedIOException e) {
        err(e.getMessage() + ": " + e.getCause().getMessage());
        return 1;
      }
    }

    abstract int run() throws IOException;
  }

  /** Options of the commands that write with the key. */
  abstract static class Keyed extends Base {
    @Option(
        names = "--key",
        required = true,
        paramLabel = "KEY",
        description = "The signer key file.")
    Path key;

    @Option(
        names = "--openings",
        paramLabel = "DIR",
        description =
            "Where the holder keeps entry openings (default: KEY.openings beside the key).")
    Path openings;

    Ledger openLedger() throws IOException {
      NoteSigner signer = KeyFiles.readSigner(key);
      return Ledger.open(new LocalDirectoryStore(dir), signer, openingStore());
    }

    OpeningStore openingStore() {
      return OpeningStore.in(
          new LocalDirectoryStore(openings != null ? openings : KeyFiles.openingsPath(key)));
    }
  }

  /** The unit of --unit and --unit-definition, with errors naming the options. */
  static PrivacyUnit unit(String name, String definition) {
    PrivacyUnit.checkName("--unit", name);
    try {
      return PrivacyUnit.of(name, definition);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--unit-definition: " + e.getMessage(), e);
    }
  }

  @Command(
      name = "init",
      mixinStandardHelpOptions = true,
      description = "Create a ledger with a budget and a new Ed25519 checkpoint key.")
  static final class Init extends Base {
    @Option(
        names = "--budget-epsilon",
        required = true,
        paramLabel = "E",
        description = "The budget's ε > 0.")
    double epsilon;

    @Option(
        names = "--budget-delta",
        required = true,
        paramLabel = "D",
        description = "The budget's δ in [0, 1).")
    double delta;

    @Option(
        names = "--key-out",
        required = true,
        paramLabel = "KEY",
        description = "Where to write the private key (mode 0600); the public key goes to KEY.pub.")
    Path keyOut;

    @Option(
        names = "--origin",
        paramLabel = "NAME",
        description = "The ledger's name, also its key's (default: privspark.local/<random id>).")
    String origin;

    @Option(
        names = "--unit",
        required = true,
        paramLabel = "NAME",
        description =
            "The privacy unit the budget protects, such as person or household (a-z, 0-9, '_', '-';"
                + " starting with a letter): every entry must claim it.")
    String unit;

    @Option(
        names = "--unit-definition",
        defaultValue = "",
        paramLabel = "TEXT",
        description =
            "What one unit is, for auditors (at most 1000 characters; recorded in clear in"
                + " ledger.json).")
    String unitDefinition;

    @Option(
        names = "--orders",
        defaultValue = "default",
        paramLabel = "default|opacus|A1,A2,...",
        description = "Rényi orders costs are recorded on (default: ${DEFAULT-VALUE}).")
    String orders;

    @Option(
        names = "--mode",
        defaultValue = "transparent",
        paramLabel = "MODE",
        description =
            "transparent (costs in clear) or confidential (costs in Pedersen commitments, proven"
                + " within budget in zero knowledge; needs a budget delta > 0). Default:"
                + " ${DEFAULT-VALUE}.")
    String mode;

    @Option(
        names = "--accountant",
        defaultValue = "rdp",
        paramLabel = "rdp|pld",
        description =
            "How the budget composes spends, recorded in ledger.json: rdp (Renyi DP) or pld"
                + " (privacy-loss distributions: a tighter epsilon for most compositions, DP-SGD"
                + " above all; transparent mode only; refuses events without a PLD, such as zCDP"
                + " and private selection). Default: ${DEFAULT-VALUE}.")
    String accountant;

    @Override
    int run() throws IOException {
      if (!mode.equals(LedgerGenesis.TRANSPARENT) && !mode.equals(LedgerGenesis.CONFIDENTIAL)) {
        throw new IllegalArgumentException(
            "--mode must be transparent or confidential; got " + mode);
      }
      Accountant chosen;
      try {
        chosen = Accountant.parse(accountant);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--" + e.getMessage(), e);
      }
      if (chosen == Accountant.PLD && mode.equals(LedgerGenesis.CONFIDENTIAL)) {
        throw new IllegalArgumentException(
            "--accountant pld needs --mode transparent: a confidential ledger's budget proof is an"
                + " RDP bound (docs/LEDGER-FORMAT.md §10)");
      }
      // Everything is validated before the key file is written.
      PrivacyUnit privacyUnit = unit(unit, unitDefinition);
      Check.positiveFinite("budgetEpsilon", epsilon);
      Check.inHalfOpen("budgetDelta", delta, 0.0, 1.0);
      if (mode.equals(LedgerGenesis.CONFIDENTIAL) && !(delta > 0)) {
        throw new IllegalArgumentException(
            "--budget-delta must be > 0 for a confidential ledger (a pure-epsilon"
                + " budget needs transparent mode); got "
                + delta);
      }
      String name = origin != null ? origin : "privspark.local/" + UUID.randomUUID();
      NoteSigner signer = NoteSigner.generate(name); // also validates the name as a key name
      OrderGrid grid = OrderGrid.parse(orders);
      if (Files.exists(dir.resolve(LedgerLayout.GENESIS))) {
        throw new IllegalArgumentException("DIR " + dir + " already holds a ledger");
      }
      KeyFiles.write(keyOut, signer);
      Ledger ledger =
          Ledger.create(
              new LocalDirectoryStore(dir),
              name,
              mode,
              chosen,
              epsilon,
              delta,
              grid,
              privacyUnit,
              signer,
              OpeningStore.in(new LocalDirectoryStore(KeyFiles.openingsPath(keyOut))));
      out("created ledger " + ledger.genesis().origin() + " in " + dir);
      out(
          "mode: "
              + mode
              + "; accountant: "
              + chosen.id()
              + "; budget: epsilon="
              + epsilon
              + ", delta="
              + delta
              + "; orders: "
              + grid.size()
              + "; privacy unit: "
              + privacyUnit.name());
      out(
          "private key: "
              + keyOut
              + " (keep it secret); public key: "
              + KeyFiles.publicKeyPath(keyOut));
      return 0;
    }
  }

  @Command(
      name = "record",
      mixinStandardHelpOptions = true,
      description = "Record a spend made elsewhere; exit 3 (nothing recorded) when over budget.")
  static final class Record extends Keyed {
    @Option(
        names = "--event",
        required = true,
        paramLabel = "EVENT",
        converter = EventSpec.class,
        description = "The mechanism: " + EventSpec.SYNTAX)
    PrivacyEvent event;

    @Option(
        names = "--description",
        defaultValue = "",
        paramLabel = "TEXT",
        description = "What was released; stored only as a salted commitment.")
    String description;

    @Option(
        names = "--mechanism",
        defaultValue = "manual",
        paramLabel = "NAME",
        description = "A short public name for the kind of release (default: ${DEFAULT-VALUE}).")
    String mechanism;

    @Option(
        names = "--unit",
        paramLabel = "NAME",
        description =
            "The privacy unit the release protects; required when the ledger declares one, and must"
                + " be it.")
    String unit;

    @Option(
        names = "--row-is-unit",
        description =
            "The release treated each row as one unit, on your statement that each row is one"
                + " --unit (recorded in the entry).")
    boolean rowIsUnit;

    @Override
    int run() throws IOException {
      if (rowIsUnit && unit == null) {
        throw new IllegalArgumentException(
            "--row-is-unit needs --unit: the unit each row is one of");
      }
      UnitClaim claim =
          unit == null ? null : new UnitClaim(PrivacyUnit.checkName("--unit", unit), rowIsUnit);
      Ledger ledger = openLedger();
      if (claim != null && !ledger.genesis().declaresUnit()) {
        err(
            "note: this ledger (format "
                + ledger.genesis().formatVersion()
                + ") declares no privacy unit;"
                + " --unit is neither checked nor recorded");
      }
      try {
        Receipt receipt =
            ledger.append(mechanism, event, ReleaseDetails.describing(description), null, claim);
        var spent = ledger.spent();
        out(
            String.format(
                Locale.ROOT,
                "recorded entry %d; spent epsilon=%.6g of %s (remaining %.6g) at delta=%s",
                receipt.index(),
                spent.epsilon(),
                ledger.genesis().budgetEpsilon(),
                Math.max(0, ledger.genesis().budgetEpsilon() - spent.epsilon()),
                ledger.genesis().budgetDelta()));
        print(receipt.checkpoint());
        return 0;
      } catch (BudgetExhaustedException e) {
        err(e.getMessage());
        return OVER_BUDGET;
      }
    }
  }

  @Command(
      name = "repair",
      mixinStandardHelpOptions = true,
      description =
          "After a crash: remove only an interrupted append's leftovers (temporary files, an"
              + " incomplete trailing entry or checkpoint) and trailing entries no checkpoint"
              + " covers whose openings the key's openings directory does not hold (written without"
              + " the key), moving them to DIR/quarantine/; never an entry a checkpoint covers;"
              + " re-sign the newest checkpoint; then verify. Exit 1, changing nothing, when the"
              + " damage is not an interrupted write.")
  static final class Repair extends Keyed {
    @Override
    int run() throws IOException {
      NoteSigner signer = KeyFiles.readSigner(key);
      LocalDirectoryStore store = new LocalDirectoryStore(dir);
      LedgerRepair.Result result = LedgerRepair.repair(store, signer, openingStore());
      if (result.actions().isEmpty()) {
        out("nothing to repair");
      }
      result.actions().forEach(this::out);
      AuditReport report = new LedgerVerifier(signer.verifier()).verify(store, List.of());
      if (!report.intact()) {
        err("still damaged after repair: " + report.message());
        return 1;
      }
      out(
          String.format(
              Locale.ROOT,
              "ledger intact: %d entries, spent epsilon=%.6g of %s",
              report.entries(),
              report.spentEpsilon(),
              report.budgetEpsilon()));
      return 0;
    }
  }

  @Command(
      name = "checkpoint",
      mixinStandardHelpOptions = true,
      description = "Print the newest signed checkpoint (a receipt for the auditor to keep).")
  static final class Checkpoint extends Base {
    @Override
    int run() throws IOException {
      LocalDirectoryStore store = new LocalDirectoryStore(dir);
      var heads = store.list(LedgerLayout.HEADS);
      long newest = heads.stream().mapToLong(LedgerLayout::headSize).max().orElse(-1);
      if (newest < 0) {
        err("no checkpoint in " + dir + "/" + LedgerLayout.HEADS);
        return 1;
      }
      java.util.Optional<byte[]> note = store.read(LedgerLayout.head(newest));
      if (note.isEmpty()) {
        err(
            LedgerLayout.head(newest)
                + " was listed but vanished before it was read; run the command again");
        return 1;
      }
      print(new String(note.get(), StandardCharsets.UTF_8));
      return 0;
    }
  }

  @Command(
      name = "opening",
      mixinStandardHelpOptions = true,
      description = "Export one entry's opening (salts and plain details) for an auditor.")
  static final class OpeningOut extends Keyed {
    @Option(
        names = "--entry",
        required = true,
        paramLabel = "N",
        description = "The entry, from 1.")
    long entry;

    @Option(
        names = "--out",
        required = true,
        paramLabel = "FILE",
        description = "Where to write the opening.")
    Path out;

    @Override
    int run() throws IOException {
      LocalDirectoryStore store = new LocalDirectoryStore(dir);
      byte[] bytes =
          store
              .read(LedgerEntry.path(entry))
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "--entry " + entry + " does not exist in " + dir));
      LedgerEntry e = LedgerEntry.decode(bytes, entry);
      Opening opening =
          openingStore()
              .load(e.releaseId())
              .orElseThrow(
                  () -> new IllegalArgumentException("no opening kept for entry " + entry));
      Files.write(out, opening.encode());
      out("wrote the opening of entry " + entry + " to " + out);
      return 0;
    }
  }

  @Command(
      name = "prove-budget",
      mixinStandardHelpOptions = true,
      description =
          "Prove, in zero knowledge, that a confidential ledger's committed costs are within budget"
              + " at one order (the holder's side; needs the cost openings).")
  static final class ProveBudget extends Keyed {
    @Option(
        names = "--out",
        required = true,
        paramLabel = "PROOF",
        description = "Where to write the proof.")
    Path out;

    @Option(
        names = "--order",
        paramLabel = "A",
        description =
            "The Rényi order to prove at, one of the ledger's (default: the one minimising"
                + " epsilon).")
    Double order;

    @Override
    int run() throws IOException {
      Ledger ledger = openLedger();
      BudgetProof proof;
      try {
        proof = BudgetProver.prove(ledger, order == null ? Double.NaN : order, new SecureRandom());
      } catch (IllegalStateException e) {
        err("cannot prove: " + e.getMessage());
        return OVER_BUDGET;
      }
      Files.write(out, proof.encode());
      out(
          "wrote a budget proof for "
              + proof.entryProofs().size()
              + " entries at order "
              + proof.order()
              + " to "
              + out);
      return 0;
    }
  }

  @Command(
      name = "open-sample",
      mixinStandardHelpOptions = true,
      description =
          "Open the entries an auditor's nonce selects (the holder's side of a spot check).")
  static final class OpenSample extends Keyed {
    @Option(
        names = "--nonce",
        required = true,
        paramLabel = "HEX",
        description = "The auditor's nonce (>= 16 bytes).")
    String nonce;

    @Option(
        names = "--sample",
        defaultValue = "8",
        paramLabel = "M",
        description =
            "How many entries to open (default: ${DEFAULT-VALUE}; the auditor must ask for the"
                + " same).")
    int sample;

    @Option(
        names = "--out",
        required = true,
        paramLabel = "FILE",
        description = "Where to write the openings.")
    Path out;

    @Override
    int run() throws IOException {
      byte[] bytes = SpotCheck.open(openLedger(), nonceBytes(nonce), sample);
      Files.write(out, bytes);
      out("wrote the openings of the sampled entries to " + out);
      return 0;
    }
  }

  static byte[] nonceBytes(String hex) {
    try {
      byte[] b = java.util.HexFormat.of().parseHex(hex.trim().toLowerCase(Locale.ROOT));
      if (b.length < SpotCheck.MIN_NONCE_LENGTH) {
        throw new IllegalArgumentException(
            "--nonce must be at least "
                + SpotCheck.MIN_NONCE_LENGTH
                + " bytes ("
                + 2 * SpotCheck.MIN_NONCE_LENGTH
                + " hex digits); got "
                + b.length);
      }
      return b;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--nonce must be hex of at least "
              + SpotCheck.MIN_NONCE_LENGTH
              + " bytes; got '"
              + hex
              + "'");
    }
  }
}
