package dev.schemagate.testenv.node;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which local command stands in for each container image: the local node has no container runtime,
 * so an image is only a name to look up here. The file format is documented at the top of
 * testenv/images.yaml.
 */
public final class ImageMap {
  /** Names the user's own image file, whose entries win over testenv/images.yaml. */
  public static final String USER_FILE_ENV = "SCHEMAGATE_IMAGES";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /**
   * One image: {@code command} is its ENTRYPOINT and {@code args} its CMD, as a container runtime
   * reads them from the image; {@code appendArgs} follow the arguments when the container keeps the
   * entrypoint. Strings may hold the placeholders listed in images.yaml.
   */
  public record Image(
      List<String> command,
      List<String> args,
      List<String> appendArgs,
      Map<String, String> env,
      String workingDir) {
    public Image {
      command = command == null ? List.of() : List.copyOf(command);
      args = args == null ? List.of() : List.copyOf(args);
      appendArgs = appendArgs == null ? List.of() : List.copyOf(appendArgs);
      env = env == null ? Map.of() : Map.copyOf(env);
    }

    /** An image whose entrypoint is {@code command}, nothing else. */
    public static Image entrypoint(String... command) {
      return new Image(List.of(command), null, null, null, null);
    }
  }

  private final Map<String, Image> byReference;

  private ImageMap(Map<String, Image> byReference) {
    this.byReference = Map.copyOf(byReference);
  }

  /**
   * Later layers win: testenv/images.yaml, then the file named by SCHEMAGATE_IMAGES, then {@code
   * own}.
   */
  static ImageMap load(Path defaults, Optional<Path> userFile, Map<String, Image> own) {
    var all = new HashMap<>(read(defaults));
    userFile.ifPresent(f -> all.putAll(read(f)));
    all.putAll(own);
    return new ImageMap(all);
  }

  static Optional<Path> userFile() {
    var name = System.getenv(USER_FILE_ENV);
    return name == null || name.isBlank() ? Optional.empty() : Optional.of(Path.of(name));
  }

  /**
   * The entry for exactly this reference, else the entry for its repository (any tag or digest).
   */
  Optional<Image> find(String image) {
    var exact = byReference.get(image);
    return exact != null
        ? Optional.of(exact)
        : Optional.ofNullable(byReference.get(repository(image)));
  }

  static String repository(String image) {
    var name = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
    int colon = name.lastIndexOf(':');
    // A colon before the last slash belongs to a registry's port, not a tag.
    return colon > name.lastIndexOf('/') ? name.substring(0, colon) : name;
  }

  private static Map<String, Image> read(Path file) {
    try {
      Map<String, Image> images =
          YAML.readValue(Files.readAllBytes(file), new TypeReference<Map<String, Image>>() {});
      return images == null ? Map.of() : images;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the image map " + file + ": " + e.getMessage(), e);
    }
  }
}
