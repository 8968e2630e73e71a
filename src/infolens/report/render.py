"""One self-contained HTML page: inline CSS, figures as base64 PNG, every text escaped.

The page needs no network.  A small inline script records JavaScript errors and images
that fail to decode in ``<body data-page-status=…>`` so a headless browser can check the
page (``ok`` when everything loaded, ``error: …`` otherwise).
"""

from __future__ import annotations

import base64
import html
import math
from typing import Any

from .sections import Section

__all__ = ["render_html", "format_number"]

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;
  background:#f6f7f9;color:#1d2330;line-height:1.5}
header{background:#1d3557;color:#fff;padding:1.2rem 2rem}
header h1{margin:0 0 .3rem 0;font-size:1.6rem}
header p{margin:.1rem 0;opacity:.9}
main{max-width:1000px;margin:0 auto;padding:1rem 2rem 3rem}
nav ol{columns:2;padding-left:1.2rem}
section{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:1rem 1.4rem;
  margin:1.2rem 0}
section h2{margin-top:.2rem;font-size:1.25rem}
.status{display:inline-block;font-size:.8rem;padding:.1rem .5rem;border-radius:4px;
  margin-left:.5rem;vertical-align:middle}
.status.ok{background:#d8f3dc;color:#1b4332}.status.unavailable{background:#fff3bf;color:#7a5901}
.status.failed{background:#ffd6d6;color:#8a1c1c}.status.not_applicable{background:#e9ecef;color:#444}
.status.saturated{background:#ffe8cc;color:#7a3e00}
.status.impossible{background:#ffd6d6;color:#8a1c1c}
.reading{font-size:1.02rem}
.method{font-size:.9rem;color:#4a5568;border-left:3px solid #a8dadc;padding-left:.7rem}
figure{margin:.8rem 0;text-align:center}figure img{max-width:100%;height:auto}
figcaption{font-size:.85rem;color:#555}
table{border-collapse:collapse;font-size:.85rem;margin:.6rem 0;width:100%}
th,td{border-bottom:1px solid #e2e6ea;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f1f3f5}
td.num{font-variant-numeric:tabular-nums;text-align:right}
tr.fail td{background:#fff0f0}
td.detail{font-size:.78rem;color:#555}
footer{font-size:.8rem;color:#666;text-align:center;padding:1rem}
"""

_CHECK_JS = """
(function(){
  var errors=[];
  function mark(){
    var body=document.body; if(!body){return;}
    body.setAttribute('data-page-status', errors.length ? 'error: '+errors.join(' | ') : 'ok');
  }
  window.addEventListener('error', function(e){
    var t=e.target;
    if(t && t.tagName==='IMG'){errors.push('image failed: '+(t.getAttribute('alt')||'?'));}
    else{errors.push('js: '+(e.message||'error'));}
    mark();
  }, true);
  window.addEventListener('load', function(){
    var imgs=document.images;
    for(var i=0;i<imgs.length;i++){
      if(!imgs[i].complete || imgs[i].naturalWidth===0){
        errors.push('image not decoded: '+(imgs[i].getAttribute('alt')||i));
      }
    }
    mark();
  });
})();
"""


def format_number(v: Any) -> str:
    """Numbers as the report prints them (4 significant digits; ints unchanged).

    >>> format_number(0.123456), format_number(12345678.0), format_number(7), format_number(True)
    ('0.1235', '1.235e+07', '7', 'yes')
    """
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            return str(v)
        if v == 0:
            return "0"
        if 1e-3 <= abs(v) < 1e5:
            return f"{v:.4g}"
        return f"{v:.3e}"
    return str(v)


def _flatten(numbers: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = []
    for k, v in numbers.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            rows.extend(_flatten(v, key + "."))
        elif isinstance(v, (list, tuple)):
            if len(v) <= 8 and all(isinstance(a, (int, float, str, bool)) for a in v):
                rows.append((key, ", ".join(format_number(a) for a in v)))
            else:
                rows.append((key, f"[{len(v)} values, see results.json]"))
        else:
            rows.append((key, v))
    return rows


def _section_html(sec: Section) -> str:
    e = html.escape
    label = {"ok": "computed", "unavailable": "not available yet", "failed": "failed",
             "not_applicable": "not applicable", "saturated": "saturated",
             "impossible": "impossible value"}[sec.status]
    key, status = e(sec.key, quote=True), e(sec.status, quote=True)
    parts = [f"<section id='sec-{key}' data-status='{status}'>",
             f"<h2>{e(sec.title)}<span class='status {status}'>{e(label)}</span></h2>",
             f"<p class='reading'>{e(sec.reading)}</p>"]
    for fig in sec.figures:
        data = base64.b64encode(fig.png).decode("ascii")
        parts.append(
            f"<figure><img src='data:image/png;base64,{data}' alt='{e(fig.alt, quote=True)}'>"
            f"<figcaption>{e(fig.alt)} (figures/{e(fig.name)}.png)</figcaption></figure>"
        )
    if sec.html_table:
        parts.append(sec.html_table)  # built by the section with escaped content
    rows = _flatten(sec.numbers)
    if rows:
        body = "".join(
            f"<tr><td>{e(k)}</td><td class='num'>{e(format_number(v))}</td></tr>" for k, v in rows
        )
        parts.append(f"<details><summary>numbers ({len(rows)})</summary>"
                     f"<table>{body}</table></details>")
    if sec.method:
        parts.append(f"<p class='method'>{e(sec.method)}</p>")
    parts.append("</section>")
    return "".join(parts)


def render_html(title: str, subtitle: list[str], sections: list[Section], footer: str) -> str:
    """The whole page as a string.

    Parameters
    ----------
    title : str
        Page heading (escaped).
    subtitle : list of str
        Lines under the heading (escaped): dataset, model, seed, parameters.
    sections : list of Section
    footer : str
        Version and provenance line (escaped).
    """
    e = html.escape
    nav = "".join(
        f"<li><a href='#sec-{e(s.key, quote=True)}'>{e(s.title)}</a></li>" for s in sections
    )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{e(title)}</title><style>{_CSS}</style>"
        f"<script>{_CHECK_JS}</script></head><body data-page-status='loading'>"
        f"<header><h1>{e(title)}</h1>" + "".join(f"<p>{e(s)}</p>" for s in subtitle) + "</header>"
        f"<main><nav><ol>{nav}</ol></nav>" + "".join(_section_html(s) for s in sections)
        + f"</main><footer>{e(footer)}</footer></body></html>"
    )
