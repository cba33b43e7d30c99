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

"""Run steps in threads, each once the steps it needs are done.

``up`` starts the cloud's services this way: a service's database sync
runs while another's server starts, and nothing waits for what it does
not need.  After the first failure no further step begins; the steps
already running finish, and the first failure is raised.
"""
import collections
import graphlib
import threading

Step = collections.namedtuple('Step', 'name needs label function')


def run(progress, steps):
    """Run ``steps`` (Step: label None runs unlabelled); needs name other
    steps, and must not loop."""
    by_name = {step.name: step for step in steps}
    for step in steps:
        for need in step.needs:
            if need not in by_name:
                raise ValueError(f'{step.name} needs {need}, not a step')
    done = {name: threading.Event() for name in by_name}
    errors = []

    def runner(step):
        try:
            for need in step.needs:
                done[need].wait()
            if errors:
                return
            if step.label:
                with progress.step(step.label):
                    step.function()
            else:
                step.function()
        except Exception as exc:  # noqa: BLE001 (re-raised below)
            errors.append(exc)
        finally:
            done[step.name].set()

    _check_no_loop(by_name)
    threads = [threading.Thread(target=runner, args=(step,))
               for step in steps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def _check_no_loop(by_name):
    graph = {name: step.needs for name, step in by_name.items()}
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as error:
        raise ValueError('steps need each other: ' +
                         ' -> '.join(error.args[1])) from None
