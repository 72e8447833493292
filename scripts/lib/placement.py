"""Free capacity of a compute host, as Placement (and so the scheduler) counts it.

Used by nova_migrate.py (a migration's pre-check) and nova_drain.py (the
drain's plan), so both count room the same way.
"""
import math

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
