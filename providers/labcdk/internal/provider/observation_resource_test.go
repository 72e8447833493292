package provider

import (
	"context"
	"strings"
	"testing"
)

// sh returns an observer that runs a shell snippet; the check name is $0's last argument.
func sh(script string, timeout int64) *observer {
	return &observer{argv: []string{"sh", "-c", script, "observer"}, timeout: timeout}
}

func TestObservePassesCheckAndInputs(t *testing.T) {
	got, err := sh(`echo "$1 node=$NODE_NAME"`, 5).observe(context.Background(), "ironic-node", map[string]string{"NODE_NAME": "compute2"})
	if err != nil {
		t.Fatal(err)
	}
	if got != "ironic-node node=compute2" {
		t.Fatalf("observed %q", got)
	}
}

func TestObserveFailureCarriesStderrAndStatus(t *testing.T) {
	_, err := sh(`echo "cannot reach Ironic at http://127.0.0.1:6385" >&2; exit 3`, 5).observe(context.Background(), "ironic-node", nil)
	if err == nil || !strings.Contains(err.Error(), "status 3") || !strings.Contains(err.Error(), "cannot reach Ironic") {
		t.Fatalf("error %v", err)
	}
}

func TestObserveIsBounded(t *testing.T) {
	_, err := sh(`sleep 30`, 1).observe(context.Background(), "slow", nil)
	if err == nil || !strings.Contains(err.Error(), "did not finish within 1 s") {
		t.Fatalf("error %v", err)
	}
}

func TestObserveWantsExactlyOneLine(t *testing.T) {
	for _, script := range []string{`true`, `printf 'a\nb\n'`} {
		if _, err := sh(script, 5).observe(context.Background(), "c", nil); err == nil || !strings.Contains(err.Error(), "exactly one non-empty line") {
			t.Fatalf("%s: error %v", script, err)
		}
	}
}
