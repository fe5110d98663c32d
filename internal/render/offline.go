package render

import (
	"errors"
	"net/http"
	"os"
	"sync"
)

var offlineOnce sync.Once

// errOffline is what any attempt of kustomize to reach the network gets.
var errOffline = errors.New("fluxlint renders offline: network access is disabled")

type refuseTransport struct{}

func (refuseTransport) RoundTrip(*http.Request) (*http.Response, error) { return nil, errOffline }

// enforceOffline makes sure that nothing a build does can reach the
// network, as a second line behind taking remote entries out of the
// kustomizations: HTTP through the default transport is refused, and git,
// should kustomize ever run it, may use no transport at all.
func enforceOffline() {
	offlineOnce.Do(func() {
		http.DefaultTransport = refuseTransport{}
		http.DefaultClient.Transport = refuseTransport{}
		_ = os.Setenv("GIT_ALLOW_PROTOCOL", "fluxlint-offline")
		_ = os.Setenv("GIT_TERMINAL_PROMPT", "0")
	})
}
