"""The ``infolens verify`` table as a report section (``infolens report --verify``)."""

from __future__ import annotations

from .sections import Context, Section

__all__ = ["verify_section", "claims_figure"]


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
