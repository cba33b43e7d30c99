"""Render the configuration templates in templates/ into <cloud>/etc."""
import os
import string

from devcloud_lib import paths


def render(template_name, values, target):
    with open(os.path.join(paths.TEMPLATES_DIR, template_name)) as src:
        text = string.Template(src.read()).substitute(values)
    tmp = target + ".tmp"
    with open(tmp, "w") as out:
        out.write(text)
    os.replace(tmp, target)
    return target
