package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// testAccProtoV6ProviderFactories serves the provider in the test process for
// every OpenTofu command of an acceptance test (OpenTofu attaches to it; it is
// never installed from a mirror or a registry).
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"labcdk": providerserver.NewProtocol6WithError(New("test")()),
}

// TestMain keeps acceptance tests (TF_ACC=1) off the network. Without
// TF_ACC_TERRAFORM_PATH terraform-plugin-testing would look for `terraform`
// on PATH and else download one from releases.hashicorp.com; here it must be
// the OpenTofu the project builds (tools/build-toolchain.sh: .tools/bin/tofu).
// The provider address is the one main.go serves (terraform.local/labcdk/labcdk,
// which the acceptance tests' configurations require), and OpenTofu gets a CLI
// configuration that installs no provider at all: the only ones the tests use
// are this one, attached in-process, and the built-in terraform_data.
func TestMain(m *testing.M) {
	if os.Getenv("TF_ACC") == "" {
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "labcdk-acc-")
	if err == nil {
		err = offlineAcceptanceEnv(dir)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "acceptance tests:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// offlineAcceptanceEnv sets the environment of the acceptance tests, writing
// OpenTofu's CLI configuration into dir.
func offlineAcceptanceEnv(dir string) error {
	if os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		return fmt.Errorf("TF_ACC_TERRAFORM_PATH must name the OpenTofu binary (e.g. $PWD/../../.tools/bin/tofu): without it terraform-plugin-testing downloads Terraform")
	}
	if os.Getenv("TF_ACC_TERRAFORM_VERSION") != "" {
		return fmt.Errorf("TF_ACC_TERRAFORM_VERSION makes terraform-plugin-testing download Terraform: unset it")
	}
	os.Setenv("TF_ACC_PROVIDER_HOST", "terraform.local")
	os.Setenv("TF_ACC_PROVIDER_NAMESPACE", "labcdk")
	rc := filepath.Join(dir, "tofurc")
	noInstall := "provider_installation {\n  direct {\n    exclude = [\"*/*/*\"]\n  }\n}\n"
	if err := os.WriteFile(rc, []byte(noInstall), 0o644); err != nil {
		return err
	}
	os.Setenv("TF_CLI_CONFIG_FILE", rc)
	os.Setenv("TF_PLUGIN_CACHE_DIR", "")
	return nil
}
