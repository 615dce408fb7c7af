"""Shared by the aiconfigurator table scripts here: the command line (a data folder, then parts) and a least-squares line.

Each script imports this from its own folder (Python puts the script's folder first on sys.path)."""
import sys


def data_and_parts(doc, default_parts):
    """The data folder and the parts named after it (default_parts when none); the script's docstring when none given."""
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    if not args:
        sys.exit(doc)
    return args[0], args[1:] or list(default_parts)


def fit(xs, ys):
    """Intercept and slope of the least-squares line through (xs, ys)."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    return my - slope * mx, slope
