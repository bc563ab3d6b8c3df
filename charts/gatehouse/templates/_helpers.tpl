{{/* Resource name prefix: <release>-<chart>, or the release name when it already holds the chart name. */}}
{{- define "gatehouse.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "gatehouse.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels of every object; pass (dict "ctx" $ "component" "auth"). */}}
{{- define "gatehouse.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .ctx.Chart.Name .ctx.Chart.Version | replace "+" "_" }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
{{ include "gatehouse.selectorLabels" . }}
{{- end -}}

{{- define "gatehouse.selectorLabels" -}}
app.kubernetes.io/name: {{ include "gatehouse.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "gatehouse.secretName" -}}
{{- default (printf "%s-secrets" (include "gatehouse.fullname" .)) .Values.secrets.existingSecret -}}
{{- end -}}

{{- define "gatehouse.image" -}}
{{- $root := .ctx -}}
{{- printf "%s/%s-%s:%s" $root.Values.image.registry $root.Values.image.repositoryPrefix .service (default $root.Chart.AppVersion $root.Values.image.tag) -}}
{{- end -}}

{{/* An env var read from the chart's (or the existing) Secret. */}}
{{- define "gatehouse.secretEnv" -}}
- name: {{ .key }}
  valueFrom:
    secretKeyRef:
      name: {{ include "gatehouse.secretName" .ctx }}
      key: {{ .key }}
{{- end -}}

{{/*
The protected directory (seeds 002/003): "true" when a claim or a ReadWriteMany class is named, else "".
Media and the edge mount it at the path nginx-ingress renders for protectedDir and secureLink.root.
*/}}
{{- define "gatehouse.protectedFiles" -}}
{{- if or .Values.protectedFiles.existingClaim .Values.protectedFiles.storageClassName -}}true{{- end -}}
{{- end -}}

{{- define "gatehouse.protectedClaim" -}}
{{- default (printf "%s-protected" (include "gatehouse.fullname" .)) .Values.protectedFiles.existingClaim -}}
{{- end -}}

{{/* Upload body limit of the edge (edge.uploadBodyLimit): episodes go through it with the local driver. */}}
{{- define "gatehouse.uploadBodyLimit" -}}
{{- .Values.edge.uploadBodyLimit | default (ternary "5g" "10m" (eq .Values.storage.driver "local")) -}}
{{- end -}}

{{/* Storage origins the edge may fetch from: explicit list, else the endpoint and the bucket's virtual host. */}}
{{- define "gatehouse.originAllow" -}}
{{- if .Values.edge.originAllow -}}
{{- toJson .Values.edge.originAllow -}}
{{- else -}}
{{- $u := urlParse .Values.storage.endpoint -}}
{{- $list := list (printf "%s://%s" $u.scheme $u.host) -}}
{{- if not .Values.storage.forcePathStyle -}}
{{- $list = append $list (printf "%s://%s.%s" $u.scheme .Values.storage.bucket $u.host) -}}
{{- end -}}
{{- toJson $list -}}
{{- end -}}
{{- end -}}

{{/*
One pre-rendered nginx file (files/nginx/<mode>/<file>) in the media auth mode edge.mediaAuthMode:
the mode changes the text's shape, so scripts/k8s/render-chart-nginx.ts renders every file once per
mode. A mode without its file fails the render instead of shipping an empty config.
*/}}
{{- define "gatehouse.nginxFile" -}}
{{- $mode := .ctx.Values.edge.mediaAuthMode -}}
{{- if not (has $mode (list "decision-cache" "x-accel")) -}}
{{- fail (printf "edge.mediaAuthMode: %q is not decision-cache or x-accel" $mode) -}}
{{- end -}}
{{- $path := printf "files/nginx/%s/%s" $mode .file -}}
{{- $text := .ctx.Files.Get $path -}}
{{- if not $text -}}{{- fail (printf "%s is missing: run node scripts/k8s/render-chart-nginx.ts" $path) -}}{{- end -}}
{{- $text -}}
{{- end -}}

{{/*
nginx-ingress/render.sh's originPattern(): `scheme://host[:port]` → the regex of a URL on that
origin, the default port optional. Kept byte-identical with the renderer; the chart tests
compare the whole rendered text with render.sh's output.
*/}}
{{- define "gatehouse.originPattern" -}}
{{- $m := regexFindAll "^(https?)://([^/:]+|\\[[^\\]]+\\])(?::(\\d+))?$" . 1 -}}
{{- if not $m -}}{{- fail (printf "edge.originAllow: bad origin %q (scheme://host[:port])" .) -}}{{- end -}}
{{- $scheme := regexReplaceAll "^(https?)://.*$" . "${1}" -}}
{{- $rest := trimPrefix (printf "%s://" $scheme) . -}}
{{- $host := regexReplaceAll "^([^/:]+|\\[[^\\]]+\\])(?::\\d+)?$" $rest "${1}" -}}
{{- $port := regexReplaceAll "^(?:[^/:]+|\\[[^\\]]+\\])(?::(\\d+))?$" $rest "${1}" -}}
{{- $default := ternary "443" "80" (eq $scheme "https") -}}
{{- $portPart := ternary (printf "(:%s)?" $default) (printf ":%s" $port) (or (eq $port "") (eq $port $default)) -}}
{{- $escaped := regexReplaceAll "([.*+?^${}()|\\[\\]\\\\/])" $host "\\${1}" -}}
{{- printf "^%s://%s%s/" $scheme $escaped $portPart -}}
{{- end -}}

{{- define "gatehouse.topologySpread" -}}
{{- if or .ctx.Values.topologySpread.zones .ctx.Values.topologySpread.nodes }}
topologySpreadConstraints:
  {{- if .ctx.Values.topologySpread.zones }}
  - maxSkew: 1
    topologyKey: topology.kubernetes.io/zone
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "gatehouse.selectorLabels" . | nindent 8 }}
  {{- end }}
  {{- if .ctx.Values.topologySpread.nodes }}
  - maxSkew: 1
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "gatehouse.selectorLabels" . | nindent 8 }}
  {{- end }}
{{- end }}
{{- end -}}

{{/* The application services, in a fixed order (web: the pages, their JSON API and the operator API). */}}
{{- define "gatehouse.services" -}}
auth media feeds billing analytics web
{{- end -}}

{{/* NetworkPolicy peer of the public entry point: the Gatehouse edge pods, or the ingress-nginx controller. */}}
{{- define "gatehouse.edgePeer" -}}
{{- if eq .Values.edge.mode "edge" -}}
- podSelector:
    matchLabels:
      {{- include "gatehouse.selectorLabels" (dict "ctx" . "component" "edge") | nindent 6 }}
{{- else -}}
- namespaceSelector:
    matchLabels:
      kubernetes.io/metadata.name: {{ .Values.ingressNginx.controllerNamespace }}
  podSelector:
    matchLabels:
      {{- toYaml .Values.ingressNginx.controllerPodLabels | nindent 6 }}
{{- end -}}
{{- end -}}
