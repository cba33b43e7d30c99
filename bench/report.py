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

"""The printed table and the JSON file."""
import json
import os


def _fmt(value):
    if isinstance(value, dict):
        return ', '.join('%s=%s' % kv for kv in value.items())
    return str(value)


def _state(fig):
    return {True: 'met', False: 'MISSED', None: '-'}[fig['met']]


def table(figs):
    lines = []
    width = max([len(f['label']) for f in figs] + [10])
    head = '%-*s  %7s  %7s  %7s  %s' % (width, 'figure', 'min', 'median',
                                       'target', 'state')
    lines += [head, '-' * len(head)]
    for fig in figs:
        target = '-' if fig['target'] is None else fig['target']
        if fig['kind'] == 'ratio':
            lines.append('%-*s  %7.3f  %7.3f  %7s  %s' % (
                width, fig['label'], fig['min'], fig['median'],
                ('<=%s' % target) if target != '-' else '-', _state(fig)))
        else:
            lines.append('%-*s  %s  [%s: %s]' % (
                width, fig['label'], _fmt(fig['value']), target,
                _state(fig)))
    return '\n'.join(lines)


def request_lists(recorded, render):
    lines = []
    for name, reqs in recorded.items():
        lines.append('%s (%d requests)' % (name, len(reqs)))
        lines += ['    ' + line for line in render(reqs)]
    return '\n'.join(lines)


def write(path, document):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, 'w') as dst:
        json.dump(document, dst, indent=1, sort_keys=True)
        dst.write('\n')
