package io.keelmq.server.ha;

import io.keelmq.server.destination.DestinationRegistry;
import io.keelmq.server.persist.AtomicTextFile;
import io.keelmq.store.MessageStore;
import io.keelmq.store.io.FileLayer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The broker's state outside the commit log that a master sends its slaves on the HA channel (STATE frames, see
 * {@link HaFrames}), each part whole, as a <em>section</em>: the same bytes the master keeps in its own file, so a
 * slave's files become the master's and a slave started as a master reads them like its own.
 *
 * <ul>
 *   <li>{@code destinations}: queues and topics with their partition counts ({@code config/destinations});</li>
 *   <li>{@code positions}: every queue's and durable subscription's acknowledged offsets ({@code config/positions},
 *       from memory, where acknowledgements land first);</li>
 *   <li>{@code subscriptions}: the durable subscriptions' definitions ({@code config/subscriptions});</li>
 *   <li>{@code resource-manager-id}: the XA resource-manager id, so a transaction manager's recovery recognises the
 *       promoted slave as the same resource.</li>
 * </ul>
 *
 * <p>Not sent, because a slave derives them from the copied commit log: transactions' half and op records (pending
 * transactions, prepared XA branches), the delay timer's records (a promoted slave rebuilds its timer and looks up
 * already-delivered due messages in the index), retry and dead-letter copies. Not sent, because promotion replaces
 * them: delivery marks ({@link PromotedReplica}).
 *
 * <p>Sections are applied in the order above (a durable subscription names a topic that must be known).
 */
public final class ReplicatedState {
    static final String DESTINATIONS = "destinations";
    static final String POSITIONS = "positions";
    static final String SUBSCRIPTIONS = "subscriptions";
    static final String RESOURCE_MANAGER_ID = "resource-manager-id";
    /** Application order. */
    static final List<String> ORDER = List.of(DESTINATIONS, POSITIONS, SUBSCRIPTIONS, RESOURCE_MANAGER_ID);

    /** One part of the state: its name and content. */
    record Section(String name, byte[] content) {
    }

    private final MessageStore store;
    private final FileLayer layer;
    private final DestinationRegistry destinations;
    private final Path destinationsFile;
    private final Path subscriptionsFile;
    private final Path resourceManagerIdFile;
    private volatile Runnable changed = () -> { };
    /** The positions' snapshot and the change count it was taken at (master; on the HA event loop). */
    private byte[] positionsSnapshot;
    private long positionsTakenAt = -1;

    /**
     * @param resourceManagerIdFile the XA resource-manager id's file (see ResourceManagerId)
     */
    public ReplicatedState(MessageStore store, FileLayer layer, DestinationRegistry destinations,
                           Path resourceManagerIdFile) {
        this.store = store;
        this.layer = layer;
        this.destinations = destinations;
        Path configDir = store.config().configDir();
        this.destinationsFile = configDir.resolve("destinations");
        this.subscriptionsFile = configDir.resolve("subscriptions");
        this.resourceManagerIdFile = resourceManagerIdFile;
    }

    /** Something the slaves should have soon changed (a durable subscription, a destination): send it now. */
    public void changed() {
        changed.run();
    }

    /** The master's HA service sends the state when {@link #changed()} is called. */
    void onChange(Runnable sendNow) {
        this.changed = sendNow;
    }

    // ------------------------------------------------------------------ master

    /** The state now, every section (a link sends those whose content differs from what it sent last). */
    synchronized List<Section> sections() throws IOException {
        List<Section> sections = new ArrayList<>(ORDER.size());
        addFile(sections, DESTINATIONS, destinationsFile);
        sections.add(positions());
        addFile(sections, SUBSCRIPTIONS, subscriptionsFile);
        addFile(sections, RESOURCE_MANAGER_ID, resourceManagerIdFile);
        return sections;
    }

    /**
     * The positions section alone, as it is now: sent after each acknowledgement (coalesced), so that a slave's
     * positions lag its master's by about a round trip, not by {@code haStateSyncInterval}.
     */
    synchronized Section positions() {
        long changes = store.positions().changes();
        if (changes != positionsTakenAt) {
            positionsTakenAt = changes;     // read first: a change during the snapshot makes the next one differ
            positionsSnapshot = store.positions().snapshot();
        }
        return new Section(POSITIONS, positionsSnapshot);
    }

    /** {@code listener} runs after each change of the positions (an acknowledgement), on that thread. */
    void onPositionsChange(Runnable listener) {
        store.positions().onChange(listener);
    }

    private void addFile(List<Section> sections, String name, Path file) throws IOException {
        byte[] content = layer.readAll(file);
        sections.add(new Section(name, content == null ? new byte[0] : content));
    }

    // ------------------------------------------------------------------ slave

    /**
     * A slave: makes its state its master's, section by section in {@link #ORDER}, each written durably (an unknown
     * section is skipped: a newer master may send more than this slave knows).
     */
    void apply(List<Section> sections) throws IOException {
        for (String name : ORDER) {
            for (Section section : sections) {
                if (section.name().equals(name)) {
                    applyOne(section);
                }
            }
        }
    }

    private void applyOne(Section section) throws IOException {
        switch (section.name()) {
            case DESTINATIONS -> destinations.replaceReplicated(AtomicTextFile.parse(section.content()));
            case POSITIONS -> store.positions().replaceWith(section.content());
            case SUBSCRIPTIONS -> writeFile(subscriptionsFile, section.content());
            case RESOURCE_MANAGER_ID -> {
                if (new String(section.content(), StandardCharsets.UTF_8).isBlank()) {
                    return;         // the master has no id yet: keep this broker's
                }
                writeFile(resourceManagerIdFile, section.content());
            }
            default -> {
                // a section of a newer master: nothing to do with it here
            }
        }
    }

    private void writeFile(Path file, byte[] content) throws IOException {
        layer.createDirectories(file.getParent());
        layer.writeAtomically(file, content);
    }
}
