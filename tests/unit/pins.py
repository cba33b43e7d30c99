"""Make the SDK extension behave as under the 2024.2 client pins."""

import fixtures


def as_2024_2_pins(test):
    """openstacksdk 4.0 (2024.2) speaks compute up to 2.96.

    Our requests then go out at 2.98 first, which a 2.98 cloud accepts:
    the costs the 2024.2 pins measure, also under the newest openstacksdk.
    """
    test.useFixture(fixtures.MonkeyPatch(
        'osc_image_props.sdk._sdk_internals.stock_server_max_microversion',
        lambda: '2.96'))
