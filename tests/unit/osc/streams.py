"""Standard output streams that stand for a terminal or a pipe."""

import io


class Terminal(io.StringIO):
    """Output a person reads: isatty() is true, as on a tty."""

    def isatty(self):
        return True


def binary_pipe():
    """A pipe as Python opens one: UTF-8, strict, with a binary buffer."""
    return io.TextIOWrapper(io.BytesIO(), encoding='utf-8', errors='strict')
