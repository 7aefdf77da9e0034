package dev.schemagate.testenv.kubelet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;

/**
 * An image built on this machine, no registry involved: an OCI image layout (gzipped layers, a
 * config, a manifest, and an index naming it with containerd's {@code io.containerd.image.name}
 * annotation) in one tar, which {@code ctr images import} reads. Layers and archives are kept in a
 * cache directory under a key of their inputs, so each is built once per inputs: a change to the
 * top layer's files rebuilds that layer only. Unless a recipe names a tag, the tag is the image's
 * key, so a changed image never hides behind an old name.
 */
public record OciImage(String name, Path archive) {
  /** Bump when the layout written changes, so that cached layers and archives are rebuilt. */
  private static final String FORMAT = "oci-layout-2";

  private static final String ARCH =
      System.getProperty("os.arch").equals("aarch64") ? "arm64" : "amd64";
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
  private static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  /**
   * One layer: a key of its inputs and its files, listed only when the layer is not in the cache (a
   * tree of a few hundred megabytes is then made and read once).
   */
  record Layer(String key, Supplier<List<Tar.Entry>> files) {
    /** A layer of these files, keyed by their contents. */
    static Layer of(List<Tar.Entry> files) {
      var sha = sha256();
      for (var f : files) {
        update(
            sha, f.path(), Integer.toOctalString(f.mode()), String.valueOf(f.type()), f.target());
        sha.update(f.source() == null ? sha256().digest(f.content()) : fileDigest(f.source()));
      }
      return new Layer(HexFormat.of().formatHex(sha.digest()), () -> files);
    }

    /** A layer whose files {@code files} makes from inputs that {@code inputs} names in full. */
    static Layer made(Supplier<List<Tar.Entry>> files, String... inputs) {
      var sha = sha256();
      update(sha, inputs);
      return new Layer(HexFormat.of().formatHex(sha.digest()), files);
    }
  }

  /**
   * What the image runs: its entrypoint and default arguments, environment (added to the usual
   * PATH, which an entry PATH replaces), working directory and user ("" for the defaults).
   */
  record Config(
      List<String> entrypoint,
      List<String> cmd,
      Map<String, String> env,
      String workingDir,
      String user) {
    static Config of(List<String> entrypoint, List<String> cmd) {
      return new Config(entrypoint, cmd, Map.of(), "/", "");
    }

    private List<String> environment() {
      var all = new TreeMap<>(Map.of("PATH", PATH));
      all.putAll(env);
      return all.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    }
  }

  /** What goes into an image: its layers, lowest first, and its config. */
  record Recipe(String repository, String tag, List<Layer> layers, Config config) {
    /** An image of one layer of {@code files}, tagged with its key. */
    Recipe(String repository, List<Tar.Entry> files, List<String> entrypoint, List<String> cmd) {
      this(repository, "", List.of(Layer.of(files)), Config.of(entrypoint, cmd));
    }

    /** A digest of everything that goes into the archive: the cache key and the default tag. */
    String key() {
      var sha = sha256();
      update(sha, FORMAT, repository, tag, ARCH, config.workingDir(), config.user());
      update(sha, String.join("\0", config.entrypoint()), String.join("\0", config.cmd()));
      update(sha, config.environment().toArray(String[]::new));
      for (var layer : layers) {
        update(sha, layer.key());
      }
      return HexFormat.of().formatHex(sha.digest());
    }

    /** The reference pods name: repository:tag. */
    String name() {
      return repository + ":" + (tag.isEmpty() ? key().substring(0, 12) : tag);
    }
  }

  /** A layer as stored: its gzipped tar, and the digests the manifest and config name. */
  private record Blob(Path file, String digest, long size, String diffId) {}

