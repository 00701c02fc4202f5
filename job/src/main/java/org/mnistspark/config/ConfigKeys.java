package org.mnistspark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigUtil;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The keys reference.conf defines under {@code mnist}. Typesafe Config reads only the keys it is
 * asked for, so without this check a misspelt key ({@code mnist { retrain { flor = 0.99 } }}), or
 * one outside the {@code mnist} block ({@code retrain { floor = 0.99 }} at the top of a file, a
 * misspelt {@code mnsit { ... }}), would run silently with the default value.
 */
final class ConfigKeys {
  private final Set<String> known;

  /** @param reference the {@code mnist} block of reference.conf */
  ConfigKeys(Config reference) {
    this.known = leaves(reference);
  }

  /**
   * Rejects the first key of {@code mnist} (resolved, with the reference underneath) that the
   * reference does not define, naming where it came from and the known key it most resembles.
   *
   * @param overrides keys set by options rather than by the file, as in reference.conf
   * @param file the configuration file as the user named it, or null
   * @throws InvalidOptionException for an unknown key
   */
  void check(Config mnist, Map<String, Object> overrides, String file) {
    for (String key : leaves(mnist)) {
      if (!known.contains(key)) {
        String source = overrides.containsKey(key) || file == null ? "options" : file;
        throw InvalidOptionException.unknownKey(source, qualified(key), qualified(closest(key)));
      }
    }
  }

  /**
   * Rejects the first top-level key of a configuration file other than {@code mnist}: the job
   * reads nothing else, so any other is a setting that would be ignored. Suggests
   * {@code mnist.KEY} when KEY is a known block or key, {@code mnist} when KEY looks like a
   * misspelling of it.
   *
   * @param file the file as parsed, before anything is merged into it
   * @param path the file as the user named it
   * @throws InvalidOptionException for a top-level key other than {@code mnist}
   */
  void checkTopLevel(Config file, String path) {
    for (String key : new TreeSet<>(file.root().keySet())) {
      if (!key.equals(Settings.ROOT)) {
        throw InvalidOptionException.outsideRoot(path, key, outsideRootMeant(key));
      }
    }
  }

  /**
   * What a top-level {@code key} was likely meant as: {@code mnist.KEY} for a known block or key,
   * the known key of that name in a block ({@code mnist.retrain.floor} for {@code floor}),
   * {@code mnist} for a misspelling of it, else null.
   */
  String outsideRootMeant(String key) {
    if (known.stream().anyMatch(k -> k.equals(key) || k.startsWith(key + "."))) {
      return qualified(key);
    }
    if (known.stream().anyMatch(k -> last(k).equals(key))) {
      return qualified(closest(key));
    }
    return editDistance(key.toLowerCase(Locale.ROOT), Settings.ROOT) <= 2 ? Settings.ROOT : null;
  }

  /**
   * The known key a user most likely meant: one with the same last name in another block
   * ({@code mnist.floor} for {@code mnist.retrain.floor}), else the fewest edits away.
   */
  String closest(String key) {
    String last = last(key);
    return known.stream()
        .min(Comparator.comparing((String k) -> !last(k).equals(last)).thenComparing(k -> editDistance(k, key))
            .thenComparing(Comparator.naturalOrder()))
        .orElseThrow();
  }

  private static Set<String> leaves(Config c) {
    return c.entrySet().stream().map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new));
  }

  private static String last(String path) {
    List<String> parts = ConfigUtil.splitPath(path);
    return parts.get(parts.size() - 1);
  }

  private static String qualified(String key) {
    return Settings.ROOT + "." + key;
  }

  /**
   * Levenshtein distance: insertions, deletions and substitutions. Hand-written because it is a
   * dozen lines; commons-text has it but reaches this job only as a provided dependency of Spark.
   */
  static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
