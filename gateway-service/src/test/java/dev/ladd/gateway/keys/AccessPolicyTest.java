package dev.ladd.gateway.keys;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AccessPolicyTest {

    @Test
    void docsAreOpenImagesNeedAnyKeyWritesNeedMlStaffKeysNeedAdmin() {
        assertThat(AccessPolicy.required("GET", "/v3/api-docs")).isEmpty();
        assertThat(AccessPolicy.required("GET", "/swagger-ui/index.html")).isEmpty();
        assertThat(AccessPolicy.required("GET", "/actuator/health/readiness")).isEmpty();
        assertThat(AccessPolicy.required("POST", "/v1/images/generations")).contains(Role.VIEWER);
        assertThat(AccessPolicy.required("GET", "/v1/models")).contains(Role.VIEWER);
        assertThat(AccessPolicy.required("GET", "/v1/models/default")).contains(Role.VIEWER);
        assertThat(AccessPolicy.required("POST", "/v1/models")).as("any method under /v1/: a 405, not a 403")
                .contains(Role.VIEWER);
        assertThat(AccessPolicy.required("GET", "/api/v1/runs")).contains(Role.VIEWER);
        assertThat(AccessPolicy.required("POST", "/api/v1/runs")).contains(Role.ML_STAFF);
        assertThat(AccessPolicy.required("POST", "/api/v1/serving/default/promote")).contains(Role.ML_STAFF);
        assertThat(AccessPolicy.required("DELETE", "/api/v1/trainer/runs/x")).contains(Role.ML_STAFF);
        assertThat(AccessPolicy.required("GET", "/api/v1/keys")).contains(Role.ADMIN);
        assertThat(AccessPolicy.required("GET", "/dashboard/index.html")).isEmpty();
        assertThat(AccessPolicy.required("GET", "/dashboard")).isEmpty();
        assertThat(AccessPolicy.required("GET", "/dashboards-secret")).contains(Role.VIEWER);
        assertThat(AccessPolicy.required("GET", "/api/v1/keys/me")).contains(Role.VIEWER);
        assertThat(AccessPolicy.required("DELETE", "/api/v1/keys/me")).as("a key named 'me' is still admin's")
                .contains(Role.ADMIN);
        assertThat(AccessPolicy.required("GET", "/api/v1/keysx")).contains(Role.VIEWER);
        assertThat(Role.ADMIN.includes(Role.ML_STAFF)).isTrue();
        assertThat(Role.VIEWER.includes(Role.ML_STAFF)).isFalse();
    }

    @Test
    void onlyTheProbesOfTheActuatorAreOpenAndImportingAModelFolderIsAdminOnly() {
        for (String probe : new String[]{"/livez", "/readyz", "/actuator/health/liveness", "/actuator/health/readiness"}) {
            assertThat(AccessPolicy.required("GET", probe)).as(probe).isEmpty();
        }
        for (String detail : new String[]{"/actuator", "/actuator/", "/actuator/health", "/actuator/prometheus",
                "/actuator/metrics/jvm.memory.used", "/actuator/info", "/actuator/health/readiness/readinessState",
                "/actuator/health/db", "/actuator/health/livenessX"}) {
            assertThat(AccessPolicy.required("GET", detail)).as(detail).contains(Role.ADMIN);
        }
        assertThat(AccessPolicy.required("POST", "/api/v1/teacher/teachers/import")).contains(Role.ADMIN);
        assertThat(AccessPolicy.required("POST", "/api/v1/teacher/teachers/import/")).contains(Role.ADMIN);
        assertThat(AccessPolicy.required("POST", "/api/v1/teacher/teachers/importx")).contains(Role.ADMIN);
        assertThat(AccessPolicy.required("POST", "/api/v1/teacher/training-jobs")).contains(Role.ML_STAFF);
    }

    @Test
    void theParkedOutboxEventsOfTheGatewayAndOfEveryServiceAreAdminOnly() {
        for (String prefix : new String[]{"/api/v1", "/api/v1/trainer", "/api/v1/eval", "/api/v1/teacher",
                "/api/v1/inference"}) {
            assertThat(AccessPolicy.required("GET", prefix + "/outbox/parked")).as(prefix).contains(Role.ADMIN);
            assertThat(AccessPolicy.required("POST", prefix + "/outbox/parked/7/retry")).as(prefix).contains(Role.ADMIN);
            assertThat(AccessPolicy.required("DELETE", prefix + "/outbox/parked/7")).as(prefix).contains(Role.ADMIN);
        }
        assertThat(AccessPolicy.required("GET", "/api/v1/trainer/runs/outbox")).contains(Role.VIEWER);
    }
}
