package dev.muster.agent.migrate;

import java.util.regex.Pattern;

/** A Flyway version as its migration files name it ({@code 1_2} is {@code 1.2}); not Flyway's "latest" or "current". */
public final class MigrationVersion {

    private static final Pattern VERSION = Pattern.compile("[0-9]+([._][0-9]+)*");

    private MigrationVersion() {}

    /**
     * The version {@code value} names, with dots.
     *
     * @throws IllegalArgumentException, saying what a version looks like, if it names none
     */
    public static String parse(String value) {
        if (!VERSION.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    "'" + value + "' is not a migration version: use digits and dots, e.g. 20200424183342");
        }
        return value.replace('_', '.');
    }
}
