"""One figure: a ratio (min/median over repetitions) against its target."""


def ratio(key, label, result, target=None, **extra):
    """A figure from a :func:`timing.side_by_side` ratio entry.

    The target holds if the median ratio is at most ``target``.
    """
    fig = {"key": key, "label": label, "kind": "ratio",
           "min": round(result["min"], 3),
           "median": round(result["median"], 3),
           "target": target, "met": None}
    if target is not None:
        fig["met"] = result["median"] <= target
    fig.update(extra)
    return fig


def check(key, label, ok, value, target):
    """A figure that is a fact to check, e.g. a request count."""
    return {"key": key, "label": label, "kind": "check", "value": value,
            "target": target, "met": bool(ok)}
