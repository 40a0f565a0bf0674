package io.drdrill.scheduler;

import java.util.List;

/**
 * Published at every scheduler tick with the catalog as it is now, so that what shows the catalog to operators
 * (the Tasklist start form) follows new and changed manifests without a restart.
 *
 * @param manifests the catalog's manifests, relative names, sorted
 */
public record CatalogListed(List<String> manifests) {

    public CatalogListed {
        manifests = List.copyOf(manifests);
    }
}
