package dev.schemagate.testenv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README stays a page a newcomer reads in minutes, its two commands are the ones CI runs, and
 * no link of the README or docs/ leads nowhere (a page moved, an anchor renamed).
 */
class DocsTest {
  static final String RUN_COMMAND = "./demo";
  static final String TEST_COMMAND = "./mvnw -B verify";
  static final int README_MAX_LINES = 200;

  private static final Pattern FENCE = Pattern.compile("(?ms)^```[^\\n]*\\n(.*?)^```");
  private static final Pattern INLINE_CODE = Pattern.compile("`[^`\\n]*`");
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6} +(.+?) *#* *$");
  private static final Pattern NOT_IN_SLUG = Pattern.compile("[^\\p{L}\\p{N}\\p{M}\\p{Pc} -]");

  private final Path root = Binaries.repoRoot();

  @Test
  void readmeOpensWithTheRunCommandThenTheTestCommand() throws IOException {
    var blocks = codeBlocks(Files.readString(root.resolve("README.md")));

    assertThat(blocks).hasSizeGreaterThanOrEqualTo(2);
    assertThat(blocks.get(0)).isEqualTo(RUN_COMMAND);
    assertThat(blocks.get(1)).isEqualTo(TEST_COMMAND);
  }

  @Test
  void ciRunsTheReadmesTestCommandVerbatim() throws IOException {
    var lines = Files.readAllLines(root.resolve(".ci/run"));

    assertThat(lines).contains(TEST_COMMAND);
  }

  @Test
  void readmeIsShort() throws IOException {
    assertThat(Files.readAllLines(root.resolve("README.md")))
        .hasSizeLessThanOrEqualTo(README_MAX_LINES);
  }

  @Test
  void everyRelativeLinkLeadsToAFileAndHeadingThatExist() throws IOException {
    var pages =
        new ArrayList<Path>(List.of(root.resolve("README.md"), root.resolve("CHANGELOG.md")));
    try (Stream<Path> docs = Files.walk(root.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    var broken = new ArrayList<String>();
    var followed = 0;
    for (var page : pages) {
      for (var link : links(Files.readString(page))) {
        followed++;
        var problem = problem(page, link);
        if (problem != null) {
          broken.add(root.relativize(page) + ": " + link + ": " + problem);
        }
      }
    }

    assertThat(followed).as("links found: the parser reads them").isGreaterThan(pages.size());
    assertThat(broken).isEmpty();
  }

  @Test
  void slugsAreGithubs() {
    assertThat(slugs("# Install with Helm\n## `testenv/chaos`\n## The scaling curve to 5,000\n"))
        .containsExactlyInAnyOrder(
            "install-with-helm", "testenvchaos", "the-scaling-curve-to-5000");
    assertThat(slugs("## Runs\n```\n# not a heading\n```\n## Runs\n"))
        .containsExactlyInAnyOrder("runs", "runs-1");
  }

  /** Why a link from {@code page} does not lead anywhere, or null when it does. */
  private String problem(Path page, String link) throws IOException {
    var hash = link.indexOf('#');
    var file = hash < 0 ? link : link.substring(0, hash);
    var anchor = hash < 0 ? null : link.substring(hash + 1);
    var target =
        file.isEmpty()
            ? page
            : page.getParent().resolve(URLDecoder.decode(file, StandardCharsets.UTF_8)).normalize();
    if (!target.startsWith(root)) {
      return "outside the repository";
    }
    if (!Files.exists(target)) {
      return "no such file";
    }
    if (anchor != null && target.toString().endsWith(".md")) {
      if (!slugs(Files.readString(target)).contains(anchor)) {
        return "no heading #" + anchor + " in " + root.relativize(target);
      }
    }
    return null;
  }

  /** The contents of the fenced code blocks, in order, without their last line break. */
  static List<String> codeBlocks(String markdown) {
    var blocks = new ArrayList<String>();
    var m = FENCE.matcher(markdown);
    while (m.find()) {
      blocks.add(m.group(1).stripTrailing());
    }
    return blocks;
  }

  /** Link targets that are neither absolute URLs nor inside code. */
  static List<String> links(String markdown) {
    var prose = INLINE_CODE.matcher(FENCE.matcher(markdown).replaceAll("")).replaceAll("code");
    var links = new ArrayList<String>();
    var m = LINK.matcher(prose);
    while (m.find()) {
      var target = m.group(1);
      if (!target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
        links.add(target);
      }
    }
    return links;
  }

  /** The anchors GitHub gives the headings: lower case, punctuation dropped, spaces as '-'. */
  static Set<String> slugs(String markdown) {
    var seen = new HashMap<String, Integer>();
    var slugs = new HashSet<String>();
    var m = HEADING.matcher(FENCE.matcher(markdown).replaceAll(""));
    while (m.find()) {
      var base = NOT_IN_SLUG.matcher(m.group(1).toLowerCase()).replaceAll("").replace(' ', '-');
      var n = seen.merge(base, 1, Integer::sum) - 1;
      slugs.add(n == 0 ? base : base + "-" + n);
    }
    return slugs;
  }
}
