package schema

import (
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/openapi"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func parse(t testing.TB, s string) *yaml.Node {
	t.Helper()
	n, err := yaml.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return n.YNode()
}

func strs(vs []Violation) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.String())
	}
	return out
}

func TestFluxKustomization(t *testing.T) {
	obj := parse(t, `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
spek: {}
spec:
  interval: 1d
  path: ./apps
  prun: true
  timeout: 5
  decryption:
    provider: vault
  sourceRef:
    kind: GitRepository
    name: flux-system
`)
	vs, ok, err := ValidateFlux("kustomize.toolkit.fluxcd.io/v1", "Kustomization", obj, Options{})
	if !ok || err != nil {
		t.Fatal(ok, err)
	}
	got := strings.Join(strs(vs), "\n")
	for _, want := range []string{
		"spek: not a field of the API",
		"spec.prun: not a field of the API (and prune, which is required, is missing)",
		"spec.interval: does not match the pattern ^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$",
		"spec.timeout: is an integer, must be a string",
		"spec.decryption.provider: must be one of sops",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	if len(vs) != 5 {
		t.Errorf("%d violations, want 5:\n%s", len(vs), got)
	}
	for _, v := range vs {
		if v.Problem == Unknown && v.Suggestion != map[string]string{"spek": "spec", "prun": "prune"}[v.Path[len(v.Path)-1]] {
			t.Errorf("%s: suggestion %q", v, v.Suggestion)
		}
	}
}

func TestNoSchemaForOldVersions(t *testing.T) {
	if HasFlux("kustomize.toolkit.fluxcd.io/v1beta2", "Kustomization") {
		t.Error("Flux 2.9's CRDs do not serve v1beta2")
	}
	if !HasFlux("helm.toolkit.fluxcd.io/v2", "HelmRelease") {
		t.Error("no HelmRelease v2 schema")
	}
	if _, ok, _ := ValidateFlux("helm.toolkit.fluxcd.io/v2beta1", "HelmRelease", parse(t, "kind: HelmRelease"), Options{}); ok {
		t.Error("validated an apiVersion without a schema")
	}
}

func TestOperatorKinds(t *testing.T) {
	obj := parse(t, `apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata: {name: a}
spec:
  providerRef: {name: p}
  eventSources:
    - kind: FluxInstance
      name: flux
`)
	vs, _, _ := ValidateFlux("notification.toolkit.fluxcd.io/v1beta3", "Alert", obj, Options{})
	if len(vs) != 1 || vs[0].Problem != Invalid {
		t.Errorf("the controllers' CRD refuses FluxInstance: %v", strs(vs))
	}
	vs, _, _ = ValidateFlux("notification.toolkit.fluxcd.io/v1beta3", "Alert", obj, Options{Operator: true})
	if len(vs) != 0 {
		t.Errorf("Flux Operator's CRD takes FluxInstance: %v", strs(vs))
	}
}

func TestHelmReleaseRules(t *testing.T) {
	obj := parse(t, `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: a}
spec:
  interval: 10m
  values:
    anything: [1, 2]
`)
	vs, _, _ := ValidateFlux("helm.toolkit.fluxcd.io/v2", "HelmRelease", obj, Options{})
	if got := strings.Join(strs(vs), "\n"); got != "spec: either chart or chartRef must be set (and not both)" {
		t.Errorf("got %q", got)
	}
}

func TestCore(t *testing.T) {
	obj := parse(t, `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  lables: {a: b}
spec:
  replicas: "2"
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      os: {name: linux}
      initContainers:
        - name: proxy
          image: envoy
          restartPolicy: Always
          resizePolicy: [{resourceName: cpu, restartPolicy: NotRequired}]
      containers:
        - image: nginx
          imagePullPolcy: Always
          ports: [{containerPort: "80"}]
          resources: {requests: {cpu: 1, memory: 1Gi}}
          env: [{name: A, value: null}]
`)
	got := strings.Join(strs(ValidateCore("apps/v1", "Deployment", obj)), "\n")
	want := strings.Join([]string{
		"metadata.lables: not a field of the API",
		"spec.replicas: is a string, must be an integer",
		"spec.template.spec.containers.0.imagePullPolcy: not a field of the API",
		"spec.template.spec.containers.0.name: required, and missing",
		"spec.template.spec.containers.0.ports.0.containerPort: is a string, must be an integer",
	}, "\n")
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestIsCore(t *testing.T) {
	for av, want := range map[string]bool{"v1": true, "apps/v1": true, "networking.k8s.io/v1": true,
		"kustomize.toolkit.fluxcd.io/v1": false, "cert-manager.io/v1": false} {
		if IsCore(av, "X") != want {
			t.Errorf("IsCore(%s) = %v", av, !want)
		}
	}
}

func BenchmarkValidateFlux(b *testing.B) {
	obj := parse(b, `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: a, namespace: b}
spec:
  interval: 1h
  chartRef: {kind: OCIRepository, name: app}
  install: {remediation: {retries: -1}}
  values:
    controllers: {app: {containers: {app: {image: {repository: x, tag: y}}}}}
`)
	for b.Loop() {
		ValidateFlux("helm.toolkit.fluxcd.io/v2", "HelmRelease", obj, Options{Operator: true})
	}
}

func BenchmarkValidateCore(b *testing.B) {
	obj := parse(b, `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx
          ports: [{containerPort: 80}]
          resources: {requests: {cpu: 10m, memory: 1Gi}}
`)
	for b.Loop() {
		ValidateCore("apps/v1", "Deployment", obj)
	}
}

func TestMetadata(t *testing.T) {
	obj := parse(t, `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: Apps
  namespace: flux_system
  labels:
    app.kubernetes.io/name: "web app"
    enabled: true
  annotations:
    "bad key!": x
spec:
  interval: 10m
  prune: true
  sourceRef: {kind: GitRepository, name: flux-system}
`)
	vs, _, _ := ValidateFlux("kustomize.toolkit.fluxcd.io/v1", "Kustomization", obj, Options{})
	got := strings.Join(strs(vs), "\n")
	for _, want := range []string{
		"metadata.name: is invalid: a lowercase RFC 1123 subdomain",
		"metadata.namespace: is invalid: a lowercase RFC 1123 label",
		"metadata.labels.app.kubernetes.io/name: ",
		"metadata.labels.enabled: is a boolean, must be a string",
		"metadata.annotations.bad key!: is invalid: key name part must consist",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	rb := parse(t, "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: system:flux:view\n")
	if vs := ValidateCore("rbac.authorization.k8s.io/v1", "ClusterRole", rb); len(vs) != 0 {
		t.Errorf("an RBAC name may hold ':': %v", strs(vs))
	}
}

// TestEveryCRDCompiles guards go generate: each embedded schema compiles,
// with and without Flux Operator's kinds, and every Flux kind has one.
func TestEveryCRDCompiles(t *testing.T) {
	files, err := crds.ReadDir("crds")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 15 {
		t.Errorf("%d schemas, want the 15 kinds of Flux 2.9", len(files))
	}
	for _, f := range files {
		parts := strings.Split(strings.TrimSuffix(f.Name(), ".json"), "_")
		if len(parts) != 3 {
			t.Errorf("%s: not group_kind_version.json", f.Name())
			continue
		}
		for _, op := range []bool{false, true} {
			name := fileName(parts[0], parts[1], parts[2])
			if name != "crds/"+f.Name() {
				t.Errorf("%s: name mismatch %s", f.Name(), name)
			}
			// fluxSchema wants the kind's spelling only to lower-case it.
			if sch, err := fluxSchema(parts[0]+"/"+parts[2], parts[1], Options{Operator: op}); sch == nil || err != nil {
				t.Errorf("%s: %v", f.Name(), err)
			}
		}
	}
}

func TestCoreRelease(t *testing.T) {
	if v := openapi.GetSchemaVersion(); v != CoreRelease {
		t.Errorf("kyaml's OpenAPI document is %s; CoreRelease says %s", v, CoreRelease)
	}
	if len(Fingerprint()) != 16 || Fingerprint() != Fingerprint() {
		t.Error("Fingerprint is not a stable 16-character key")
	}
}
