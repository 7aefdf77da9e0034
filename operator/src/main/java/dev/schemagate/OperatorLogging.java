package dev.schemagate;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;

/**
 * The operator's logging, on stdout. Logback finds this through ServiceLoader before it looks for
 * an XML file: configuring from XML loaded its Joran parser and the JDK's XML parser, some 400
 * classes more at every start. The runner does not start logback: it prints Flyway's warnings
 * itself (OneLineFlywayLogs), and its failure line alone on stderr.
 *
 * <p>SCHEMAGATE_LOG_FORMAT (system property or environment variable) picks the format: {@code text}
 * (default) or {@code json} (the chart's logFormat); SCHEMAGATE_LOG_LEVEL the root level (default
 * INFO). Both formats carry JOSDK's MDC: the SchemaMigration's namespace and name in the lines
 * logged while it is reconciled. A value it does not know is said on stderr, and the default used:
 * a typo in a setting should not leave the operator silent. A logback.configurationFile system
 * property still wins: that is how a user brings a configuration of their own (and how
 * testenv/bench and chaos log their own clients).
 */
public final class OperatorLogging extends ContextAwareBase implements Configurator {
  static final String FORMAT = "SCHEMAGATE_LOG_FORMAT";
  static final String LEVEL = "SCHEMAGATE_LOG_LEVEL";

  /** The values of SCHEMAGATE_LOG_FORMAT, the default first. */
  public static final List<String> FORMATS = List.of("text", "json");

  /** " namespace/name" only where JOSDK set them: the replace drops a bare " /". */
  static final String TEXT_PATTERN =
      "%d{\"yyyy-MM-dd'T'HH:mm:ss.SSSXXX\",UTC} %-5level [%thread] %logger{36}"
          + "%replace( %X{resource.namespace}/%X{resource.name}){'^ /$', ''} - %msg%n";

  private final UnaryOperator<String> settings;
  private final PrintStream errors;

  public OperatorLogging() {
    // The order of logback's own ${NAME} lookup: system property, then environment variable.
    this(name -> System.getProperty(name, System.getenv(name)), System.err);
  }

  OperatorLogging(UnaryOperator<String> settings, PrintStream errors) {
    this.settings = settings;
    this.errors = errors;
  }

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (settings.apply("logback.configurationFile") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    var appender = new ConsoleAppender<ILoggingEvent>();
    appender.setContext(context);
    appender.setName("console");
    appender.setEncoder(encoder(context));
    appender.start();

    var root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.addAppender(appender);
    root.setLevel(level());
    // fabric8 warns at every start that our own v1alpha1 CRD is not a stable version.
    context
        .getLogger("io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils")
        .setLevel(Level.ERROR);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  private Encoder<ILoggingEvent> encoder(LoggerContext context) {
    var format = setting(FORMAT, FORMATS, UnaryOperator.identity());
    if (format.equals("json")) {
      // One JSON object a line: timestamp, level, threadName, loggerName, mdc, formattedMessage
      // and throwable.
      var json = new JsonEncoder();
      json.setContext(context);
      json.setWithSequenceNumber(false);
      json.setWithNanoseconds(false);
      json.setWithContext(false);
      json.setWithMessage(false);
      json.setWithArguments(false);
      json.setWithFormattedMessage(true);
      json.start();
      return json;
    }
    var text = new PatternLayoutEncoder();
    text.setContext(context);
    text.setPattern(TEXT_PATTERN);
    text.start();
    return text;
  }

  private Level level() {
    var name =
        setting(
            LEVEL,
            List.of("INFO", "TRACE", "DEBUG", "WARN", "ERROR", "OFF"),
            v -> v.toUpperCase(Locale.ROOT));
    return Level.toLevel(name);
  }

  private String setting(String name, List<String> known, UnaryOperator<String> normal) {
    var value = settings.apply(name);
    if (value == null || value.isBlank()) {
      return known.get(0);
    }
    var normalised = normal.apply(value.trim());
    if (!known.contains(normalised)) {
      errors.printf(
          "%s=%s is not one of %s; using %s%n",
          name, value, String.join(", ", known), known.get(0));
      return known.get(0);
    }
    return normalised;
  }
}
