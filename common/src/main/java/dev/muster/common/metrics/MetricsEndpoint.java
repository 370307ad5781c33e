package dev.muster.common.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.muster.common.config.MetricsConfig;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A process's metrics: a Prometheus registry with JVM and process metrics, served at
 * {@code GET /metrics} in the Prometheus text format once {@link #serve} is given a port.
 * Closing it stops the server and its thread.
 */
public final class MetricsEndpoint implements AutoCloseable {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics gc;
    private HttpServer server;
    private ExecutorService thread;

    /** A registry with JVM and process metrics, and {@code tags} on every metric; not served yet. */
    public MetricsEndpoint(List<Tag> tags) {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config()
                .commonTags(tags)
                // names 'promtool check metrics' objects to: an abbreviated unit, and _count on a gauge
                .meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"))
                .meterFilter(new MeterFilter() {
                    @Override
                    public Meter.Id map(Meter.Id id) {
                        return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
                    }
                });
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        gc = new JvmGcMetrics();
        gc.bindTo(registry);
    }

    /**
     * Serves {@code GET /metrics} on {@code config}'s port; without a configuration, nothing is served.
     *
     * @throws IOException when the port cannot be listened on
     */
    public synchronized void serve(Optional<MetricsConfig> config) throws IOException {
        if (config.isEmpty() || server != null) {
            return;
        }
        try {
            server = HttpServer.create(new InetSocketAddress(config.get().port()), 0);
        } catch (IOException e) {
            throw new IOException("cannot serve metrics on port " + config.get().port() + ": " + e.getMessage(), e);
        }
        thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread metrics = new Thread(runnable, "muster-metrics");
            metrics.setDaemon(true);
            return metrics;
        });
        server.setExecutor(thread);
        server.createContext("/metrics", exchange -> scrape(registry, exchange));
        server.start();
    }

    private static void scrape(PrometheusMeterRegistry registry, HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET")
                    && !exchange.getRequestMethod().equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            if (exchange.getRequestMethod().equals("HEAD")) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The port metrics are served on, if they are served. */
    public synchronized Optional<Integer> port() {
        return Optional.ofNullable(server).map(s -> s.getAddress().getPort());
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            thread.shutdownNow();
            try {
                thread.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        gc.close();
        registry.close();
    }
}
