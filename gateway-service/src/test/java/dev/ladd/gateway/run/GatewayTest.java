package dev.ladd.gateway.run;

import dev.ladd.platform.test.ServiceIntegrationTest;

/** {@link GatewayContract} on an in-process KRaft broker and zonky's embedded PostgreSQL. */
@ServiceIntegrationTest
class GatewayTest extends GatewayContract {
}
