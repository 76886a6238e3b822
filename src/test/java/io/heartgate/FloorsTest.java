package io.heartgate;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The floors of DESIGN.md, read from the compiled classes: every import points down, and no two packages depend
 * on each other. Bottom to top: core, bus and metrics (shared values, failures, event-bus names, meters) →
 * settings → store → auth → features → http → cli (the command line) → Main and Heartgate. A feature's routes
 * (its {@code *Routes} classes) are the one part of a
 * feature that may use http; nothing else in a feature may. The compiled classes do not show constants they
 * inlined, so the import lines of the sources are checked as well.
 */
class FloorsTest {
  static final List<String> FEATURES = List.of("tokens", "users", "agents", "configs", "heartbeat",
      "reportingrules", "audit", "labels", "constants", "configgroups");

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.heartgate");
  }

  @Test
  void everyImportPointsDown() {
    ArchRule floors = layeredArchitecture().consideringOnlyDependenciesInLayers()
        .layer("start").definedBy(DescribedPredicate.describe("Main and Heartgate",
            c -> c.getPackageName().equals("io.heartgate")))
        .layer("cli").definedBy("io.heartgate.cli..")
        .layer("http").definedBy("io.heartgate.http..")
        .layer("routes").definedBy(inFeature(true))
        .layer("features").definedBy(inFeature(false))
        .layer("auth").definedBy("io.heartgate.auth..")
        .layer("store").definedBy("io.heartgate.store..")
        .layer("settings").definedBy("io.heartgate.settings..")
        .layer("core").definedBy("io.heartgate.core..", "io.heartgate.bus..", "io.heartgate.metrics..")
        .whereLayer("start").mayNotBeAccessedByAnyLayer()
        .whereLayer("cli").mayOnlyBeAccessedByLayers("start")
        .whereLayer("http").mayOnlyBeAccessedByLayers("start", "routes")
        .whereLayer("routes").mayOnlyBeAccessedByLayers("start", "http")
        .whereLayer("features").mayOnlyBeAccessedByLayers("start", "cli", "http", "routes")
        .whereLayer("auth").mayOnlyBeAccessedByLayers("start", "cli", "http", "routes", "features")
        .whereLayer("store").mayOnlyBeAccessedByLayers("start", "cli", "http", "routes", "features", "auth")
        .whereLayer("settings").mayOnlyBeAccessedByLayers("start", "cli", "http", "routes", "features", "auth",
            "store")
        .whereLayer("core").mayOnlyBeAccessedByLayers("start", "cli", "http", "routes", "features", "auth", "store",
            "settings");
    floors.check(classes);
  }

  @Test
  void noTwoPackagesDependOnEachOther() {
    slices().matching("io.heartgate.(*)..").should().beFreeOfCycles().check(classes);
  }

  /** Each import line of the main sources against the floor numbers: an import may only point to the same floor or below. */
  @Test
  void noImportLinePointsUp() throws IOException {
    Path root = Path.of("src/main/java/io/heartgate");
    Pattern ownImport = Pattern.compile("^import (?:static )?io\\.heartgate\\.([a-z]+)\\.([A-Za-z]+)", Pattern.MULTILINE);
    List<String> upward = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      files.filter(f -> f.toString().endsWith(".java")).forEach(file -> {
        String relative = root.relativize(file).toString();
        String from = relative.contains("/") ? relative.substring(0, relative.indexOf('/')) : "";
        int fromFloor = floor(from, file.getFileName().toString().replace(".java", ""));
        Matcher imports = ownImport.matcher(read(file));
        while (imports.find()) {
          if (floor(imports.group(1), imports.group(2)) > fromFloor) {
            upward.add(relative + " imports " + imports.group(1) + "." + imports.group(2));
          }
        }
      });
    }
    assertEquals(List.of(), upward, "imports that point to a higher floor");
  }

  private static final Map<String, Integer> FLOORS = Map.of("core", 0, "bus", 0, "metrics", 0, "settings", 1,
      "store", 2, "auth", 3, "http", 5, "cli", 6, "", 7);

  /**
   * core/bus/metrics 0, settings 1, store 2, auth 3, features 4 (their routes 5, beside http), http 5, cli 6,
   * start 7.
   */
  private static int floor(String pkg, String className) {
    if (FEATURES.contains(pkg)) {
      return className.endsWith("Routes") ? 5 : 4;
    }
    Integer floor = FLOORS.get(pkg);
    if (floor == null) {
      throw new AssertionError("package io.heartgate." + pkg + " has no floor: add it to FloorsTest and DESIGN.md");
    }
    return floor;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The classes of the feature packages that are (or are not) HTTP routes, nested and anonymous classes included. */
  private static DescribedPredicate<JavaClass> inFeature(boolean routes) {
    return DescribedPredicate.describe(routes ? "feature routes" : "feature classes other than routes", c -> {
      String topLevel = c.getName().replaceFirst("\\$.*", "");
      boolean isRoutes = topLevel.endsWith("Routes");
      return FEATURES.stream().anyMatch(f -> c.getPackageName().equals("io.heartgate." + f)) && isRoutes == routes;
    });
  }
}
