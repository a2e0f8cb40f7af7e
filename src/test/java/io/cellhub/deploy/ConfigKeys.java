package io.cellhub.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.cellhub.CellHubConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.ConfigMappings;
import io.smallrye.config.ConfigMappings.ConfigClass;
import io.smallrye.reactive.messaging.annotations.ConnectorAttribute;

import io.cellhub.channel.CellHubMqttConnector;

/**
 * The configuration keys CellHub reads, and which environment variable names set them. Collected
 * from what the build actually has, never from a hand-written list:
 * <ul>
 * <li>every key in {@code application.properties} (profile prefixes dropped);</li>
 * <li>every property of CellHub's {@code @ConfigMapping} interfaces;</li>
 * <li>every property of the Quarkus config roots on the classpath (each Quarkus runtime jar lists them
 * in {@code META-INF/quarkus-config-roots.list}), e.g. {@code quarkus.datasource.jdbc.url};</li>
 * <li>the attributes CellHub's MQTT connector declares ({@code @ConnectorAttribute}), under
 * {@code mp.messaging.connector.cellhub-mqtt.}, {@code mp.messaging.incoming.<channel>.} and
 * {@code mp.messaging.outgoing.<channel>.};</li>
 * <li>the SmallRye MQTT connector's keys that {@code LegacyMqttKeys} still reads.</li>
 * </ul>
 * A key turns into an environment variable the way SmallRye Config reads it back: upper case, every
 * other character than a letter or digit an underscore; a map key or list index ({@code *}) stands
 * for any name.
 */
final class ConfigKeys {

    static final Path APPLICATION_PROPERTIES = Path.of("src/main/resources/application.properties");
    private static final Pattern PROFILE = Pattern.compile("^%[^.]+\\.");

    private final Set<String> keys;
    private final List<Pattern> envNames;

    private ConfigKeys(Set<String> keys) {
        this.keys = Collections.unmodifiableSet(keys);
        this.envNames = keys.stream().map(ConfigKeys::envNamePattern).toList();
    }

    static ConfigKeys ofCellHub() {
        Set<String> keys = new TreeSet<>();
        keys.addAll(applicationProperties().stringPropertyNames().stream()
                .map(k -> PROFILE.matcher(k).replaceFirst("")).toList());
        cellHubMappings().forEach(type -> keys.addAll(mappingKeys(type)));
        quarkusConfigRoots().forEach(type -> keys.addAll(mappingKeys(type)));
        keys.addAll(connectorKeys());
        return new ConfigKeys(keys);
    }

    /** Whether setting this environment variable sets one of the keys. */
    boolean accepts(String envName) {
        return envNames.stream().anyMatch(p -> p.matcher(envName).matches());
    }

    Set<String> keys() {
        return keys;
    }

    static Properties applicationProperties() {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(APPLICATION_PROPERTIES)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    static Pattern envNamePattern(String key) {
        StringBuilder regex = new StringBuilder();
        for (char c : key.toCharArray()) {
            if (c == '*') {
                regex.append("[A-Z0-9_]+");
            } else if (Character.isLetterOrDigit(c)) {
                regex.append(Character.toUpperCase(c));
            } else {
                regex.append('_');
            }
        }
        return Pattern.compile(regex.toString());
    }

    /**
     * Every key of CellHub's own {@code @ConfigMapping}s, a map key as {@code *}, with its
     * default: the value {@code application.properties} gives it outside any profile, else the mapping's
     * {@code @WithDefault}, else null.
     */
    static Map<String, String> cellHubKeysWithDefaults() {
        Properties properties = applicationProperties();
        Map<String, String> defaults = new TreeMap<>();
        for (Class<?> type : cellHubMappings()) {
            ConfigMapping mapping = type.getAnnotation(ConfigMapping.class);
            ConfigMappings.getProperties(ConfigClass.configClass(type, mapping.prefix())).forEach((name, property) -> {
                // A list is one key, also settable per element as key[0], key[1]...
                String key = name.replace("[*]", "");
                String fromMapping = property.hasDefaultValue() ? property.getDefaultValue() : null;
                String value = properties.getProperty(key, fromMapping);
                if (value != null || !defaults.containsKey(key)) {
                    defaults.put(key, value);
                }
            });
        }
        return defaults;
    }

    private static Set<String> mappingKeys(Class<?> type) {
        ConfigMapping mapping = type.getAnnotation(ConfigMapping.class);
        if (mapping == null) {
            return Set.of();
        }
        return ConfigMappings.getProperties(ConfigClass.configClass(type, mapping.prefix())).keySet();
    }

    /** CellHub's {@code @ConfigMapping} interfaces, found among its compiled classes. */
    static List<Class<?>> cellHubMappings() {
        Path classes;
        try {
            classes = Path.of(CellHubConfig.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        List<Class<?>> mappings = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString().replace(file.getFileSystem().getSeparator(), ".")
                        .replaceAll("\\.class$", "");
                Class<?> type = load(name);
                if (type.isAnnotationPresent(ConfigMapping.class)) {
                    mappings.add(type);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return mappings;
    }

    private static List<Class<?>> quarkusConfigRoots() {
        List<Class<?>> roots = new ArrayList<>();
        for (String list : resources("META-INF/quarkus-config-roots.list")) {
            list.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).map(ConfigKeys::load)
                    .forEach(roots::add);
        }
        return roots;
    }

    private static Set<String> connectorKeys() {
        Set<String> keys = new TreeSet<>();
        keys.add("mp.messaging.incoming.*.connector");
        keys.add("mp.messaging.outgoing.*.connector");
        for (ConnectorAttribute attribute : CellHubMqttConnector.class.getAnnotationsByType(ConnectorAttribute.class)) {
            keys.add("mp.messaging.connector." + CellHubMqttConnector.NAME + "." + attribute.name());
            if (attribute.direction() != ConnectorAttribute.Direction.OUTGOING) {
                keys.add("mp.messaging.incoming.*." + attribute.name());
            }
            if (attribute.direction() != ConnectorAttribute.Direction.INCOMING) {
                keys.add("mp.messaging.outgoing.*." + attribute.name());
            }
        }
        for (String suffix : List.of("host", "port", "username", "password", "ssl", "ssl.truststore.type",
                "ssl.truststore.location", "ssl.truststore.password", "ssl.hostname-verification-algorithm",
                "reconnect-interval-seconds")) {
            keys.add("mp.messaging.connector.smallrye-mqtt." + suffix);
        }
        return keys;
    }

    private static List<String> resources(String name) {
        List<String> contents = new ArrayList<>();
        try {
            Enumeration<URL> urls = ConfigKeys.class.getClassLoader().getResources(name);
            while (urls.hasMoreElements()) {
                try (InputStream in = urls.nextElement().openStream()) {
                    contents.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return contents;
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, ConfigKeys.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("Listed but not loadable: " + name, e);
        }
    }
}
