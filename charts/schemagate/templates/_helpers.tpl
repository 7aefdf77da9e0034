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

{{- /*
True when the SchemaMigration (a CEL expression: "params") was refused because another one gates
its workloads: such a one holds nothing and claims nothing.
*/}}
{{- define "schemagate.heldByOther" -}}
{{- include "schemagate.stalledFor" (list . "TargetHeldByOther") }}
{{- end }}

{{- /*
"<Kind> <name>" of every workload a SchemaMigration (a CEL expression) gates: a CEL list.
*/}}
{{- define "schemagate.claimedWorkloads" -}}
(has({{ . }}.spec.target.deployment) ? ['Deployment ' + {{ . }}.spec.target.deployment] : []) + (has({{ . }}.spec.target.workloads) ? {{ . }}.spec.target.workloads.map(w, w.kind + ' ' + w.name) : [])
{{- end }}

{{- /*
True when the SchemaMigration (list 0: a CEL expression) is Stalled for one of the reasons (the
rest of the list).
*/}}
{{- define "schemagate.stalledFor" -}}
{{- $m := first . -}}
(has({{ $m }}.status) && has({{ $m }}.status.conditions) && {{ $m }}.status.conditions.exists(c, c.type == 'Stalled' && c.status == 'True' && {{ if eq (len .) 2 }}c.reason == '{{ last . }}'{{ else }}c.reason in [{{ range $i, $r := rest . }}{{ if $i }}, {{ end }}'{{ $r }}'{{ end }}]{{ end }}))
{{- end }}

{{- /*
The pod families of the pod admission policies: each one MutatingAdmissionPolicy and one
ValidatingAdmissionPolicy, named <fullname>-gate-<name>-pods and <fullname>-hold-<name>-pods.
  kinds: the kinds of spec.target.workloads (and spec.target.deployment) whose pods these are;
  selector: the objectSelector that finds them, from labels their controllers set at creation;
    read before any SchemaMigration is, it bounds what a policy that cannot run refuses.
*/}}
{{- define "schemagate.podFamilies" -}}
# The ReplicaSet controller copies pod-template-hash, which the Deployment controller alone sets.
- name: deployment
  kinds: [Deployment]
  selector:
    - {key: pod-template-hash, operator: Exists}
# controller-revision-hash alone would take in DaemonSet pods too; pod-name is the StatefulSet's.
- name: statefulset
  kinds: [StatefulSet]
  selector:
    - {key: controller-revision-hash, operator: Exists}
    - {key: statefulset.kubernetes.io/pod-name, operator: Exists}
# The API server puts batch.kubernetes.io/job-name (since 1.27, beside the legacy job-name) on the
# template of every Job without spec.manualSelector, a CronJob's too. The migration Jobs'
# own pods (schemagate.dev/revision) are never held, nor refused while the policies cannot run.
- name: job
  kinds: [Job, CronJob]
  selector:
    - {key: batch.kubernetes.io/job-name, operator: Exists}
    - {key: schemagate.dev/revision, operator: DoesNotExist}
{{- end }}

{{- /*
True when the pod (object) belongs to the workload of kind .kind whose name is the CEL string
expression .name. The same reading of owner references as the operator's (PodOwner): a
Deployment's pod is owned by the ReplicaSet <deployment>-<pod-template-hash>, a StatefulSet's and a
Job's by them, a CronJob's by a Job <cronjob>-<digits> (the CronJob controller names its Jobs after
the scheduled minute).
*/}}
{{- define "schemagate.owns" -}}
{{- if eq .kind "Deployment" -}}
object.metadata.ownerReferences.exists(o, o.kind == 'ReplicaSet' && o.name == {{ .name }} + '-' + object.metadata.labels['pod-template-hash'])
{{- else if eq .kind "CronJob" -}}
object.metadata.ownerReferences.exists(o, o.kind == 'Job' && o.name.startsWith({{ .name }} + '-') && o.name.substring(size({{ .name }}) + 1).matches('^[0-9]+$'))
{{- else -}}
object.metadata.ownerReferences.exists(o, o.kind == '{{ .kind }}' && o.name == {{ .name }})
{{- end }}
{{- end }}

{{- /*
True when an entry w of params.spec.target.workloads is the pod's workload, for a family (.kinds).
*/}}
{{- define "schemagate.ownsAny" -}}
{{- range $i, $kind := .kinds }}{{ if $i }} || {{ end }}(w.kind == '{{ $kind }}' && {{ include "schemagate.owns" (dict "kind" $kind "name" "w.name") }}){{ end }}
{{- end }}

{{- /*
True when the pod's app container (the CEL optional .container names it; none: the first) runs
an image not in params.status.migrated. A pod without the named container is not migrated either
(exists, not all: an empty list is not migrated).
*/}}
{{- define "schemagate.unmigrated" -}}
!(has(params.status) && has(params.status.migrated)
  && ({{ .container }}.hasValue()
      ? object.spec.containers.filter(c, c.name == {{ .container }}.value())
      : [object.spec.containers[0]]
    ).exists(c, params.status.migrated.exists(m, m.image == c.image)))
{{- end }}

{{- /*
True for a pod of a family (.kinds) that belongs to one of the workloads the SchemaMigration
(params) gates, and whose app container (the workload's container, else spec.target.container,
else the first) runs an image not yet migrated: the pod admission policies hold it. The API server
evaluates it once per SchemaMigration of the pod's namespace (each is a param), so the owner test,
false for all but the one gating the pod's workload, comes first: it cut the API server's CPU per
pod create by a fifth with 100 to 400 SchemaMigrations in the namespace.
*/}}
{{- define "schemagate.heldImage" -}}
has(object.metadata.ownerReferences)
&& (
{{- if has "Deployment" .kinds }}
  (has(params.spec.target.deployment)
    && {{ include "schemagate.owns" (dict "kind" "Deployment" "name" "params.spec.target.deployment") }}
    && {{ include "schemagate.unmigrated" (dict "container" "params.spec.target.?container") | nindent 4 | trim }})
  ||
{{- end }}
  (has(params.spec.target.workloads) && params.spec.target.workloads.exists(w,
    ({{ include "schemagate.ownsAny" . }})
    && {{ include "schemagate.unmigrated" (dict "container" "w.?container.or(params.spec.target.?container)") | nindent 4 | trim }})))
&& !{{ include "schemagate.heldByOther" "params" }}
{{- end }}

{{- /*
"<Kind> <name>" of the workload a held pod (of a family, .kinds) belongs to, for the refusal.
*/}}
{{- define "schemagate.heldWorkload" -}}
{{- $workloads := printf "params.spec.target.workloads.filter(w, %s).map(w, w.kind + ' ' + w.name)[0]" (include "schemagate.ownsAny" .) -}}
{{- if has "Deployment" .kinds -}}
(has(params.spec.target.deployment) && {{ include "schemagate.owns" (dict "kind" "Deployment" "name" "params.spec.target.deployment") }}
  ? 'Deployment ' + params.spec.target.deployment
  : {{ $workloads }})
{{- else -}}
{{ $workloads }}
{{- end }}
{{- end }}

{{- /*
What a pod policy of a family (.family) looks at, all of it decided before the API server reads any
SchemaMigration, so it bounds what failurePolicy Fail can refuse: pod creates with the family's
labels, outside the system namespaces, in watchNamespaces if set.
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
      {{- toYaml .family.selector | nindent 6 }}
  namespaceSelector:
    matchExpressions:
      - key: kubernetes.io/metadata.name
        operator: NotIn
        values: [kube-system, kube-public, kube-node-lease]
      {{- with .root.Values.watchNamespaces }}
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
