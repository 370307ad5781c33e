package dev.muster.common.config;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * One mapping of a YAML configuration file, read key by key into typed values. Every
 * error names the file and the full dotted key, and unknown keys are refused so that a
 * misspelt key never silently falls back to a default.
 */
public final class ConfigSection {

    private final ConfigFile file;
    private final String prefix;
    private final Map<String, Object> values;

    private ConfigSection(ConfigFile file, String prefix, Map<String, Object> values) {
        this.file = file;
        this.prefix = prefix;
        this.values = values;
    }

    static ConfigSection root(ConfigFile file, Object document) {
        return new ConfigSection(file, "", asMapping(file, "", document));
    }

    public ConfigFile file() {
        return file;
    }

    /** The dotted path of {@code key} inside this section, as errors print it. */
    public String keyPath(String key) {
        return prefix.isEmpty() ? key : prefix + "." + key;
    }

    public ConfigException error(String key, String problem) {
        return new ConfigException(file.path(), keyPath(key), problem);
    }

    public boolean has(String key) {
        return values.get(key) != null;
    }

    public String string(String key) {
        return optionalString(key).orElseThrow(() -> missing(key));
    }

    public Optional<String> optionalString(String key) {
        Object value = values.get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof String text) {
            if (text.isBlank()) {
                throw error(key, "must not be empty");
            }
            return Optional.of(text);
        }
        if (value instanceof Number || value instanceof Boolean) {
            return Optional.of(value.toString());
        }
        throw error(key, "must be a string, not " + describe(value));
    }

    /** The file named under {@code key}, taken from this file's directory when relative; this user must be able to read it. */
    public Path readableFile(String key) {
        return optionalReadableFile(key).orElseThrow(() -> missing(key));
    }

    public Optional<Path> optionalReadableFile(String key) {
        return optionalString(key).map(written -> {
            Path path = file.resolve(written);
            if (!Files.isReadable(path)) {
                throw error(key, "cannot read " + path + " (missing, or not readable by this user)");
            }
            return path;
        });
    }

    public int integer(String key, int min, int max) {
        return optionalInteger(key, min, max).orElseThrow(() -> missing(key));
    }

    public Optional<Integer> optionalInteger(String key, int min, int max) {
        Object value = values.get(key);
        if (value == null) {
            return Optional.empty();
        }
        return Optional.of(toInteger(keyPath(key), value, min, max));
    }

    public List<Integer> integers(String key, int min, int max) {
        List<Integer> result = new ArrayList<>();
        List<?> items = list(key);
        for (int i = 0; i < items.size(); i++) {
            result.add(toInteger(keyPath(key) + "[" + i + "]", items.get(i), min, max));
        }
        return List.copyOf(result);
    }

    public List<String> strings(String key) {
        List<String> result = new ArrayList<>();
        List<?> items = list(key);
        for (int i = 0; i < items.size(); i++) {
            Object item = items.get(i);
            if (!(item instanceof String text) || text.isBlank()) {
                throw new ConfigException(
                        file.path(), keyPath(key) + "[" + i + "]", "must be a non-empty string, not " + describe(item));
            }
            result.add(text);
        }
        return List.copyOf(result);
    }

    /** The items of a list of mappings; each is checked the same way as a section. */
    public <T> List<T> sections(String key, Function<ConfigSection, T> reader) {
        List<T> result = new ArrayList<>();
        List<?> items = list(key);
        for (int i = 0; i < items.size(); i++) {
            String path = keyPath(key) + "[" + i + "]";
            result.add(reader.apply(new ConfigSection(file, path, asMapping(file, path, items.get(i)))));
        }
        return List.copyOf(result);
    }

    public ConfigSection section(String key) {
        return optionalSection(key).orElseThrow(() -> missing(key));
    }

    public Optional<ConfigSection> optionalSection(String key) {
        Object value = values.get(key);
        if (value == null) {
            return Optional.empty();
        }
        return Optional.of(new ConfigSection(file, keyPath(key), asMapping(file, keyPath(key), value)));
    }

    /** Refuses any key of this section that is not one of {@code known}. */
    public ConfigSection allowOnly(String... known) {
        Set<String> allowed = Set.of(known);
        for (String key : values.keySet()) {
            if (!allowed.contains(key)) {
                throw error(key, "unknown key (expected one of " + new TreeSet<>(allowed) + ")");
            }
        }
        return this;
    }

    private List<?> list(String key) {
        Object value = values.get(key);
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> items) {
            return items;
        }
        throw error(key, "must be a list, not " + describe(value));
    }

    private static Map<String, Object> asMapping(ConfigFile file, String path, Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new ConfigException(file.path(), path, "must be a mapping of keys to values, not " + describe(value));
        }
        Map<String, Object> result = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            if (!(k instanceof String name)) {
                throw new ConfigException(file.path(), path, "has a key that is not a string: " + k);
            }
            result.put(name, v);
        });
        return result;
    }

    private int toInteger(String path, Object value, int min, int max) {
        if (!(value instanceof Integer || value instanceof Long || value instanceof BigInteger)) {
            throw new ConfigException(file.path(), path, "must be a whole number, not " + describe(value));
        }
        // YAML integers beyond a long arrive as BigInteger: compare exactly, never truncate.
        BigInteger n = value instanceof BigInteger big ? big : BigInteger.valueOf(((Number) value).longValue());
        if (n.compareTo(BigInteger.valueOf(min)) < 0 || n.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new ConfigException(file.path(), path, "must be between " + min + " and " + max + ", not " + n);
        }
        return n.intValueExact();
    }

    private ConfigException missing(String key) {
        return error(key, "required key is missing");
    }

    private static String describe(Object value) {
        if (value instanceof Map) {
            return "a mapping";
        }
        if (value instanceof List) {
            return "a list";
        }
        return value instanceof String ? "'" + value + "'" : String.valueOf(value);
    }
}
