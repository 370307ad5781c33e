package dev.muster.common.logging;

import org.slf4j.bridge.SLF4JBridgeHandler;

/** Logging setup shared by every muster process: gRPC and Netty log through JUL, routed to SLF4J. */
public final class Logging {

    private Logging() {}

    public static void install() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }
}
