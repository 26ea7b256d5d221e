{{/* Names, labels and the settings every app shares. */}}

{{- define "apim.fullname" -}}
{{- if contains "apim" .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-apim" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "apim.labels" -}}
app.kubernetes.io/name: apim
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of one component: (dict "root" $ "component" "gateway") */}}
{{- define "apim.selectorLabels" -}}
app.kubernetes.io/name: apim
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "apim.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{/* The long-running apps: the image command (deploy/image/entrypoint.mjs), port variable and values. */}}
{{- define "apim.apps" -}}
gateway: { values: gateway, portVariable: APIM_GATEWAY_PORT }
key-manager: { values: keyManager, portVariable: APIM_KEY_MANAGER_PORT }
control-plane: { values: controlPlane, portVariable: APIM_CONTROL_PLANE_PORT }
{{- end -}}

{{- define "apim.keysSecret" -}}
{{- .Values.secrets.existingSecret | default (printf "%s-keys" (include "apim.fullname" .)) -}}
{{- end -}}

{{- define "apim.connectionsSecret" -}}
{{- printf "%s-connections" (include "apim.fullname" .) -}}
{{- end -}}

{{/* An env entry read from a Secret: (dict "name" VAR "secret" NAME "key" KEY) */}}
{{- define "apim.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .secret }}
      key: {{ .key }}
{{- end -}}

{{/* "sentinel" or "cluster" when one is configured (not both), else empty: one Redis at redis.url. */}}
{{- define "apim.redisTopology" -}}
{{- if and .Values.redis.sentinel.hosts .Values.redis.cluster.nodes -}}
{{- fail "redis.sentinel.hosts and redis.cluster.nodes cannot both be set: choose Sentinel or Cluster" -}}
{{- else if .Values.redis.sentinel.hosts -}}
sentinel
{{- else if .Values.redis.cluster.nodes -}}
cluster
{{- end -}}
{{- end -}}

{{/* The environment of every app and of the migration job. */}}
{{- define "apim.env" -}}
{{- $connections := include "apim.connectionsSecret" . -}}
{{- $redisTopology := include "apim.redisTopology" . -}}
{{ include "apim.secretEnv" (dict "name" "DATABASE_URL" "secret" (.Values.database.existingSecret | default $connections) "key" (ternary .Values.database.existingSecretKey "DATABASE_URL" (ne .Values.database.existingSecret ""))) }}
{{- if or .Values.redis.existingSecret .Values.redis.url (not $redisTopology) }}
{{ include "apim.secretEnv" (dict "name" "REDIS_URL" "secret" (.Values.redis.existingSecret | default $connections) "key" (ternary .Values.redis.existingSecretKey "REDIS_URL" (ne .Values.redis.existingSecret ""))) }}
{{- end }}
{{- with .Values.redis.sentinel }}
{{- if .hosts }}
- { name: APIM_REDIS_SENTINELS, value: {{ join "," .hosts | quote }} }
- { name: APIM_REDIS_SENTINEL_MASTER, value: {{ required "redis.sentinel.masterName is required with redis.sentinel.hosts" .masterName | quote }} }
{{- if .passwordSecret.name }}
{{ include "apim.secretEnv" (dict "name" "APIM_REDIS_SENTINEL_PASSWORD" "secret" .passwordSecret.name "key" (required "redis.sentinel.passwordSecret.key is required with its name" .passwordSecret.key)) }}
{{- end }}
{{- end }}
{{- end }}
{{- if .Values.redis.cluster.nodes }}
- { name: APIM_REDIS_CLUSTER_NODES, value: {{ join "," .Values.redis.cluster.nodes | quote }} }
{{- end }}
{{- range list "APIM_INTERNAL_SECRET" "APIM_KEY_ENCRYPTION_KEY" "APIM_ADMIN_PASSWORD" }}
{{ include "apim.secretEnv" (dict "name" . "secret" (include "apim.keysSecret" $) "key" .) }}
{{- end }}
- { name: APIM_REDIS_PREFIX, value: {{ .Values.redis.prefix | quote }} }
- { name: APIM_HOST, value: "0.0.0.0" }
- { name: APIM_CONSOLE_URL, value: {{ .Values.urls.console | quote }} }
- { name: APIM_KEY_MANAGER_URL, value: {{ .Values.urls.keyManager | quote }} }
- { name: APIM_GATEWAY_URL, value: {{ .Values.urls.gateway | quote }} }
- { name: APIM_TRUST_PROXY, value: {{ .Values.trustProxy | quote }} }
- { name: LOG_LEVEL, value: {{ .Values.logLevel | quote }} }
{{- end -}}

{{/* The pod security settings of every container: the image's non-root user, nothing more. */}}
{{- define "apim.securityContext" -}}
allowPrivilegeEscalation: false
runAsNonRoot: true
runAsUser: 1000
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}
