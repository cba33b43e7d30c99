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

"""The fleet commands and the list filters under a hostile cloud.

``drift``, ``summary`` and ``server list --image-property`` meet what the
single-server commands meet, in every output format: control and bidi
characters, 10,000-character values, 5,000 properties on one server, a
failure or a malformed page in the middle of paging, a silent cloud,
deleted and invisible images, partial records of a down cell, nulls.
"""

import csv
import io
import json

import requests
import yaml

from osc_image_props.sdk import images as images_mod
from tests.unit import cloud_answers
from tests.unit import fakes
from tests.unit.osc import streams
from tests.unit.sdk import test_fleet

DRIFT = ('server', 'image', 'properties', 'drift')
SUMMARY = ('server', 'image', 'properties', 'summary')
FILTER = ('server', 'list', '--image-property', 'hw_machine_type')
COMMANDS = (DRIFT, SUMMARY, FILTER)
FORMATS = ('table', 'json', 'yaml', 'csv', 'value')
OTHER = test_fleet.OTHER
NUL_STAND_IN = '\ufdd0'


def _parsed(fmt, out):
    """The rows of a machine format, as lists of strings (or None)."""
    if fmt == 'json':
        return [list(row.values()) for row in json.loads(out)]
    if fmt == 'yaml':
        return [list(row.values()) for row in yaml.safe_load(out) or []]
    if fmt == 'csv':
        # Python 3.10's csv module refuses NUL: carry it through a
        # noncharacter the values do not hold.
        rows = csv.reader(io.StringIO(out.replace('\0', NUL_STAND_IN)))
        return [[cell.replace(NUL_STAND_IN, '\0') for cell in row]
                for row in list(rows)[1:]]
    raise AssertionError(fmt)


def _cells(rows):
    return {cell for row in rows for cell in row if isinstance(cell, str)}


class FleetMatrixCase(test_fleet.FleetTestCase):

    def run_each(self, *extra, commands=COMMANDS, formats=FORMATS):
        """Run every command in every format; yield its result."""
        for command in commands:
            for fmt in formats:
                self.mocker.reset_mock()
                status, out, err = self.run_cli(*command, *extra, '-f', fmt)
                yield command, fmt, status, out, err

    def assertPrintableTable(self, out, where):
        for line in out.splitlines():
            self.assertTrue(line.isprintable(), (where, repr(line)))


class TestHostileValues(FleetMatrixCase):

    def setUp(self):
        super().setUp()
        embedded = dict(fakes.HOSTILE, hw_machine_type='q35\x1b[2J')
        self.server = self.cloud.add_server('evil\u202e', properties=embedded)
        # Glance has other hostile values for the same names: all drift.
        self.change_image(**{
            name: value + '\u2066' for name, value in embedded.items()})

    def test_every_format_in_a_pipe_is_exact_or_escaped(self):
        for command, fmt, status, out, err in self.run_each():
            where = (command, fmt)
            self.assertEqual(0, status, (where, err))
            self.assertNotIn('Traceback', err)
            if fmt == 'table':
                self.assertPrintableTable(out, where)
            elif fmt == 'value':
                self.assertIn(
                    'evil\u202e' if command == FILTER else 'q35\x1b[2J',
                    out, where)
            else:
                cells = _cells(_parsed(fmt, out))
                if command == FILTER:
                    self.assertIn('evil\u202e', cells, where)
                else:
                    self.assertIn('q35\x1b[2J', cells, where)
                    self.assertIn(fakes.HOSTILE['hw_bidi'], cells, where)

    def test_every_format_on_a_terminal_is_printable(self):
        for command in COMMANDS:
            for fmt in FORMATS:
                status, out, err = self.run_cli(
                    *command, '-f', fmt, stdout=streams.Terminal())
                self.assertEqual(0, status, (command, fmt, err))
                self.assertTrue(out, (command, fmt))
                self.assertPrintableTable(out, (command, fmt))

    def test_a_value_cannot_fake_another_row_in_the_table(self):
        status, out, err = self.run_cli(*DRIFT)
        self.assertEqual(0, status, err)
        # hw_newline's value holds a newline: one row per property still,
        # the eight that changed and the image's three others.
        rows = [line for line in out.splitlines() if line.startswith('| ')]
        self.assertEqual(1 + len(fakes.HOSTILE) + 3, len(rows) - 1, out)


