package dev.schemagate.testenv.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schemagate.testenv.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image layout as GNU tar and a JSON parser read it: what ctr import reads. */
class OciImageTest {
  private static final String LONG_DIR = "usr/lib/" + "a-rather-long-directory-name/".repeat(4);

  private static final OciImage.Recipe RECIPE =
      new OciImage.Recipe(
          "schemagate.local/test",
          List.of(
              Tar.Entry.directory("bin", 0755),
              Tar.Entry.file("bin/hello", 0755, "#!/bin/sh\necho hi\n".getBytes()),
              Tar.Entry.symlink("bin/hi", "hello"),
              Tar.Entry.directory("tmp", 01777),
              Tar.Entry.file(LONG_DIR + "file.txt", 0644, "x".repeat(1000).getBytes())),
          List.of("/bin/hello"),
          List.of("world"));

  @TempDir Path tmp;

  @Test
  void theLayoutIsAnOciImageLayoutWithContentAddressedBlobs() throws IOException {
    var archive = OciImage.build(RECIPE, tmp.resolve("cache")).archive();
    tar("-xf", archive.toString(), "-C", tmp.toString());

    var json = new ObjectMapper();
    assertThat(json.readTree(tmp.resolve("oci-layout").toFile()).get("imageLayoutVersion").asText())
        .isEqualTo("1.0.0");
    var index = json.readTree(tmp.resolve("index.json").toFile());
    var descriptor = index.get("manifests").get(0);
    assertThat(descriptor.get("annotations").get("io.containerd.image.name").asText())
        .isEqualTo("schemagate.local/test:" + RECIPE.key().substring(0, 12));
    try (var blobs = Files.list(tmp.resolve("blobs/sha256"))) {
      for (var blob : blobs.toList()) {
        assertThat(OciImage.digest(Files.readAllBytes(blob)))
            .isEqualTo("sha256:" + blob.getFileName());
      }
    }
    var manifest = json.readTree(blob(descriptor.get("digest").asText()).toFile());
    var config = json.readTree(blob(manifest.get("config").get("digest").asText()).toFile());
    assertThat(config.get("config").get("Entrypoint").get(0).asText()).isEqualTo("/bin/hello");
    assertThat(config.get("config").get("Cmd").get(0).asText()).isEqualTo("world");
    var layer = blob(manifest.get("layers").get(0).get("digest").asText());
    assertThat(Files.size(layer)).isEqualTo(manifest.get("layers").get(0).get("size").asLong());

    var listing = tar("--numeric-owner", "-tvzf", layer.toString());
    assertThat(listing.lines())
        .hasSize(5)
        .allSatisfy(line -> assertThat(line).contains(" 0/0 "))
        .anySatisfy(line -> assertThat(line).startsWith("drwxrwxrwt").endsWith(" tmp/"))
        .anySatisfy(line -> assertThat(line).startsWith("lrwxrwxrwx").endsWith("bin/hi -> hello"))
        .anySatisfy(line -> assertThat(line).contains(" 1000 ").endsWith(LONG_DIR + "file.txt"));
    var layerDir = Files.createDirectory(tmp.resolve("layer"));
    tar("-xzf", layer.toString(), "-C", layerDir.toString());
    assertThat(Files.readString(layerDir.resolve("bin/hello"))).isEqualTo("#!/bin/sh\necho hi\n");
    assertThat(Files.isExecutable(layerDir.resolve("bin/hello"))).isTrue();
    try (var unzipped = new GZIPInputStream(Files.newInputStream(layer))) {
      assertThat(config.get("rootfs").get("diff_ids").get(0).asText())
          .isEqualTo(OciImage.digest(unzipped.readAllBytes()));
    }
  }

  @Test
  void theSameRecipeMakesTheSameBytesAndKeyAndAnotherContentAnother() throws IOException {
    var first = OciImage.build(RECIPE, tmp.resolve("one"));
    var second = OciImage.build(RECIPE, tmp.resolve("two"));
    assertThat(Files.readAllBytes(first.archive())).isEqualTo(Files.readAllBytes(second.archive()));
    var changed =
        new OciImage.Recipe(
            RECIPE.repository(),
            List.of(Tar.Entry.file("bin/hello", 0755, "other".getBytes())),
            RECIPE.config().entrypoint(),
            RECIPE.config().cmd());
    assertThat(RECIPE.key()).isEqualTo(RECIPE.key()).isNotEqualTo(changed.key());
  }

