package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
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

func TestConfigureTakesTheProvidersObserver(t *testing.T) {
	o := newObserver([]string{"true"}, 5, 1)
	r := &observationResource{}
	var resp fwresource.ConfigureResponse
	r.Configure(context.Background(), fwresource.ConfigureRequest{ProviderData: o}, &resp)
	if resp.Diagnostics.HasError() || r.observer != o {
		t.Fatalf("observer %v, diagnostics %v", r.observer, resp.Diagnostics)
	}
}

func TestConfigureBeforeTheProviderIsConfiguredIsNoError(t *testing.T) {
	// OpenTofu validates resources before it configures the provider.
	r := &observationResource{}
	var resp fwresource.ConfigureResponse
	r.Configure(context.Background(), fwresource.ConfigureRequest{}, &resp)
	if resp.Diagnostics.HasError() || r.observer != nil {
		t.Fatalf("observer %v, diagnostics %v", r.observer, resp.Diagnostics)
	}
}

func TestConfigureRefusesOtherProviderData(t *testing.T) {
	r := &observationResource{}
	var resp fwresource.ConfigureResponse
	r.Configure(context.Background(), fwresource.ConfigureRequest{ProviderData: "not an observer"}, &resp)
	if !resp.Diagnostics.HasError() || r.observer != nil {
		t.Fatalf("observer %v, diagnostics %v", r.observer, resp.Diagnostics)
	}
	if detail := resp.Diagnostics.Errors()[0].Detail(); !strings.Contains(detail, "*provider.observer") || !strings.Contains(detail, "got string") {
		t.Fatalf("detail %q", detail)
	}
}

// cloud is a stand-in for what scripts/observe-step.sh observes: a folder in
// which the file named like a check holds its observed state. The observer
// reads it; the config's step writes it.
type cloud struct{ dir string }

func newCloud(t *testing.T) cloud {
	c := cloud{dir: t.TempDir()}
	observer := `# The stand-in observer: check $1, the cloud's folder in $CLOUD.
if [ -e "$CLOUD/down" ]; then echo "the cloud at $CLOUD cannot be reached" >&2; exit 2; fi
if [ -e "$CLOUD/slow" ]; then sleep 30; fi
cat "$CLOUD/$1" 2>/dev/null || echo absent
`
	if err := os.WriteFile(filepath.Join(c.dir, "observer.sh"), []byte(observer), 0o644); err != nil {
		t.Fatal(err)
	}
	return c
}

// config is an observation of check "thing" wanting STATE and the step that
// brings it about, wired as constructs/script-step.ts wires a step to its observation:
// the step is replaced when the observation's state changes.
func (c cloud) config(state string) string {
	return fmt.Sprintf(`
terraform {
  required_providers {
    labcdk = { source = "terraform.local/labcdk/labcdk" }
  }
}
provider "labcdk" {
  observer        = ["sh", %[1]q]
  timeout_seconds = 2
}
resource "labcdk_observation" "thing" {
  check  = "thing"
  inputs = { CLOUD = %[2]q }
  state  = %[3]q
}
resource "terraform_data" "step" {
  lifecycle {
    replace_triggered_by = [labcdk_observation.thing.state]
  }
  provisioner "local-exec" {
    command = "echo %[3]s > thing && echo run >> runs"
    working_dir = %[2]q
  }
}
`, filepath.Join(c.dir, "observer.sh"), c.dir, state)
}

