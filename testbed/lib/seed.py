"""Idempotent seeding of the testbed cloud (one process, much faster than
dozens of `openstack` CLI calls).

usage: seed.py identity   service role/project/users and the catalog
       seed.py resources  flavor, images, networks, router, security group
Reads OS_CLIENT_CONFIG_FILE (cloud "overcloud") and TESTBED_* variables.
"""
import os
import sys

import openstack

HOST = os.environ['TESTBED_HOST']
PORTS = dict(x.split('=') for x in os.environ['TESTBED_PORTS'].split(','))
SERVICE_PASS = os.environ['TESTBED_SERVICE_PASS']

# name, type, url
SERVICES = [
    ('glance', 'image', 'http://%s:%s' % (HOST, PORTS['glance'])),
    ('placement', 'placement', 'http://%s:%s' % (HOST, PORTS['placement'])),
    ('nova', 'compute', 'http://%s:%s/v2.1' % (HOST, PORTS['nova'])),
    ('neutron', 'network', 'http://%s:%s' % (HOST, PORTS['neutron'])),
    ('ironic', 'baremetal', 'http://%s:%s' % (HOST, PORTS['ironic'])),
    ('ironic-inspector', 'baremetal-introspection', 'http://%s:%s' % (HOST, PORTS['inspector'])),
]

PUB = dict(net='lab_pubnet', subnet='lab_pubsub', cidr='127.200.0.0/24',
           gateway='127.200.0.1', pool=('127.200.0.10', '127.200.0.250'))
PRIV = dict(net='lab_privnet', subnet='lab_privsub', cidr='127.201.0.0/24',
            gateway='127.201.0.1', pool=('127.201.0.10', '127.201.0.250'))


def log(msg):
    print('testbed: seed: ' + msg, flush=True)


def first(items):
    return next(iter(items), None)


def identity(conn):
    # Lists filtered by name, not find_*: those try GET by id first and
    # fill keystone.log with 404 tracebacks.
    idt = conn.identity
    for role in ('service', 'member', 'reader'):
        if not first(idt.roles(name=role)):
            idt.create_role(name=role)
            log('role %s' % role)
    domain_id = 'default'
    project = first(idt.projects(name='service', domain_id=domain_id))
    if not project:
        project = idt.create_project(name='service', domain_id=domain_id,
                                     description='testbed service users')
    roles = [first(idt.roles(name='admin')), first(idt.roles(name='service'))]
    for name, stype, url in SERVICES:
        user = first(idt.users(name=name, domain_id=domain_id))
        if not user:
            user = idt.create_user(name=name, password=SERVICE_PASS,
                                   domain_id=domain_id,
                                   default_project_id=project.id)
        for role in roles:
            idt.assign_project_role_to_user(project, user, role)
        svc = first(idt.services(type=stype))
        if not svc:
            svc = idt.create_service(name=name, type=stype, enabled=True)
        have = {e.interface for e in idt.endpoints(service_id=svc.id)}
        for iface in ('public', 'internal', 'admin'):
            if iface not in have:
                idt.create_endpoint(service_id=svc.id, interface=iface,
                                    url=url, region_id='RegionOne')
        log('%s (%s) at %s' % (name, stype, url))


def image(conn, name, disk_format, container_format):
    if conn.image.find_image(name):
        return
    conn.image.create_image(
        name=name, data=b'labcdk testbed dummy image %s\n' % name.encode(),
        disk_format=disk_format, container_format=container_format,
        visibility='public', allow_duplicates=True)
    log('image %s' % name)


def network(conn, spec, external):
    net = conn.network.find_network(spec['net'])
    if not net:
        args = dict(name=spec['net'])
        if external:
            args.update(is_router_external=True, provider_network_type='flat',
                        provider_physical_network='public')
        net = conn.network.create_network(**args)
        log('network %s' % spec['net'])
    sub = conn.network.find_subnet(spec['subnet'])
    if not sub:
        sub = conn.network.create_subnet(
            name=spec['subnet'], network_id=net.id, ip_version=4,
            cidr=spec['cidr'], gateway_ip=spec['gateway'],
            is_dhcp_enabled=False,
            allocation_pools=[{'start': spec['pool'][0],
                               'end': spec['pool'][1]}])
        log('subnet %s %s' % (spec['subnet'], spec['cidr']))
    return net, sub


def resources(conn):
    if not conn.compute.find_flavor('m2.small'):
        conn.compute.create_flavor(name='m2.small', vcpus=2, ram=1024,
                                   disk=10, swap=1024, is_public=True)
        log('flavor m2.small')
    image(conn, 'small', 'raw', 'bare')
    image(conn, 'bm-deploy-kernel', 'aki', 'aki')
    image(conn, 'bm-deploy-ramdisk', 'ari', 'ari')
    pubnet, _ = network(conn, PUB, external=True)
    _, privsub = network(conn, PRIV, external=False)
    router = conn.network.find_router('lab_router')
    if not router:
        router = conn.network.create_router(
            name='lab_router', external_gateway_info={'network_id': pubnet.id})
        conn.network.add_interface_to_router(router, subnet_id=privsub.id)
        log('router lab_router')
    project_id = conn.current_project_id
    groups = list(conn.network.security_groups(name='default',
                                               project_id=project_id))
    if not groups:
        raise SystemExit('default security group missing')


def main():
    conn = openstack.connect(cloud='overcloud')
    {'identity': identity, 'resources': resources}[sys.argv[1]](conn)


if __name__ == '__main__':
    main()
