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

"""Compiled files (``__pycache__/*.pyc``) of the modules the series touches.

Python trusts a ``.pyc`` whose header says "unchecked hash" (as written by
``py_compile --invalidation-mode unchecked-hash``, which some distribution
builds use) without looking at the source. After a module is changed its
compiled files are removed, whatever their mode and interpreter; Python
compiles the module again on its next import.
"""

import glob
import importlib.util
import os
import sys

_HEADER_SIZE = 16
_FLAG_HASH_BASED = 0b01
_FLAG_CHECK_SOURCE = 0b10


def compiled_files(path):
    """Every ``__pycache__`` file of the module at ``path`` (any tag)."""
    if not path.endswith('.py'):
        return []
    stem = os.path.splitext(os.path.basename(path))[0]
    pattern = os.path.join(os.path.dirname(path), '__pycache__',
                           glob.escape(stem) + '.*.pyc')
    return sorted(glob.glob(pattern))


def remove(path):
    """Remove the compiled files of ``path``; return the ones removed."""
    removed = []
    for compiled in compiled_files(path):
        try:
            os.unlink(compiled)
        except FileNotFoundError:
            continue
        removed.append(compiled)
    return removed


def _stale_reason(compiled, source):
    try:
        with open(compiled, 'rb') as handle:
            header = handle.read(_HEADER_SIZE)
    except OSError:
        return None
    if len(header) < _HEADER_SIZE:
        return None
    flags = int.from_bytes(header[4:8], 'little')
    if not flags & _FLAG_HASH_BASED or flags & _FLAG_CHECK_SOURCE:
        # Timestamp and checked-hash files are compared with the source
        # on import: a stale one is recompiled, never served.
        return None
    tag = os.path.basename(compiled).split('.')[1]
    if (tag != sys.implementation.cache_tag or
            header[:4] != importlib.util.MAGIC_NUMBER):
        return (f'unchecked-hash bytecode for {tag}, which this Python '
                f'({sys.implementation.cache_tag}) cannot compare with the '
                f'source')
    if header[8:16] != importlib.util.source_hash(source):
        return 'unchecked-hash bytecode of another version of the source'
    return None


def stale(path):
    """[(compiled file, why)] for bytecode that could serve stale code."""
    files = compiled_files(path)
    if not files:
        return []
    try:
        with open(path, 'rb') as handle:
            source = handle.read()
    except OSError:
        return []
    found = []
    for compiled in files:
        reason = _stale_reason(compiled, source)
        if reason:
            found.append((compiled, reason))
    return found
