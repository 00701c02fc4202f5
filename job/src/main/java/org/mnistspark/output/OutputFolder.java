package org.mnistspark.output;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.commons.codec.digest.DigestUtils;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.UnsupportedFileSystemException;
import org.mnistspark.Json;
import org.mnistspark.Messages;
import org.mnistspark.config.InvalidOptionException;
import org.mnistspark.data.FileSystems;
import org.mnistspark.lock.AtomicFiles;
import org.mnistspark.lock.Temporaries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A folder of this job's outputs on any Hadoop file system, written all or nothing and recognised
 * later by the manifest written into it ({@value #MANIFEST}: each file's name, size and SHA-256).
 * It never deletes or replaces a folder that it cannot recognise as its own: an existing folder
 * must hold a manifest that matches its files exactly (or be empty). Two ways to write:
 * <ul>
 *   <li>{@link #replace}: every file goes to a hidden sibling, which then takes the folder's place;
 *       a reader sees the old outputs or the new ones, never a mix.</li>
 *   <li>{@link #update}: one file at a time, for folders that grow while a long job runs (a
 *       study's results.json is its resume state); each file is renamed into place atomically.</li>
 * </ul>
 */
public final class OutputFolder {
  public static final String MANIFEST = "manifest.json";
  /**
   * The largest manifest read: one lists a folder's files at about 150 bytes each, so 4 MiB is some
   * 27,000 files, far beyond any output of this job. A larger one is refused unread.
   */
  public static final long MAX_MANIFEST_BYTES = 4L << 20;
  /**
   * The largest file {@link #readVerified} reads into memory: model.zip (15 MB for this LeNet with
   * its optimizer state), a checkpoint's states, metrics.json. A larger one is refused unread.
   */
  public static final long MAX_VERIFIED_BYTES = 256L << 20;
  private static final Logger log = LoggerFactory.getLogger(OutputFolder.class);

  private final Configuration hadoop;
  private final FileSystem fs;
  private final AtomicFiles files;
  private final Path dir;
  private final String option;
  private final String kind;
  /** Whether other writers manage the files inside (a retraining root): only the manifest's kind is checked. */
  private final boolean container;
  /** The lock this run holds on the folder ({@link OutputLock}), checked before each change becomes visible; null if none. */
  private OutputLock lock;

  private OutputFolder(Configuration hadoop, FileSystem fs, Path dir, String option, String kind, boolean container) {
    this.hadoop = hadoop;
    this.fs = fs;
    this.files = new AtomicFiles(hadoop, fs);
    this.dir = dir;
    this.option = option;
    this.kind = kind;
    this.container = container;
  }

  /**
   * The folder at {@code location} (any Hadoop path) holding outputs of {@code kind} ("train",
   * "study", ...), checked as {@link #checkUsable} does.
   *
   * @param option the option that named it, for messages (e.g. "--out")
   * @throws InvalidOptionException if the path cannot be used, before anything is written
   */
  public static OutputFolder open(String option, String location, String kind, Configuration hadoop) {
    OutputFolder folder = at(option, location, kind, hadoop);
    folder.checkUsable();
    return folder;
  }

  /** As {@link #open}, without the checks: for readers of a folder written earlier. */
  public static OutputFolder at(String option, String location, String kind, Configuration hadoop) {
    return resolve(option, location, kind, hadoop, false);
  }

  /**
   * A long-lived folder whose files are written by their own atomic operations (a retraining
   * root): created with a manifest that names its kind, and refused, like {@link #open}, when
   * something else is there. A non-empty folder without a manifest is accepted, and claimed, only
   * when {@code ownedWithoutManifest} says it holds what this job wrote before manifests existed.
   *
   * @throws InvalidOptionException if the path cannot be used or holds something else
   */
  public static OutputFolder claimContainer(String option, String location, String kind, Configuration hadoop,
      java.util.function.Predicate<Set<String>> ownedWithoutManifest) throws IOException {
    OutputFolder folder = checkContainer(option, location, kind, hadoop, ownedWithoutManifest);
    if (folder.readManifest().isEmpty()) {
      folder.fs.mkdirs(folder.dir);
      folder.writeManifest(Manifest.of(kind, List.of()));
    }
    return folder;
  }

  /**
   * The checks of {@link #claimContainer} without creating anything, so a run can refuse a
   * location before it starts and create it only when it first writes there.
   *
   * @throws InvalidOptionException if the path cannot be used or holds something else
   */
  public static OutputFolder checkContainer(String option, String location, String kind, Configuration hadoop,
      java.util.function.Predicate<Set<String>> ownedWithoutManifest) throws IOException {
    OutputFolder folder = resolve(option, location, kind, hadoop, true);
    folder.checkUsable();
    if (folder.readManifest().isEmpty()) {
      Set<String> names = new TreeSet<>();
      if (folder.fs.exists(folder.dir)) {
        folder.listOwnContent().forEach(st -> names.add(st.getPath().getName()));
      }
      if (!names.isEmpty() && !ownedWithoutManifest.test(names)) {
        throw folder.refuse("holds files this job did not write (no " + MANIFEST + "); move them away or choose "
            + "another " + option);
      }
    }
    return folder;
  }

  private static OutputFolder resolve(String option, String location, String kind, Configuration hadoop,
      boolean container) {
    try {
      Path p = new Path(location);
      FileSystem f = FileSystems.open(p, hadoop);
      // plain files, without a hidden .crc beside each, as on HDFS or S3
      FileSystem raw = f instanceof LocalFileSystem local ? local.getRawFileSystem() : f;
      return new OutputFolder(hadoop, raw, raw.makeQualified(p), option, kind, container);
    } catch (IllegalArgumentException | UnsupportedFileSystemException e) {
      throw new InvalidOptionException(option, location, "is not a usable path (" + Messages.firstLine(e) + ")");
    } catch (IOException e) {
      throw new InvalidOptionException(option, location, "cannot be reached (" + Messages.firstLine(e) + ")");
    }
  }

  public Path path() {
    return dir;
  }

  public Path file(String name) {
    return new Path(dir, name);
  }

  public FileSystem fileSystem() {
    return fs;
  }

  Configuration hadoop() {
    return hadoop;
  }

  String kind() {
    return kind;
  }

  void heldBy(OutputLock lock) {
    this.lock = lock;
  }

  @Override
  public String toString() {
    return dir.toString();
  }

  /**
   * Checks, before any work, that outputs can be written here: the parent folder exists and is
   * writable, and the folder is absent, empty, or an earlier output of this job of the same kind.
   *
   * @throws InvalidOptionException naming the option, the path and what is wrong
   */
  public void checkUsable() {
    try {
      Path parent = dir.getParent();
      if (parent == null) {
        throw refuse("is the root of its file system; choose a folder below it");
      }
      if (!fs.exists(parent)) {
        throw refuse("cannot be created: its parent folder " + parent + " does not exist");
      }
      if (!fs.getFileStatus(parent).isDirectory()) {
        throw refuse("cannot be created: its parent " + parent + " is a file");
      }
      recognise();
      probeWritable(parent);
    } catch (IOException e) {
      throw refuse("cannot be checked (" + Messages.firstLine(e) + ")");
    }
  }

  /** Writes the files of one output. */
  @FunctionalInterface
  public interface Contents {
    void writeTo(Staging staging) throws IOException;
  }

  /** The hidden folder a {@link #replace} writes into before it takes the output's place. */
  public final class Staging {
    private final Path tmp;

    private Staging(Path tmp) {
      this.tmp = tmp;
    }

    /** A new file {@code name} in the staged output; the caller closes it. */
    public OutputStream create(String name) throws IOException {
      return newFile(new Path(tmp, checkedName(name)));
    }

    public void write(String name, byte[] content) throws IOException {
      try (OutputStream o = create(name)) {
        o.write(content);
      }
    }

    /** Copies a file built on local disk (a zip, a chart) into the staged output. */
    public void copy(String name, File local) throws IOException {
      try (InputStream in = java.nio.file.Files.newInputStream(local.toPath()); OutputStream o = create(name)) {
        in.transferTo(o);
      }
    }
  }

  /**
   * Writes a whole new output and puts it in place of the old one, all or nothing: if the new
   * output cannot be completed, the old one stays; if the swap fails halfway, the old one is moved
   * back, and if even that fails the message names where both are. The old one is deleted only if
   * it still holds exactly what was checked; otherwise it is kept in NAME.kept-TIME.
   *
   * @throws InvalidOptionException if the folder became something this job did not write
   * @throws IOException naming the folder, if writing or the swap fails
   */
  public void replace(Contents contents) throws IOException {
    Optional<Manifest> previous = recognise();
    Path tmp = sibling("tmp");
    try {
      fs.mkdirs(tmp);
      contents.writeTo(new Staging(tmp));
      writeJson(new Path(tmp, MANIFEST), Manifest.of(kind, describe(tmp)));
      checkLock();
    } catch (IOException | RuntimeException e) {
      fs.delete(tmp, true);
      throw new IOException(dir + ": could not write the outputs (" + Messages.firstLine(e) + "); nothing was changed", e);
    }
    swapIn(tmp, previous);
  }

  /**
   * Writes {@code name} in the folder (created with a manifest when absent), replacing an older
   * version of it atomically. While the file is renamed into place the manifest accepts both its
   * old and its new content, so a crash at any point leaves a folder that is still recognised.
   */
  public void update(String name, byte[] content) throws IOException {
    Manifest manifest = recognise().orElse(null);
    Path target = new Path(dir, checkedName(name));
    Path tmp = null;
    try {
      if (manifest == null) {
        fs.mkdirs(dir);
        manifest = Manifest.of(kind, List.of());
        writeManifest(manifest);
      }
      tmp = files.stage(target, content);
      Manifest.Entry entry = new Manifest.Entry(name, content.length, DigestUtils.sha256Hex(content));
      checkLock();
      writeManifest(manifest.adding(entry));
      files.renameOver(tmp, target);
      writeManifest(manifest.replacing(entry));
    } catch (IOException e) {
      if (tmp != null) {
        fs.delete(tmp, false);
      }
      throw new IOException(target + ": could not write (" + Messages.firstLine(e) + ")", e);
    }
  }

  /**
   * A file that is not what this job wrote there, or that no manifest vouches for: bad input rather
   * than a failure, since a person changed, replaced or copied it without its manifest.
   */
  public static final class NotAsWrittenException extends IOException {
    NotAsWrittenException(String message) {
      super(message);
    }
  }

  /**
   * Reads {@code name} after checking it against the manifest: size and SHA-256 as written.
   *
   * @throws NotAsWrittenException if the folder has no manifest, the file differs from it, or the
   *     file or the manifest is larger than any this job writes ({@link #MAX_VERIFIED_BYTES},
   *     {@link #MAX_MANIFEST_BYTES}), which is refused before it is read
   */
  public byte[] readVerified(String name) throws IOException {
    Manifest manifest = readManifest().orElseThrow(() -> new NotAsWrittenException(
        dir + " has no " + MANIFEST + " recording what was written, so " + name + " cannot be checked"));
    byte[] content = readCapped(new Path(dir, name), MAX_VERIFIED_BYTES, name)
        .orElseThrow(() -> new FileNotFoundException("File " + new Path(dir, name) + " does not exist"));
    String sha = DigestUtils.sha256Hex(content);
    if (manifest.files().stream().noneMatch(e -> e.name().equals(name) && e.sha256().equals(sha))) {
      throw new NotAsWrittenException(new Path(dir, name) + " is not what was written there (SHA-256 " + sha
          + " is not the one in " + MANIFEST + "); refusing to use it");
    }
    return content;
  }

  /**
   * Reads {@code name}, or empty when it does not exist.
   *
   * @throws NotAsWrittenException if it is larger than {@link #MAX_VERIFIED_BYTES}, unread
   */
  public Optional<byte[]> read(String name) throws IOException {
    return readCapped(new Path(dir, name), MAX_VERIFIED_BYTES, name);
  }

  /**
   * The content of {@code file}, or empty when it does not exist; refused, without reading it,
   * when it is longer than {@code max} bytes, and without reading past {@code max + 1} when it
   * grows while being read.
   *
   * @param what what the file is, for the refusal ("manifest")
   * @throws NotAsWrittenException if it holds more than {@code max} bytes
   */
  private Optional<byte[]> readCapped(Path file, long max, String what) throws IOException {
    try {
      long length = fs.getFileStatus(file).getLen();
      if (length > max) {
        throw tooLarge(file, length + " bytes", max, what);
      }
      try (InputStream in = fs.open(file)) {
        byte[] content = in.readNBytes((int) max + 1);
        if (content.length > max) { // it grew since its length was taken
          throw tooLarge(file, "over " + max + " bytes", max, what);
        }
        return Optional.of(content);
      }
    } catch (FileNotFoundException e) {
      return Optional.empty();
    }
  }

  private static NotAsWrittenException tooLarge(Path file, String size, long max, String what) {
    return new NotAsWrittenException(file + " is " + size + ", more than the " + max + " bytes of any " + what
        + " this job writes; refusing to read it");
  }

  /**
   * Deletes this folder, but only if it is an output of this job that still matches its manifest.
   *
   * @return false if it was not deleted because it is not recognisably ours (or is gone)
   */
  public boolean deleteIfOurs() throws IOException {
    try {
      if (recognise().isEmpty()) {
        return false;
      }
    } catch (InvalidOptionException e) {
      return false;
    }
    return fs.delete(dir, true);
  }

  /**
   * The folder's manifest when it is an output of this job of the same kind; empty when the
   * folder does not exist or is empty.
   *
   * @throws InvalidOptionException if something else is there
   */
  Optional<Manifest> recognise() throws IOException {
    FileStatus status;
    try {
      status = fs.getFileStatus(dir);
    } catch (FileNotFoundException e) {
      return Optional.empty();
    }
    if (!status.isDirectory()) {
      throw refuse("is a file; this job writes a folder there and never replaces what it did not write");
    }
    List<FileStatus> content = listOwnContent();
    Optional<Manifest> manifest = readManifest();
    if (content.isEmpty() || container && manifest.isEmpty()) {
      // a container without a manifest is judged by claimContainer
      return Optional.empty();
    }
    if (manifest.isEmpty()) {
      throw refuse("holds files this job did not write (no " + MANIFEST + "); move them away or choose another "
          + option);
    }
    if (!kind.equals(manifest.get().kind())) {
      throw refuse("holds a '" + manifest.get().kind() + "' output, not a '" + kind + "' one; choose another "
          + option);
    }
    String mismatch = container ? null : mismatch(manifest.get(), content);
    if (mismatch != null) {
      throw refuse(mismatch + " since this job wrote it; move the folder away or choose another " + option);
    }
    return manifest;
  }

  /** What differs between the folder's files and its manifest, or null if nothing. */
  private String mismatch(Manifest manifest, List<FileStatus> content) throws IOException {
    Set<String> listed = new TreeSet<>();
    manifest.files().forEach(e -> listed.add(e.name()));
    for (FileStatus s : content) {
      String name = s.getPath().getName();
      if (name.equals(MANIFEST)) {
        continue;
      }
      if (!s.isFile() || !listed.remove(name)) {
        return name + " was added";
      }
      if (!matchesAnEntry(manifest, name, s)) {
        return name + " was changed";
      }
    }
    return listed.isEmpty() ? null : String.join(", ", listed) + " went missing";
  }

  private boolean matchesAnEntry(Manifest manifest, String name, FileStatus file) throws IOException {
    if (manifest.files().stream().noneMatch(e -> e.name().equals(name) && e.size() == file.getLen())) {
      return false;
    }
    String sha;
    try (InputStream in = fs.open(file.getPath())) {
      sha = DigestUtils.sha256Hex(in);
    }
    return manifest.files().stream().anyMatch(e -> e.name().equals(name) && e.sha256().equals(sha));
  }

  /**
   * The folder's entries, without the temporary files an interrupted {@link #update} leaves; they
   * are left alone (a concurrent writer may be using one) and go with the folder when it is replaced.
   */
  private List<FileStatus> listOwnContent() throws IOException {
    List<FileStatus> content = new ArrayList<>();
    for (FileStatus s : fs.listStatus(dir)) {
      if (!Temporaries.isTemporary(s.getPath().getName())) {
        content.add(s);
      }
    }
    return content;
  }

  private Optional<Manifest> readManifest() throws IOException {
    Optional<byte[]> bytes = readCapped(new Path(dir, MANIFEST), MAX_MANIFEST_BYTES, MANIFEST);
    if (bytes.isEmpty()) {
      return Optional.empty();
    }
    try {
      Manifest m = Json.MAPPER.readValue(bytes.get(), Manifest.class);
      return m.files() == null || m.kind() == null ? Optional.empty() : Optional.of(m);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private List<Manifest.Entry> describe(Path folder) throws IOException {
    List<Manifest.Entry> entries = new ArrayList<>();
    for (FileStatus s : fs.listStatus(folder)) {
      try (InputStream in = fs.open(s.getPath())) {
        entries.add(new Manifest.Entry(s.getPath().getName(), s.getLen(), DigestUtils.sha256Hex(in)));
      }
    }
    entries.sort(Comparator.comparing(Manifest.Entry::name));
    return entries;
  }

  /**
   * Moves the staged {@code ready} folder to the output's place, keeping the old one until it is
   * there; {@code previous} is what the old one held when it was checked.
   */
  private void swapIn(Path ready, Optional<Manifest> previous) throws IOException {
    if (!fs.exists(dir)) {
      rename(ready, dir, "the new outputs are in " + ready);
      return;
    }
    Path old = sibling("old");
    rename(dir, old, "the new outputs are in " + ready + "; the previous ones are still in place");
    try {
      rename(ready, dir, null);
    } catch (IOException e) {
      try {
        rename(old, dir, null);
      } catch (IOException back) {
        throw new IOException(dir + ": could not put the new outputs in place (" + Messages.firstLine(e)
            + ") nor move the previous ones back (" + Messages.firstLine(back) + "): the previous outputs are in " + old
            + ", the new ones in " + ready, e);
      }
      throw new IOException(dir + ": could not put the new outputs in place (" + Messages.firstLine(e)
          + "); the previous outputs are back in place and the new ones are in " + ready, e);
    }
    discard(old, previous.orElse(Manifest.of(kind, List.of())));
  }

  /**
   * Deletes the previous outputs, moved aside to {@code old}, if they are still exactly what was
   * checked; a file added or changed there since (no longer moved with the folder once it is aside)
   * is someone else's, so then the folder is kept, beside the new one, and the log says where.
   */
  private void discard(Path old, Manifest checked) throws IOException {
    String changed = mismatch(checked, List.of(fs.listStatus(old)));
    if (changed == null) {
      fs.delete(old, true);
      return;
    }
    Path kept = new Path(dir.getParent(), dir.getName() + ".kept-" + Instant.now().toString().replace(":", ""));
    rename(old, kept, "the previous outputs are in " + old);
    log.warn("{}: kept the previous outputs in {}: {} after they were checked", dir, kept, changed);
  }

  private void rename(Path from, Path to, String whereThingsAre) throws IOException {
    boolean done;
    try {
      done = fs.rename(from, to);
    } catch (IOException e) {
      throw new IOException("rename " + from + " -> " + to + " failed (" + Messages.firstLine(e) + ")"
          + (whereThingsAre == null ? "" : "; " + whereThingsAre), e);
    }
    if (!done) {
      throw new IOException("rename " + from + " -> " + to + " failed" + (whereThingsAre == null ? "" : "; " + whereThingsAre));
    }
  }

  private void writeManifest(Manifest manifest) throws IOException {
    files.replace(new Path(dir, MANIFEST), Json.MAPPER.writeValueAsBytes(manifest));
  }

  private void writeJson(Path file, Object value) throws IOException {
    try (OutputStream o = newFile(file)) {
      Json.MAPPER.writeValue(o, value);
    }
  }

  /** Creates {@code file}, which must not exist; a write that fails, a full disk included, is an IOException. */
  private OutputStream newFile(Path file) throws IOException {
    return new FsErrorStream(fs.create(file, false));
  }

  /** Creates and deletes a hidden file in {@code parent}: the only check of write access every file system answers. */
  private void probeWritable(Path parent) throws IOException {
    Path probe = sibling("probe");
    try {
      fs.create(probe, false).close();
    } catch (IOException e) {
      throw refuse("cannot be written: creating a file in " + parent + " failed (" + Messages.firstLine(e) + ")");
    }
    fs.delete(probe, false);
  }

  /** A hidden sibling of the folder that no other writer uses. */
  private Path sibling(String what) {
    return files.temporary(dir, what);
  }

  private static String checkedName(String name) {
    if (name.equals(MANIFEST) || name.contains("/") || name.startsWith(".")) {
      throw new IllegalArgumentException("not an output file name: " + name);
    }
    return name;
  }

  private void checkLock() throws IOException {
    if (lock != null) {
      lock.checkHeld();
    }
  }

  InvalidOptionException refuse(String problem) {
    return new InvalidOptionException(option, dir.toString(), problem);
  }
}
