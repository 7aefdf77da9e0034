package dev.schemagate.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.flywaydb.core.api.output.MigrateOutput;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;

class MigrateCommandTest {
  @Test
  void summaryNamesWhatWasAppliedAndTheVersionReached() {
    var result = result("7", "8", output("8", "add team model"), output("", "player views"));

    assertThat(MigrateCommand.summary(result))
        .isEqualTo("Applied 2 migrations (V8 add team model, R player views); schema at version 8");
  }

  @Test
  void summaryOfARepeatableAloneKeepsTheVersion() {
    assertThat(MigrateCommand.summary(result("8", null, output("", "player views"))))
        .isEqualTo("Applied 1 migration (R player views); schema at version 8");
  }

  @Test
  void summaryOfNothingToDo() {
    assertThat(MigrateCommand.summary(result("8", null)))
        .isEqualTo("Schema up to date at version 8; nothing to apply");
    assertThat(MigrateCommand.summary(result(null, null)))
        .isEqualTo("Schema up to date without a version; nothing to apply");
  }

  private static MigrateResult result(String initial, String target, MigrateOutput... applied) {
    var result = new MigrateResult();
    result.initialSchemaVersion = initial;
    result.targetSchemaVersion = target;
    result.migrations = List.of(applied);
    result.migrationsExecuted = applied.length;
    return result;
  }

  private static MigrateOutput output(String version, String description) {
    return new MigrateOutput("", version, description, "SQL", "", 0, false);
  }
}
