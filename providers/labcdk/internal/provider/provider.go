// Package provider is labcdk's Terraform provider.
package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// defaultTimeoutSeconds bounds one observation when the provider block does not say.
const defaultTimeoutSeconds = 120

// defaultConcurrency is how many observers run at once when the provider block does not say.
const defaultConcurrency = 4

// labcdkProvider must be a provider.Provider: a method with a mistyped
// signature fails the build here instead of never being called.
var _ provider.Provider = &labcdkProvider{}

// New returns the provider factory providerserver.Serve wants.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &labcdkProvider{version: version} }
}

type labcdkProvider struct {
	version string
}

// providerModel is the provider block.
type providerModel struct {
	Observer       types.List  `tfsdk:"observer"`
	TimeoutSeconds types.Int64 `tfsdk:"timeout_seconds"`
	Concurrency    types.Int64 `tfsdk:"concurrency"`
}

// observer is what the provider's Configure hands its resources
// (ResourceData): how to run one observation.
type observer struct {
	argv    []string
	timeout int64
	// slots bounds the observers running at once (a refresh reads every
	// observation in parallel, each authenticating against the cloud).
	slots chan struct{}
}

func (p *labcdkProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "labcdk"
	resp.Version = p.version
}

func (p *labcdkProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "labcdk's own provider: observations that let a plan see what the lab's scripts manage.",
		Attributes: map[string]schema.Attribute{
			"observer": schema.ListAttribute{
				Description: "The read-only program that observes, with its first arguments (labcdk's stacks: [\"bash\", \"<scripts asset>/observe-step.sh\"]). " +
					"It gets the check name as its last argument and the observation's inputs as environment variables, " +
					"and prints the observed state on one line. It is not stored in state, so moving it (a new scripts asset) changes no resource.",
				ElementType: types.StringType,
				Required:    true,
			},
			"timeout_seconds": schema.Int64Attribute{
				Description: "Bound of one observation; the program is killed after it. Default 120.",
				Optional:    true,
				Validators:  []validator.Int64{int64validator.AtLeast(1)},
			},
			"concurrency": schema.Int64Attribute{
				Description: "Observers running at once, whatever OpenTofu's -parallelism: each one authenticates against the cloud, " +
					"so a refresh of a large lab does not flood Keystone. Waiting for a slot does not count against timeout_seconds. Default 4.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
		},
	}
}

func (p *labcdkProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var config providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if config.Observer.IsUnknown() {
		// Only during a plan before the value is known; Read is not called then.
		return
	}
	var argv []string
	resp.Diagnostics.Append(config.Observer.ElementsAs(ctx, &argv, false)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if len(argv) == 0 || argv[0] == "" {
		resp.Diagnostics.AddAttributeError(path.Root("observer"), "observer is empty", "observer must name the program to run, e.g. [\"bash\", \"scripts/observe-step.sh\"].")
		return
	}
	resp.ResourceData = newObserver(argv, valueOr(config.TimeoutSeconds, defaultTimeoutSeconds), int(valueOr(config.Concurrency, defaultConcurrency)))
}

// valueOr is the configured number, or the default when the block leaves it out.
// (The schema's validators have already refused numbers below 1.)
func valueOr(value types.Int64, fallback int64) int64 {
	if value.IsNull() || value.IsUnknown() {
		return fallback
	}
	return value.ValueInt64()
}

func newObserver(argv []string, timeout int64, concurrency int) *observer {
	return &observer{argv: argv, timeout: timeout, slots: make(chan struct{}, concurrency)}
}

func (p *labcdkProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{newObservationResource}
}

func (p *labcdkProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return nil
}
