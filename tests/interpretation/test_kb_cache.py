"""The knowledge base's on-disk mapping cache: same result as no cache, read when valid, never when stale."""

from __future__ import annotations

import json
from dataclasses import astuple, replace

import pytest

from whimscreen.interpretation import kb_cache, knowledge_base
from whimscreen.interpretation.knowledge_base import load
from whimscreen.reference.demo import demo_locus


@pytest.fixture(scope="module")
def locus():
    return demo_locus()


@pytest.fixture(scope="module")
def fresh(locus):
    return load(locus)


def _no_mapping(monkeypatch):
    def refuse(*_):
        raise AssertionError("mapped again although a valid cache was there")

    monkeypatch.setattr(knowledge_base, "_map", refuse)


def test_cached_load_equals_a_fresh_one_and_is_read_back(tmp_path, locus, fresh, monkeypatch):
    first = load(locus, cache_dir=tmp_path)
    assert first == fresh and len(first.entries) > 20
    assert [p.name.startswith(kb_cache.PREFIX) for p in tmp_path.iterdir()] == [True]
    _no_mapping(monkeypatch)
    again = load(locus, cache_dir=tmp_path)
    assert again == fresh
    assert [e.variant for e in again.entries] == [e.variant for e in fresh.entries]


def test_a_changed_knowledge_base_is_mapped_again(tmp_path, locus, fresh, monkeypatch):
    load(locus, cache_dir=tmp_path)
    text, version, rows = knowledge_base._read()
    first = rows[0]["hgvs_c"]
    assert first != "c.3G>A"
    changed = [dict(rows[0], hgvs_c="c.3G>A", hgvs_p="p.(Met1?)")] + rows[1:]
    edited = text.replace(first, "c.3G>A", 1)
    monkeypatch.setattr(knowledge_base, "_read", lambda path=None: (edited, version, changed))
    kb = load(locus, cache_dir=tmp_path)
    want = knowledge_base._map(locus, "c.3G>A")["variant"]
    assert kb.entries[0].hgvs_c == "c.3G>A" and list(astuple(kb.entries[0].variant)) == want
    assert kb.entries[0].variant != fresh.entries[0].variant and kb.entries[1:] == fresh.entries[1:]
    assert len(list(tmp_path.glob(f"{kb_cache.PREFIX}*.json"))) == 1  # the stale file was replaced


def test_every_input_of_the_mapping_is_in_the_key(tmp_path, locus, monkeypatch):
    text = knowledge_base._read()[0]
    base = kb_cache.key(text, locus)
    assert kb_cache.key(text, locus) == base
    assert kb_cache.key(text + "\n", locus) != base
    other = replace(locus, sequence=locus.sequence[:-1] + ("A" if locus.sequence[-1] != "A" else "C"))
    assert kb_cache.key(text, other) != base
    assert kb_cache.key(text, replace(locus, start=locus.start + 1)) != base
    source = tmp_path / "annotate.py"
    source.write_text("x = 1\n")
    monkeypatch.setattr(kb_cache, "_SOURCES", (*kb_cache._SOURCES, source))
    with_source = kb_cache.key(text, locus)
    source.write_text("x = 2\n")
    assert kb_cache.key(text, locus) != with_source
    monkeypatch.setattr(kb_cache, "_package_files", lambda name: f"{name} 2.0")
    assert kb_cache.key(text, locus) != base
    import whimscreen.reference.sources as sources

    monkeypatch.setattr(sources, "data_digest", lambda: "0" * 64)
    assert kb_cache.key(text, locus) != base


def test_a_damaged_cache_file_is_not_used(tmp_path, locus, fresh, monkeypatch):
    load(locus, cache_dir=tmp_path)
    (path,) = tmp_path.glob(f"{kb_cache.PREFIX}*.json")
    doc = json.loads(path.read_text())
    name = next(iter(doc["payload"]))
    doc["payload"][name]["hgvs_p"] = "p.(Tampered)"
    path.write_text(json.dumps(doc))
    assert load(locus, cache_dir=tmp_path) == fresh
    path.write_text(path.read_text()[:100])  # truncated
    assert load(locus, cache_dir=tmp_path) == fresh
    _no_mapping(monkeypatch)  # and it was rewritten whole
    assert load(locus, cache_dir=tmp_path) == fresh


def test_a_cache_that_cannot_be_written_is_not_an_error(tmp_path, locus, fresh):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    assert load(locus, cache_dir=blocker / "cache") == fresh


def test_unreadable_sources_mean_no_cache(tmp_path, locus, fresh, monkeypatch):
    monkeypatch.setattr(kb_cache, "_SOURCES", (tmp_path / "gone.py",))
    assert kb_cache.key("text", locus) is None
    assert load(locus, cache_dir=tmp_path / "cache") == fresh
    assert not (tmp_path / "cache").exists()


def test_the_cli_reads_the_same_knowledge_base_from_its_cache(tmp_path):
    """``classify`` with a fresh data home (the mapping is made and cached) and again (read from the cache)
    gives the same answer, the knowledge base's asserted class and evidence included."""
    from tests.conftest import run_cli

    home = tmp_path / "home"
    first = run_cli("classify", "c.1000C>T", "--json", home=home, check=True)
    (cached,) = (home / "cache").glob(f"{kb_cache.PREFIX}*.json")
    stamp = cached.stat().st_mtime_ns
    again = run_cli("classify", "c.1000C>T", "--json", home=home, check=True)
    assert cached.stat().st_mtime_ns == stamp  # read, not rewritten
    assert json.loads(again.stdout) == json.loads(first.stdout)
    assert json.loads(first.stdout)["knowledge_base_classification"] == "Pathogenic"
