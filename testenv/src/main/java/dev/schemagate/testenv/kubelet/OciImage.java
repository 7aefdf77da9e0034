package dev.schemagate.testenv.kubelet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * An image built on this machine, no registry involved: an OCI image layout (one gzipped layer, its
 * config, a manifest, and an index naming it with containerd's {@code io.containerd.image.name}
 * annotation) in one tar, which {@code ctr images import} reads. Archives are kept in a cache
 * directory under a key of their contents, so an image is built once per contents; its tag is that
 * key, so a changed image never hides behind an old name.
 */
public record OciImage(String name, Path archive) {
  /** Bump when the layout written changes, so that cached archives are rebuilt. */
  private static final String FORMAT = "oci-layout-1";

  private static final String ARCH =
      System.getProperty("os.arch").equals("aarch64") ? "arm64" : "amd64";
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  /** What goes into an image: its files and what it runs. */
  record Recipe(
      String repository, List<Tar.Entry> files, List<String> entrypoint, List<String> cmd) {
    /** A digest of everything that goes into the archive: the cache key and the tag. */
    String key() {
      var sha = sha256();
      update(sha, FORMAT, repository, ARCH, String.join("\0", entrypoint), String.join("\0", cmd));
      for (var f : files) {
        update(
            sha, f.path(), Integer.toOctalString(f.mode()), String.valueOf(f.type()), f.target());
        sha.update(sha256().digest(f.content()));
      }
      return HexFormat.of().formatHex(sha.digest());
    }

    private static void update(MessageDigest sha, String... parts) {
      for (var part : parts) {
        sha.update(part.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      }
    }
  }

  /** The image of {@code recipe}, from {@code cache} or built into it. */
  static OciImage build(Recipe recipe, Path cache) {
    var key = recipe.key();
    var name = recipe.repository() + ":" + key.substring(0, 12);
    var archive = cache.resolve(recipe.repository().replaceAll("[^a-zA-Z0-9.-]", "_") + "-" + key);
    archive = archive.resolveSibling(archive.getFileName() + ".tar");
    if (Files.isRegularFile(archive)) {
      return new OciImage(name, archive);
    }
    try {
      Files.createDirectories(cache);
      var tmp = Files.createTempFile(cache, ".image-", ".tar");
      Files.write(tmp, layout(recipe, name));
      Files.move(tmp, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write image " + name + " into " + cache, e);
    }
    return new OciImage(name, archive);
  }

  /** The OCI image layout of {@code recipe} named {@code name}, as one tar. */
  static byte[] layout(Recipe recipe, String name) {
    var layer = Tar.archive(recipe.files());
    var gzipped = gzip(layer);
    var imageConfig = new LinkedHashMap<String, Object>();
    imageConfig.put(
        "Env", List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
    imageConfig.put("WorkingDir", "/");
    if (!recipe.entrypoint().isEmpty()) {
      imageConfig.put("Entrypoint", recipe.entrypoint());
    }
    if (!recipe.cmd().isEmpty()) {
      imageConfig.put("Cmd", recipe.cmd());
    }
    var config =
        json(
            Map.of(
                "architecture",
                ARCH,
                "os",
                "linux",
                "config",
                imageConfig,
                "rootfs",
                Map.of("type", "layers", "diff_ids", List.of(digest(layer)))));
    var manifest =
        json(
            Map.of(
                "schemaVersion",
                2,
                "mediaType",
                "application/vnd.oci.image.manifest.v1+json",
                "config",
                descriptor("application/vnd.oci.image.config.v1+json", config),
                "layers",
                List.of(descriptor("application/vnd.oci.image.layer.v1.tar+gzip", gzipped))));
    var manifestDescriptor =
        new LinkedHashMap<>(descriptor("application/vnd.oci.image.manifest.v1+json", manifest));
    manifestDescriptor.put("platform", Map.of("architecture", ARCH, "os", "linux"));
    manifestDescriptor.put(
        "annotations",
        Map.of(
            "io.containerd.image.name",
            name,
            "org.opencontainers.image.ref.name",
            name.substring(name.lastIndexOf(':') + 1)));
    var index =
        json(
            Map.of(
                "schemaVersion",
                2,
                "mediaType",
                "application/vnd.oci.image.index.v1+json",
                "manifests",
                List.of(manifestDescriptor)));
    var entries = new ArrayList<Tar.Entry>();
    entries.add(Tar.Entry.file("oci-layout", 0644, json(Map.of("imageLayoutVersion", "1.0.0"))));
    entries.add(Tar.Entry.file("index.json", 0644, index));
    entries.add(Tar.Entry.directory("blobs", 0755));
    entries.add(Tar.Entry.directory("blobs/sha256", 0755));
    for (var blob : List.of(gzipped, config, manifest)) {
      entries.add(Tar.Entry.file("blobs/sha256/" + hex(blob), 0644, blob));
    }
    return Tar.archive(entries);
  }

  private static Map<String, Object> descriptor(String mediaType, byte[] blob) {
    return Map.of("mediaType", mediaType, "digest", digest(blob), "size", blob.length);
  }

  private static byte[] json(Object value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] gzip(byte[] data) {
    var out = new ByteArrayOutputStream();
    // Java writes a gzip header without name or time: the same layer, the same digest.
    try (var gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static String digest(byte[] blob) {
    return "sha256:" + hex(blob);
  }

  private static String hex(byte[] blob) {
    return HexFormat.of().formatHex(sha256().digest(blob));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
