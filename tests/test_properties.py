"""Property-based tests: any text in any cell either loads as typed or is refused with a
located message, never a crash, a silent merge or a changed value.

Examples are capped so the file runs in a few seconds; hypothesis keeps the failing
examples it finds in .hypothesis/ and replays them first.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from dataclasses import replace

import yaml
from conftest import MINIMAL_AUDIT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit_analysis.clean.cleaning import clean_audit, parse_date
from audit_analysis.intake.commentary import (
    _Destinations,
    is_safe_link,
    safe_markdown,
    unsafe_links_in,
)
from audit_analysis.intake.config import parse_config
from audit_analysis.intake.loading import read_csv_table, read_raw_audit
from audit_analysis.intake.raw_tables import REFERRALS, REFERRALS_SPEC, ROW
from audit_analysis.problems import errors_in
from audit_analysis.vocabulary import normalise_label

FEW = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# Any character a file can hold as UTF-8 (lone surrogates cannot be saved).
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
# Text people type in cells, biased towards what breaks CSV and Markdown.
CELL = st.one_of(
    TEXT,
    st.text(st.sampled_from(list(" ,;\t\"'\r\n=+-@#ÿЖж\u00a0\u2028\ufeffa1")), max_size=12),
)
HEADER = ["case_id", "date", "referrer", "category", "outcome"]
BASE_CONFIG = (MINIMAL_AUDIT / "audit.yaml").read_text(encoding="utf-8")
MINIMAL_RAW = replace(read_raw_audit(MINIMAL_AUDIT), commentary="")


def _has_letter_or_digit(text: str) -> bool:
    folded = unicodedata.normalize("NFKC", text)
    return any(unicodedata.category(c)[0] in "LN" for c in folded)


# -- the normaliser --------------------------------------------------------------------


@FEW
@given(TEXT)
def test_normalising_is_idempotent_and_keeps_every_letter_or_digit(text):
    folded = normalise_label(text)
    assert normalise_label(folded) == folded
    assert folded == " ".join(folded.split())
    assert bool(folded) == _has_letter_or_digit(text.replace("&", " and "))


@FEW
@given(st.characters(categories=("Lu", "Ll", "Lo")), st.characters(categories=("Lu", "Ll", "Lo")))
def test_two_different_letters_never_fold_to_the_same_name(a, b):
    def fold(c):
        return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", c).casefold())

    if fold(a) != fold(b):
        assert normalise_label(a) != normalise_label(b)


# -- audit.yaml ------------------------------------------------------------------------


@FEW
@given(TEXT)
def test_any_audit_yaml_text_gives_settings_or_located_problems(text):
    config, problems = parse_config(text)
    if config is None:
        assert problems and all(p.file == "audit.yaml" for p in problems)


@FEW
@given(st.lists(TEXT, min_size=1, max_size=3))
def test_agency_names_are_kept_as_typed_or_refused_and_never_merge(names):
    raw = yaml.safe_load(BASE_CONFIG)
    raw["agencies"] = [{"name": n} for n in names]
    config, problems = parse_config(yaml.safe_dump(raw, allow_unicode=True))
    if config is None or errors_in(problems):
        assert problems and all(p.file == "audit.yaml" for p in problems)
        return
    # YAML itself folds line-break characters such as NEL (\x85) in a name: compare with
    # what audit.yaml holds after the round trip, not with the Python string.
    as_read = [yaml.safe_load(yaml.safe_dump(n, allow_unicode=True)) for n in names]
    assert list(config.agency_names) == [n.strip() for n in as_read]
    for name in config.agency_names:
        assert config.agency_lookup[normalise_label(name)] == name
    assert len({normalise_label(n) for n in config.agency_names}) == len(names)


# -- CSV reading -----------------------------------------------------------------------


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *rows])
    return out.getvalue().encode("utf-8")


@FEW
@given(st.lists(st.lists(CELL, min_size=5, max_size=5), max_size=5))
def test_any_cell_is_read_exactly_as_typed_or_refused_with_its_file(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("csv") / REFERRALS
    path.write_bytes(_csv(rows))
    table, problems = read_csv_table(path, REFERRALS_SPEC)
    if table is None:
        assert errors_in(problems) and all(p.file == REFERRALS for p in problems)
        return
    kept = [r for r in rows if any(c.strip() for c in r)]
    assert table.frame[HEADER].to_numpy().tolist() == kept
    assert table.frame[ROW].is_monotonic_increasing


@FEW
@given(st.lists(st.lists(CELL, min_size=5, max_size=5), min_size=1, max_size=4))
def test_every_referral_row_is_cleaned_or_reported_by_its_row(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("csv") / REFERRALS
    path.write_bytes(_csv(rows))
    table, _ = read_csv_table(path, REFERRALS_SPEC)
    if table is None:
        return
    raw = replace(MINIMAL_RAW, tables={**MINIMAL_RAW.tables, REFERRALS: [table]}, problems=[])
    result = clean_audit(raw)
    refused = {p.row for p in errors_in(result.problems) if p.file == REFERRALS}
    assert len(result.referrals) + len(refused & set(table.frame[ROW])) == len(table.frame)


# -- dates and commentary --------------------------------------------------------------


@FEW
@given(st.one_of(TEXT, st.dates().map(lambda d: d.strftime("%d/%m/%Y"))))
def test_a_date_is_plausible_or_refused(text):
    date = parse_date(text)
    assert date is None or dt.date(1990, 1, 1) <= date <= dt.date(2100, 12, 31)


LINKISH = st.lists(
    st.sampled_from(
        [
            "[",
            "]",
            "(",
            ")",
            "<",
            ">",
            "!",
            ":",
            " ",
            "\n",
            "\t",
            "> ",
            "- ",
            "\\",
            "&#",
            "&#x",
            "106;",
            "58;",
            "09;",
            "javascript",
            "JaVaScRiPt",
            "java",
            "script",
            "vbscript",
            "data",
            "text/html,",
            "alert(1)",
            "https://x.org",
            "r",
            "x",
        ]
    ),
    max_size=25,
).map("".join)


@settings(max_examples=80, deadline=None)
@given(st.one_of(LINKISH, TEXT))
def test_no_commentary_renders_a_live_unsafe_link(text):
    """Checked with nbconvert's own renderer, the one the HTML paper is made with, and with
    the lighter one the commentary check uses."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    made_safe = safe_markdown(text)
    finder = _Destinations()
    finder.feed(markdown2html_mistune(made_safe))
    assert [link for link in finder.found if not is_safe_link(link)] == []
    assert unsafe_links_in(made_safe) == []
