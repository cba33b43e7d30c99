"""tools/devcloud: a real local OpenStack cloud (see doc/source/devcloud.rst).

Everything in this package runs with the system python3 and the standard
library only; code that needs OpenStack libraries lives in ``invenv/`` and is
run with the cloud's own venv interpreter.
"""
