"""Command line: ``infolens report``, ``infolens verify``, ``infolens estimate``.

Exit codes: 0 success; 2 bad arguments or input (the message says what and how to fix
it); 1 an internal error (or, for ``verify``, a claim that did not hold).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["main", "build_parser"]

_log = logging.getLogger("infolens")

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse with a hint to ``--help`` on errors (still exit status 2)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_INPUT, f"{self.prog}: error: {message}\n"
                              f"Run '{self.prog} --help' for the options.\n")


def _positive_int(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {v}")
    return v


def _nonneg_int(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, got {text!r}") from None
    if v < 0:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, got {v}")
    return v


def _probability(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1), got {text!r}") from None
    if not 0.0 <= v < 1.0:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1), got {v}")
    return v


def _widths(text: str) -> tuple[int, ...]:
    try:
        out = tuple(int(t) for t in text.split(",") if t.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated widths like 32,16; got {text!r}") from None
    if not out or any(w < 1 for w in out):
        raise argparse.ArgumentTypeError(f"expected positive widths like 32,16; got {text!r}")
    return out


def _log_base(text: str) -> Any:
    """A logarithm base as the library accepts it: e/nats, 2/bits, 10 or any number > 1."""
    from .units import log_base

    try:
        log_base(text)
    except (ValueError, TypeError):
        raise argparse.ArgumentTypeError(
            f"expected e (nats), bits, 2, 10 or a number > 1; got {text!r}") from None
    word = text.strip().lower()
    if word in ("e", "nat", "nats"):
        return "e"
    if word in ("bit", "bits"):
        return 2
    value = float(text)
    return int(value) if value.is_integer() else value


def build_parser() -> argparse.ArgumentParser:
    """The ``infolens`` argument parser (sub-commands report, verify, estimate)."""
    p = _Parser(prog="infolens", description="Information theory for looking inside "
                "deep-learning models and data.")
    from ._version import __version__

    p.add_argument("--version", action="version", version=f"infolens {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    r = sub.add_parser("report", help="train/analyse a model and write an HTML report",
                       description="Train a small MLP with dropout (or load --model, any architecture), track the "
                       "information plane during training and analyse the trained model. Writes "
                       "index.html, results.json and figures/*.png to --out.")
    r.add_argument("--dataset", default="digits", metavar="NAME|PATH",
                   help="'digits' (default, scikit-learn's 8x8 digits), 'tishby12' (the 12-bit "
                   "patterns), a .npz file with arrays x (samples first, any sample shape: "
                   "features, N,C,H,W images, N,L token ids, N,L,D sequences) and y (split 80/20 "
                   "here) or x_train, y_train, x_test, y_test (the split kept as given: use it "
                   "for a model trained elsewhere), a .npy "
                   "file of x with --target LABELS.npy, a .csv/.parquet file with --target "
                   "COLUMN, or a folder with one subfolder of images per class")
    r.add_argument("--target", metavar="COLUMN|PATH", help="label column of a CSV/Parquet "
                   "dataset, or the labels' .npy file of a .npy dataset")
    r.add_argument("--model", metavar="PATH", help="analyse this model instead of training one: "
                   "a state dict (with --model-factory, or of the default MLP), a TorchScript "
                   "archive, a torch.export program (.pt2) or a full model of torch.nn layers; "
                   "the format is read from the file's contents. Pickles are read with "
                   "torch.load(weights_only=True) and never run code unless --trust-checkpoint")
    r.add_argument("--model-factory", metavar="MODULE:CALLABLE", help="code that builds the "
                   "architecture for a state dict in --model: an importable MODULE:CALLABLE or "
                   "path/to/file.py:CALLABLE, called with no arguments (this runs that code)")
    r.add_argument("--trust-checkpoint", action="store_true", help="load a full pickled model "
                   "(torch.save(model)) of any class with torch.load(weights_only=False): this "
                   "RUNS CODE FROM THE FILE; use only for files you trust")
    r.add_argument("--image-size", metavar="N|HxW", default=None, help="resize every image "
                   "of an image-folder --dataset to N x N or H x W pixels (Pillow, bilinear, "
                   "aspect ratio not kept; stated on the page); without it the images must "
                   "share one size")
    r.add_argument("--standardize", choices=("auto", "on", "off"), default="auto",
                   help="standardise each input value with training-split statistics: auto "
                   "(default) only when the built-in model is trained here on a user file; a "
                   "loaded model sees its data unchanged unless 'on'")
    r.add_argument("--device", default="auto", metavar="auto|cpu|cuda",
                   help="where forward passes and training run (default auto: cuda if "
                   "available)")
    r.add_argument("--batch-size", type=_positive_int, default=256, metavar="N",
                   help="samples per forward pass of the analyses (default 256)")
    r.add_argument("--epochs", type=_positive_int, default=None, help="training epochs of the "
                   "built-in model (default 60); an error with --model, which is not trained")
    r.add_argument("--seed", type=_nonneg_int, default=0, help="seed of split, init and "
                   "estimators (default 0)")
    r.add_argument("--estimator", default=None, metavar="NAME",
                   help="information-plane estimator (default: binning with a stated range)")
    r.add_argument("--out", default="infolens-report", metavar="DIR",
                   help="output directory (default infolens-report/)")
    r.add_argument("--force", action="store_true", help="replace a previous report in --out")
    r.add_argument("--quiet", action="store_true", help="no progress bars, warnings only")
    r.add_argument("--dropout", type=_probability, default=0.2, help="dropout rate of the "
                   "default MLP (default 0.2)")
    r.add_argument("--hidden", type=_widths, default=None, metavar="W1,W2",
                   help="hidden widths of the default MLP (default 32,16)")
    r.add_argument("--verify", action="store_true", help="add the 'infolens verify' table")
    r.add_argument("--sections", metavar="KEYS", default=None,
                   help="comma-separated subset of sections to compute (default: all)")
    r.add_argument("--history", metavar="FILE", default=None,
                   help="draw the information plane from the JSON lines that "
                   "infolens.nn.InformationPlane(path=FILE) wrote during your own training")
    r.add_argument("--layers", metavar="NAMES", default=None,
                   help="comma-separated module names (layer2.1.relu) or module types "
                   "(Conv2d,ReLU) whose outputs are the analysed representations; the layer "
                   "giving the logits is always added last (default: the activation modules)")

    v = sub.add_parser("verify", help="check the source text's claims numerically",
                       description="Run one numerical check per claim of the source text, print "
                       "a table and exit non-zero if any claim fails.")
    v.add_argument("--claims", metavar="NAMES", help="comma-separated subset (default: all)")
    v.add_argument("--seed", type=_nonneg_int, default=0)
    v.add_argument("--html", metavar="PATH", help="also write the table as a self-contained HTML "
                   "page; when PATH is a report directory, write PATH/verify.html and add the "
                   "table as a section of its index.html and results.json")
    v.add_argument("--json", action="store_true", help="print JSON instead of the table")
    v.add_argument("--list", action="store_true", help="list the claims and exit")

    e = sub.add_parser("estimate", help="estimate an information quantity from a data file",
                       description="Estimate H(X), I(X;Y) or I(X;Y|Z) from columns of a CSV, "
                       "NPZ or Parquet file. COLS are comma-separated column names (CSV/Parquet; "
                       "0-based positions are accepted too) or array names (NPZ).")
    e.add_argument("file", metavar="FILE")
    e.add_argument("--x", required=True, metavar="COLS")
    e.add_argument("--y", metavar="COLS")
    e.add_argument("--z", metavar="COLS")
    e.add_argument("--method", default="auto", help="registered estimator name (default auto; "
                   "see infolens.estimators())")
    e.add_argument("--base", default="e", type=_log_base, help="log base: e or nats (default), "
                   "2 or bits, 10, or any number > 1")
    e.add_argument("--ci", type=float, default=None, metavar="LEVEL",
                   help="confidence level of an interval, e.g. 0.95")
    e.add_argument("--seed", type=_nonneg_int, default=0)
    e.add_argument("--categorical", metavar="COLS", default=None,
                   help="comma-separated columns (of --x/--y/--z) to treat as categorical "
                   "labels even if they hold numbers; a column mixing numbers and text is "
                   "refused without this")
    e.add_argument("--json", action="store_true", help="machine-readable output; a "
                   "non-finite number is written as null and listed under 'non_finite'")
    return p


def _setup_logging(quiet: bool) -> None:
    level = logging.WARNING if quiet else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("infolens: %(message)s"))
    root = logging.getLogger("infolens")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


def _fail(message: str, code: int) -> int:
    print(f"infolens: error: {message}", file=sys.stderr)
    return code


# --------------------------------------------------------------------------------------
def _cmd_report(args: argparse.Namespace) -> int:
    from .report.build import ReportConfig, build_report

    cfg = ReportConfig(
        dataset=args.dataset, target=args.target, model=args.model,
        model_factory=args.model_factory, trust_checkpoint=args.trust_checkpoint,
        standardize=args.standardize, device=args.device, eval_batch_size=args.batch_size,
        epochs=args.epochs, seed=args.seed, estimator=args.estimator, out=args.out,
        force=args.force, quiet=args.quiet, dropout=args.dropout, hidden=args.hidden,
        verify=args.verify, sections=None if args.sections is None else tuple(
            s.strip() for s in args.sections.split(",") if s.strip()),
        history=args.history, image_size=args.image_size,
        layers=None if args.layers is None else tuple(
            s.strip() for s in args.layers.split(",") if s.strip()),
    )
    outcome = build_report(cfg)
    index = outcome.out / "index.html"
    print(f"report written to {index} ({outcome.seconds:.0f} s)")
    if outcome.failed:
        failed = ", ".join(outcome.failed)
        return _fail(f"the report was written, but these analyses failed: {failed} "
                     "(see the log above and the report page).", EXIT_INTERNAL)
    return EXIT_OK


def _write_text_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _cmd_verify(args: argparse.Namespace) -> int:
    from .verify import CLAIMS, format_table, html_table, run_claims

    if args.list:
        for name, fn in CLAIMS.items():
            print(f"{name:24s} {(fn.__doc__ or '').strip().splitlines()[0]}")
        return EXIT_OK
    names = None
    if args.claims:
        names = [c.strip() for c in args.claims.split(",") if c.strip()]
        bad = [c for c in names if c not in CLAIMS]
        if bad:
            return _fail(f"--claims: unknown {bad}; choose from {', '.join(CLAIMS)}.", EXIT_INPUT)
    report_dir = None
    if args.html:
        target = Path(args.html)
        if target.is_dir():
            from .report.build import _is_previous_report

            if _is_previous_report(target):
                report_dir = target
            target = target / "verify.html"
        elif target.suffix.lower() not in (".html", ".htm"):
            return _fail(f"--html {args.html}: give a .html file name or a report directory.",
                         EXIT_INPUT)
    results = run_claims(names, random_state=args.seed)
    if args.json:
        print(json.dumps([r.to_dict() for r in results], indent=2, ensure_ascii=False,
                         allow_nan=False))
    else:
        print(format_table(results))
    if args.html:
        from ._version import __version__
        from .report.render import _CSS

        page = ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
                f"<title>infolens verify</title><style>{_CSS}</style></head><body><main>"
                f"<h1>infolens verify</h1><p>{sum(r.passed for r in results)}/{len(results)} "
                f"claims passed (infolens {__version__}, seed {args.seed}).</p>"
                f"{html_table(results)}</main></body></html>")
        _write_text_atomic(target, page)
        print(f"HTML table written to {target}")
        if report_dir is not None:
            from .report.verify_section import add_to_report

            add_to_report(report_dir, results, seed=args.seed)
            print(f"verify section added to {report_dir / 'index.html'} and results.json")
    return EXIT_OK if all(r.passed for r in results) else EXIT_INTERNAL


# --------------------------------------------------------------------------------------
def _typed_column(col: Any, name: str, where: str, categorical: bool) -> Any:
    """Type one column of a table for estimation.

    ``categorical``: integer and text columns are used as they are, other columns become
    their text labels.  Otherwise a text column whose cells are all numbers becomes
    numeric, one whose cells are all text stays categorical, and one mixing numbers and
    text is refused (naming the first non-numeric row): one stray cell would otherwise
    turn a column of measurements into thousands of categories.
    """
    import pandas as pd

    from .report.errors import InputError

    if categorical:
        return col if col.dtype.kind in "biuOSU" else col.astype(str)
    # object columns, and pandas' string dtype ("str", kind "O" too); a categorical dtype
    # is categorical on purpose
    if col.dtype.kind != "O" or isinstance(col.dtype, pd.CategoricalDtype):
        return col
    present = col.notna()
    numeric = pd.to_numeric(col, errors="coerce")
    text = present & numeric.isna()
    if not text.any():
        return numeric
    if text.all() or not (present & ~text).any():
        return col
    row = int(text.to_numpy().argmax())
    n_text, n_num = int(text.sum()), int((present & ~text).sum())
    raise InputError(
        f"--{where}: column {name!r} holds {n_num} numbers and {n_text} non-numeric cell(s); "
        f"the first is {col.iloc[row]!r} in data row {row} (0-based, header not counted). "
        f"Fix or remove the cell, or pass --categorical {name} to treat the whole column as "
        "categorical labels."
    )


def _columns(spec: str, table: Any, kind: str, where: str,
             categorical: frozenset[str] = frozenset()) -> Any:
    import numpy as np

    from .report.errors import InputError

    names = [s.strip() for s in spec.split(",") if s.strip()]
    if not names:
        raise InputError(f"--{where}: no columns given; pass comma-separated column names.")
    if kind == "npz":
        arrays = []
        for n in names:
            if n not in table:
                raise InputError(
                    f"--{where}: the NPZ file has no array {n!r}; it has {sorted(table)}.")
            a = np.asarray(table[n])
            if n in categorical and a.dtype.kind not in "biuSU":
                a = a.astype(str)
            arrays.append(a.reshape(len(a), -1) if a.ndim != 1 else a.reshape(-1, 1))
        lengths = {len(a) for a in arrays}
        if len(lengths) > 1:
            raise InputError(
                f"--{where}: the arrays {names} have different lengths {sorted(lengths)}.")
        return np.hstack(arrays) if len(arrays) > 1 else arrays[0]
    cols = []
    for n in names:
        if n in table.columns:
            cols.append(n)
        elif n.isdigit() and int(n) < table.shape[1]:
            cols.append(table.columns[int(n)])
        else:
            raise InputError(
                f"--{where}: no column {n!r}; the columns are {list(map(str, table.columns))}.")
    import pandas as pd

    return pd.DataFrame({c: _typed_column(table[c], str(c), where,
                                          str(c) in categorical or n in categorical)
                         for c, n in zip(cols, names, strict=True)})


def _json_safe(obj: Any, path: str = "") -> tuple[Any, dict[str, str]]:
    """Replace every non-finite number by ``None``; return the copy and a map from the
    path of each replaced entry (``"value"``, ``"ci[1]"``, ``"params.k"``) to what it was
    (``"inf"``, ``"-inf"``, ``"nan"``).  JSON has no infinity, and a string in a number
    field would break readers; ``null`` plus the map keeps the output standard JSON."""
    import math

    import numpy as np

    notes: dict[str, str] = {}
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            out[k], sub = _json_safe(v, f"{path}.{k}" if path else str(k))
            notes.update(sub)
        return out, notes
    if isinstance(obj, (list, tuple)):
        items = []
        for i, v in enumerate(obj):
            item, sub = _json_safe(v, f"{path}[{i}]")
            items.append(item)
            notes.update(sub)
        return items, notes
    if isinstance(obj, (float, np.floating)) and not math.isfinite(float(obj)):
        return None, {path: repr(float(obj))}
    if isinstance(obj, np.generic):
        return obj.item(), notes
    return obj, notes


def _cmd_estimate(args: argparse.Namespace) -> int:
    import numpy as np

    from .report.errors import InputError

    path = Path(args.file)
    if not path.exists():
        raise InputError(f"FILE {args.file}: no such file.")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        import pandas as pd

        try:
            table, kind = pd.read_csv(path), "frame"
        except Exception as exc:
            raise InputError(f"FILE {args.file}: cannot parse the CSV ({exc}).") from None
    elif suffix in (".parquet", ".pq"):
        import pandas as pd

        try:
            table, kind = pd.read_parquet(path), "frame"
        except ImportError:
            raise InputError("reading Parquet needs pyarrow: pip install pyarrow.") from None
        except Exception as exc:
            raise InputError(f"FILE {args.file}: cannot read the Parquet file ({exc}).") from None
    elif suffix == ".npz":
        try:
            with np.load(path, allow_pickle=False) as z:
                table, kind = {k: z[k] for k in z.keys()}, "npz"
        except Exception as exc:
            raise InputError(f"FILE {args.file}: cannot read the NPZ file ({exc}).") from None
    else:
        raise InputError(f"FILE {args.file}: unknown type {suffix!r}; use .csv, .npz or .parquet.")
    x_spec = args.x
    if x_spec.strip().lower() == "all":
        args.x = _all_but(table, kind, args.y, args.z)
    selected = {s.strip() for spec in (args.x, args.y, args.z) if spec for s in spec.split(",")}
    categorical = frozenset(
        s.strip() for s in (args.categorical or "").split(",") if s.strip())
    unknown = sorted(categorical - selected)
    if unknown:
        raise InputError(f"--categorical: {unknown} are not among the --x/--y/--z columns "
                         f"{sorted(selected)}.")
    x = _columns(args.x, table, kind, "x", categorical)
    y = None if args.y is None else _columns(args.y, table, kind, "y", categorical)
    z = None if args.z is None else _columns(args.z, table, kind, "z", categorical)
    if z is not None and y is None:
        raise InputError("--z needs --y: I(X;Y|Z) is estimated from three groups of columns.")
    base: Any = args.base  # checked and normalised by _log_base
    if args.ci is not None and not 0.0 < args.ci < 1.0:
        raise InputError(f"--ci {args.ci}: give a confidence level in (0, 1), e.g. 0.95.")
    try:
        import infolens
        fn_name = ("entropy" if y is None else "mutual_information" if z is None
                   else "conditional_mutual_information")
        fn = getattr(infolens, fn_name)
    except (ImportError, AttributeError):
        return _fail("the sample estimators (infolens.estimate.api) are not part of this "
                     "installation.", EXIT_INTERNAL)
    kwargs: dict[str, Any] = {"method": args.method, "base": base, "random_state": args.seed}
    if args.ci is not None:
        kwargs["ci"] = args.ci
    try:
        if y is None:
            est = fn(x, **kwargs)
        elif z is None:
            est = fn(x, y, **kwargs)
        else:
            est = fn(x, y, z, **kwargs)
        per = None  # several --x columns and a --y: I(X_j;Y) per column too
        if y is not None and z is None and (x_spec.strip().lower() == "all" or x.shape[1] > 1):
            per = infolens.mutual_information_per_feature(
                x, y, names=None if kind == "frame" else _npz_names(args.x, table), **kwargs)
    except (ValueError, TypeError) as exc:
        raise InputError(str(exc)) from None
    default_q = {"entropy": "H(X)", "mutual_information": "I(X;Y)",
                 "conditional_mutual_information": "I(X;Y|Z)"}[fn_name]
    quantity = getattr(est, "quantity", "") or default_q
    record = {"quantity": quantity, "value": float(est), "unit": getattr(est, "unit", ""),
              "method": getattr(est, "method", args.method), "n": getattr(est, "n", None),
              "ci": list(est.ci) if getattr(est, "ci", None) is not None else None,
              "ci_level": getattr(est, "ci_level", None), "params": getattr(est, "params", {}),
              "file": str(path), "x": x_spec, "y": args.y, "z": args.z}
    if per is not None:
        record["features"] = per.to_dict()["features"]
    if args.json:
        record, non_finite = _json_safe(record)
        if non_finite:
            record["non_finite"] = non_finite
        print(json.dumps(record, default=str, allow_nan=False))
    else:
        ci = "" if record["ci"] is None else (
            f"  {100 * record['ci_level']:.0f}% CI [{record['ci'][0]:.4f}, {record['ci'][1]:.4f}]")
        if per is not None:
            print(f"I(X_j;Y) for each of {len(per)} features, largest first:")
            print(per.sorted().table())
            print(f"\njoint, all {len(per)} features together:")
        print(f"{quantity} = {record['value']:.4f} {record['unit']}{ci}  "
              f"(method {record['method']}, n={record['n']})")
    return EXIT_OK


def _all_but(table: Any, kind: str, *specs: str | None) -> str:
    """``--x all``: every column (array) of the file not named in ``--y`` / ``--z``."""
    from .report.errors import InputError

    cols = [str(c) for c in (table if kind == "npz" else table.columns)]
    taken = set()
    for spec in specs:
        for t in (s.strip() for s in (spec or "").split(",") if s.strip()):
            taken.add(cols[int(t)] if t not in cols and t.isdigit() and int(t) < len(cols) else t)
    rest = [c for c in cols if c not in taken]
    if not rest:
        raise InputError(f"--x all: no columns are left besides --y/--z; the file has {cols}.")
    return ",".join(rest)


def _npz_names(spec: str, table: Any) -> list[str]:
    """Feature names of the NPZ arrays in ``spec``: the array's name for a 1-column
    array, ``name[j]`` for each column of a wider one."""
    out = []
    for nm in (s.strip() for s in spec.split(",") if s.strip()):
        a = table[nm]
        width = 1 if a.ndim == 1 else int(a.size // max(len(a), 1))
        out += [nm] if width == 1 else [f"{nm}[{j}]" for j in range(width)]
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``infolens`` command; returns the exit status."""
    from .report.errors import InputError

    parser = build_parser()
    args = parser.parse_args(argv)
    _setup_logging(getattr(args, "quiet", False))
    handlers = {"report": _cmd_report, "verify": _cmd_verify, "estimate": _cmd_estimate}
    try:
        return handlers[args.command](args)
    except InputError as exc:
        return _fail(str(exc), EXIT_INPUT)
    except KeyboardInterrupt:
        print("infolens: interrupted; nothing was written.", file=sys.stderr)
        return 130
    except Exception:
        _log.exception("internal error (this is a bug in infolens; please report it with the "
                       "command you ran):")
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
