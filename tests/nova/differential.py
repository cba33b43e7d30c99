# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.

"""Patched 2024.x against upstream 2025.x: same rows, same properties.

Both code bases get identical instance system_metadata rows through their
own view builder (``property_probe.py`` inside each venv). For every name
the patched release knows, both must return the same thing; names only
upstream knows (properties added after 2024.x) must not appear in the
patched answer.
"""

import json
import os
import subprocess

PROBE = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                     'property_probe.py')

ODD_VALUES = [
    'x' * 255,
    'caf\u00e9 \u2013 \u65e5\u672c \U0001F600',
    'quotes " \' and \\ backslash',
    'line\nbreak\ttab',
    '\x1b[31mterminal escape\x1b[0m',
    '$(touch /tmp/pwned); `id`',
    '',
    ' padded ',
    '{"json": [1, 2]}',
]
# Rows that are never standard properties, whatever the release.
NON_STANDARD_ROWS = {
    'image_min_ram': '512',
    'image_min_disk': '10',
    'image_disk_format': 'qcow2',
    'image_container_format': 'bare',
    'image_base_image_ref': '155d900f-4e14-4e4c-a73d-069cbf4541e6',
    'image_owner_specified.openstack.md5': 'abc',
    'image_owner_specified.openstack.sha256': 'def',
    'image_owner_specified.openstack.object': 'images/cirros',
    'image_my_custom_key': 'custom',
    'image_': 'empty name',
    'image_HW_MACHINE_TYPE': 'upper case is another name',
    'image_hw_machine_type ': 'trailing space',
    'image_image_hw_machine_type': 'double prefix',
    'image_kernel_id': 'nokernel',
    'image_ramdisk_id': 'nokernel',
    'locked_reason': 'not an image row',
    'hw_machine_type': 'no prefix',
    'instance_type_memory_mb': '512',
    'clean_attempts': '1',
}


class ProbeError(Exception):
    pass


def _probe(venv, tree, env, *args):
    done = subprocess.run(
        [os.path.join(venv, 'bin', 'python'), PROBE] + list(args),
        env=dict(env, PYTHONPATH=tree), cwd=tree, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE)
    if done.returncode != 0:
        raise ProbeError(f'probe in {venv} failed:\n'
                         f'{done.stderr.decode(errors="replace")[-3000:]}')
    return json.loads(done.stdout)


def row_sets(names):
    """Named system_metadata row sets covering every name both ways."""
    valued = dict(NON_STANDARD_ROWS)
    for index, name in enumerate(sorted(names)):
        valued['image_' + name] = ODD_VALUES[index % len(ODD_VALUES)]
    nulls = dict(NON_STANDARD_ROWS)
    for name in sorted(names):
        nulls['image_' + name] = None
    mixed = dict(NON_STANDARD_ROWS)
    for index, name in enumerate(sorted(names)):
        mixed['image_' + name] = None if index % 3 else f'value-{index}'
    return {'every name with a value': valued,
            'every name null': nulls,
            'mixed values and nulls': mixed,
            'no image rows': {'locked_reason': None}}


def compare(release, upstream, work_dir, log):
    """release/upstream: (venv, tree, env). Return (report, problems)."""
    release_names = set(_probe(*release, 'names'))
    upstream_names = set(_probe(*upstream, 'names'))
    report = [f'{len(release_names)} standard names in the release, '
              f'{len(upstream_names)} upstream; upstream only: '
              f'{", ".join(sorted(upstream_names - release_names)) or "-"}'
              f'; release only: '
              f'{", ".join(sorted(release_names - upstream_names)) or "-"}']
    found = []
    os.makedirs(work_dir, exist_ok=True)
    for label, rows in row_sets(release_names | upstream_names).items():
        rows_file = os.path.join(work_dir, 'rows.json')
        with open(rows_file, 'w', encoding='utf-8') as handle:
            json.dump(rows, handle)
        mine = _probe(*release, 'properties', rows_file)
        theirs = _probe(*upstream, 'properties', rows_file)
        expected = {name: value for name, value in theirs.items()
                    if name in release_names}
        with open(log, 'a', encoding='utf-8') as out:
            json.dump({'rows': label, 'release': mine, 'upstream': theirs},
                      out, sort_keys=True)
            out.write('\n')
        unknown = set(mine) - release_names
        if unknown:
            found.append(f'{label}: names the release does not know: '
                         f'{sorted(unknown)}')
        if mine != expected:
            differing = sorted(
                name for name in set(mine) | set(expected)
                if mine.get(name, '<absent>') !=
                expected.get(name, '<absent>'))
            found.append(f'{label}: {len(differing)} names differ: '
                         f'{differing[:20]}')
        report.append(f'{label}: {len(rows)} rows -> {len(mine)} '
                      f'properties (upstream {len(theirs)}), '
                      f'{"same" if mine == expected else "DIFFERENT"}')
    return report, found
