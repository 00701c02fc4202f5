package org.mnistspark.output;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** What an output folder's {@value OutputFolder#MANIFEST} holds. {@code files} may name a file twice while it is being replaced. */
public record Manifest(String writer, String kind, String written, List<Entry> files) {
  static final String WRITER = "mnist-spark";

  public record Entry(String name, long size, String sha256) {}

  static Manifest of(String kind, List<Entry> files) {
    return new Manifest(WRITER, kind, Instant.now().toString(), List.copyOf(files));
  }

  Manifest adding(Entry e) {
    List<Entry> all = new ArrayList<>(files);
    all.add(e);
    return of(kind, all);
  }

  Manifest replacing(Entry e) {
    List<Entry> all = new ArrayList<>(files.stream().filter(f -> !f.name().equals(e.name())).toList());
    all.add(e);
    all.sort(Comparator.comparing(Entry::name));
    return of(kind, all);
  }
}
