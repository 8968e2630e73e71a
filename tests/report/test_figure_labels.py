"""Point labels in the report's scatter plots: layers that land on one spot share a label
(seen on a transformer whose last block and final norm carry the same information)."""

from __future__ import annotations

from infolens.report.figures import label_points, new_figure


def test_close_points_share_one_label_and_far_ones_keep_their_own():
    fig, ax = new_figure(1)
    ax.set_xlim(0, 3)
    ax.set_ylim(0, 1)
    xs = [0.92, 0.93, 2.0, 2.87, 2.88]
    ys = [0.91, 0.905, 0.82, 0.19, 0.05]  # the last two 0.14 apart in y: 14% of the axes
    labels = label_points(ax, xs, ys, ["blocks.3", "norm", "blocks.1", "blocks.0", "emb"])
    assert labels == ["blocks.3, norm", "blocks.1", "blocks.0", "emb"]
    texts = [t for t in ax.texts]
    assert [t.get_text() for t in texts] == labels
    # points near the right edge are labelled to their left, inside the axes
    assert [t.get_horizontalalignment() for t in texts] == ["left", "left", "right", "right"]
