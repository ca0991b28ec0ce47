package org.privspark.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of PrivSpark on the class path and the git commit it was built from, as the build
 * recorded them in {@code org/privspark/core/version.properties}.
 *
 * <p>Tools print both ({@code privspark --version}, the jobs' {@code --version}, the audit report),
 * so that an output can be traced to the exact code that made it. A build from a source tarball has
 * no git history: its commit is {@value #UNKNOWN}.
 */
public final class Version {
  /** The value reported for a fact the build could not record. */
  public static final String UNKNOWN = "unknown";

  private static final String RESOURCE = "version.properties";
  private static final Properties PROPERTIES = load();

  private Version() {}

  /** The project version, for example {@code 0.1.0} or {@code 0.1.0-SNAPSHOT}. */
  public static String version() {
    return value("version");
  }

  /** The abbreviated id of the git commit the build was made from, or {@value #UNKNOWN}. */
  public static String commit() {
    return value("commit");
  }

  /** One line for {@code --version} output: {@code "<name> <version> (commit <commit>)"}. */
  public static String describe(String name) {
    return name + " " + version() + " (commit " + commit() + ")";
  }

  private static String value(String key) {
    String v = PROPERTIES.getProperty(key, "").strip();
    // An unfiltered placeholder (a build without git, or classes run from an IDE) is no version.
    return v.isEmpty() || v.contains("${") ? UNKNOWN : v;
  }

  private static Properties load() {
    Properties p = new Properties();
    try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE + " from the PrivSpark jar", e);
    }
    return p;
  }
}
