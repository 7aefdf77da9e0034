{{/*
Chart name, truncated to 63 characters (the DNS-label limit of a name).
*/}}
{{- define "schemagate.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name of the release's resources: <release>-<chart>, or just the release
name when it already contains the chart name.
*/}}
{{- define "schemagate.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Chart name and version, for the helm.sh/chart label.
*/}}
{{- define "schemagate.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels of every resource of the chart.
*/}}
{{- define "schemagate.labels" -}}
helm.sh/chart: {{ include "schemagate.chart" . }}
{{ include "schemagate.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: schemagate
{{- end }}

{{/*
Selector labels: immutable once the Deployment exists, so keep them minimal.
*/}}
{{- define "schemagate.selectorLabels" -}}
app.kubernetes.io/name: {{ include "schemagate.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Name of the ServiceAccount the operator runs as.
*/}}
{{- define "schemagate.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "schemagate.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Operator image reference; the tag defaults to the chart's appVersion.
*/}}
{{- define "schemagate.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{/*
Image of the flyway migration Jobs: runnerImage, else the operator's own image.
*/}}
{{- define "schemagate.runnerImage" -}}
{{- .Values.runnerImage | default (include "schemagate.image" .) }}
{{- end }}

{{/*
The operator's RBAC rules, shared by the ClusterRole (all namespaces) and the
per-namespace Roles (watchNamespaces). Nothing on Secrets: migration pods get
the database URL through a secretKeyRef, the operator never reads it.
*/}}
{{- define "schemagate.rules" -}}
# Exactly the verbs the operator's requests use (RbacIT compares them with its request log).
# patch: JOSDK adds and removes its finalizer.
- apiGroups: ["schemagate.dev"]
  resources: ["schemamigrations"]
  verbs: ["list", "watch", "patch"]
# Server-side apply of the status the operator owns.
- apiGroups: ["schemagate.dev"]
  resources: ["schemamigrations/status"]
  verbs: ["patch"]
# Lets the operator set ownerReferences with blockOwnerDeletion on its Jobs (checked by the
# OwnerReferencesPermissionEnforcement admission plugin, where a cluster runs it).
- apiGroups: ["schemagate.dev"]
  resources: ["schemamigrations/finalizers"]
  verbs: ["update"]
# The migration Jobs, named <name>-<revision> and owned by their SchemaMigration (the garbage
# collector deletes them with it). get: the one Job whose create found its name taken, to tell a
# Job the cache has not caught up with from one edited out of its label selector; and a Job that
# spec.target.workloads names (its image and pod template: such Jobs are read by name, not cached).
- apiGroups: ["batch"]
  resources: ["jobs"]
  verbs: ["list", "watch", "create", "get"]
# The target's image and rollout; patch: strategy StopOldPods applies spec.replicas only; get:
# its pod template, read whole when a migration Job is derived from it (the cache keeps only its
# images).
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["list", "watch", "patch", "get"]
# The other workloads spec.target.workloads names: their images (cached, trimmed to them); get: the
# pod template a migration Job is derived from when its image runs in no Deployment of the target.
- apiGroups: ["apps"]
  resources: ["statefulsets"]
  verbs: ["list", "watch", "get"]
- apiGroups: ["batch"]
  resources: ["cronjobs"]
  verbs: ["list", "watch", "get"]
# Releasing the target's ReplicaSets that the admission policy refused: an annotation patch.
- apiGroups: ["apps"]
  resources: ["replicasets"]
  verbs: ["list", "patch"]
# Migration pods (a failed run's termination message), and the target's pods: patch removes
# the scheduling gate once their image is migrated; delete removes
# a not-yet-Ready pod of an unmigrated image that started before its SchemaMigration existed (its
# ReplicaSet makes a held one).
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["list", "watch", "patch", "delete"]
# The log tail of a migration pod that has run longer than its lock timeout: the runner's line
# naming the session that blocks it (the runner has no token to write status itself).
- apiGroups: [""]
  resources: ["pods/log"]
  verbs: ["get"]
# The flyway ConfigMaps: their data is part of the revision hash.
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: ["list", "watch"]
# One new core/v1 Event per occurrence; a LIST of the Job controller's FailedCreate Events on a
# migration Job that has no pod (no watch: Events are not cached).
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "list"]
{{- end }}

{{- /*
The operator's finalizer on SchemaMigrations (SchemaMigrationReconciler.FINALIZER; ChartTemplateIT
checks the two agree).
*/}}
{{- define "schemagate.finalizer" -}}
schemamigrations.schemagate.dev/finalizer
{{- end }}

{{/*
True for a pod of the target Deployment (params) whose app container's image has not been
migrated: the pod admission policies hold it. Expects the pod-template-hash label (checked first).
A pod without the named container is held too (exists, not all: an empty list is not migrated).
The API server evaluates it once per SchemaMigration of the pod's namespace (each is a param), so
the owner test, false for all but the target's, comes first: it cut the API server's CPU per pod
create by a fifth with 100 to 400 SchemaMigrations in the namespace.
*/}}
{{- /*
True when the SchemaMigration (a CEL expression: "params") was refused because another one gates
its Deployment: such a one holds nothing and claims nothing.
*/}}
{{- define "schemagate.heldByOther" -}}
(has({{ . }}.status) && has({{ . }}.status.conditions) && {{ . }}.status.conditions.exists(c, c.type == 'Stalled' && c.status == 'True' && c.reason == 'TargetHeldByOther'))
{{- end }}

{{- define "schemagate.heldImage" -}}
has(object.metadata.ownerReferences)
&& object.metadata.ownerReferences.exists(o, o.kind == 'ReplicaSet'
  && o.name == params.spec.target.deployment + '-' + object.metadata.labels['pod-template-hash'])
&& !{{ include "schemagate.heldByOther" "params" }}
&& !(has(params.status) && has(params.status.migrated)
  && (has(params.spec.target.container)
      ? object.spec.containers.filter(c, c.name == params.spec.target.container)
      : [object.spec.containers[0]]
    ).exists(c, params.status.migrated.exists(m, m.image == c.image)))
{{- end }}
{{- /*
What the pod policies look at, all of it decided before the API server reads any SchemaMigration,
so it bounds what failurePolicy Fail can refuse: pod creates of a ReplicaSet made by a Deployment
(only those carry pod-template-hash), outside the system namespaces, in watchNamespaces if set.
*/}}
{{- define "schemagate.podMatchConstraints" -}}
matchConstraints:
  resourceRules:
    - apiGroups: [""]
      apiVersions: ["v1"]
      operations: ["CREATE"]
      resources: ["pods"]
  objectSelector:
    matchExpressions:
      - key: pod-template-hash
        operator: Exists
  namespaceSelector:
    matchExpressions:
      - key: kubernetes.io/metadata.name
        operator: NotIn
        values: [kube-system, kube-public, kube-node-lease]
      {{- with .Values.watchNamespaces }}
      # The bindings' scope, here too: an unresolvable paramKind fails the policy itself, before
      # any binding's scope is looked at.
      - key: kubernetes.io/metadata.name
        operator: In
        values:
          {{- toYaml . | nindent 10 }}
      {{- end }}
{{- end }}
{{- define "schemagate.paramRef" -}}
paramRef:
  # Every SchemaMigration in the pod's namespace; none there: nothing to hold.
  selector: {}
  parameterNotFoundAction: Allow
{{- include "schemagate.watchedNamespaces" . }}
{{- end }}
{{- /* A binding's scope: watchNamespaces, where set. */}}
{{- define "schemagate.watchedNamespaces" -}}
{{- with .Values.watchNamespaces }}
matchResources:
  namespaceSelector:
    matchExpressions:
      - key: kubernetes.io/metadata.name
        operator: In
        values:
          {{- toYaml . | nindent 10 }}
{{- end }}
{{- end }}
