// Command terraform-provider-labcdk serves labcdk's own Terraform provider:
// one resource, labcdk_observation, that lets a plan see what the lab's
// scripts manage (see internal/provider/observation_resource.go).
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/labcdk/labcdk/providers/labcdk/internal/provider"
)

// version is the provider's version; the build sets nothing else, so the
// binary is reproducible from the source and the Go toolchain alone.
const version = "0.1.0"

func main() {
	debug := flag.Bool("debug", false, "serve for a debugger (TF_REATTACH_PROVIDERS)")
	flag.Parse()
	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "terraform.local/labcdk/labcdk",
		Debug:   *debug,
	})
	if err != nil {
		log.Fatal(err)
	}
}