class TestLargeValues(FleetMatrixCase):

    def test_ten_thousand_character_values(self):
        long_value = 'x' * 9999 + '\x1b'
        self.cloud.add_server('long', properties={
            'hw_machine_type': long_value})
        for command, fmt, status, out, err in self.run_each():
            self.assertEqual(0, status, (command, fmt, err))
            if fmt in ('json', 'yaml', 'csv') and command != FILTER:
                self.assertIn(long_value, _cells(_parsed(fmt, out)),
                              (command, fmt))

    def test_five_thousand_properties_on_one_server(self):
        many = {'hw_prop_%04d' % i: 'v%d' % i for i in range(5000)}
        self.cloud.add_server('many', properties=dict(
            many, hw_machine_type='q35'))
        for command, _, status, out, err in self.run_each(
                formats=('json',)):
            self.assertEqual(0, status, (command, err))
            rows = json.loads(out)
            if command == DRIFT:
                # Each is only-embedded against the image.
                self.assertEqual(5000, len(
                    [r for r in rows if r['State'] == 'only-embedded'
                     and r['Property'].startswith('hw_prop_')]))
            elif command == SUMMARY:
                self.assertEqual(5000, len(
                    [r for r in rows
                     if r['Property'].startswith('hw_prop_')]))


class TestBrokenPaging(FleetMatrixCase):

    def setUp(self):
        super().setUp()
        self.first = self.cloud.add_server('first')
        second = fakes.COMPUTE_URL + '/servers/detail?marker=' + self.first
        page = {'servers': [self.cloud.render(self.first, '2.98')],
                'servers_links': [{'rel': 'next', 'href': second}]}
        self.mocker.get(test_fleet.DETAIL, json=page,
                        headers={'OpenStack-API-Version': 'compute 2.98'})
        self.second = second

    def _fails_with_no_output(self, **response):
        self.mocker.get(self.second, **response)
        for command, fmt, status, out, err in self.run_each():
            self.assertOneLineError(status, out, err)
            self.assertEqual('', out, (command, fmt))

    def test_500_on_the_second_page(self):
        self._fails_with_no_output(status_code=500, text='boom\nboom\x1b')

    def test_malformed_json_on_the_second_page(self):
        self._fails_with_no_output(
            text='{"servers": [', headers={
                'Content-Type': 'application/json',
                'OpenStack-API-Version': 'compute 2.98'})

    def test_page_that_is_not_a_server_list(self):
        self._fails_with_no_output(
            json={'servers': {'id': 'x'}}, headers={
                'OpenStack-API-Version': 'compute 2.98'})

    def test_silent_cloud_on_the_second_page(self):
        self._fails_with_no_output(exc=requests.exceptions.ReadTimeout)

    def test_the_fleet_commands_wait_no_longer_than_the_default(self):
        seen = []

        def page(request, context):
            seen.append(request.timeout)
            context.headers['OpenStack-API-Version'] = 'compute 2.98'
            return {'servers': []}

        self.mocker.get(self.second, json=page)
        for command in (DRIFT, SUMMARY):
            seen.clear()
            status, out, err = self.run_cli(*command)
            self.assertEqual(0, status, err)
            self.assertEqual([60.0], seen, command)


class TestWhatIsNotCompared(FleetMatrixCase):

    def setUp(self):
        super().setUp()
        self.cloud.add_server('web')
        self.cloud.add_server('vol', volume_backed=True)
        self.cloud.add_server('deleted-image', image_id=OTHER)
        del self.cloud.images[OTHER]
        hidden = self.cloud.add_image(
            cloud_answers.image_id(3),
            {'hw_machine_type': 'pc'}, os_hidden=True)
        self.cloud.add_server('hidden-image', image_id=hidden,
                              properties={'hw_machine_type': 'q35'})
        self.cloud.add_server('nulls', properties={
            'hw_machine_type': None, 'os_distro': None})

    def test_every_format_exits_0_with_one_note_per_kind(self):
        for command, fmt, status, out, err in self.run_each():
            self.assertEqual(0, status, (command, fmt, err))
            self.assertNotIn('Traceback', err)
            notes = err.splitlines()
            if command != FILTER:
                self.assertTrue(notes, (command, fmt))
            for line in notes:
                self.assertTrue(line.isprintable(), repr(line))
            if fmt in ('json', 'yaml', 'csv'):
                _parsed(fmt, out)

    def test_down_cell_records_in_every_format(self):
        # server list's own handling of them is python-openstackclient's
        # (see test_dialects): the fleet commands count them.
        self.cloud.add_partial_server()
        for command, fmt, status, out, err in self.run_each(
                commands=(DRIFT, SUMMARY)):
            self.assertEqual(0, status, (command, fmt, err))
            self.assertIn('cannot reach now', err, (command, fmt))
            if fmt in ('json', 'yaml', 'csv'):
                _parsed(fmt, out)

    def test_nulls_in_each_format(self):
        status, out, err = self.run_cli(*SUMMARY, '-f', 'json')
        self.assertEqual(0, status, err)
        nulls = [r for r in json.loads(out) if r['Value'] is None]
        self.assertEqual({'hw_machine_type', 'os_distro'},
                         {r['Property'] for r in nulls})
        status, out, err = self.run_cli(*DRIFT, '-f', 'json')
        self.assertEqual(0, status, err)
        rows = [r for r in json.loads(out) if r['Name'] == 'nulls']
        self.assertEqual(
            {('hw_machine_type', None, 'changed')},
            {(r['Property'], r['Embedded'], r['State']) for r in rows
             if r['Property'] == 'hw_machine_type'})
        status, out, err = self.run_cli(*FILTER, '-f', 'json')
        self.assertEqual(0, status, err)
        self.assertIn('nulls', {r['Name'] for r in json.loads(out)})


