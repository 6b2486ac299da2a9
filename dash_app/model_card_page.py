"""The "Fiche du modèle" page (/fiche-modele/): the served version's model card, for analysts, French first.

The card comes from the scoring service (GetModelInfo), never from the registry or the training files; it is
Markdown of a small known shape (headings, paragraphs, lists, tables, bold, code), turned into HTML here with every
piece of text escaped: an override reason is free text typed by a person.
"""

from __future__ import annotations

import html
import re

import flask

from dash_app.auth import current_language
from dash_app.i18n import t
from scoring_service.domain import ScoringApi

PATH = "/fiche-modele/"
STYLES = ("/assets/00-bootstrap-5.3.3.min.css", "/assets/10-app.css")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_CODE = re.compile(r"`([^`]+)`")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def install_model_card_page(server: flask.Flask, api: ScoringApi, language: str) -> None:
    @server.route(PATH)
    def model_card_page() -> flask.Response:
        lang = current_language(language)
        try:
            card = api.model_info(language=lang).model_card
        except (
            Exception
        ) as exc:  # the service down or failing: say so, in the page, with the service's sentence
            return _page(
                lang, f'<p role="alert">{html.escape(t(lang, "card.unavailable", error=str(exc)))}</p>', 503
            )
        if not card.strip():
            return _page(lang, f"<p>{html.escape(t(lang, 'card.none'))}</p>", 404)
        return _page(lang, markdown_to_html(card))


def _page(lang: str, body: str, status: int = 200) -> flask.Response:
    other = "en" if lang == "fr" else "fr"
    styles = "".join(f'<link rel="stylesheet" href="{href}">' for href in STYLES)
    page = (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(t(lang, 'card.title'))} — {html.escape(t(lang, 'app.name'))}</title>{styles}</head>"
        '<body><nav class="container-fluid my-2" aria-label="navigation">'
        f'<a href="/" class="me-3">{html.escape(t(lang, "drift.back"))}</a>'
        f'<a href="/lang/{other}?next={PATH}" lang="{other}" hreflang="{other}">'
        f"{html.escape(t(other, 'lang.switch'))}</a></nav>"
        f'<main id="model-card" class="container-fluid model-card">{body}</main></body></html>'
    )
    return flask.Response(page, status=status, mimetype="text/html")


def markdown_to_html(text: str) -> str:
    """The card's Markdown as HTML: # and ## headings, paragraphs, - lists, | tables |, ---, **bold**, `code`."""
    out: list[str] = []
    blocks = re.split(r"\n\s*\n", text.strip())
    for block in blocks:
        lines = block.splitlines()
        if len(lines) == 1 and lines[0].startswith("## "):
            out.append(f"<h2>{_inline(lines[0][3:])}</h2>")
        elif len(lines) == 1 and lines[0].startswith("# "):
            out.append(f"<h1>{_inline(lines[0][2:])}</h1>")
        elif lines[0].strip() == "---":
            out.append("<hr>")
        elif all(line.startswith("|") for line in lines) and len(lines) >= 2:
            out.append(_table(lines))
        elif all(line.startswith("- ") for line in lines):
            out.append("<ul>" + "".join(f"<li>{_inline(line[2:])}</li>" for line in lines) + "</ul>")
        else:
            out.append(f"<p>{'<br>'.join(_inline(line) for line in lines)}</p>")
    return "\n".join(out)


def _cells(line: str) -> list[str]:
    parts = _CELL_SPLIT.split(line.strip())
    return [p.strip().replace("\\|", "|") for p in parts[1:-1]]


def _table(lines: list[str]) -> str:
    head = "".join(f'<th scope="col">{_inline(c)}</th>' for c in _cells(lines[0]))
    body = "".join(
        "<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in _cells(line)) + "</tr>" for line in lines[2:]
    )
    table = f'<table class="table table-sm"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    return f'<div class="table-responsive">{table}</div>'


def _inline(text: str) -> str:
    escaped = html.escape(text)
    escaped = _BOLD.sub(r"<strong>\1</strong>", escaped)
    return _CODE.sub(r"<code>\1</code>", escaped)
