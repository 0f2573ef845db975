package dev.ladd.inference.serving;

import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.events.v1.ServingDesired;
import dev.ladd.platform.web.NotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import java.util.List;

/**
 * Follows the compacted serving-desired topic: remembers, per alias, the newest revision of the model
 * to serve. A stale revision (arriving late or replayed) never overrides a newer one.
 */
@Service
public class ServingDesiredService {

    private static final Logger log = LoggerFactory.getLogger(ServingDesiredService.class);

    private final DesiredModelRepository desired;

    public ServingDesiredService(DesiredModelRepository desired) {
        this.desired = desired;
    }

    public void handle(EventEnvelope event) {
        if (event.getPayloadCase() != EventEnvelope.PayloadCase.SERVING_DESIRED) {
            log.debug("inference-service ignores {} events", event.getType());
            return;
        }
        ServingDesired d = event.getServingDesired();
        if (d.getAlias().isBlank() || d.getCheckpointId().isBlank() || d.getRevision() < 1) {
            throw new IllegalArgumentException("ServingDesired needs an alias, a checkpoint_id and a revision >= 1");
        }
        if (desired.upsertIfNewer(d)) {
            log.info("alias '{}' should now serve checkpoint {} (revision {})", d.getAlias(), d.getCheckpointId(), d.getRevision());
        } else {
            log.info("ignoring revision {} of alias '{}': a newer one is known", d.getRevision(), d.getAlias());
        }
    }

    public DesiredModel get(String alias) {
        return desired.find(alias).orElseThrow(() -> new NotFoundException("no model is desired for alias '" + alias + "'"));
    }

    public List<DesiredModel> list() {
        return desired.list();
    }
}
