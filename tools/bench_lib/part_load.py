"""Part 3: plugin load, the same commands in a venv with and without it."""
from bench_lib import figures
from bench_lib import timing
from bench_lib import venvs

TARGET = 1.03


def run(ctx):
    plain = venvs.openstack(ctx.venvs["plain"])
    plugin = venvs.openstack(ctx.venvs["plugin"])
    figs, raw = [], {}
    for label, args in (("--help", ["--help"]),
                        ("server list",
                         ["server", "list", "--name", ctx.pattern])):
        res = timing.side_by_side([
            ("without plugin", lambda a=args: timing.wall([plain] + a,
                                                          ctx.env)),
            ("with plugin", lambda a=args: timing.wall([plugin] + a,
                                                       ctx.env)),
        ], ctx.repeat)
        raw[label] = res
        figs.append(figures.ratio(
            "load." + label.strip("-").replace(" ", "_"),
            "openstack %s: with plugin / without" % label,
            res["ratios"]["with plugin"], TARGET,
            seconds={n: round(s["median"], 3)
                     for n, s in res["times"].items()}))
    return {"figures": figs, "raw": raw}