class TestRequestCounts(test_fleet.FleetTestCase):
    """O(pages + images), never O(servers), for N servers on M images."""

    # Nova's [api]max_limit.
    page = 1000

    def setUp(self):
        super().setUp()
        self.mocker.get(test_fleet.DETAIL, json=self._page)

    def _page(self, request, context):
        # As Nova: at most max_limit servers a page, and a next link on a
        # full one.
        version, error = self.cloud._negotiate(request, context)
        if error:
            return error
        ids = list(self.cloud.servers)
        if 'marker' in request.qs:
            ids = ids[ids.index(request.qs['marker'][0]) + 1:]
        limit = min(int(request.qs.get('limit', [self.page])[0]), self.page)
        body = {'servers': [self.cloud.render(i, version)
                            for i in ids[:limit]]}
        if len(ids) >= limit:
            body['servers_links'] = [{'rel': 'next', 'href': (
                '%s/servers/detail?limit=%d&marker=%s'
                % (fakes.COMPUTE_URL, limit, ids[limit - 1]))}]
        return body

    def _fleet(self, servers, images):
        ids = [self.cloud.add_image(
            cloud_answers.image_id(100 + i),
            {'hw_machine_type': 'q35'}) for i in range(images)]
        self.cloud.servers.clear()
        for i in range(servers):
            self.cloud.add_server('s%d' % i, image_id=ids[i % images],
                                  properties={'hw_machine_type': 'q35'})

    def _pages(self, servers):
        # A full last page is followed by one that is empty.
        return servers // self.page + 1

    def test_fleet_views_grow_with_pages_and_images(self):
        for servers, images in ((10, 2), (200, 7), (2000, 30)):
            self._fleet(servers, images)
            for command in (DRIFT, SUMMARY):
                self.mocker.reset_mock()
                status, out, err = self.run_cli(*command, '-f', 'value')
                self.assertEqual(0, status, err)
                self.assertEqual(
                    self._pages(servers), len(_server_pages(self.mocker)),
                    (command, servers))
                glance = test_fleet.glance_requests(self.mocker)
                if command == DRIFT:
                    # The first chunk of servers holds every image: one
                    # Glance request per batch of distinct images.
                    self.assertEqual(-(-images // images_mod.BATCH),
                                     len(glance), (servers, images, glance))
                else:
                    self.assertEqual([], glance, (command, servers))

    def test_filter_makes_the_requests_of_server_list(self):
        # OSC's server list makes an SDK resource of every server, which
        # costs a minute for 2,000: the pages come from a cloud with a
        # smaller max_limit instead.
        self.page = 100
        for servers, images in ((10, 2), (250, 7)):
            self._fleet(servers, images)
            self.mocker.reset_mock()
            status, out, err = self.run_cli(*FILTER, '-f', 'value')
            self.assertEqual(0, status, err)
            self.assertEqual(self._pages(servers),
                             len(_server_pages(self.mocker)), servers)
            requests = self.mocker.request_history
            self.mocker.reset_mock()
            self.run_cli('server', 'list', '-f', 'value')
            self.assertEqual(
                sorted((r.method, r.url)
                       for r in self.mocker.request_history),
                sorted((r.method, r.url) for r in requests), servers)


def _server_pages(mocker):
    return [path for path, _ in test_fleet.detail_requests(mocker)
            if path.endswith('/servers/detail')]
