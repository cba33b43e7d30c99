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

"""One figure: a ratio (min/median over repetitions) against its target."""


def ratio(key, label, result, target=None, **extra):
    """A figure from a :func:`timing.side_by_side` ratio entry.

    The target holds if the median ratio is at most ``target``.
    """
    fig = {'key': key, 'label': label, 'kind': 'ratio',
           'min': round(result['min'], 3),
           'median': round(result['median'], 3),
           'target': target, 'met': None}
    if target is not None:
        fig['met'] = result['median'] <= target
    fig.update(extra)
    return fig


def check(key, label, ok, value, target):
    """A figure that is a fact to check, e.g. a request count."""
    return {'key': key, 'label': label, 'kind': 'check', 'value': value,
            'target': target, 'met': bool(ok)}