// set makes FILE in the cloud's folder exist (with CONTENT) or not (nil).
func (c cloud) set(t *testing.T, file string, content *string) {
	t.Helper()
	path := filepath.Join(c.dir, file)
	if content == nil {
		if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		return
	}
	if err := os.WriteFile(path, []byte(*content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// holds checks the cloud's thing and how often the step ran.
func (c cloud) holds(thing string, runs int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, _ := os.ReadFile(filepath.Join(c.dir, "thing"))
		log, _ := os.ReadFile(filepath.Join(c.dir, "runs"))
		if n := strings.Count(string(log), "run\n"); strings.TrimSpace(string(got)) != thing || n != runs {
			return fmt.Errorf("the cloud has thing %q after %d step runs, want %q after %d", got, n, thing, runs)
		}
		return nil
	}
}

const observation = "labcdk_observation.thing"

func stateIs(want string) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(observation, tfjsonpath.New("state"), knownvalue.StringExact(want))
}

// The lifecycle a script step's observation goes through. After every apply
// the test framework plans again and fails unless that plan is empty: that is
// the "no flapping" the stacks rely on.
func TestAccObservationLifecycle(t *testing.T) {
	c := newCloud(t)
	sameID := statecheck.CompareValue(compare.ValuesSame())
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			// Create: the configured state is stored (not observed: the step brings it about in the same apply).
			{
				Config: c.config("present"),
				ConfigStateChecks: []statecheck.StateCheck{
					stateIs("present"),
					statecheck.ExpectKnownValue(observation, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^thing:[0-9a-f]{12}$`))),
					sameID.AddStateValue(observation, tfjsonpath.New("id")),
				},
				Check: c.holds("present", 1),
			},
			// Drift: the thing is gone by hand; a refresh stores what the observer prints, and the plan wants it back.
			{
				PreConfig:          func() { c.set(t, "thing", nil) },
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check:              resource.TestCheckResourceAttr(observation, "state", "absent"),
				RefreshPlanChecks: resource.RefreshPlanChecks{PostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(observation, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(observation, tfjsonpath.New("state"), knownvalue.StringExact("present")),
					plancheck.ExpectResourceAction("terraform_data.step", plancheck.ResourceActionReplace),
				}},
			},
			// Update back: the apply updates the observation to the configured state and the step, replaced, repairs the thing.
			{
				Config: c.config("present"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(observation, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("terraform_data.step", plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: []statecheck.StateCheck{stateIs("present"), sameID.AddStateValue(observation, tfjsonpath.New("id"))},
				Check:             c.holds("present", 2),
			},
			// A new wanted state is an update in place that keeps the id, and runs the step again.
			{
				Config: c.config("renamed"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(observation, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("terraform_data.step", plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: []statecheck.StateCheck{stateIs("renamed"), sameID.AddStateValue(observation, tfjsonpath.New("id"))},
				Check:             c.holds("renamed", 3),
			},
			// Import: an observation has nothing in the cloud to import; it is created by the step's configuration.
			{
				ResourceName:  observation,
				ImportState:   true,
				ImportStateId: "thing:000000000000",
				ExpectError:   regexp.MustCompile(`does not support import`),
			},
		},
	})
}

// An observer that fails or does not finish fails the plan with its message;
// once the cloud answers again the plan is empty.
func TestAccObservationObserverFails(t *testing.T) {
	c := newCloud(t)
	exists := "" // a marker file's content
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: c.config("present")},
			{
				PreConfig:   func() { c.set(t, "down", &exists) },
				Config:      c.config("present"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)observing "thing" failed.*the observer exited with status 2.*the cloud at \S+ cannot be\s+reached`),
			},
			{
				PreConfig:   func() { c.set(t, "down", nil); c.set(t, "slow", &exists) },
				Config:      c.config("present"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`did not finish within 2 s`),
			},
			{
				PreConfig: func() { c.set(t, "slow", nil) },
				Config:    c.config("present"),
				PlanOnly:  true,
				Check:     c.holds("present", 1),
			},
		},
	})
}

// Configurations the provider refuses before anything runs.
func TestAccObservationRefusesBadConfig(t *testing.T) {
	c := newCloud(t)
	base := c.config("present")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// ValidateConfig: an input becomes an environment variable, so its name must be one.
				Config:      strings.Replace(base, "inputs = { CLOUD = ", `inputs = { "node-name" = "compute2", CLOUD = `, 1),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)input name is not an environment variable name.*input "node-name" must be upper-case`),
			},
			{
				Config:      strings.Replace(base, `observer        = ["sh", `, `observer        = [""] # `, 1),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`observer is empty`),
			},
			{
				Config:      strings.Replace(base, "timeout_seconds = 2", "timeout_seconds = 0", 1),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Attribute timeout_seconds value must be at least 1, got: 0`),
			},
		},
	})
}
