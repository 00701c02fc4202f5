package org.mnistspark.lock;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.commons.codec.digest.DigestUtils;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.StreamCapabilities;

/**
 * The few operations on small files that locks and pointers need, each atomic where it matters,
 * on the local file system and on HDFS alike. Small files are written to a hidden temporary
 * sibling, flushed to disk, and renamed into place (so a power loss cannot publish an empty file).
 * Hadoop's {@code FileSystem.rename} does not overwrite, so
 * replacing goes through {@code java.nio}'s atomic move on the local file system and
 * {@code FileContext.rename(OVERWRITE)} elsewhere (atomic on HDFS); a reader sees the old file or
 * the new one, never a half-written one.
 */
public final class AtomicFiles {
  private final Configuration hadoop;
  private final FileSystem fs;
  private final boolean local;

  /** {@code fs} as the caller opened it; a checksummed local one should be unwrapped to its raw file system first. */
  public AtomicFiles(Configuration hadoop, FileSystem fs) {
    this.hadoop = hadoop;
    this.fs = fs;
    this.local = fs instanceof RawLocalFileSystem;
  }

  /** Returns the text of {@code file}, or empty if it does not exist. */
  public Optional<String> read(Path file) throws IOException {
    try (InputStream in = fs.open(file)) {
      return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (FileNotFoundException e) {
      // the local file system says "not found" for a folder or a file it may not open, too (HDFS
      // has exceptions of its own for those); one deleted and created again meanwhile is no error
      java.nio.file.Path p = local ? localPath(file) : null;
      if (p != null && (Files.isDirectory(p) || Files.exists(p) && !Files.isReadable(p))) {
        throw new IOException(file + ": cannot be read (" + e.getMessage() + ")", e);
      }
      return Optional.empty();
    }
  }

  public boolean exists(Path p) throws IOException {
    return fs.exists(p);
  }

  public boolean delete(Path p, boolean recursive) throws IOException {
    return fs.delete(p, recursive);
  }

  /**
   * Creates {@code target} holding {@code content} unless it exists, atomically: the file appears
   * complete or not at all, and of two callers at most one succeeds.
   *
   * @return false if {@code target} already existed
   */
  public boolean createExclusively(Path target, String content) throws IOException {
    Path tmp = temporary(target, "new");
    try {
      // inside the try: a write cut short (a full disk) must not leave the temporary behind
      write(tmp, content.getBytes(StandardCharsets.UTF_8));
      if (local) {
        // link(2) fails if the target exists, where rename(2) would replace it
        Files.createLink(localPath(target), localPath(tmp));
      } else {
        fileContext().rename(tmp, target, Options.Rename.NONE);
      }
      syncFolder(target.getParent());
      return true;
    } catch (java.nio.file.FileAlreadyExistsException | FileAlreadyExistsException e) {
      return false;
    } finally {
      fs.delete(tmp, false);
    }
  }

  /** Replaces (or creates) {@code target} with {@code content}, atomically. */
  public void replace(Path target, String content) throws IOException {
    replace(target, content.getBytes(StandardCharsets.UTF_8));
  }

  /** Replaces (or creates) {@code target} with {@code content}, atomically. */
  public void replace(Path target, byte[] content) throws IOException {
    Path tmp = stage(target, content);
    try {
      renameOver(tmp, target);
    } catch (IOException e) {
      fs.delete(tmp, false);
      throw new IOException(target + ": could not replace (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Writes {@code content}, flushed to disk, to a new hidden temporary sibling of {@code target}
   * ({@link #temporary}) and returns it, for {@link #renameOver} to publish; the first half of
   * {@link #replace}, for a caller with work to do in between.
   */
  public Path stage(Path target, byte[] content) throws IOException {
    Path tmp = temporary(target, "tmp");
    try {
      write(tmp, content);
    } catch (IOException e) {
      // a write cut short (a full disk) must not leave the temporary behind
      fs.delete(tmp, false);
      throw e;
    }
    return tmp;
  }

  /**
   * Renames {@code from} over {@code target}, atomically: a reader sees the old file or the new one.
   * Hadoop's {@code FileSystem.rename} never overwrites, hence java.nio locally and FileContext elsewhere.
   */
  public void renameOver(Path from, Path target) throws IOException {
    if (local) {
      Files.move(localPath(from), localPath(target), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } else {
      fileContext().rename(from, target, Options.Rename.OVERWRITE);
    }
    syncFolder(target.getParent());
  }

  /**
   * Renames {@code from} to {@code to}, which must not exist.
   *
   * @return false if {@code from} does not exist (someone else moved it first)
   */
  public boolean move(Path from, Path to) throws IOException {
    try {
      if (local) {
        Files.move(localPath(from), localPath(to), StandardCopyOption.ATOMIC_MOVE);
      } else {
        fileContext().rename(from, to, Options.Rename.NONE);
      }
      return true;
    } catch (NoSuchFileException | FileNotFoundException e) {
      return false;
    }
  }

  /**
   * Removes {@code file} if it holds {@code expected}, such that of several callers that judged
   * the same content stale at most one removes it, and none removes what replaced it. The file
   * first goes to a tombstone named after its content, which only one caller can create: locally
   * a hard link (link(2) fails if the name exists), so the file is removed only after its content
   * was checked; elsewhere a rename without overwrite, put back if the content was not the
   * expected one. The caller deletes the tombstone when it is done: while it exists, a late caller
   * with the same stale view cannot move what now stands at {@code file}.
   *
   * @return the tombstone if this call removed the file; empty if it was gone, changed, or another
   *     caller is removing it
   */
  public Optional<Path> removeIfUnchanged(Path file, String expected) throws IOException {
    Path tomb = tombstone(file, expected);
    if (!(local ? linkNew(file, tomb) : renameNew(file, tomb))) {
      return Optional.empty();
    }
    if (!read(tomb).orElse("").equals(expected)) {
      if (!local) {
        // fails only if a third caller created the file in this instant; that holder finds its
        // file changed at its next check and stops
        renameNew(tomb, file);
      }
      fs.delete(tomb, false);
      return Optional.empty();
    }
    if (local) {
      fs.delete(file, false);
    }
    return Optional.of(tomb);
  }

  /** How a claim of a tombstone name starts; a tombstone proper holds the removed file's content. */
  public static final String CLAIM = "claim ";

  /**
   * Replaces {@code file} with {@code content} if it holds {@code expected}: a compare-and-swap as
   * far as the file systems allow. Only the writer of {@code expected} may call it (a lease holder
   * renewing its own record). It first claims {@code expected}'s tombstone name
   * ({@link #tombstone}) by creating it exclusively with a claim note, then checks the content and
   * renames over it. While the claim stands, {@link #removeIfUnchanged} of that content, the only
   * way anyone else removes the file, fails, and no one else writes the file while it holds
   * {@code expected} (another writer has to remove it first); so the content cannot change between
   * the check and the rename, and the swap never replaces what a taker put there. A claim that
   * finds the tombstone taken fails: someone is removing the file.
   *
   * <p>What remains: a taker that has watched a tombstone block it for a whole lease deletes it
   * (the remover stopped halfway); a caller that stalls between its claim and its rename for that
   * long, with its lease expired, may still rename over the file a taker then created. The taker's
   * next check of its own lease finds the file changed and it stops.
   *
   * @return whether {@code file} held {@code expected} and now holds {@code content}
   */
  public boolean replaceIfUnchanged(Path file, String expected, String content) throws IOException {
    return withClaim(file, expected, () -> replace(file, content));
  }

  /**
   * Deletes {@code file} if it holds {@code expected}, with the same claim as
   * {@link #replaceIfUnchanged} (and for the same callers), leaving no tombstone that could be
   * taken for a stale record.
   *
   * @return whether {@code file} held {@code expected} and is now gone
   */
  public boolean deleteIfUnchanged(Path file, String expected) throws IOException {
    return withClaim(file, expected, () -> fs.delete(file, false));
  }

  private interface FileAction {
    void run() throws IOException;
  }

  private boolean withClaim(Path file, String expected, FileAction action) throws IOException {
    Path claim = tombstone(file, expected);
    String note = CLAIM + UUID.randomUUID() + "\n";
    if (!createExclusively(claim, note)) {
      // a claim note there is the caller's own, left by a swap whose clean-up failed: only the
      // writer of this content claims it, and it does one swap at a time
      if (!read(claim).orElse("").startsWith(CLAIM) || !fs.delete(claim, false) || !createExclusively(claim, note)) {
        return false;
      }
    }
    try {
      if (!read(file).orElse("").equals(expected)) {
        return false;
      }
      action.run();
      return true;
    } finally {
      fs.delete(claim, false);
    }
  }

  /** The tombstone {@link #removeIfUnchanged} uses for {@code file} holding {@code content}. */
  public Path tombstone(Path file, String content) {
    return new Path(file.getParent(), "." + file.getName() + ".stale-" + DigestUtils.sha256Hex(content).substring(0, 16));
  }

  /** Returns the entries beside {@code target} named {@code .NAME.KIND-...}, as {@link #temporary} names them. */
  public List<Path> hiddenSiblings(Path target, String kind) throws IOException {
    String prefix = "." + target.getName() + "." + kind + "-";
    List<Path> found = new ArrayList<>();
    for (FileStatus s : fs.listStatus(target.getParent())) {
      if (s.getPath().getName().startsWith(prefix)) {
        found.add(s.getPath());
      }
    }
    return found;
  }

  /** A hidden sibling of {@code target} that no other writer uses, named as {@link Temporaries} says. */
  public Path temporary(Path target, String kind) {
    return new Path(target.getParent(), Temporaries.name(target.getName(), kind));
  }

  /** Links {@code to} to the file at {@code from}; false if {@code from} is gone or {@code to} exists. */
  private boolean linkNew(Path from, Path to) throws IOException {
    try {
      Files.createLink(localPath(to), localPath(from));
      return true;
    } catch (java.nio.file.FileAlreadyExistsException | NoSuchFileException e) {
      return false;
    }
  }

  /** Renames {@code from} to {@code to}; false if {@code from} is gone or {@code to} exists. */
  private boolean renameNew(Path from, Path to) throws IOException {
    try {
      fileContext().rename(from, to, Options.Rename.NONE);
      return true;
    } catch (FileAlreadyExistsException | FileNotFoundException e) {
      return false;
    }
  }

  /**
   * Creates {@code file} holding {@code content} and has it reach the disk before returning, so
   * that a rename publishing it after a power loss never shows an empty or partial file (ext4's
   * delayed allocation and XFS can leave a renamed, unflushed file zero-length). Locally the file
   * is written through a channel and forced (fsync); on HDFS hsync has the DataNodes write the
   * block to disk; a store with neither (S3A, where only close publishes) gets what it offers.
   */
  private void write(Path file, byte[] bytes) throws IOException {
    if (local) {
      try (FileChannel ch = FileChannel.open(localPath(file), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
      }
      return;
    }
    try (FSDataOutputStream o = fs.create(file, false)) {
      o.write(bytes);
      if (o.hasCapability(StreamCapabilities.HSYNC)) {
        o.hsync();
      } else if (o.hasCapability(StreamCapabilities.HFLUSH)) {
        o.hflush();
      }
    }
  }

  /**
   * Makes a rename or link in {@code dir} durable on the local file system (fsync of the folder),
   * so that after a power loss the name points at the new file. Best effort: where a folder cannot
   * be opened for this (not Linux), the rename stands and only its durability is the system's.
   */
  private void syncFolder(Path dir) {
    if (!local) {
      return; // HDFS: the NameNode logs a rename durably before it returns
    }
    try (FileChannel ch = FileChannel.open(localPath(dir), StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // nothing more to do: the rename itself succeeded
    }
  }

  private FileContext fileContext() throws IOException {
    return FileContext.getFileContext(fs.getUri(), hadoop);
  }

  private static java.nio.file.Path localPath(Path p) {
    return Paths.get(p.toUri());
  }
}
