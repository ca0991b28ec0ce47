package org.privspark.jobs;

import org.privspark.core.Version;
import picocli.CommandLine;

/** {@code --version} of every job: the project version and the git commit the build recorded. */
public final class JobVersion implements CommandLine.IVersionProvider {
  /** The one line a job prints for {@code --version}, as {@code Main --version} does. */
  static String line() {
    return Version.describe("privspark-jobs");
  }

  @Override
  public String[] getVersion() {
    return new String[] {line()};
  }
}
