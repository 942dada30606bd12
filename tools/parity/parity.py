#!/usr/bin/env python3
"""scikit-learn's side of the parity check (see README.md, "Parity with scikit-learn", and ./run).

  parity.py datasets WORK [NAME ...]   writes scikit-learn's bundled datasets as WORK/<name>.csv (id, features, target)
                                       and WORK/datasets.csv (name, task, rows, features)
  parity.py compare WORK [--check]     for each dataset and model RunTools trained (WORK/<name>-<model>/), fits
                                       scikit-learn on exactly RunTools' outer folds (read from its out-of-fold
                                       predictions), computes the same metrics, and prints a Markdown table; --check
                                       exits 1 when a metric with a margin is outside it

Python reads and writes CSV only (no pyarrow needed): the RunTools driver exports its Parquet tables as CSV.
"""
import csv
import math
import os
import sys
import warnings

import numpy as np
import pandas as pd
import sklearn
from sklearn import datasets as skdata
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, log_loss, mean_squared_error, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

DATASETS = {
    "breast_cancer": ("binary", skdata.load_breast_cancer),
    "wine": ("multiclass", skdata.load_wine),
    "iris": ("multiclass", skdata.load_iris),
    "digits": ("multiclass", skdata.load_digits),
    "diabetes": ("regression", skdata.load_diabetes),
}

# The models compared: RunTools' candidate (a trainer with its default grid) and scikit-learn's estimator with its
# defaults. Linear models standardise as RunTools does (centre, unit population variance, fitted on the training rows).
MODELS = {
    "lbfgs": ("LogisticRegression(C=1)", lambda task: make_pipeline(StandardScaler(), LogisticRegression(C=1.0))),
    "lightgbm": ("HistGradientBoosting", lambda task: HistGradientBoostingRegressor() if task == "regression"
                 else HistGradientBoostingClassifier()),
}

# Margins from issue 10: absolute for AUC and accuracy, relative for RMSE. Other metrics are reported without one.
MARGINS = {"auc": ("abs", 0.005), "accuracy": ("abs", 0.01), "rmse": ("rel", 0.01)}
METRICS = {"binary": ["auc", "accuracy", "log_loss"], "multiclass": ["accuracy", "macro_f1", "log_loss"], "regression": ["rmse", "mae"]}


def models_for(task):
    return ["lbfgs", "lightgbm"] if task != "regression" else ["lightgbm"]


def write_datasets(work, names):
    os.makedirs(work, exist_ok=True)
    with open(os.path.join(work, "datasets.csv"), "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["name", "task", "rows", "features", "models"])
        for name in names:
            task, load = DATASETS[name]
            bunch = load()
            x = pd.DataFrame(bunch.data, columns=[f"f{j}" for j in range(bunch.data.shape[1])])
            x.insert(0, "id", np.arange(len(x)))
            x["target"] = bunch.target
            x.to_csv(os.path.join(work, f"{name}.csv"), index=False)
            out.writerow([name, task, len(x), bunch.data.shape[1], " ".join(models_for(task))])


def metrics(task, y, score, proba, classes):
    if task == "binary":
        return {"auc": roc_auc_score(y, score), "accuracy": accuracy_score(y, (score >= 0.5).astype(int)),
                "log_loss": log_loss(y, np.column_stack([1 - score, score]), labels=[0, 1])}
    if task == "multiclass":
        predicted = classes[np.argmax(proba, axis=1)]
        return {"accuracy": accuracy_score(y, predicted), "macro_f1": f1_score(y, predicted, average="macro"),
                "log_loss": log_loss(y, proba, labels=classes)}
    return {"rmse": math.sqrt(mean_squared_error(y, score)), "mae": float(np.mean(np.abs(y - score)))}


def sklearn_cv(task, model, data, folds):
    """Fits the scikit-learn model on each outer training set and scores its test set: per-fold metrics, averaged."""
    features = [c for c in data.columns if c.startswith("f")]
    x, y = data[features].to_numpy(), data["target"].to_numpy()
    classes = np.unique(y)
    per_fold = []
    for fold in sorted(folds.unique()):
        test = (folds == fold).to_numpy()
        estimator = MODELS[model][1](task)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            estimator.fit(x[~test], y[~test])
        if task == "regression":
            per_fold.append(metrics(task, y[test], estimator.predict(x[test]), None, classes))
        else:
            proba = estimator.predict_proba(x[test])
            per_fold.append(metrics(task, y[test], proba[:, 1] if task == "binary" else None, proba, estimator.classes_))
    return {m: float(np.mean([f[m] for f in per_fold])) for m in per_fold[0]}


def compare(work, check):
    rows = []
    for spec in pd.read_csv(os.path.join(work, "datasets.csv")).itertuples():
        data = pd.read_csv(os.path.join(work, f"{spec.name}.csv"))
        for model in spec.models.split():
            out = os.path.join(work, f"{spec.name}-{model}")
            oof = pd.read_csv(os.path.join(out, "oof.csv"))
            summary = pd.read_csv(os.path.join(out, "summary.csv"))
            summary = summary[summary["variant"] == "none"] if "variant" in summary.columns else summary
            # The outer fold of every row, from RunTools' own out-of-fold predictions (row_key is the id column).
            fold_of = pd.Series(oof["outer_fold"].to_numpy(), index=oof["row_key"].astype(int).to_numpy())
            folds = fold_of.reindex(data["id"].to_numpy())
            if folds.isna().any():
                raise SystemExit(f"{spec.name}-{model}: {int(folds.isna().sum())} rows have no out-of-fold prediction")
            theirs = sklearn_cv(spec.task, model, data, pd.Series(folds.to_numpy()))
            ours = dict(zip(summary["metric"], summary["mean"]))
            for metric in METRICS[spec.task]:
                a, b = float(ours[metric]), theirs[metric]
                margin = MARGINS.get(metric)
                if margin is None:
                    verdict = "(no margin)"
                elif margin[0] == "abs":
                    verdict = "yes" if abs(a - b) <= margin[1] else "NO"
                else:
                    verdict = "yes" if abs(a - b) <= margin[1] * b else "NO"
                rows.append((spec.name, spec.task, f"{model} / {MODELS[model][0]}", metric, a, b, a - b, verdict))
    print(f"scikit-learn {sklearn.__version__}; RunTools nested CV on its own outer folds, scikit-learn on the same folds;"
          " metrics are means over the outer folds.\n")
    print("| dataset | task | RunTools / scikit-learn model | metric | RunTools | scikit-learn | difference | within margin |")
    print("|---|---|---|---|---:|---:|---:|---|")
    for name, task, model, metric, a, b, d, verdict in rows:
        print(f"| {name} | {task} | {model} | {metric} | {a:.4f} | {b:.4f} | {d:+.4f} | {verdict} |")
    bad = [r for r in rows if r[-1] == "NO"]
    print(f"\nMargins: AUC ±0.005, accuracy ±0.01, RMSE ±1%. {len(rows) - len(bad)} of {len(rows)} rows "
          f"{'pass or have no margin' if not bad else 'pass or have no margin; ' + str(len(bad)) + ' outside'}.")
    if check and bad:
        sys.exit(1)


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in ("datasets", "compare"):
        sys.exit(__doc__)
    if sys.argv[1] == "datasets":
        names = sys.argv[3:] or list(DATASETS)
        unknown = [n for n in names if n not in DATASETS]
        if unknown:
            sys.exit(f"unknown dataset(s): {', '.join(unknown)}; use {', '.join(DATASETS)}")
        write_datasets(sys.argv[2], names)
    else:
        compare(sys.argv[2], "--check" in sys.argv[3:])
