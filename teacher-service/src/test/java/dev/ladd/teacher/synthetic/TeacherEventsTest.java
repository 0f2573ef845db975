package dev.ladd.teacher.synthetic;

import dev.ladd.platform.test.ServiceIntegrationTest;

/** {@link TeacherEventsContract} on an in-process KRaft broker and zonky's embedded PostgreSQL. */
@ServiceIntegrationTest
class TeacherEventsTest extends TeacherEventsContract {
}