  @Test
  void aChangedTopLayerIsTheOnlyLayerBuiltAgainAndTheOnlyDigestThatChanges() throws IOException {
    var listed = new AtomicInteger();
    var base =
        OciImage.Layer.made(
            () -> {
              listed.incrementAndGet();
              return List.of(Tar.Entry.file("lib/base.so", 0644, "base".getBytes()));
            },
            "base",
            "1");
    var cache = tmp.resolve("cache");
    var v1 = OciImage.build(layered(base, "code v1"), cache);
    var v1Again = OciImage.build(layered(base, "code v1"), tmp.resolve("other-cache"));
    var v2 = OciImage.build(layered(base, "code v2"), cache);

    assertThat(v1Again.name()).isEqualTo(v1.name()).isNotEqualTo(v2.name());
    assertThat(layerDigests(v1Again)).isEqualTo(layerDigests(v1));
    var before = layerDigests(v1);
    var after = layerDigests(v2);
    assertThat(after).hasSize(2);
    assertThat(after.get(0)).isEqualTo(before.get(0));
    assertThat(after.get(1)).isNotEqualTo(before.get(1));
    // The base layer was listed once per cache, not again for v2: it came from the cache.
    assertThat(listed).hasValue(2);
    assertThat(Files.list(cache.resolve("layers")).filter(f -> f.toString().endsWith(".gz")))
        .hasSize(3);
  }

  @Test
  void anOlderArchiveOfTheRepositoryIsRemovedOnceUnusedForADayAndOthersStay() throws IOException {
    var cache = tmp.resolve("cache");
    var base = OciImage.Layer.of(List.of(Tar.Entry.file("lib/base.so", 0644, "base".getBytes())));
    var v1 = OciImage.build(layered(base, "code v1"), cache);
    var other = OciImage.build(RECIPE, cache);
    var twoDaysAgo = FileTime.from(Instant.now().minus(Duration.ofDays(2)));
    Files.setLastModifiedTime(v1.archive(), twoDaysAgo);
    Files.setLastModifiedTime(other.archive(), twoDaysAgo);

    var v2 = OciImage.build(layered(base, "code v2"), cache);

    assertThat(v1.archive()).doesNotExist();
    assertThat(v2.archive()).exists();
    assertThat(other.archive()).exists();
  }

  @Test
  void aReferenceWithoutRegistryIsNamedAsTheKubeletLooksItUp() {
    assertThat(OciImage.fullyQualified("basketball-api:1.7"))
        .isEqualTo("docker.io/library/basketball-api:1.7");
    assertThat(OciImage.fullyQualified("bitnami/kubectl:1"))
        .isEqualTo("docker.io/bitnami/kubectl:1");
    assertThat(OciImage.fullyQualified("schemagate.local/schemagate:abc"))
        .isEqualTo("schemagate.local/schemagate:abc");
    assertThat(OciImage.fullyQualified("localhost/app:1")).isEqualTo("localhost/app:1");
  }

  private static OciImage.Recipe layered(OciImage.Layer base, String code) {
    return new OciImage.Recipe(
        "schemagate.local/layered",
        "",
        List.of(
            base, OciImage.Layer.of(List.of(Tar.Entry.file("app/code", 0644, code.getBytes())))),
        OciImage.Config.of(List.of("/app/code"), List.of()));
  }

  /** The layer digests of the image's manifest, lowest first. */
  private List<String> layerDigests(OciImage image) throws IOException {
    var dir = Files.createTempDirectory(tmp, "layout-");
    tar("-xf", image.archive().toString(), "-C", dir.toString());
    var json = new ObjectMapper();
    var index = json.readTree(dir.resolve("index.json").toFile());
    var manifest =
        json.readTree(
            dir.resolve("blobs/sha256")
                .resolve(index.get("manifests").get(0).get("digest").asText().substring(7))
                .toFile());
    var digests = new ArrayList<String>();
    manifest.get("layers").forEach(l -> digests.add(l.get("digest").asText()));
    return digests;
  }

  @Test
  void anImageIsBuiltOnceIntoTheCacheAndNamedByItsKey() throws IOException {
    var first = OciImage.build(RECIPE, tmp);
    // A rebuild would write a new file and rename it over the old: another inode.
    var inode = Files.getAttribute(first.archive(), "unix:ino");
    var second = OciImage.build(RECIPE, tmp);
    assertThat(second).isEqualTo(first);
    assertThat(Files.getAttribute(second.archive(), "unix:ino")).isEqualTo(inode);
    assertThat(first.name()).isEqualTo("schemagate.local/test:" + RECIPE.key().substring(0, 12));
  }

  private Path blob(String digest) {
    return tmp.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
  }

  private static String tar(String... args) {
    var command = new ArrayList<>(List.of("tar"));
    command.addAll(List.of(args));
    return Command.run(command, null, Duration.ofSeconds(30)).ok();
  }
}
