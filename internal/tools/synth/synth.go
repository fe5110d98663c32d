// Package synth writes synthetic Flux repositories for benchmarks: one
// entry point that applies a Flux Kustomization per group of 50
// applications (as repositories group theirs by namespace), each of which
// applies the groups' n application Kustomizations; each of those renders
// a directory with a Deployment, a Service, a ConfigMap from a generator
// and a HelmRelease with its source, with postBuild substitution. No build
// holds more than about a hundred objects, so that the cost per
// Kustomization measures fluxlint rather than kustomize, whose resource
// map is quadratic in the objects of one build.
package synth

import (
	"fmt"
	"os"
	"path/filepath"
)

// Generate writes a repository of n application Kustomizations under dir.
func Generate(dir string, n int) error {
	write := func(p, s string) error {
		p = filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		return os.WriteFile(p, []byte(s), 0o644)
	}
	if err := write("clusters/prod/flux-system/sync.yaml", `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 1m
  url: ssh://git@example.com/fleet
  ref:
    branch: main
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: cluster-apps
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps
  prune: true
  wait: true
  sourceRef:
    kind: GitRepository
    name: flux-system
`); err != nil {
		return err
	}
	if err := write("apps/settings.yaml", `apiVersion: v1
kind: ConfigMap
metadata:
  name: cluster-settings
  namespace: flux-system
data:
  DOMAIN: example.com
`); err != nil {
		return err
	}
	const kustomization = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n"
	index := kustomization + "  - settings.yaml\n"
	groups := map[string]string{}
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("app-%04d", i)
		group := fmt.Sprintf("group-%03d", i/groupSize)
		if groups[group] == "" {
			groups[group] = kustomization
			index += "  - " + group + ".yaml\n"
			if err := write("apps/"+group+".yaml", fmt.Sprintf(`apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: %[1]s
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps/%[1]s
  prune: true
  wait: true
  sourceRef:
    kind: GitRepository
    name: flux-system
`, group)); err != nil {
				return err
			}
		}
		groups[group] += "  - " + name + "/ks.yaml\n"
		files := map[string]string{
			"ks.yaml": fmt.Sprintf(`apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: %[1]s
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps/%[2]s/%[1]s/app
  prune: true
  wait: true
  targetNamespace: %[1]s
  sourceRef:
    kind: GitRepository
    name: flux-system
  postBuild:
    substitute:
      APP: %[1]s
    substituteFrom:
      - kind: ConfigMap
        name: cluster-settings
`, name, group),
			"app/kustomization.yaml": `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - namespace.yaml
  - deployment.yaml
  - service.yaml
  - helmrelease.yaml
configMapGenerator:
  - name: app-config
    literals:
      - host=${APP}.${DOMAIN}
`,
			"app/namespace.yaml": fmt.Sprintf("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n", name),
			"app/deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
          env:
            - name: HOST
              value: ${APP}.${DOMAIN}
`,
			"app/service.yaml": `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
`,
			"app/helmrelease.yaml": `apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata:
  name: redis
spec:
  interval: 1h
  url: oci://registry.example.com/charts/redis
  ref:
    tag: 20.0.0
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: redis
spec:
  interval: 1h
  chartRef:
    kind: OCIRepository
    name: redis
  values:
    fullnameOverride: ${APP}-redis
`,
		}
		for p, s := range files {
			if err := write("apps/"+group+"/"+name+"/"+p, s); err != nil {
				return err
			}
		}
	}
	// Each path lists its Kustomizations' files, and only those: without
	// the list, Flux would build the applications' directories in too.
	for group, index := range groups {
		if err := write("apps/"+group+"/kustomization.yaml", index); err != nil {
			return err
		}
	}
	return write("apps/kustomization.yaml", index)
}

// groupSize is how many applications one group Kustomization applies.
const groupSize = 50
