package io.keelmq.ra.it.wildfly;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.IntPredicate;

/** HTTP calls into a deployment (the tests run as clients), each bounded. */
final class ItClient {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URL base;

    ItClient(URL base) {
        this.base = base;
    }

    String get(String path, Map<String, String> query) throws IOException, InterruptedException {
        return call(HttpRequest.newBuilder(uri(path, query)).GET());
    }

    String post(String path, Map<String, String> query) throws IOException, InterruptedException {
        return call(HttpRequest.newBuilder(uri(path, query)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    String postText(String path, String body) throws IOException, InterruptedException {
        return call(HttpRequest.newBuilder(uri(path, Map.of())).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    int getInt(String path, Map<String, String> query) throws IOException, InterruptedException {
        return Integer.parseInt(get(path, query).trim());
    }

    /** Polls {@code path} until its number satisfies {@code done} or {@code seconds} pass; returns the last value. */
    int awaitInt(String path, Map<String, String> query, IntPredicate done, int seconds)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        int value = getInt(path, query);
        while (!done.test(value) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            value = getInt(path, query);
        }
        return value;
    }

    private URI uri(String path, Map<String, String> query) {
        StringJoiner parameters = new StringJoiner("&", "?", "").setEmptyValue("");
        query.forEach((k, v) -> parameters.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return URI.create(base.toString().replaceAll("/$", "") + path + parameters);
    }

    private static String call(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException(request.build().uri() + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return response.body();
    }
}
