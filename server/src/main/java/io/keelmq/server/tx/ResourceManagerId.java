package io.keelmq.server.tx;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * The broker's XA resource-manager id: created once in the store's root directory and read at every start, so a
 * transaction manager's {@code isSameRM} recognises the broker across restarts (and its recovery finds the branches
 * it prepared there).
 */
public final class ResourceManagerId {
    static final String FILE = "resource-manager-id";

    private ResourceManagerId() {
    }

    /** The id's file in a store's root directory (replication copies it to the slaves). */
    public static Path file(Path storeRoot) {
        return storeRoot.resolve(FILE);
    }

    public static String load(Path storeRoot) throws IOException {
        Path file = storeRoot.resolve(FILE);
        if (Files.exists(file)) {
            String id = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (!id.isEmpty()) {
                return id;
            }
        }
        String id = UUID.randomUUID().toString();
        Files.createDirectories(storeRoot);
        // Written beside, then moved: a crash never leaves an empty or torn id behind.
        Path temporary = storeRoot.resolve(FILE + ".tmp");
        Files.writeString(temporary, id, StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return id;
    }
}
