"""Tests for dashboard.store.search: free-text search and excerpt heads, in the database.

Tests taking ``store`` run on SQLite and PostgreSQL (see conftest.py).
"""

from __future__ import annotations

from store_builders import OTHER_TEXT, TEXT, report, sotk_incident, vague_incident

from dashboard.store import Store


def test_search_matches_summary_source_text_and_title_ignoring_case(store: Store) -> None:
    store.save_document(report(), [sotk_incident(), vague_incident()])
    assert store.search_incident_ids("SOLDIERS WERE") == {"inc-sotk", "inc-vague"}  # source text
    assert store.search_incident_ids("of sotk") == {"inc-sotk"}  # summary
    assert store.search_incident_ids("report src-1") == {"inc-sotk", "inc-vague"}  # title
    assert store.search_incident_ids("Goris") == set()


def test_search_takes_like_wildcards_literally_and_ignores_blank_text(store: Store) -> None:
    store.save_document(report(), [sotk_incident()])
    assert store.search_incident_ids("Sh_lling") == set()
    assert store.search_incident_ids("%") == set()
    assert store.search_incident_ids("   ") == set()


def test_excerpt_heads_are_the_first_excerpt_by_citation_order_cut_short(store: Store) -> None:
    store.save_document(report(), [sotk_incident(), vague_incident()])
    store.save_document(report("src-2", OTHER_TEXT), [sotk_incident("src-2")])
    heads = store.excerpt_heads(["inc-sotk", "inc-vague", "inc-sotk", "nope"], 8)
    # inc-vague's citation has no excerpt; src-1 is cited before src-2.
    assert heads == {"inc-sotk": TEXT[:8]}
