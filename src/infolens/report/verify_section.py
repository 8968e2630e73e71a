"""The ``infolens verify`` table as a report section (``infolens report --verify``)."""

from __future__ import annotations

from pathlib import Path

from .sections import Context, Section

__all__ = ["verify_section", "claims_figure", "add_to_report"]


def claims_figure(results: list) -> object:
    """Bar chart: for each claim, how far inside (or outside) its tolerance it landed."""
    import math

    from .figures import new_figure, to_png

    fig, ax = new_figure(1, width=6.4, height=0.35 * len(results) + 1.2)
    names = [r.name for r in results]
    colours = ["#2a9d8f" if r.passed else "#e63946" for r in results]
    ax.barh(names, [1 for _ in results], color=colours)
    for i, r in enumerate(results):
        txt = "not computed" if not math.isfinite(r.measured) else (
            f"{r.measured:.4g} {r.relation} {r.expected:.4g} (tol {r.tolerance:.1g})")
        ax.text(0.02, i, txt, va="center", color="white", fontsize=8)
    ax.set_xticks([])
    ax.invert_yaxis()
    ax.set_title("green: claim verified, red: not verified")
    return to_png(fig, "verify", "Claims of the source text: pass (green) or fail (red)")


def verify_section(ctx: Context) -> Section:
    """Run every claim and show the table."""
    from ..verify import html_table, run_claims

    results = run_claims(random_state=ctx.seed)
    n_ok = sum(r.passed for r in results)
    failed = [r.name for r in results if not r.passed]
    reading = (f"{n_ok} of {len(results)} claims of the source text were confirmed numerically "
               "with infolens' own functions." + (f" Not confirmed: {', '.join(failed)}."
                                                  if failed else ""))
    return Section("verify", "Claims of the source text, verified", reading=reading,
                   figures=[claims_figure(results)],
                   numbers={r.name: r.to_dict() for r in results},
                   html_table=html_table(results),
                   method="Each claim is a function in infolens.verify.claims; its tolerance "
                   "and how it was derived are given in the table.")


def _replace_file(path: Path, data: bytes) -> None:
    import os
    import tempfile

    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def add_to_report(report_dir: Path, results: list, *, seed: int) -> None:
    """Add (or replace) the verify section of an existing infolens report.

    Writes ``figures/verify.png``, then ``results.json`` and ``index.html``, each replaced
    atomically (temporary file + rename), so every file is always complete.
    """
    import json
    import re

    from ..verify import html_table
    from .render import _section_html

    report_dir = Path(report_dir)
    meta = json.loads((report_dir / "results.json").read_text(encoding="utf-8"))
    n_ok = sum(r.passed for r in results)
    failed = [r.name for r in results if not r.passed]
    sec = Section("verify", "Claims of the source text, verified",
                  reading=f"{n_ok} of {len(results)} claims of the source text were confirmed "
                  "numerically with infolens' own functions."
                  + (f" Not confirmed: {', '.join(failed)}." if failed else ""),
                  figures=[claims_figure(results)],
                  numbers={r.name: r.to_dict() for r in results},
                  html_table=html_table(results),
                  method=f"infolens verify (seed {seed}); each claim is a function in "
                  "infolens.verify.claims.")
    (report_dir / "figures").mkdir(exist_ok=True)
    _replace_file(report_dir / "figures" / "verify.png", sec.figures[0].png)
    meta.setdefault("sections", {})["verify"] = sec.to_dict()
    _replace_file(report_dir / "results.json",
                  json.dumps(meta, indent=2, allow_nan=False, ensure_ascii=False).encode())
    page = (report_dir / "index.html").read_text(encoding="utf-8")
    block = _section_html(sec)
    pattern = re.compile(r"<section id='sec-verify'.*?</section>", re.S)
    if pattern.search(page):
        page = pattern.sub(lambda _m: block, page, count=1)
    else:
        page = page.replace("</main>", block + "</main>", 1)
    if "href='#sec-verify'" not in page:
        page = page.replace("</ol></nav>", "<li><a href='#sec-verify'>Claims of the source "
                            "text, verified</a></li></ol></nav>", 1)
    _replace_file(report_dir / "index.html", page.encode("utf-8"))
