package io.heartgate.settings;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.io.OutputStream;
import java.util.List;
import java.util.logging.LogManager;
import net.logstash.logback.composite.AbstractFieldJsonProvider;
import net.logstash.logback.composite.loggingevent.KeyValuePairsJsonProvider;
import net.logstash.logback.composite.loggingevent.LogLevelJsonProvider;
import net.logstash.logback.composite.loggingevent.LoggerNameJsonProvider;
import net.logstash.logback.composite.loggingevent.LoggingEventFormattedTimestampJsonProvider;
import net.logstash.logback.composite.loggingevent.LoggingEventThreadNameJsonProvider;
import net.logstash.logback.composite.loggingevent.MessageJsonProvider;
import net.logstash.logback.composite.loggingevent.StackTraceJsonProvider;
import net.logstash.logback.encoder.LoggingEventCompositeJsonEncoder;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Where log lines go and what they look like. Logback finds this class itself (a {@link Configurator} service)
 * and starts with text at info on standard error, so nothing logged before the settings are read is lost or
 * noisy, and the admin commands, which never apply the settings, keep standard output for their answer; then
 * {@link #apply(Settings)} sets the format and levels from the settings and routes java.util.logging (what the
 * code logs with) and Vert.x to the same place.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {
  /** The parent of every logger of the gateway; LOG_LEVEL applies to it, libraries stay at info or above. */
  static final String OWN_LOGGERS = "io.heartgate";
  /** The logger of the access log (http/AccessLog): at info when ACCESS_LOG is on, whatever LOG_LEVEL says. */
  public static final String ACCESS_LOGGER = "io.heartgate.access";
  /** Close to the java.util.logging format the gateway had: time, level, logger, message, then any stack trace. */
  private static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSS} %level %logger - %msg%n";

  /** For Logback's service loader. */
  public LogSetup() {
  }

  /** Logback's own start: text at info on standard error, java.util.logging left as it is. */
  @Override
  public ExecutionStatus configure(LoggerContext context) {
    configure(context, LogFormat.TEXT, LogLevel.INFO, false, null, true);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** Applies the log settings to standard output; called once at start-up, before the node logs anything. */
  public static void apply(Settings settings) {
    apply(settings, null);
  }

  /**
   * Applies the log settings, writing to the stream (standard output when null); java.util.logging records and
   * Vert.x's own logging go through the same appender from then on.
   */
  public static void apply(Settings settings, OutputStream out) {
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
    LoggerContext context = context();
    context.reset();
    // Sets the level of each java.util.logging logger from Logback's, so a disabled level costs no LogRecord.
    LevelChangePropagator propagator = new LevelChangePropagator();
    propagator.setContext(context);
    propagator.setResetJUL(true);
    propagator.start();
    context.addListener(propagator);
    configure(context, settings.logFormat(), settings.logLevel(), settings.accessLog(), out, false);
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
  }

  /**
   * Back to how the JVM started: Logback's defaults of this class, java.util.logging read afresh. For tests
   * that applied settings inside the test JVM.
   */
  public static void restoreDefaults() throws java.io.IOException {
    SLF4JBridgeHandler.uninstall();
    LoggerContext context = context();
    context.reset();
    configure(context, LogFormat.TEXT, LogLevel.INFO, false, null, true);
    LogManager.getLogManager().readConfiguration();
  }

  private static LoggerContext context() {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext context)) {
      throw new IllegalStateException("SLF4J is not bound to Logback but to " + factory.getClass().getName());
    }
    return context;
  }

  /**
   * @param out where the lines go, or null for the console: standard error when {@code standardError}, else
   *     standard output (Logback never closes the console's streams; it would close {@code out} on a reset)
   */
  private static void configure(LoggerContext context, LogFormat format, LogLevel level, boolean accessLog,
      OutputStream out, boolean standardError) {
    OutputStreamAppender<ILoggingEvent> appender;
    if (out == null) {
      ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
      console.setTarget(standardError ? "System.err" : "System.out");
      appender = console;
    } else {
      appender = new OutputStreamAppender<>();
    }
    appender.setContext(context);
    appender.setName(format.toString());
    appender.setEncoder(format == LogFormat.JSON ? json(context) : text(context));
    if (out != null) {
      appender.setOutputStream(out);
    }
    appender.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.addAppender(appender);
    Level own = level.logback();
    root.setLevel(own.isGreaterOrEqual(Level.INFO) ? own : Level.INFO);
    context.getLogger(OWN_LOGGERS).setLevel(own);
    context.getLogger(ACCESS_LOGGER).setLevel(accessLog ? Level.INFO : Level.OFF);
  }

  private static Encoder<ILoggingEvent> text(LoggerContext context) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(TEXT_PATTERN);
    encoder.start();
    return encoder;
  }

  /**
   * One JSON object per line: time (UTC, ISO 8601), level, logger, thread, message, the event's key-value pairs
   * as fields of their own (the access log's method, route, status …), and the exception with its causes as one
   * string.
   */
  private static Encoder<ILoggingEvent> json(LoggerContext context) {
    LoggingEventFormattedTimestampJsonProvider time = new LoggingEventFormattedTimestampJsonProvider();
    time.setTimeZone("UTC");
    LoggingEventCompositeJsonEncoder encoder = new LoggingEventCompositeJsonEncoder();
    encoder.setContext(context);
    List<AbstractFieldJsonProvider<ILoggingEvent>> fields = List.of(named(time, "time"),
        named(new LogLevelJsonProvider(), "level"), named(new LoggerNameJsonProvider(), "logger"),
        named(new LoggingEventThreadNameJsonProvider(), "thread"), named(new MessageJsonProvider(), "message"),
        new KeyValuePairsJsonProvider(), named(new StackTraceJsonProvider(), "exception"));
    fields.forEach(encoder.getProviders()::addProvider);
    encoder.start();
    return encoder;
  }

  private static AbstractFieldJsonProvider<ILoggingEvent> named(AbstractFieldJsonProvider<ILoggingEvent> provider,
      String field) {
    provider.setFieldName(field);
    return provider;
  }
}
