{{- define "cloudflare-operator.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "cloudflare-operator.serviceAccountName" -}}
{{- default (include "cloudflare-operator.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{- define "cloudflare-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "cloudflare-operator.labels" -}}
{{ include "cloudflare-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* The Secret with the Cloudflare API credentials: the user's, or the one the chart makes from values. */}}
{{- define "cloudflare-operator.credentialsSecretName" -}}
{{- if .Values.cloudflare.existingSecret -}}
{{- .Values.cloudflare.existingSecret -}}
{{- else -}}
{{- printf "%s-cloudflare" (include "cloudflare-operator.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Namespaces that get the operator's namespaced Role when watchNamespaces is set: those and the release's. */}}
{{- define "cloudflare-operator.roleNamespaces" -}}
{{- $namespaces := list .Release.Namespace -}}
{{- range .Values.watchNamespaces -}}
{{- $namespaces = append $namespaces . -}}
{{- end -}}
{{- $namespaces | uniq | sortAlpha | join "," -}}
{{- end -}}
