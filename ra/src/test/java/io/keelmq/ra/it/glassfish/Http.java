package io.keelmq.ra.it.glassfish;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET and POST requests to the test applications, each bounded. */
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

    /** The body of a 2xx answer to a POST of {@code text} (text/plain); another status fails the test. */
    static String postText(URL base, String path, String text) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(root(base) + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(text)).build();
        HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        assertTrue(response.statusCode() / 100 == 2, () -> "POST " + path + " answered " + response.statusCode()
                + ": " + response.body());
        return response.body();
    }

    static HttpResponse<String> send(URL base, String pathAndQuery) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(root(base) + pathAndQuery))
                .timeout(Duration.ofSeconds(60)).GET().build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String root(URL base) {
        return base.toExternalForm().endsWith("/") ? base.toExternalForm() : base.toExternalForm() + "/";
    }
}
