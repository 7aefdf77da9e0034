package dev.schemagate.testenv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watchdog and close(), with plain sleep processes: no control plane. */
class LocalProcessTest {
  @TempDir Path tmp;

  /** A guardian killed outright stands for this JVM killed outright, shutdown hooks skipped. */
  @Test
  void theChildEndsWhenItsGuardianIsKilled() throws Exception {
    var guardian = new ProcessBuilder("sleep", "300").start();
    try (var child =
        LocalProcess.start(
            "sleeper",
            tmp.resolve("sleeper.log"),
            new ProcessBuilder("sleep", "300"),
            guardian.pid())) {
      assertThat(child.isAlive()).isTrue();

      guardian.destroyForcibly().waitFor();

      assertThat(child.process().waitFor(5, TimeUnit.SECONDS)).as("ended by the watchdog").isTrue();
      assertThat(child.process().exitValue()).isEqualTo(128 + 15); // its TERM
    }
  }

  @Test
  void closeEndsTheChildAndWhatItStarted() throws Exception {
    var child =
        LocalProcess.start(
            "shell", tmp.resolve("shell.log"), List.of("bash", "-c", "sleep 300 & wait"));
    var grandchild = waitForChild(child);

    child.close();

    assertThat(child.isAlive()).isFalse();
    assertThat(grandchild.onExit().get(5, TimeUnit.SECONDS).isAlive()).isFalse();
  }

  @Test
  void theChildsPidAndExitCodeAreItsOwn() throws Exception {
    try (var child =
        LocalProcess.start("exit", tmp.resolve("exit.log"), List.of("bash", "-c", "exit 7"))) {
      assertThat(child.process().waitFor()).isEqualTo(7);
      assertThat(child.pid()).isEqualTo(child.process().pid());
    }
  }

  private static ProcessHandle waitForChild(LocalProcess process) {
    return await("a child of " + process.name())
        .atMost(Duration.ofSeconds(2))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> process.process().children().findFirst(), Optional::isPresent)
        .orElseThrow();
  }
}
