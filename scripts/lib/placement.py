"""Free capacity of a compute host, as Placement (and so the scheduler) counts it.

    python3 placement.py free HOST     prints "VCPU MEMORY_MB DISK_GB" free on HOST (OS_CLOUD)

Used by nova_migrate.py (a migration's pre-check) and drain-compute.sh (the
drain's plan), so both count room the same way.
"""
import math
import os
import sys

API_TIMEOUT = 60  # seconds, each request
CLASSES = ("VCPU", "MEMORY_MB", "DISK_GB")


def flavor_needs(flavor):
    """(VCPU, MEMORY_MB, DISK_GB) a flavor claims: disk + ephemeral + swap rounded up to GB, as Placement counts it."""
    disk = int(flavor.get("disk") or 0) + int(flavor.get("ephemeral") or 0) + math.ceil(int(flavor.get("swap") or 0) / 1024)
    return int(flavor["vcpus"]), int(flavor["ram"]), disk


def free_capacity(inventories, usages):
    """(VCPU, MEMORY_MB, DISK_GB) free: total x allocation_ratio - reserved - used, per class; 0 for a class the host lacks."""
    free = []
    for rc in CLASSES:
        row = inventories.get(rc)
        free.append(0 if row is None else math.floor(row["total"] * float(row["allocation_ratio"])) - row["reserved"] - usages.get(rc, 0))
    return tuple(free)


def placement_free(conn, host):
    """free_capacity() of the resource provider named `host`, or None when Placement has none."""
    from openstack import exceptions

    def get(url):
        response = conn.placement.get(url)
        exceptions.raise_from_response(response)
        return response.json()

    providers = get("/resource_providers?name=%s" % host)["resource_providers"]
    if not providers:
        return None
    uuid = providers[0]["uuid"]
    return free_capacity(get("/resource_providers/%s/inventories" % uuid)["inventories"], get("/resource_providers/%s/usages" % uuid)["usages"])


def main():
    if len(sys.argv) != 3 or sys.argv[1] != "free":
        print("usage: placement.py free HOST   (OS_CLOUD names the cloud)", file=sys.stderr)
        sys.exit(2)
    import openstack

    try:
        free = placement_free(openstack.connect(cloud=os.environ["OS_CLOUD"], api_timeout=API_TIMEOUT), sys.argv[2])
    except openstack.exceptions.SDKException as error:
        print("placement: %s" % " ".join(str(error).split()), file=sys.stderr)
        sys.exit(1)
    if free is None:
        print('no resource provider named "%s" in Placement' % sys.argv[2], file=sys.stderr)
        sys.exit(1)
    print(*free)


if __name__ == "__main__":
    main()
