package org.privspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.core.audit.AuditReport;
import org.privspark.core.audit.LedgerVerifier;
import org.privspark.core.ledger.LedgerWriterProcess;
import org.privspark.core.ledger.LocalDirectoryStore;
import org.privspark.core.ledger.note.KeyFiles;
import org.privspark.core.testing.ChildJvm;

/**
 * A writer killed with SIGKILL at random times: a child JVM appends to a local-directory ledger in
 * a loop, printing {@code RELEASED <index>} only after each append returned, and is killed by
 * {@link Process#destroyForcibly}. After each kill the ledger verifies, or {@code privspark ledger
 * repair} makes it verify; every index the child printed has its entry; and at most one entry per
 * kill is not a printed release (an append that landed just before the kill: its spend counts, its
 * result was never released), so no budget is lost beyond finished releases.
 *
 * <p>The kill times come from a fixed seed; the machine's timing makes each run differ anyway.
 */
class LedgerCrashTest {
  @TempDir Path tmp;

  @Test
  void killedWriter_tenTrials_ledgerVerifiesOrIsRepaired() throws Exception {
    assertSurvivesKills(10, 1, "transparent");
  }

  @Test
  @Tag("reliability")
  void killedWriter_sixtyTrials_ledgerVerifiesOrIsRepaired() throws Exception {
    assertSurvivesKills(60, 2, "transparent");
  }

  /** Confidential mode: the writer learns costs from cost openings, saved before each entry. */
  @Test
  void killedConfidentialWriter_fourTrials_ledgerVerifiesOrIsRepaired() throws Exception {
    assertSurvivesKills(4, 5, "confidential");
  }

  @Test
  @Tag("reliability")
  void killedConfidentialWriter_twentyTrials_ledgerVerifiesOrIsRepaired() throws Exception {
    assertSurvivesKills(20, 6, "confidential");
  }

  @Test
  void killedWritersAmongLiveOnes_threeProcessesSixKills_noReleaseLost() throws Exception {
    assertSurvivesKillsAmongWriters(3, 6, 3);
  }

  @Test
  @Tag("reliability")
  void killedWritersAmongLiveOnes_fourProcessesFortyKills_noReleaseLost() throws Exception {
    assertSurvivesKillsAmongWriters(4, 40, 4);
  }

  /**
   * Several writers append to one ledger at once; one chosen at random is SIGKILLed every 50–250 ms
   * and replaced, and all are killed at the end. Every printed release has its own entry (no index
   * twice), and the entries without a printed release are at most one per kill.
   */
  private void assertSurvivesKillsAmongWriters(int processes, int kills, long seed)
      throws Exception {
    Path ledger = tmp.resolve("ledger");
    Path key = tmp.resolve("keys/holder.key");
    CliRun init =
        CliRun.of(
            "ledger",
            "init",
            ledger.toString(),
            "--unit",
            "person",
            "--budget-epsilon",
            "1000",
            "--budget-delta",
            "0",
            "--key-out",
            key.toString(),
            "--origin",
            "example.org/crash-ledger");
    assertThat(init.exit()).as(init.err()).isZero();
    Random random = new Random(seed);
    List<ChildJvm> live = new ArrayList<>();
    List<ChildJvm> dead = new ArrayList<>();
    int started = 0;
    for (; started < processes; started++) {
      live.add(startWriter(ledger, key, started));
    }
    for (ChildJvm c : live) {
      assertThat(c.awaitLine("READY", 60_000)).isTrue();
    }
    for (int k = 0; k < kills; k++) {
      Thread.sleep(50 + random.nextInt(200));
      ChildJvm victim = live.remove(random.nextInt(live.size()));
      victim.kill();
      dead.add(victim);
      live.add(startWriter(ledger, key, started++));
    }
    Thread.sleep(200);
    for (ChildJvm c : live) {
      c.kill();
      dead.add(c);
    }
    LedgerVerifier verifier =
        new LedgerVerifier(KeyFiles.readVerifier(KeyFiles.publicKeyPath(key)));
    LocalDirectoryStore store = new LocalDirectoryStore(ledger);
    AuditReport report = verifier.verify(store, List.of());
    String outcome = report.intact() ? "intact" : "repaired after " + report.reason();
    if (!report.intact()) {
      CliRun repair = CliRun.of("ledger", "repair", ledger.toString(), "--key", key.toString());
      assertThat(repair.exit())
          .as("repair of %s: %s %s", report.message(), repair.out(), repair.err())
          .isZero();
      report = verifier.verify(store, List.of());
      assertThat(report.intact()).as("after repair: %s", report.message()).isTrue();
    }
    java.util.Set<Long> printed = new java.util.HashSet<>();
    for (ChildJvm c : dead) {
      for (String line : c.lines()) {
        if (line.startsWith("RELEASED ")) {
          long index = Long.parseLong(line.substring("RELEASED ".length()));
          assertThat(printed.add(index)).as("index %d released twice", index).isTrue();
          assertThat(index).isBetween(1L, report.entries());
        }
      }
    }
    long unprinted = report.entries() - printed.size();
    assertThat(unprinted).as("entries without a printed release").isBetween(0L, (long) dead.size());
    System.out.printf(
        "%d writers, %d kills: %d releases printed, %d entries, %d landed unprinted; %s%n",
        processes, dead.size(), printed.size(), report.entries(), unprinted, outcome);
    assertThat(printed).isNotEmpty();
  }

