"""Reference values for libs/analysis rank-correlation tests, computed with scipy.

Run: python3 libs/analysis/scripts/gen-rank-fixtures.py > libs/analysis/src/fixtures/rank-correlation.json
The inputs are generated here with a fixed numpy seed and stored with the expected values, so the
TypeScript tests never need Python.
"""
import json

import numpy as np
import scipy
from scipy import stats

rng = np.random.default_rng(20241)
cases = []


def add(name, x, y):
    x = [float(v) for v in x]
    y = [float(v) for v in y]
    cases.append({
        "name": name,
        "x": x,
        "y": y,
        "spearman": float(stats.spearmanr(x, y).statistic),
        "kendall_tau_b": float(stats.kendalltau(x, y, variant="b").statistic),
    })


add("hand: one tie in y", [1, 2, 3, 4, 5], [5, 6, 7, 8, 7])
add("hand: ties in both", [1, 2, 2, 3, 3, 3], [1, 3, 2, 2, 3, 1])
add("perfectly reversed", list(range(10)), list(range(10, 0, -1)))
n = 300
a = rng.integers(0, 12, n)
add("integers with many ties", a, a + rng.integers(-4, 5, n))
x = rng.normal(size=2000)
add("continuous n=2000", x, 0.6 * x + rng.normal(size=2000))
z = np.round(rng.normal(size=1500), 1)
add("rounded continuous n=1500", z, np.round(z ** 2 + rng.normal(size=1500), 1))

print(json.dumps({"generator": f"scipy {scipy.__version__}, numpy {np.__version__}", "cases": cases}))
