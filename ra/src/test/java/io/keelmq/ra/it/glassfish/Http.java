package io.keelmq.ra.it.glassfish;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** GET requests to the test applications' servlets, each bounded. */
final class Http {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private Http() {
    }

    /** The body of a 200 answer to {@code base + pathAndQuery}; another status fails the test with the body. */
    static String get(URL base, String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> response = send(base, pathAndQuery);
        assertEquals(200, response.statusCode(), () -> pathAndQuery + " answered " + response.body());
        return response.body();
    }

    static HttpResponse<String> send(URL base, String pathAndQuery) throws IOException, InterruptedException {
        String root = base.toExternalForm().endsWith("/") ? base.toExternalForm() : base.toExternalForm() + "/";
        HttpRequest request = HttpRequest.newBuilder(URI.create(root + pathAndQuery))
                .timeout(Duration.ofSeconds(60)).GET().build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
