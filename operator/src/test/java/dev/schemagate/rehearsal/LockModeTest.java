package dev.schemagate.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class LockModeTest {
  @Test
  void weakestFirstAsPgLocksNamesThem() {
    assertThat(
            Arrays.stream(
                    new String[] {
                      "AccessShareLock",
                      "RowShareLock",
                      "RowExclusiveLock",
                      "ShareUpdateExclusiveLock",
                      "ShareLock",
                      "ShareRowExclusiveLock",
                      "ExclusiveLock",
                      "AccessExclusiveLock"
                    })
                .map(m -> LockMode.fromPgLocks(m).orElseThrow()))
        .containsExactly(LockMode.values())
        .isSorted();
    assertThat(LockMode.fromPgLocks("SIReadLock")).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "ACCESS_SHARE, ROW_EXCLUSIVE, ROW_EXCLUSIVE",
    "ACCESS_EXCLUSIVE, SHARE, ACCESS_EXCLUSIVE",
    "SHARE_UPDATE_EXCLUSIVE, SHARE_UPDATE_EXCLUSIVE, SHARE_UPDATE_EXCLUSIVE",
    "SHARE, SHARE_ROW_EXCLUSIVE, SHARE_ROW_EXCLUSIVE",
  })
  void strongerOfTwo(LockMode a, LockMode b, LockMode stronger) {
    assertThat(a.stronger(b)).isEqualTo(stronger);
    assertThat(b.stronger(a)).isEqualTo(stronger);
  }

  @ParameterizedTest
  @EnumSource(LockMode.class)
  void conflictsAreSymmetric(LockMode mode) {
    for (LockMode other : LockMode.values()) {
      assertThat(mode.conflictsWith(other))
          .as("%s vs %s", mode, other)
          .isEqualTo(other.conflictsWith(mode));
    }
  }

  @ParameterizedTest
  @CsvSource({
    "ACCESS_SHARE, false, false, blocks only schema changes",
    "ROW_SHARE, false, false, blocks only schema changes",
    "ROW_EXCLUSIVE, false, false, blocks only schema changes",
    "SHARE_UPDATE_EXCLUSIVE, false, false, 'blocks other schema changes and VACUUM, not the app''s"
        + " reads or writes'",
    "SHARE, false, true, blocks writes",
    "SHARE_ROW_EXCLUSIVE, false, true, blocks writes",
    "EXCLUSIVE, false, true, blocks writes",
    "ACCESS_EXCLUSIVE, true, true, blocks reads and writes",
  })
  void whatTheAppFeels(LockMode mode, boolean reads, boolean writes, String effect) {
    assertThat(mode.blocksReads()).isEqualTo(reads);
    assertThat(mode.blocksWrites()).isEqualTo(writes);
    assertThat(mode.effect()).isEqualTo(effect);
  }

  @Test
  void sqlName() {
    assertThat(LockMode.SHARE_ROW_EXCLUSIVE.sqlName()).isEqualTo("SHARE ROW EXCLUSIVE");
  }
}
