package analyzers_test

import (
	"testing"

	"github.com/fluxlint/fluxlint/analyzers"
	"github.com/fluxlint/fluxlint/analyzers/analyzertest"
)

func TestCrossNamespaceRef(t *testing.T) {
	analyzertest.Run(t, analyzertest.TestData("cross-namespace-ref"), analyzers.CrossNamespaceRef)
}

func TestConfigNamespace(t *testing.T) {
	analyzertest.Run(t, analyzertest.TestData("config-namespace"), analyzers.ConfigNamespace)
}

func TestPrune(t *testing.T) {
	analyzertest.Run(t, analyzertest.TestData("prune"), analyzers.Prune)
}

func TestHealthChecks(t *testing.T) {
	analyzertest.Run(t, analyzertest.TestData("health-checks"), analyzers.HealthChecks)
}

func TestPlaintextSecret(t *testing.T) {
	analyzertest.Run(t, analyzertest.TestData("plaintext-secret"), analyzers.PlaintextSecret)
}

func TestSOPSWithoutDecryption(t *testing.T) {
	analyzertest.Run(t, analyzertest.TestData("sops-without-decryption"), analyzers.SOPSWithoutDecryption)
}

func TestRemovedAPI(t *testing.T) {
	analyzertest.Run(t, analyzertest.TestData("removed-api"), analyzers.RemovedAPI)
}

func TestDependencyNotFound(t *testing.T) {
	analyzertest.Run(t, analyzertest.TestData("dependency-not-found"), analyzers.DependencyNotFound)
}

func TestSuppression(t *testing.T) {
	analyzertest.Run(t, analyzertest.TestData("suppression"), analyzers.Suppression, analyzers.Prune, analyzers.HealthChecks)
}

func TestReleaseName(t *testing.T) {
	analyzertest.Run(t, analyzertest.TestData("release-name"), analyzers.ReleaseName)
}
