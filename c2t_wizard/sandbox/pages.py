"""HTML for the sandbox's browser pages: one layout, a little CSS, helpers for forms."""

from __future__ import annotations

from html import escape

from aiohttp import web

_CSS = """
:root { color-scheme: light; --accent: #0f6cbd; --error: #b10e1c; --muted: #5c5c5c; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 "Segoe UI", system-ui, -apple-system, sans-serif;
       background: #f3f2f1; color: #1b1a19; }
.banner { background: #fff4ce; border-bottom: 2px solid #c19c00; padding: .4rem 1rem;
          font-weight: 600; letter-spacing: .03em; text-align: center; }
main { max-width: 32rem; margin: 2.5rem auto; background: #fff; padding: 2rem 2.25rem;
       border-radius: 6px; box-shadow: 0 2px 8px rgba(0,0,0,.12); }
h1 { font-size: 1.45rem; font-weight: 600; margin: 0 0 .25rem; }
.step { color: var(--muted); font-size: .85rem; margin: 0 0 1.25rem; }
p.lead { margin: .25rem 0 1.25rem; }
.field { margin: 0 0 1rem; }
label { display: block; font-weight: 600; margin-bottom: .25rem; }
input[type=text], input[type=email], input[type=tel], input[type=password], select {
  width: 100%; padding: .45rem .6rem; border: 1px solid #8a8886; border-radius: 3px; font: inherit; }
input:focus, select:focus, button:focus { outline: 2px solid var(--accent); outline-offset: 1px; }
.row { display: flex; gap: .75rem; } .row .field { flex: 1; }
.domain { display: flex; align-items: center; gap: .35rem; } .domain input { flex: 1; }
.suffix { color: var(--muted); white-space: nowrap; }
.hint { color: var(--muted); font-size: .85rem; margin: .2rem 0 0; }
.error { color: var(--error); font-size: .85rem; margin: .25rem 0 0; }
.ok { color: #107c10; font-size: .85rem; margin: .25rem 0 0; }
.alert { background: #fde7e9; border-left: 4px solid var(--error); padding: .6rem .8rem;
         margin-bottom: 1rem; }
.notice { background: #fff4ce; border-left: 4px solid #c19c00; padding: .6rem .8rem;
          margin: 0 0 1rem; }
.code { font: 600 1.6rem/1.2 ui-monospace, "Cascadia Mono", monospace; letter-spacing: .2em; }
.actions { display: flex; gap: .75rem; justify-content: flex-end; margin-top: 1.5rem; }
button { font: inherit; padding: .45rem 1.4rem; border-radius: 3px; cursor: pointer;
         border: 1px solid #8a8886; background: #fff; }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; }
dt { font-weight: 600; } dd { margin: 0; word-break: break-all; }
footer { text-align: center; color: var(--muted); font-size: .8rem; margin-bottom: 2rem; }
"""


def page(title: str, body: str, *, status: int = 200, script: str = "") -> web.Response:
    """A full HTML page with the SANDBOX banner."""
    script_tag = f"<script>{script}</script>" if script else ""
    html = (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · Sandbox</title><style>{_CSS}</style></head><body>"
        '<div class="banner" role="note">SANDBOX — nothing here is real Microsoft; '
        "no data leaves this computer</div>"
        f"<main>{body}</main>"
        "<footer>c2t-wizard sandbox</footer>"
        f"{script_tag}</body></html>"
    )
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")


def field(
    name: str,
    label: str,
    *,
    value: str = "",
    kind: str = "text",
    error: str | None = None,
    hint: str | None = None,
    required: bool = True,
    autocomplete: str | None = None,
    extra: str = "",
) -> str:
    """A labelled input with its hint and error text tied to it for screen readers."""
    ident = f"f-{name}"
    described = []
    hint_html = error_html = ""
    if hint:
        described.append(f"{ident}-hint")
        hint_html = f'<p class="hint" id="{ident}-hint">{escape(hint)}</p>'
    if error:
        described.append(f"{ident}-error")
        error_html = f'<p class="error" id="{ident}-error" role="alert">{escape(error)}</p>'
    attrs = [f'type="{kind}"', f'id="{ident}"', f'name="{name}"']
    if kind != "password":
        attrs.append(f'value="{escape(value)}"')
    if required:
        attrs.append("required")
    if autocomplete:
        attrs.append(f'autocomplete="{autocomplete}"')
    if described:
        attrs.append(f'aria-describedby="{" ".join(described)}"')
    if error:
        attrs.append('aria-invalid="true"')
    if extra:
        attrs.append(extra)
    return (
        f'<div class="field"><label for="{ident}">{escape(label)}</label>'
        f"<input {' '.join(attrs)}>{hint_html}{error_html}</div>"
    )


def hidden(name: str, value: str) -> str:
    return f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">'


def error_page(title: str, message: str, *, status: int = 400) -> web.Response:
    return page(
        title,
        f'<h1>{escape(title)}</h1><div class="alert" role="alert">{escape(message)}</div>',
        status=status,
    )
