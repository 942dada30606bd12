# Reference values for PairedTestsTests.cs, computed once with SciPy and checked in (inputs and outputs).
# Run: /usr/bin/python3 tests/RunTools.Core.Tests/Evaluation/paired_tests_reference.py  (Debian python3-scipy 1.10.1)
# Each case is (name, baseline x, run y, wilcoxon method). The tests compare y with x, as ttest_rel(y, x) and
# wilcoxon(y, x). SciPy 1.10's method='auto' uses the exact distribution for n <= 50 even when |d| has ties (it then
# truncates the tied rank sum to an integer); RunTools uses the normal approximation with the tie correction there,
# which is scipy's method='approx', so the tie cases are computed with method='approx'. With zeros, auto itself
# switches to the approximation (zero_method='wilcox' drops them). correction=False (no continuity correction) is the
# default and is kept.
import json, warnings
import numpy as np
import scipy
from scipy import stats

warnings.simplefilter("ignore")
rng = np.random.default_rng(20240611)
base10 = np.round(rng.uniform(0.80, 0.90, 10), 6)
cases = [
    ("ten folds, no ties", base10, np.round(base10 + rng.normal(0.01, 0.01, 10), 6), "auto"),
    ("five folds, all better", np.array([0.81, 0.83, 0.79, 0.85, 0.80]), np.array([0.82, 0.85, 0.82, 0.89, 0.85]), "auto"),
    # Ties need differences that are exactly equal in binary floating point: multiples of 1/256.
    ("ties in |d|", np.array([128, 150, 170, 190, 210, 128, 150, 170, 190, 210]) / 256,
                    np.array([133, 145, 178, 198, 222, 127, 158, 173, 185, 218]) / 256, "approx"),
    ("zero differences and ties", np.array([180, 182, 184, 186, 188, 190, 192, 194, 196, 198, 200, 202]) / 256,
                                  np.array([180, 187, 184, 191, 187, 197, 192, 199, 191, 206, 200, 210]) / 256, "auto"),
    ("sixty folds", np.round(rng.uniform(0.6, 0.7, 60), 6), None, "auto"),
    ("centre of the exact distribution", np.array([0.0, 0.0, 0.0, 0.0, 0.0]), np.array([0.1, -0.2, 0.3, -0.4, 0.05]), "auto"),
]
# sixty folds: y = x + noise with no systematic shift
cases[4] = (cases[4][0], cases[4][1], np.round(cases[4][1] + rng.normal(0.0, 0.02, 60), 6), "auto")
out = {"scipy": scipy.__version__, "numpy": np.__version__, "cases": []}
for name, x, y, method in cases:
    t = stats.ttest_rel(y, x)
    w = stats.wilcoxon(y, x, method=method)
    out["cases"].append({"name": name, "x": x.tolist(), "y": y.tolist(), "wilcoxon_method": method,
                         "t": float(t.statistic), "t_p": float(t.pvalue),
                         "w": float(w.statistic), "w_p": float(w.pvalue),
                         "zeros": int(np.sum(y - x == 0)), "tied_abs_d": int(len(y) - len(np.unique(np.abs(y - x))))})
print(json.dumps(out, indent=1))
