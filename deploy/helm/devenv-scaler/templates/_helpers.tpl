{{/* The chart's name, possibly overridden. */}}
{{- define "devenv-scaler.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The release's full name: also the Service, webhook configuration and certificate names. */}}
{{- define "devenv-scaler.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains (include "devenv-scaler.name" .) .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "devenv-scaler.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "devenv-scaler.selectorLabels" -}}
app.kubernetes.io/name: {{ include "devenv-scaler.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "devenv-scaler.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "devenv-scaler.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "devenv-scaler.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "devenv-scaler.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "devenv-scaler.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* The Secret holding the Slack secrets and API tokens. */}}
{{- define "devenv-scaler.secretName" -}}
{{- if .Values.secrets.create -}}
{{- include "devenv-scaler.fullname" . -}}
{{- else -}}
{{- .Values.secrets.existingSecret -}}
{{- end -}}
{{- end -}}

{{/* The Secret holding tls.crt and tls.key (certManager and existingSecret modes). */}}
{{- define "devenv-scaler.tlsSecretName" -}}
{{- if eq .Values.tls.mode "existingSecret" -}}
{{- required "tls.existingSecret is required when tls.mode is existingSecret" .Values.tls.existingSecret -}}
{{- else -}}
{{- printf "%s-tls" (include "devenv-scaler.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* Whether API tokens are mounted from the Secret. */}}
{{- define "devenv-scaler.hasApiTokens" -}}
{{- if and .Values.secrets.create .Values.secrets.apiTokens -}}true
{{- else if and (not .Values.secrets.create) .Values.secrets.existingSecret .Values.secrets.apiTokensKey -}}true
{{- end -}}
{{- end -}}

{{/* The in-cluster URL of the REST API, as the shutdown Jobs see it. */}}
{{- define "devenv-scaler.serverUrl" -}}
{{- $scheme := "https" -}}
{{- printf "%s://%s.%s.svc:%v" $scheme (include "devenv-scaler.fullname" .) .Release.Namespace .Values.service.port -}}
{{- end -}}

{{/*
The configuration file: the user's `config:` with what the chart knows filled in. The user's explicit values
win for the CronJob image and server URL; TLS files and the listen address follow the chart. (The Service
and webhook names and the self-signed mode are environment variables only: see deployment.yaml.)
*/}}
{{- define "devenv-scaler.config" -}}
{{- $config := deepCopy .Values.config -}}
{{- $server := default dict (get $config "server") -}}
{{- $_ := set $server "listen" (printf "0.0.0.0:%v" .Values.containerPort) -}}
{{- if ne .Values.tls.mode "selfSigned" -}}
{{- $_ := set $server "tls_cert_file" "/etc/devenv-scaler/tls/tls.crt" -}}
{{- $_ := set $server "tls_key_file" "/etc/devenv-scaler/tls/tls.key" -}}
{{- end -}}
{{- $_ := set $config "server" $server -}}
{{- if include "devenv-scaler.hasApiTokens" . -}}
{{- $api := default dict (get $config "api") -}}
{{- $_ := set $api "tokens_file" (printf "/etc/devenv-scaler/secrets/%s" .Values.secrets.apiTokensKey) -}}
{{- $_ := set $config "api" $api -}}
{{- end -}}
{{- if .Values.support.enabled -}}
{{- /* A `support:` section turns support pods on in the server. */ -}}
{{- $support := default dict (get $config "support") -}}
{{- if not (hasKey $support "enabled") -}}
{{- $_ := set $support "enabled" true -}}
{{- end -}}
{{- $_ := set $config "support" $support -}}
{{- /* The support pods' namespace is never an environment. */ -}}
{{- $environments := default dict (get $config "environments") -}}
{{- $protected := default (list "kube-*" "default") (get $environments "protected") -}}
{{- $_ := set $environments "protected" (append $protected (include "devenv-scaler.supportNamespace" .) | uniq) -}}
{{- $_ := set $config "environments" $environments -}}
{{- end -}}
{{- $schedule := default dict (get $config "schedule") -}}
{{- $cronjob := default dict (get $schedule "cronjob") -}}
{{- if not (get $cronjob "image") -}}
{{- $_ := set $cronjob "image" (include "devenv-scaler.image" .) -}}
{{- end -}}
{{- if not (get $cronjob "server_url") -}}
{{- $_ := set $cronjob "server_url" (include "devenv-scaler.serverUrl" .) -}}
{{- end -}}
{{- /* The shutdown Jobs must trust our CA: the server copies it into this ConfigMap in every environment. */ -}}
{{- if and (has .Values.tls.mode (list "certManager" "selfSigned")) (not (hasKey $cronjob "ca_configmap")) -}}
{{- $_ := set $cronjob "ca_configmap" (printf "%s-ca" (include "devenv-scaler.fullname" .)) -}}
{{- end -}}
{{- if and (eq .Values.tls.mode "certManager") (not (get $cronjob "ca_file")) -}}
{{- $_ := set $cronjob "ca_file" "/etc/devenv-scaler/tls/ca.crt" -}}
{{- end -}}
{{- $_ := set $schedule "cronjob" $cronjob -}}
{{- $_ := set $config "schedule" $schedule -}}
{{- toYaml $config -}}
{{- end -}}

{{/* The namespace of support pods (config.support.namespace, default devenv-support). */}}
{{- define "devenv-scaler.supportNamespace" -}}
{{- $support := default dict (get .Values.config "support") -}}
{{- default "devenv-support" (get $support "namespace") -}}
{{- end -}}
