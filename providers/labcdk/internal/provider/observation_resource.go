package provider

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// envName is what an input name must look like: it becomes an environment variable.
var envName = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)

// stderrLimit bounds how much of the observer's stderr reaches an error message.
const stderrLimit = 4096

// observationResource is labcdk_observation: the state a script step brings
// about, as the step's configuration says it and as the cloud shows it.
//
// Create and Update store the configured `state` (the step that depends on
// the observation makes it true in the same apply). Read — at every refresh —
// runs the read-only observer and stores what it prints. When the cloud has
// drifted, refresh stores the observed state, the plan updates the
// observation back to the configured one, and the step that names the
// observation in `replace_triggered_by` runs again. After that apply the
// observer prints the configured state again, so the next plan is empty:
// nothing flaps.
type observationResource struct {
	observer *observer
}

// The framework finds a resource's optional methods by these interfaces: a
// mistyped Configure or ValidateConfig would satisfy none and silently never
// run. These assertions make it a build error instead.
var (
	_ resource.Resource                   = &observationResource{}
	_ resource.ResourceWithConfigure      = &observationResource{}
	_ resource.ResourceWithValidateConfig = &observationResource{}
)

type observationModel struct {
	ID     types.String `tfsdk:"id"`
	Check  types.String `tfsdk:"check"`
	Inputs types.Map    `tfsdk:"inputs"`
	State  types.String `tfsdk:"state"`
}

func newObservationResource() resource.Resource { return &observationResource{} }

func (r *observationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_observation"
}

func (r *observationResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "The state a script step brings about. Refresh replaces `state` with what the observer sees, " +
			"so drift shows in a plan as an update of this resource (and a replacement of the step that names it in replace_triggered_by).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description:   "The check and a hash of its inputs (\"ironic-nodes:3f2a…\"), set at creation; an update in place keeps it.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"check": schema.StringAttribute{
				Description: "What to observe; passed to the observer as its last argument (e.g. \"ironic-nodes\"; scripts/observe-step.sh --help lists labcdk's checks).",
				Required:    true,
			},
			"inputs": schema.MapAttribute{
				Description: "The observation's inputs, given to the observer as environment variables (upper-case names). Never a secret: they are stored in state.",
				ElementType: types.StringType,
				Optional:    true,
			},
			"state": schema.StringAttribute{
				Description: "The state the step brings about, in the observer's words (e.g. \"registered\"). After a refresh: the observed state.",
				Required:    true,
			},
		},
	}
}

// Configure takes the observer the provider's Configure made. ProviderData is
// nil until the provider is configured (OpenTofu validates resources first);
// Read says so if it is still nil then.
func (r *observationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	o, ok := req.ProviderData.(*observer)
	if !ok {
		resp.Diagnostics.AddError("unexpected provider data",
			fmt.Sprintf("labcdk_observation expected the provider to configure it with %T, got %T: a bug in providers/labcdk.", o, req.ProviderData))
		return
	}
	r.observer = o
}

func (r *observationResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var config observationModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() || config.Inputs.IsNull() || config.Inputs.IsUnknown() {
		return
	}
	for name := range config.Inputs.Elements() {
		if !envName.MatchString(name) {
			resp.Diagnostics.AddAttributeError(path.Root("inputs").AtMapKey(name), "input name is not an environment variable name",
				fmt.Sprintf("input %q must be upper-case letters, digits and \"_\", starting with a letter", name))
		}
	}
}

func (r *observationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan observationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ID = types.StringValue(observationID(ctx, plan, &resp.Diagnostics))
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *observationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan observationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *observationResource) Delete(_ context.Context, _ resource.DeleteRequest, _ *resource.DeleteResponse) {
	// Nothing to undo: an observation changes nothing in the cloud.
}

func (r *observationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var current observationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &current)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.observer == nil {
		resp.Diagnostics.AddError("provider not configured", "labcdk_observation needs the labcdk provider block with `observer`.")
		return
	}
	inputs := map[string]string{}
	resp.Diagnostics.Append(current.Inputs.ElementsAs(ctx, &inputs, false)...)
	if resp.Diagnostics.HasError() {
		return
	}
	check := current.Check.ValueString()
	observed, err := r.observer.observe(ctx, check, inputs)
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("observing %q failed", check), err.Error())
		return
	}
	if observed != current.State.ValueString() {
		tflog.Info(ctx, "observation differs from the stored state", map[string]any{"check": check, "stored": current.State.ValueString(), "observed": observed})
	}
	current.State = types.StringValue(observed)
	resp.Diagnostics.Append(resp.State.Set(ctx, &current)...)
}

// observe runs the observer for one check and returns the line it printed.
func (o *observer) observe(ctx context.Context, check string, inputs map[string]string) (string, error) {
	select {
	case o.slots <- struct{}{}:
		defer func() { <-o.slots }()
	case <-ctx.Done():
		return "", ctx.Err()
	}
	ctx, cancel := context.WithTimeout(ctx, time.Duration(o.timeout)*time.Second)
	defer cancel()
	argv := append(append([]string{}, o.argv...), check)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = os.Environ()
	for _, name := range sortedKeys(inputs) {
		cmd.Env = append(cmd.Env, name+"="+inputs[name])
	}
	// Its own process group, so a timeout also stops what it started.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	err := cmd.Run()
	if ctx.Err() == context.DeadlineExceeded {
		return "", fmt.Errorf("the observer did not finish within %d s (provider timeout_seconds): %s%s", o.timeout, strings.Join(argv, " "), tail(stderr.String()))
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return "", fmt.Errorf("the observer exited with status %d: %s%s", exit.ExitCode(), strings.Join(argv, " "), tail(stderr.String()))
	}
	if err != nil {
		return "", fmt.Errorf("the observer could not run: %w", err)
	}
	out := strings.TrimRight(stdout.String(), "\n")
	if out == "" || strings.Contains(out, "\n") {
		return "", fmt.Errorf("the observer must print exactly one non-empty line, it printed %q: %s", stdout.String(), strings.Join(argv, " "))
	}
	return out, nil
}

// tail is the end of the observer's stderr, for an error message.
func tail(stderr string) string {
	stderr = strings.TrimSpace(stderr)
	if stderr == "" {
		return ""
	}
	if len(stderr) > stderrLimit {
		stderr = "..." + stderr[len(stderr)-stderrLimit:]
	}
	return "\n" + stderr
}

// observationID is stable for a check and its inputs.
func observationID(ctx context.Context, m observationModel, diags *diag.Diagnostics) string {
	inputs := map[string]string{}
	diags.Append(m.Inputs.ElementsAs(ctx, &inputs, false)...)
	h := sha256.New()
	h.Write([]byte(m.Check.ValueString()))
	for _, name := range sortedKeys(inputs) {
		h.Write([]byte("\x00" + name + "=" + inputs[name]))
	}
	return m.Check.ValueString() + ":" + hex.EncodeToString(h.Sum(nil))[:12]
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