  /** The image of {@code recipe}, from {@code cache} or built into it. */
  static OciImage build(Recipe recipe, Path cache) {
    var key = recipe.key();
    var name = recipe.name();
    var archive =
        cache.resolve(recipe.repository().replaceAll("[^a-zA-Z0-9.-]", "_") + "-" + key + ".tar");
    if (Files.isRegularFile(archive)) {
      touch(archive);
      return new OciImage(name, archive);
    }
    var started = System.nanoTime();
    try {
      var blobs = new ArrayList<Blob>();
      for (var layer : recipe.layers()) {
        blobs.add(blob(layer, cache.resolve("layers")));
      }
      var tmp = Files.createTempFile(cache, ".image-", ".tar");
      try (var out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
        layout(recipe.config(), blobs, name, out);
      }
      Files.move(tmp, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write image " + name + " into " + cache, e);
    }
    if (recipe.layers().size() > 1) {
      System.out.printf(
          "images: wrote %s (%d MiB) in %.1f s%n",
          name, archive.toFile().length() >> 20, (System.nanoTime() - started) / 1e9);
    }
    prune(cache, archive);
    return new OciImage(name, archive);
  }

  /** How long an archive of an older recipe is kept once a newer one of its repository exists. */
  private static final Duration KEEP_OLDER = Duration.ofDays(1);

  /**
   * Removes the archives of the same repository that no build has used for a day: each code change
   * makes a new operator archive of about 130 MiB, and a day covers the other checkouts and test
   * JVMs that may still import an older one. Layers stay: they are small but for the shared ones.
   */
  private static void prune(Path cache, Path archive) {
    var name = archive.getFileName().toString();
    var prefix = name.substring(0, name.lastIndexOf('-') + 1);
    var cutoff = Instant.now().minus(KEEP_OLDER);
    try (var files = Files.list(cache)) {
      for (var old : files.toList()) {
        var other = old.getFileName().toString();
        if (!old.equals(archive)
            && other.startsWith(prefix)
            && other.endsWith(".tar")
            && other.substring(prefix.length()).matches("[0-9a-f]{64}\\.tar")
            && Files.getLastModifiedTime(old).toInstant().isBefore(cutoff)) {
          Files.deleteIfExists(old);
        }
      }
    } catch (IOException e) {
      // A cache that cannot be pruned still serves: say so, and go on.
      System.out.println("images: cannot prune " + cache + ": " + e);
    }
  }

  /** Marks an archive as used now, so that pruning keeps it. */
  private static void touch(Path archive) {
    try {
      Files.setLastModifiedTime(archive, FileTime.from(Instant.now()));
    } catch (IOException e) {
      // Only pruning reads the time.
    }
  }

  /** The layer's blob from {@code layers}, or written there: gzipped, with its two digests. */
  private static Blob blob(Layer layer, Path layers) throws IOException {
    var file = layers.resolve(layer.key() + ".tar.gz");
    var diffIdFile = layers.resolve(layer.key() + ".diff-id");
    if (!Files.isRegularFile(file) || !Files.isRegularFile(diffIdFile)) {
      Files.createDirectories(layers);
      var tmp = Files.createTempFile(layers, ".layer-", ".tar.gz");
      var tarSha = sha256();
      // Java writes a gzip header without name or time: the same layer, the same digest.
      try (var raw = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
          var gz = new GZIPOutputStream(raw, 1 << 16);
          var tar = new BufferedOutputStream(new DigestOutputStream(gz, tarSha), 1 << 16)) {
        Tar.write(layer.files().get(), tar);
      }
      Files.writeString(diffIdFile, "sha256:" + HexFormat.of().formatHex(tarSha.digest()));
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
    return new Blob(
        file,
        "sha256:" + HexFormat.of().formatHex(fileDigest(file)),
        Files.size(file),
        Files.readString(diffIdFile).strip());
  }

  /** Writes the OCI image layout of these layers and config, named {@code name}, as one tar. */
  private static void layout(Config imageConfig, List<Blob> layers, String name, OutputStream out) {
    var runConfig = new LinkedHashMap<String, Object>();
    runConfig.put("Env", imageConfig.environment());
    runConfig.put("WorkingDir", imageConfig.workingDir());
    if (!imageConfig.entrypoint().isEmpty()) {
      runConfig.put("Entrypoint", imageConfig.entrypoint());
    }
    if (!imageConfig.cmd().isEmpty()) {
      runConfig.put("Cmd", imageConfig.cmd());
    }
    if (!imageConfig.user().isEmpty()) {
      runConfig.put("User", imageConfig.user());
    }
    var config =
        json(
            Map.of(
                "architecture",
                ARCH,
                "os",
                "linux",
                "config",
                runConfig,
                "rootfs",
                Map.of("type", "layers", "diff_ids", layers.stream().map(Blob::diffId).toList())));
    var manifest =
        json(
            Map.of(
                "schemaVersion",
                2,
                "mediaType",
                "application/vnd.oci.image.manifest.v1+json",
                "config",
                descriptor(
                    "application/vnd.oci.image.config.v1+json", digest(config), config.length),
                "layers",
                layers.stream()
                    .map(
                        b ->
                            descriptor(
                                "application/vnd.oci.image.layer.v1.tar+gzip",
                                b.digest(),
                                b.size()))
                    .toList()));
    var manifestDescriptor =
        new LinkedHashMap<>(
            descriptor(
                "application/vnd.oci.image.manifest.v1+json", digest(manifest), manifest.length));
    manifestDescriptor.put("platform", Map.of("architecture", ARCH, "os", "linux"));
    manifestDescriptor.put(
        "annotations",
        Map.of(
            "io.containerd.image.name",
            fullyQualified(name),
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
    var written = new HashSet<String>();
    for (var layer : layers) {
      // Two layers of the same contents are one blob.
      if (written.add(layer.digest())) {
        entries.add(Tar.Entry.file(blobPath(layer.digest()), 0644, layer.file()));
      }
    }
    entries.add(Tar.Entry.file(blobPath(digest(config)), 0644, config));
    entries.add(Tar.Entry.file(blobPath(digest(manifest)), 0644, manifest));
    Tar.write(entries, out);
  }

  /**
   * The name as containerd's CRI looks it up: a reference without a registry ("basketball-api:1.7")
   * is Docker Hub's, as the kubelet normalises the pod's image.
   */
  static String fullyQualified(String name) {
    int slash = name.indexOf('/');
    var first = slash < 0 ? "" : name.substring(0, slash);
    if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
      return name;
    }
    return "docker.io/" + (slash < 0 ? "library/" : "") + name;
  }

  private static String blobPath(String digest) {
    return "blobs/sha256/" + digest.substring("sha256:".length());
  }

  private static Map<String, Object> descriptor(String mediaType, String digest, long size) {
    return Map.of("mediaType", mediaType, "digest", digest, "size", size);
  }

  private static byte[] json(Object value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String digest(byte[] blob) {
    return "sha256:" + HexFormat.of().formatHex(sha256().digest(blob));
  }

  private static byte[] fileDigest(Path file) {
    var sha = sha256();
    try (var in = Files.newInputStream(file)) {
      var buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        sha.update(buffer, 0, n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return sha.digest();
  }

  private static void update(MessageDigest sha, String... parts) {
    for (var part : parts) {
      sha.update(part.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