  private ChildJvm startWriter(Path ledger, Path key, int n) throws java.io.IOException {
    return ChildJvm.start(
        tmp.resolve("writer-" + n + ".err"),
        LedgerWriterProcess.class,
        ledger.toString(),
        key.toString(),
        KeyFiles.openingsPath(key).toString(),
        "0.001",
        "forever");
  }

  private void assertSurvivesKills(int trials, long seed, String mode) throws Exception {
    Path ledger = tmp.resolve("ledger");
    Path key = tmp.resolve("keys/holder.key");
    CliRun init =
        CliRun.of(
            "ledger",
            "init",
            ledger.toString(),
            "--unit",
            "person",
            "--budget-epsilon",
            "1000",
            "--budget-delta",
            "1e-6",
            "--key-out",
            key.toString(),
            "--origin",
            "example.org/crash-ledger",
            "--mode",
            mode);
    assertThat(init.exit()).as(init.err()).isZero();
    LedgerVerifier verifier =
        new LedgerVerifier(KeyFiles.readVerifier(KeyFiles.publicKeyPath(key)));
    LocalDirectoryStore store = new LocalDirectoryStore(ledger);
    Random random = new Random(seed);
    Map<String, Integer> outcomes = new TreeMap<>();
    long entriesBefore = 0;
    long released = 0;
    long unreleased = 0;
    for (int trial = 0; trial < trials; trial++) {
      ChildJvm child =
          ChildJvm.start(
              tmp.resolve("child-" + trial + ".err"),
              LedgerWriterProcess.class,
              ledger.toString(),
              key.toString(),
              KeyFiles.openingsPath(key).toString(),
              "0.001",
              "forever");
      // Mostly kill while appending; one trial in five at a random point from the start (maybe
      // while the JVM starts or the ledger opens).
      if (random.nextInt(5) == 0) {
        Thread.sleep(random.nextInt(800));
      } else {
        assertThat(child.awaitLine("READY", 60_000))
            .as(
                "child %d ready: %s",
                trial, Files.readString(tmp.resolve("child-" + trial + ".err")))
            .isTrue();
        Thread.sleep(random.nextInt(300));
      }
      child.kill();

      List<Long> printed = new ArrayList<>();
      for (String line : child.lines()) {
        if (line.startsWith("RELEASED ")) {
          printed.add(Long.parseLong(line.substring("RELEASED ".length())));
        }
      }
      AuditReport report = verifier.verify(store, List.of());
      String outcome = report.intact() ? "intact" : "repaired after " + report.reason();
      if (!report.intact()) {
        CliRun repair = CliRun.of("ledger", "repair", ledger.toString(), "--key", key.toString());
        assertThat(repair.exit())
            .as(
                "trial %d: repair of %s: %s %s",
                trial, report.message(), repair.out(), repair.err())
            .isZero();
        report = verifier.verify(store, List.of());
        assertThat(report.intact())
            .as("trial %d after repair: %s", trial, report.message())
            .isTrue();
      }
      outcomes.merge(outcome, 1, Integer::sum);
      // One writer: its releases are the next entries, in order, all present.
      for (int i = 0; i < printed.size(); i++) {
        assertThat(printed.get(i))
            .as("trial %d release %d", trial, i)
            .isEqualTo(entriesBefore + i + 1);
      }
      long landed = report.entries() - entriesBefore;
      assertThat(landed - printed.size())
          .as(
              "trial %d: entries without a printed release; before %d, now %d,"
                  + " child printed %s; stderr %s",
              trial,
              entriesBefore,
              report.entries(),
              child.lines(),
              Files.readString(tmp.resolve("child-" + trial + ".err")))
          .isBetween(0L, 1L);
      released += printed.size();
      unreleased += landed - printed.size();
      entriesBefore = report.entries();
    }
    System.out.printf(
        "%s, %d kills: %d releases printed, %d entries, %d landed unprinted; outcomes %s%n",
        mode, trials, released, entriesBefore, unreleased, outcomes);
    assertThat(released).as("the kills landed while the writer was appending").isPositive();
  }
}
