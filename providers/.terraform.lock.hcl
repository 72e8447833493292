# This file is maintained automatically by "tofu init".
# Manual edits may be lost in future updates.

provider "registry.terraform.io/terraform-provider-openstack/openstack" {
  version     = "3.4.0"
  constraints = "3.4.0"
  hashes = [
    "h1:TDNfRv7Q6SSSbqLmR46QathhU9Uoe3Fpg3Jd0pLgHI0=",
    "h1:sNjsu6LSypFhm8OsN1LOdmTpxHKQGiEcsSfwywLnZbM=",
  ]
}

provider "terraform.local/labcdk/labcdk" {
  version     = "0.1.0"
  constraints = "0.1.0"
  hashes = [
    "h1:DkYC2eBciKduvUM6eccfjDEm1/ccMCMzkjSHo/RVLSw=",
    "h1:cOSbvh0xwCxFn5qEbmDqzmHWh5H1YpvARZ294LhCEm8=",
  ]
}
