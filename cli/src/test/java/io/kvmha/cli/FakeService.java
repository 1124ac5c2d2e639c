package io.kvmha.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A scripted stand-in for a kvm-ha service on 127.0.0.1: each "METHOD path?query" answers its queued responses
 * in order, repeating the last one. Records the requests it got (bodies, X-Operator and Authorization headers).
 */
final class FakeService implements AutoCloseable {

    record Response(int status, String body) {
    }

    record Request(String method, String pathAndQuery, String body, String operator, String authorization) {
    }

    private final HttpServer server;
    private final Map<String, Deque<Response>> script = new LinkedHashMap<>();
    private final List<Request> requests = new ArrayList<>();

    FakeService() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String target = exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Response response;
            synchronized (this) {
                requests.add(new Request(exchange.getRequestMethod(), target, body,
                        exchange.getRequestHeaders().getFirst("X-Operator"),
                        exchange.getRequestHeaders().getFirst("Authorization")));
                Deque<Response> queued = script.get(exchange.getRequestMethod() + " " + target);
                if (queued == null) {
                    response = new Response(404, "{\"title\":\"Not Found\",\"detail\":\"no such thing: " + target + "\"}");
                } else {
                    response = queued.size() > 1 ? queued.poll() : queued.peek();
                }
            }
            byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type",
                    response.status() >= 400 ? "application/problem+json" : "application/json");
            exchange.sendResponseHeaders(response.status(), response.status() == 204 ? -1 : bytes.length);
            if (response.status() != 204) {
                exchange.getResponseBody().write(bytes);
            }
            exchange.close();
        });
        server.start();
    }

    /** Queues answers for "METHOD /path?query" (the last one repeats). */
    synchronized FakeService on(String request, int status, String... bodies) {
        Deque<Response> queued = script.computeIfAbsent(request, k -> new ArrayDeque<>());
        for (String body : bodies) {
            queued.add(new Response(status, body.replace('\'', '"')));
        }
        return this;
    }

    synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
