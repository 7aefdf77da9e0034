package dev.schemagate.testenv;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Fails a test whose run logged an ERROR, or anything with a stack trace, that it did not say it
 * expects: an operator that runs in this JVM logs an exception it caught (an event handler's, a
 * reconcile's) and goes on, and a test that only awaits the outcome passes over it. Registered for
 * every test by ServiceLoader, as {@link DumpOnFailure} is; its afterEach runs after the test's own
 * extensions have stopped their operators, so what they log on the way out counts too.
 */
public final class UnexpectedLogErrors implements BeforeEachCallback, AfterEachCallback {
  /**
   * What a test provokes on purpose (an API server restarted, an operator killed): log entries
   * matching one of these patterns (found in "logger: message: exception") do not fail it.
   */
  @Retention(RetentionPolicy.RUNTIME)
  @Target({ElementType.TYPE, ElementType.METHOD})
  public @interface Expected {
    String[] value();
  }

  private static final Recorder RECORDER = new Recorder();

  @Override
  public void beforeEach(ExtensionContext context) {
    RECORDER.startIfNeeded();
    RECORDER.clear();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    var expected =
        Stream.concat(
                context.getRequiredTestMethod().isAnnotationPresent(Expected.class)
                    ? Arrays.stream(
                        context.getRequiredTestMethod().getAnnotation(Expected.class).value())
                    : Stream.empty(),
                context.getRequiredTestClass().isAnnotationPresent(Expected.class)
                    ? Arrays.stream(
                        context.getRequiredTestClass().getAnnotation(Expected.class).value())
                    : Stream.empty())
            .map(Pattern::compile)
            .toList();
    var unexpected =
        RECORDER.drain().stream()
            .filter(entry -> expected.stream().noneMatch(p -> p.matcher(entry).find()))
            .toList();
    if (!unexpected.isEmpty() && context.getExecutionException().isEmpty()) {
      throw new AssertionError(
          unexpected.size()
              + " unexpected ERROR or stack trace in the log of this test (say what a test"
              + " provokes with @UnexpectedLogErrors.Expected):\n"
              + String.join("\n", unexpected.subList(0, Math.min(5, unexpected.size()))));
    }
  }

  /**
   * The entry an event makes: "LEVEL logger: message", then its exception's class and message and
   * those of its causes, then its first frames.
   */
  static String entry(ILoggingEvent event) {
    var text = new StringBuilder();
    text.append(event.getLevel())
        .append(' ')
        .append(event.getLoggerName())
        .append(": ")
        .append(event.getFormattedMessage());
    for (var t = event.getThrowableProxy(); t != null; t = t.getCause()) {
      text.append("\n  ").append(t.getClassName()).append(": ").append(t.getMessage());
      var frames = t.getStackTraceElementProxyArray();
      for (var i = 0; i < Math.min(3, frames.length); i++) {
        text.append("\n    at ").append(frames[i].getStackTraceElement());
      }
    }
    return text.toString();
  }

  /** ERROR events, and events of any level that carry an exception, in the order logged. */
  static boolean counts(ILoggingEvent event) {
    return event.getLevel().isGreaterOrEqual(Level.ERROR) || event.getThrowableProxy() != null;
  }

  private static final class Recorder extends AppenderBase<ILoggingEvent> {
    private final List<String> entries = new ArrayList<>();

    synchronized void startIfNeeded() {
      if (isStarted()) {
        return;
      }
      var logback = (LoggerContext) LoggerFactory.getILoggerFactory();
      setContext(logback);
      setName("unexpected-log-errors");
      start();
      logback.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(this);
    }

    @Override
    protected synchronized void append(ILoggingEvent event) {
      if (counts(event)) {
        entries.add(entry(event));
      }
    }

    synchronized void clear() {
      entries.clear();
    }

    synchronized List<String> drain() {
      var drained = List.copyOf(entries);
      entries.clear();
      return drained;
    }
  }
}
