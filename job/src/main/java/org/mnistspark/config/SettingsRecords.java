package org.mnistspark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How a settings record maps to its block of reference.conf: each component is the key of the same
 * name in kebab case ({@code trainLimit} is {@code train-limit}), of the component's type. Reading,
 * copying with one value changed, and listing as a map all go through the record's canonical
 * constructor or its accessors, so the record's own checks are the only checks and no key is
 * listed twice. Written here rather than taken from a library: Typesafe Config's bean binding
 * does not construct records (1.4.3).
 */
final class SettingsRecords {
  private SettingsRecords() {}

  /** The reference.conf key of a record component: {@code trainLimit} is {@code train-limit}. */
  static String key(String component) {
    return component.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
  }

  /** The record of type {@code type} read from {@code block}, checked by its constructor. */
  static <R extends Record> R read(Class<R> type, Config block) {
    RecordComponent[] components = type.getRecordComponents();
    Object[] values = new Object[components.length];
    for (int i = 0; i < components.length; i++) {
      values[i] = value(block, key(components[i].getName()), components[i].getType());
    }
    return construct(type, values);
  }

  /** A copy of {@code record} with {@code component} set to {@code value}, checked as a new record is. */
  static <R extends Record> R with(R record, String component, Object value) {
    @SuppressWarnings("unchecked")
    Class<R> type = (Class<R>) record.getClass();
    RecordComponent[] components = type.getRecordComponents();
    Object[] values = new Object[components.length];
    boolean found = false;
    for (int i = 0; i < components.length; i++) {
      found |= components[i].getName().equals(component);
      values[i] = components[i].getName().equals(component) ? value : get(record, components[i]);
    }
    if (!found) {
      throw new IllegalArgumentException(type.getSimpleName() + " has no component " + component);
    }
    return construct(type, values);
  }

  /** Every component under its key, in declaration order; an enum by its lower-case name. */
  static Map<String, Object> asMap(Record record) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (RecordComponent component : record.getClass().getRecordComponents()) {
      Object value = get(record, component);
      m.put(key(component.getName()), value instanceof Enum<?> e ? label(e) : value);
    }
    return m;
  }

  /** An enum constant's name in settings and outputs: {@code SINGLE_JVM} is {@code single-jvm}. */
  static String label(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * The constant of {@code type} labelled {@code name}, in any case.
   *
   * @throws IllegalArgumentException naming the labels if none is
   */
  static <E extends Enum<E>> E parse(Class<E> type, String name) {
    for (E e : type.getEnumConstants()) {
      if (label(e).equals(name.trim().toLowerCase(Locale.ROOT))) {
        return e;
      }
    }
    throw new IllegalArgumentException("'" + name + "' is not one of " + String.join(", ", labels(type)));
  }

  private static String[] labels(Class<?> type) {
    return Arrays.stream(type.getEnumConstants()).map(e -> label((Enum<?>) e)).toArray(String[]::new);
  }

  private static Object value(Config c, String key, Class<?> type) {
    try {
      if (type == int.class) {
        return c.getInt(key);
      } else if (type == long.class) {
        return c.getLong(key);
      } else if (type == double.class) {
        return c.getDouble(key);
      } else if (type == boolean.class) {
        return c.getBoolean(key);
      } else if (type == String.class) {
        return c.getString(key);
      } else if (type.isEnum()) {
        return enumValue(key, c.getString(key), type);
      }
    } catch (ConfigException.WrongType e) {
      throw new InvalidOptionException(key, c.getValue(key).unwrapped().toString(), "must be " + kind(type));
    }
    throw new IllegalStateException("no reader for " + type + " (" + key + ")");
  }

  private static Object enumValue(String key, String v, Class<?> type) {
    Object[] constants = type.getEnumConstants();
    String[] labels = labels(type);
    return constants[Arrays.asList(labels).indexOf(Validators.oneOf(key, v, labels))];
  }

  private static String kind(Class<?> type) {
    if (type == int.class || type == long.class) {
      return "a whole number";
    }
    return type == double.class ? "a number" : type == boolean.class ? "true or false" : "a string";
  }

  private static Object get(Record record, RecordComponent component) {
    try {
      return component.getAccessor().invoke(record);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("reading " + component.getName(), e);
    }
  }

  private static <R extends Record> R construct(Class<R> type, Object[] values) {
    Class<?>[] types = Arrays.stream(type.getRecordComponents()).map(RecordComponent::getType).toArray(Class<?>[]::new);
    try {
      Constructor<R> canonical = type.getDeclaredConstructor(types);
      return canonical.newInstance(values);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("constructing " + type.getSimpleName(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("constructing " + type.getSimpleName(), e);
    }
  }
}
