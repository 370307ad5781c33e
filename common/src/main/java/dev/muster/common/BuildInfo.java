package dev.muster.common;

/** The version of muster this process runs, as the build wrote it into the jar's manifest. */
public final class BuildInfo {

    private BuildInfo() {}

    public static String version() {
        String version = BuildInfo.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }
}
