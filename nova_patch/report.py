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

"""What ``check --format json`` prints and what ``--dry-run`` shows."""

import difflib
import json
import os

from nova_patch import plan as plan_mod

NOT_SHIPPED = 'not shipped'
MISSING = 'missing'


def layout(target):
    return 'source tree' if target.full_tree else 'installed package'


def check_document(plan, exit_code, cleanup, stale):
    """A JSON-ready dict: the state of the tree for config management."""
    target = plan.target
    files = [{'path': item.series_path, 'file': item.path,
              'state': item.state, 'detail': item.detail}
             for item in plan.files]
    files += [{'path': path, 'file': target.path_of(path),
               'state': MISSING, 'detail': 'missing from this installation'}
              for path in plan.missing]
    files += [{'path': path, 'file': target.path_of(path),
               'state': NOT_SHIPPED, 'detail': ''} for path in plan.skipped]
    return {
        'state': plan.overall,
        'exit_code': exit_code,
        'release': target.series,
        'series': [os.path.basename(path)
                   for path in plan_mod.series_files(target.series)],
        'nova_version': target.version,
        'nova_dir': target.package_dir,
        'layout': layout(target),
        'files': sorted(files, key=lambda entry: entry['path']),
        'leftovers_removed': cleanup.removed,
        'leftovers': [path for path, _error in cleanup.failed],
        'stale_bytecode': [{'file': path, 'reason': reason}
                           for path, reason in stale],
    }


def error_document(state, message, exit_code):
    return {'state': state, 'error': message, 'exit_code': exit_code}


def dumps(document):
    return json.dumps(document, indent=2, sort_keys=True)


def diff_lines(series_path, old, new):
    """The unified diff (text lines) of one change, as ``patch`` shows."""
    before = (old or b'').splitlines(keepends=True)
    after = (new or b'').splitlines(keepends=True)
    name = series_path.encode('utf-8')
    lines = difflib.diff_bytes(
        difflib.unified_diff, before, after,
        b'/dev/null' if old is None else b'a/' + name,
        b'/dev/null' if new is None else b'b/' + name)
    return [line.decode('utf-8', 'replace').rstrip('\r\n')
            for line in lines]
