package dev.schemagate.reconcile;

import dev.schemagate.api.MigratedImage;
import dev.schemagate.api.SchemaMigrationStatus;
import dev.schemagate.gate.TargetWorkload;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which image the migration is for when the target's workloads run several: one at a time, each
 * once. The image being migrated (status.image) stays wanted while a workload runs it and it is not
 * migrated, so that a second image applied a moment later does not cut its Job short; otherwise the
 * first unmigrated image in the target's order. With every image migrated it stays the one last
 * wanted (a changed migration runs for it), else the first workload's. Pure.
 */
final class WantedImage {
  private WantedImage() {}

  /**
   * @param workloads the target's workloads that exist, in order, each with an image; those that
   *     still make pods count (a Job that ended does not), unless none does
   */
  static String of(List<TargetWorkload> workloads, SchemaMigrationStatus status) {
    var running = workloads.stream().filter(w -> !w.finished()).toList();
    var images =
        (running.isEmpty() ? workloads : running)
            .stream().map(w -> w.image().orElseThrow()).distinct().toList();
    var migrated =
        Optional.ofNullable(status)
            .map(SchemaMigrationStatus::getMigrated)
            .orElse(List.of())
            .stream()
            .map(MigratedImage::getImage)
            .toList();
    var current = Optional.ofNullable(status).map(SchemaMigrationStatus::getImage);
    if (current.filter(images::contains).filter(i -> !migrated.contains(i)).isPresent()) {
      return current.get();
    }
    return images.stream()
        .filter(i -> !migrated.contains(i))
        .findFirst()
        .or(() -> current.filter(images::contains))
        .orElse(images.get(0));
  }

  /** The workload the migration pod is derived from: the first that runs the image. */
  static Optional<TargetWorkload> source(List<TargetWorkload> workloads, String image) {
    return workloads.stream()
        .filter(w -> Objects.equals(w.image().orElse(null), image))
        .findFirst();
  }
}
