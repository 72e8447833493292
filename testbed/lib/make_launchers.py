"""Write launchers for the OpenStack console/wsgi entry points into a dir.

Debian's python3-* OpenStack packages install no /usr/bin programs, so this
generates them from the packages' entry points, always for /usr/bin/python3.
Also registers the testbed's ML2 driver through a tiny dist-info.
usage: make_launchers.py BIN_DIR PYTHONPATH_DIR ML2_SOURCE
"""
import os
import shutil
import sys
from importlib.metadata import entry_points

CONSOLE = """#!/usr/bin/python3
import sys
from {module} import {func}
sys.exit({func}())
"""
WSGI = """from {module} import {func}
application = {func}()
"""
WANTED = {
    'console_scripts': [
        'keystone-manage', 'glance-api', 'glance-manage', 'placement-manage',
        'nova-api-os-compute', 'nova-conductor', 'nova-scheduler',
        'nova-compute', 'nova-manage', 'neutron-server', 'neutron-db-manage',
        'ironic', 'ironic-conductor', 'ironic-dbsync', 'ironic-inspector',
        'ironic-inspector-dbsync', 'openstack'],
    'wsgi_scripts': ['keystone-wsgi-public', 'placement-api'],
}


def main(bindir, pydir, ml2_src):
    os.makedirs(bindir, exist_ok=True)
    for group, names in WANTED.items():
        eps = {e.name: e for e in entry_points(group=group)}
        for name in names:
            module, func = eps[name].value.split(':')
            if group == 'console_scripts':
                path = os.path.join(bindir, name)
                text = CONSOLE.format(module=module, func=func)
            else:
                path = os.path.join(bindir, name + '.wsgi')
                text = WSGI.format(module=module, func=func)
            with open(path, 'w') as f:
                f.write(text)
            os.chmod(path, 0o755)
    # The ML2 driver, found by stevedore through this dist-info.
    os.makedirs(pydir, exist_ok=True)
    shutil.copy(ml2_src, pydir)
    info = os.path.join(pydir, 'labcdk_testbed_ml2-0.1.dist-info')
    os.makedirs(info, exist_ok=True)
    with open(os.path.join(info, 'METADATA'), 'w') as f:
        f.write('Metadata-Version: 2.1\nName: labcdk-testbed-ml2\n'
                'Version: 0.1\n')
    with open(os.path.join(info, 'entry_points.txt'), 'w') as f:
        f.write('[neutron.ml2.mechanism_drivers]\nlabcdk_testbed = '
                'labcdk_testbed_ml2:LabcdkTestbedMechanismDriver\n')


if __name__ == '__main__':
    main(*sys.argv[1:4])
