package io.keelmq.server.consume;

import io.keelmq.server.persist.AtomicTextFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The definitions of durable subscriptions (their positions are in the store), persisted in
 * {@code <storePathRootDir>/config/subscriptions} so that after a restart the broker knows
 * each one's topic, selector and noLocal: a consumer asking for the same name with another
 * definition replaces it, as the spec requires.
 */
final class DurableSubscriptions {
    /** One persisted definition. */
    record Definition(String key, boolean shared, String clientId, String name, String topic, String selector,
                      boolean noLocal) {
    }

    private final AtomicTextFile file;

    DurableSubscriptions(Path configDir) {
        this.file = new AtomicTextFile(configDir.resolve("subscriptions"),
                "keelmq durable subscriptions v1: key shared clientId name topic selector noLocal");
    }

    List<Definition> load() throws IOException {
        List<Definition> definitions = new ArrayList<>();
        for (String[] record : file.read()) {
            try {
                definitions.add(new Definition(record[0], Boolean.parseBoolean(record[1]), record[2], record[3],
                        record[4], record[5], Boolean.parseBoolean(record[6])));
            } catch (RuntimeException e) {
                throw file.malformed(record, e);
            }
        }
        return definitions;
    }

    void write(Collection<Definition> definitions) throws IOException {
        List<String[]> records = new ArrayList<>();
        for (Definition d : definitions) {
            records.add(new String[] {d.key(), Boolean.toString(d.shared()), d.clientId(), d.name(), d.topic(),
                    d.selector(), Boolean.toString(d.noLocal())});
        }
        file.write(records);
    }
}
