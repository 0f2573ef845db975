package dev.ladd.trainer.run;

import dev.ladd.platform.test.ServiceIntegrationTest;

/** {@link TrainerEventsContract} on an in-process KRaft broker and zonky's embedded PostgreSQL. */
@ServiceIntegrationTest
class TrainerEventsTest extends TrainerEventsContract {
}
