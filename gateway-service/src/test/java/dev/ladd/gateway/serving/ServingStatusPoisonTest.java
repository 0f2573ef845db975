package dev.ladd.gateway.serving;

import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.events.v1.ModelServing;
import dev.ladd.events.v1.ModelSwapFailed;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * Found by the chaos suite's poison events (docs/reliability.md): an empty ModelServing became a serving status row
 * for alias ''. An event that names no alias or checkpoint is refused (the binder dead-letters it), not applied.
 */
class ServingStatusPoisonTest {

    @Test
    void aServingStatusEventThatNamesNoAliasOrCheckpointIsRefusedNotApplied() {
        ServingStatusRepository statuses = mock(ServingStatusRepository.class);
        ServingStatusService service = new ServingStatusService(statuses);

        assertThatThrownBy(() -> service.handle(EventEnvelope.newBuilder().setEventId("e1").setType("ModelServing")
                .setModelServing(ModelServing.getDefaultInstance()).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names no alias");
        assertThatThrownBy(() -> service.handle(EventEnvelope.newBuilder().setEventId("e2").setType("ModelSwapFailed")
                .setModelSwapFailed(ModelSwapFailed.newBuilder().setAlias("default")).build()))
                .isInstanceOf(IllegalArgumentException.class);

        verify(statuses, never()).upsert(any(), any(), anyLong(), any(), any());
    }
}
