package dev.schemagate.testenv.kubelet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A POSIX ustar archive of files, directories and symbolic links, every entry owned by 0:0 with
 * time 0: the same entries always make the same bytes, so an image's digests depend on its contents
 * only.
 */
final class Tar {
  private static final int BLOCK = 512;

  private Tar() {}

  /**
   * One entry. Paths are relative ("bin/sh"); a directory's has no trailing slash. A file's content
   * is in memory, or in {@code source} (read when written, so that large trees stay on disk).
   */
  record Entry(String path, int mode, char type, byte[] content, String target, Path source) {
    static Entry directory(String path, int mode) {
      return new Entry(path, mode, '5', new byte[0], "", null);
    }

    static Entry file(String path, int mode, byte[] content) {
      return new Entry(path, mode, '0', content, "", null);
    }

    static Entry file(String path, int mode, Path source) {
      return new Entry(path, mode, '0', new byte[0], "", source);
    }

    static Entry symlink(String path, String target) {
      return new Entry(path, 0777, '2', new byte[0], target, null);
    }

    long size() {
      try {
        return source == null ? content.length : Files.size(source);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  static byte[] archive(List<Entry> entries) {
    var out = new ByteArrayOutputStream();
    write(entries, out);
    return out.toByteArray();
  }

  /** Writes the archive of {@code entries} to {@code out}. */
  static void write(List<Entry> entries, OutputStream out) {
    try {
      for (var entry : entries) {
        write(entry, out);
      }
      out.write(new byte[2 * BLOCK]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The entries of the tree under {@code root} (itself left out), sorted by path, each under {@code
   * prefix} ("" or "opt/java/"): directories, files with their mode, and symbolic links as they
   * are. Device nodes, sockets and pipes are left out: a container runtime makes its own /dev.
   */
  static List<Entry> tree(Path root, String prefix) {
    var entries = new ArrayList<Entry>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (var path : walk.sorted().toList()) {
        if (path.equals(root)) {
          continue;
        }
        var name = prefix + root.relativize(path).toString();
        if (Files.isSymbolicLink(path)) {
          entries.add(Entry.symlink(name, Files.readSymbolicLink(path).toString()));
        } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
          entries.add(Entry.directory(name, mode(path)));
        } else if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
          entries.add(Entry.file(name, mode(path), path));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + root, e);
    }
    return entries;
  }

  private static int mode(Path path) throws IOException {
    // The unix view has the setuid, setgid and sticky bits that the POSIX view lacks.
    return (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
  }

  private static void write(Entry entry, OutputStream out) throws IOException {
    var header = new byte[BLOCK];
    var name = entry.type() == '5' ? entry.path() + "/" : entry.path();
    var prefix = "";
    if (bytes(name).length > 100) {
      // ustar splits a long path at a slash: up to 155 bytes before it, 100 after.
      int cut = name.lastIndexOf('/', name.length() - 2);
      while (cut > 0 && bytes(name.substring(cut + 1)).length > 100) {
        cut = name.lastIndexOf('/', cut - 1);
      }
      if (cut <= 0 || bytes(name.substring(0, cut)).length > 155) {
        throw new IllegalArgumentException("path too long for a ustar archive: " + name);
      }
      prefix = name.substring(0, cut);
      name = name.substring(cut + 1);
    }
    put(header, 0, 100, bytes(name));
    put(header, 100, 8, octal(entry.mode(), 7));
    put(header, 108, 8, octal(0, 7));
    put(header, 116, 8, octal(0, 7));
    put(header, 124, 12, octal(entry.size(), 11));
    put(header, 136, 12, octal(0, 11));
    header[156] = (byte) entry.type();
    put(header, 157, 100, bytes(entry.target()));
    put(header, 257, 6, bytes("ustar\0"));
    put(header, 263, 2, bytes("00"));
    put(header, 329, 8, octal(0, 7));
    put(header, 337, 8, octal(0, 7));
    put(header, 345, 155, bytes(prefix));
    // The checksum is computed with its own field as spaces.
    for (int i = 148; i < 156; i++) {
      header[i] = ' ';
    }
    long sum = 0;
    for (byte b : header) {
      sum += b & 0xff;
    }
    put(header, 148, 8, bytes(String.format("%06o\0 ", sum)));
    out.write(header);
    long size = entry.size();
    if (entry.source() == null) {
      out.write(entry.content());
    } else {
      try (var in = Files.newInputStream(entry.source())) {
        if (in.transferTo(out) != size) {
          throw new IOException(entry.source() + " changed while it was archived");
        }
      }
    }
    int pad = (int) ((BLOCK - size % BLOCK) % BLOCK);
    out.write(new byte[pad]);
  }

  private static byte[] octal(long value, int digits) {
    return bytes(String.format("%0" + digits + "o", value) + "\0");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void put(byte[] header, int offset, int length, byte[] value) {
    if (value.length > length) {
      throw new IllegalArgumentException("tar header field too long: " + new String(value));
    }
    System.arraycopy(value, 0, header, offset, value.length);
  }
}
