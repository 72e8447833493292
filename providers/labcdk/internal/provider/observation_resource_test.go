package provider

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// sh returns an observer that runs a shell snippet; the check name is $0's last argument.
func sh(script string, timeout int64) *observer {
	return newObserver([]string{"sh", "-c", script, "observer"}, timeout, 4)
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

func TestObserversRunAtMostConcurrencyAtOnce(t *testing.T) {
	// Each run appends "start" and, a moment later, "end": with one slot the
	// runs cannot interleave, whatever the order the goroutines start in.
	log := filepath.Join(t.TempDir(), "runs.log")
	o := newObserver([]string{"sh", "-c", `echo start >> "$LOG"; sleep 0.2; echo end >> "$LOG"; echo ok`, "observer"}, 5, 1)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := o.observe(context.Background(), "c", map[string]string{"LOG": log}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Fields(string(data)); strings.Join(got, " ") != "start end start end start end start end" {
		t.Fatalf("runs interleaved with one slot: %v", got)
	}
}
