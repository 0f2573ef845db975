package dev.ladd.inference.serving;

import dev.ladd.platform.test.ServiceIntegrationTest;

/** {@link InferenceEventsContract} on an in-process KRaft broker and zonky's embedded PostgreSQL. */
@ServiceIntegrationTest
class InferenceEventsTest extends InferenceEventsContract {
}
