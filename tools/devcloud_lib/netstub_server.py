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

"""The one non-real piece of devcloud: a stand-in for Neutron's API.

Neutron is out of scope, yet Nova's server views ask the network service
for security groups, and boot/delete list ports, even for servers booted
with ``--nic none``.  Without a ``network`` endpoint every server show or
list is a 500.  This answers, on 127.0.0.1 only and without checking
tokens, what an empty Neutron would: empty collections, unlimited quotas,
no extensions; anything else is 404 or 501.

Run as: python3 netstub_server.py PORT   (standard library only)
"""
import http.server
import json
import sys

UNLIMITED_QUOTA = {"network": -1, "subnet": -1, "port": -1, "router": -1,
                   "floatingip": -1, "security_group": -1,
                   "security_group_rule": -1}


class NetworkStub(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "devcloud-network-stub/1"

    def _send(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        parts = [p for p in self.path.split("?")[0].split("/") if p]
        if parts and parts[-1].endswith(".json"):
            parts[-1] = parts[-1][:-len(".json")]
        if not parts:
            return self._send(200, {"versions": [{
                "id": "v2.0", "status": "CURRENT",
                "links": [{"rel": "self", "href": "/v2.0/"}]}]})
        if parts[0] != "v2.0":
            return self._send(404, {"error": "unknown version"})
        if len(parts) == 1:
            return self._send(200, {"resources": []})
        if parts[1] == "quotas" and len(parts) == 3:
            return self._send(200, {"quota": UNLIMITED_QUOTA})
        if len(parts) == 2:
            return self._send(200, {parts[1].replace("-", "_"): []})
        return self._send(404, {"NeutronError": {
            "type": "NotFound", "message": "devcloud network stub: empty",
            "detail": ""}})

    def _not_implemented(self):
        self._send(501, {"NeutronError": {
            "type": "NotImplemented", "detail": "",
            "message": "devcloud network stub: read-only, no Neutron"}})

    do_POST = do_PUT = do_DELETE = _not_implemented

    def log_message(self, fmt, *args):
        sys.stderr.write(f"{self.log_date_time_string()} {fmt % args}\n")


def main():
    port = int(sys.argv[1])
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), NetworkStub)
    server.serve_forever()


if __name__ == "__main__":
    main()
