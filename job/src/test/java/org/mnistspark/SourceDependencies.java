package org.mnistspark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which of the job's top-level packages each package names in its source: imports (static ones
 * too) and fully qualified names, in code and in javadoc. Bytecode misses a constant the compiler
 * inlined and an import only javadoc uses; the source does not.
 */
final class SourceDependencies {
  static final String ROOT = "(root)";
  private static final Pattern PACKAGE = Pattern.compile("^package org\\.mnistspark(?:\\.([a-z]\\w*))?", Pattern.MULTILINE);
  private static final Pattern NAMED = Pattern.compile("org\\.mnistspark\\.(?:([a-z]\\w*)|[A-Z])");

  /** package -> package it names -> the files that name it. */
  private final Map<String, Map<String, TreeSet<String>>> edges = new TreeMap<>();

  private SourceDependencies() {}

  static SourceDependencies of(Path sourceRoot) {
    SourceDependencies deps = new SourceDependencies();
    try (Stream<Path> files = Files.walk(sourceRoot)) {
      files.filter(f -> f.toString().endsWith(".java")).forEach(f -> deps.add(sourceRoot.relativize(f), read(f)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return deps;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void add(Path file, String source) {
    Matcher declared = PACKAGE.matcher(source);
    if (!declared.find()) {
      throw new IllegalStateException(file + " declares no package of the job");
    }
    String from = topLevel(declared.group(1));
    Matcher named = NAMED.matcher(source.substring(declared.end()));
    while (named.find()) {
      String to = topLevel(named.group(1));
      if (!to.equals(from)) {
        edges.computeIfAbsent(from, k -> new TreeMap<>()).computeIfAbsent(to, k -> new TreeSet<>()).add(file.toString());
      }
    }
  }

  private static String topLevel(String segment) {
    return segment == null ? ROOT : segment;
  }

  boolean containsPackage(String pkg) {
    return edges.containsKey(pkg);
  }

  /** Every package that names another or is named. */
  List<String> packages() {
    TreeSet<String> all = new TreeSet<>(edges.keySet());
    edges.values().forEach(targets -> all.addAll(targets.keySet()));
    return List.copyOf(all);
  }

  /** Each edge from a package in {@code from} to one in {@code to}, with the files that make it. */
  List<String> edgesBetween(List<String> from, List<String> to) {
    List<String> found = new ArrayList<>();
    edges.forEach((a, targets) -> targets.forEach((b, files) -> {
      if (from.contains(a) && to.contains(b)) {
        found.add(a + " -> " + b + " in " + files);
      }
    }));
    return found;
  }

  /** The edges inside every cycle (strongly connected set of packages larger than one). */
  List<String> cycles() {
    List<String> found = new ArrayList<>();
    for (TreeSet<String> component : new Tarjan().components()) {
      if (component.size() > 1) {
        found.addAll(edgesBetween(List.copyOf(component), List.copyOf(component)));
      }
    }
    return found;
  }

  private final class Tarjan {
    private final Map<String, Integer> index = new HashMap<>();
    private final Map<String, Integer> low = new HashMap<>();
    private final Deque<String> stack = new ArrayDeque<>();
    private final List<TreeSet<String>> components = new ArrayList<>();

    List<TreeSet<String>> components() {
      for (String pkg : edges.keySet()) {
        if (!index.containsKey(pkg)) {
          visit(pkg);
        }
      }
      return components;
    }

    private void visit(String pkg) {
      index.put(pkg, index.size());
      low.put(pkg, index.get(pkg));
      stack.push(pkg);
      for (String next : edges.getOrDefault(pkg, Map.of()).keySet()) {
        if (!index.containsKey(next)) {
          visit(next);
          low.put(pkg, Math.min(low.get(pkg), low.get(next)));
        } else if (stack.contains(next)) {
          low.put(pkg, Math.min(low.get(pkg), index.get(next)));
        }
      }
      if (low.get(pkg).equals(index.get(pkg))) {
        TreeSet<String> component = new TreeSet<>();
        String member;
        do {
          member = stack.pop();
          component.add(member);
        } while (!member.equals(pkg));
        components.add(component);
      }
    }
  }
}
