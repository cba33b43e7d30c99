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

"""Start, track and stop the cloud's processes.

Every service runs in its own session (process group) so that ``down`` can
stop it with everything it forked (uwsgi workers, Erlang helpers) and
nothing else.  A pid is only trusted together with the start time the
kernel recorded for it, so a recycled pid is never signalled.
"""
import json
import os
import signal
import subprocess
import threading
import time

from devcloud import wait

PIDS_FILE = 'pids.json'

# up starts services from several threads; each change to pids.json is a
# read-modify-write that must not interleave with another.
_SAVE_LOCK = threading.RLock()


def _stat_fields(pid):
    try:
        with open(f'/proc/{pid}/stat') as stat:
            text = stat.read()
    except OSError:
        return None
    # The command name may contain spaces; fields start after its ')'.
    return text[text.rindex(')') + 2:].split()


def start_time(pid):
    fields = _stat_fields(pid)
    return fields[19] if fields else None


def is_alive(record):
    fields = _stat_fields(record['pid'])
    if not fields or fields[0] in ('Z', 'X'):
        return False
    return fields[19] == record['start_time']


class Registry:
    """The processes one cloud started, persisted in run/pids.json."""

    def __init__(self, layout):
        self.layout = layout
        self.path = layout.run_file(PIDS_FILE)

    def load(self):
        try:
            with open(self.path) as pids:
                return json.load(pids)
        except (OSError, ValueError):
            return {}

    def _save(self, records):
        tmp = '{}.{}.tmp'.format(self.path, os.getpid())
        with open(tmp, 'w') as pids:
            json.dump(records, pids, indent=1)  # keeps start order
        os.replace(tmp, self.path)

    def start(self, name, argv, env=None, cwd=None):
        """Start ``argv`` detached, logging to log/<name>.log."""
        log_path = self.layout.log_file(name)
        with open(log_path, 'ab') as log:
            log.write(('--- devcloud: starting {} at {}\n'.format(
                ' '.join(argv), time.strftime('%Y-%m-%d %H:%M:%S')
            )).encode())
            log.flush()
            proc = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, env=env, cwd=cwd,
                start_new_session=True, close_fds=True)
        with _SAVE_LOCK:
            records = self.load()
            records[name] = {'pid': proc.pid,
                             'start_time': start_time(proc.pid),
                             'log': log_path, 'argv': argv}
            self._save(records)
        return proc

    def alive(self, name):
        record = self.load().get(name)
        return bool(record) and is_alive(record)

    def stop_all(self, names=None, last=(), timeout=15.0):
        """Stop recorded process groups; return the names of live ones.

        Groups named in ``last`` are stopped after all others have gone
        (the message broker, so that its clients do not log reconnects).
        """
        records = self.load()
        chosen = [n for n in reversed(list(records))
                  if names is None or n in names]
        stopped = []
        for wave in ([n for n in chosen if n not in last],
                     [n for n in chosen if n in last]):
            live = [n for n in wave if is_alive(records[n])]
            _stop_groups([records[n]['pid'] for n in live], timeout)
            stopped.extend(live)
        with _SAVE_LOCK:
            records = self.load()
            for name in chosen:
                records.pop(name, None)
            self._save(records)
        return stopped


def _stop_groups(pgids, timeout):
    for pgid in pgids:
        _signal_group(pgid, signal.SIGTERM)
    wait.poll(lambda: not any(_group_exists(pgid) for pgid in pgids),
              timeout, interval=0.2)
    for pgid in pgids:
        if _group_exists(pgid):
            _signal_group(pgid, signal.SIGKILL)


def _signal_group(pgid, signum):
    try:
        os.killpg(pgid, signum)
    except ProcessLookupError:
        pass


def _group_exists(pgid):
    for pid in _pids():
        fields = _stat_fields(pid)
        if fields and int(fields[2]) == pgid and fields[0] not in 'ZX':
            return True
    return False


def _pids():
    for entry in os.listdir('/proc'):
        if entry.isdigit():
            yield int(entry)


def group_rss(pgids, pids=()):
    """Resident memory (bytes) of every process in the given groups, and
    of the processes ``pids`` (each process counted once)."""
    pgids = set(pgids)
    pids = set(pids)
    total = 0
    for pid in _pids():
        fields = _stat_fields(pid)
        if not fields or (int(fields[2]) not in pgids and pid not in pids):
            continue
        # Field 24 of stat is rss in pages.
        total += int(fields[21]) * os.sysconf('SC_PAGE_SIZE')
    return total


def run(argv, log_path, env=None, cwd=None, timeout=600):
    """Run a one-shot command, appending its output to ``log_path``."""
    with open(log_path, 'ab') as log:
        log.write(f"--- devcloud: running {' '.join(argv)}\n".encode())
        log.flush()
        return subprocess.run(
            argv, stdin=subprocess.DEVNULL, stdout=log,
            stderr=subprocess.STDOUT, env=env, cwd=cwd,
            timeout=timeout, check=False).returncode


def tail(path, lines=25):
    try:
        with open(path, 'rb') as log:
            log.seek(0, os.SEEK_END)
            size = log.tell()
            log.seek(max(0, size - 64 * 1024))
            text = log.read().decode('utf-8', 'replace')
    except OSError:
        return f'(no log at {path})'
    return '\n'.join(text.splitlines()[-lines:])
