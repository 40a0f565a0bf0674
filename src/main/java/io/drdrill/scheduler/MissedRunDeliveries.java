package io.drdrill.scheduler;

import io.drdrill.alerts.AlertDelivery;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which alert channels took the alert of each missed scheduled run of one tick (a JSON variable of the tick), so
 * that a retry after one channel failed resends only to the channels that did not take it.
 *
 * @param byManifest per manifest catalog name, its delivery record
 */
public record MissedRunDeliveries(Map<String, AlertDelivery> byManifest) {

    public MissedRunDeliveries {
        byManifest = byManifest == null ? Map.of() : Map.copyOf(byManifest);
    }

    MissedRunDeliveries with(String manifest, AlertDelivery delivery) {
        Map<String, AlertDelivery> next = new LinkedHashMap<>(byManifest);
        next.put(manifest, delivery);
        return new MissedRunDeliveries(next);
    }
}
