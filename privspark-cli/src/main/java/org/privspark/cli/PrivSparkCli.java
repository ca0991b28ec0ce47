package org.privspark.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code privspark} command line: the users' and auditors' tool, runnable without Spark. Exit
 * codes: 0 success, 1 a failure while running (for {@code audit}: the ledger, or the holder's proof
 * or answer, was rejected), 2 the input is wrong and nothing was done or verified (bad arguments,
 * with usage; for {@code audit} also a missing or unreadable file, a key of the wrong kind, a saved
 * checkpoint damaged by a copy, a directory without a ledger), 3 {@code ledger record} refused a
 * spend over budget.
 */
@Command(
    name = "privspark",
    description = "PrivSpark: differential-privacy accounting, ledger and audit tools.",
    mixinStandardHelpOptions = true,
    versionProvider = PrivSparkCli.Version.class,
    subcommands = {AccountantCommand.class, LedgerCommand.class, AuditCommand.class})
public final class PrivSparkCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  /**
   * Runs the CLI and returns its exit code (for tests and embedding).
   *
   * @param args the command line, as {@link #main} takes it
   * @return the exit code, as listed in the class comment
   */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  /**
   * The CLI's command line. An error in the arguments of {@code audit verify --html OUT} (which
   * picocli reports before the command runs) first writes the "not audited" page to OUT: no page of
   * an earlier audit is left there.
   */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new PrivSparkCli());
    CommandLine.IParameterExceptionHandler usage = cli.getParameterExceptionHandler();
    cli.setParameterExceptionHandler(
        (e, args) -> {
          if (e.getCommandLine().getCommand() instanceof AuditCommand.Verify verify) {
            verify.notAudited(e.getMessage());
          }
          return usage.handleParseException(e, args);
        });
    return cli;
  }

  /**
   * Runs the CLI and exits the JVM with its exit code.
   *
   * @param args the command line, for example {@code audit --ledger DIR}
   */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** {@code --version}: the project version and the git commit the build recorded in dp-core. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {org.privspark.core.Version.describe("privspark")};
    }
  }
}
