package org.privspark.spark.ml;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * A log4j appender attached to the root logger for the duration of a test: it records every event
 * that reaches the root (Spark's warnings and above, and PrivSpark's loggers at every level, which
 * it turns on), with the stack trace of any attached throwable.
 */
final class CapturedLog implements AutoCloseable {
  private static final String PRIVSPARK = "org.privspark";

  private final List<String> privspark = new ArrayList<>();
  private final List<String> all = new ArrayList<>();
  private final LoggerContext context;
  private final AbstractAppender appender;
  private final boolean addedConfig;
  private final java.util.Map<String, Level> levels = new java.util.HashMap<>();

  private CapturedLog() {
    context = (LoggerContext) LogManager.getContext(false);
    Configuration config = context.getConfiguration();
    appender =
        new AbstractAppender(
            "captured-" + UUID.randomUUID(), null, null, true, Property.EMPTY_ARRAY) {
          @Override
          public void append(LogEvent event) {
            StringBuilder line =
                new StringBuilder(event.getLoggerName())
                    .append(": ")
                    .append(event.getMessage().getFormattedMessage());
            if (event.getThrown() != null) {
              StringWriter trace = new StringWriter();
              event.getThrown().printStackTrace(new PrintWriter(trace));
              line.append('\n').append(trace);
            }
            synchronized (CapturedLog.this) {
              all.add(line.toString());
              if (event.getLoggerName().startsWith(PRIVSPARK)) {
                privspark.add(line.toString());
              }
            }
          }
        };
    appender.start();
    config.getRootLogger().addAppender(appender, Level.ALL, null);
    for (LoggerConfig c : config.getLoggers().values()) {
      if (c.getName().startsWith(PRIVSPARK)) {
        levels.put(c.getName(), c.getLevel());
        c.setLevel(Level.ALL);
      }
    }
    addedConfig = !config.getLoggers().containsKey(PRIVSPARK);
    if (addedConfig) {
      config.addLogger(PRIVSPARK, new LoggerConfig(PRIVSPARK, Level.ALL, true));
    }
    context.updateLoggers();
  }

  /** Starts capturing. */
  static CapturedLog start() {
    return new CapturedLog();
  }

  /** The lines of PrivSpark's own loggers so far (any level). */
  synchronized List<String> privspark() {
    return List.copyOf(privspark);
  }

  /** Every line that reached the root so far (Spark's at WARN and above). */
  synchronized List<String> all() {
    return List.copyOf(all);
  }

  @Override
  public void close() {
    Configuration config = context.getConfiguration();
    config.getRootLogger().removeAppender(appender.getName());
    if (addedConfig) {
      config.removeLogger(PRIVSPARK);
    }
    levels.forEach((name, level) -> config.getLoggerConfig(name).setLevel(level));
    context.updateLoggers();
    appender.stop();
  }

  /**
   * Everything a throwable shows: its stack trace text, with every cause's and suppressed message.
   */
  static String text(Throwable t) {
    StringWriter trace = new StringWriter();
    t.printStackTrace(new PrintWriter(trace));
    return trace.toString();
  }
}
