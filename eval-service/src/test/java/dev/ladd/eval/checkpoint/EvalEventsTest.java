package dev.ladd.eval.checkpoint;

import dev.ladd.platform.test.ServiceIntegrationTest;

/** {@link EvalEventsContract} on an in-process KRaft broker and zonky's embedded PostgreSQL. */
@ServiceIntegrationTest
class EvalEventsTest extends EvalEventsContract {
}
