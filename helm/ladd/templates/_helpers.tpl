{{/* The release's base name, at most 63 characters with a service suffix. */}}
{{- define "ladd.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Labels every object gets. */}}
{{- define "ladd.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: ladd
{{- end -}}

{{/* Selector labels of one service: (dict "ctx" $ "name" "gateway") */}}
{{- define "ladd.selectorLabels" -}}
app.kubernetes.io/name: {{ .ctx.Chart.Name }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{/* Selector of every pod of this release. */}}
{{- define "ladd.releaseSelector" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* The image of one service: (dict "ctx" $ "name" "trainer") */}}
{{- define "ladd.image" -}}
{{- $img := .ctx.Values.image -}}
{{- $tag := default .ctx.Chart.AppVersion $img.tag -}}
{{- if and (eq .name "trainer") .ctx.Values.gpu.enabled -}}
{{- $tag = printf "%s%s" $tag .ctx.Values.gpu.imageTagSuffix -}}
{{- end -}}
{{- $repo := printf "%s%s-service" $img.repositoryPrefix .name -}}
{{- if $img.registry -}}
{{- printf "%s/%s:%s" $img.registry $repo $tag -}}
{{- else -}}
{{- printf "%s:%s" $repo $tag -}}
{{- end -}}
{{- end -}}

{{- define "ladd.postgresqlSecretName" -}}
{{- default (printf "%s-postgresql" (include "ladd.fullname" .)) .Values.postgresql.existingSecret -}}
{{- end -}}

{{- define "ladd.gatewaySecretName" -}}
{{- default (printf "%s-gateway" (include "ladd.fullname" .)) .Values.gateway.existingSecret -}}
{{- end -}}

{{- define "ladd.serviceTokenSecretName" -}}
{{- default (printf "%s-service-token" (include "ladd.fullname" .)) .Values.serviceAuth.existingSecret -}}
{{- end -}}

{{- define "ladd.blobClaimName" -}}
{{- default (printf "%s-blobs" (include "ladd.fullname" .)) .Values.blobStore.persistence.existingClaim -}}
{{- end -}}

{{/* The ServiceAccount of one service: (dict "ctx" $ "name" "gateway") */}}
{{- define "ladd.serviceAccountName" -}}
{{- if .ctx.Values.serviceAccount.create -}}
{{- printf "%s-%s" (include "ladd.fullname" .ctx) .name -}}
{{- else -}}
default
{{- end -}}
{{- end -}}
