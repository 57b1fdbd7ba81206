"""``whimscreen kb releases`` and ``kb activate`` on the data home's database: the active release is marked,
activation needs an active director or administrator, and the job processes then read the release."""

from __future__ import annotations

import json

from tests.conftest import run_cli
from tests.interpretation.clinvar_fixtures import write_vcf
from whimscreen.cli.admin import make_user


def test_releases_activate_and_the_runner_reads_the_active_release(locus, home, tmp_path):
    home.mkdir(parents=True, exist_ok=True)
    run_cli("kb", "import-clinvar", "--vcf", str(write_vcf(tmp_path, locus)), home=home, check=True)
    listed = run_cli("kb", "releases", home=home, check=True).stdout
    assert "  2026.12.2+clinvar.20261124" in listed and "changed 1" in listed and "* " not in listed

    for email, role in (("tech@lab.test", "technologist"), ("dir@lab.test", "director")):
        make_user(email, role.title(), role, "a long enough password 1")
    refused = run_cli("kb", "activate", "2026.12.2+clinvar.20261124", "--by", "tech@lab.test", home=home)
    assert refused.returncode == 2 and "director" in refused.stderr
    missing = run_cli("kb", "activate", "2099.1.1", "--by", "dir@lab.test", home=home)
    assert missing.returncode == 2 and "no knowledge-base release 2099.1.1" in missing.stderr

    out = run_cli(
        "kb", "activate", "2026.12.2+clinvar.20261124", "--by", "dir@lab.test", home=home, check=True
    )
    assert "0 reclassification task(s)" in out.stdout
    assert "* 2026.12.2+clinvar.20261124" in run_cli("kb", "releases", home=home, check=True).stdout
    marker = json.loads((home / "kb" / "active.json").read_text())
    assert marker["version"] == "2026.12.2+clinvar.20261124"

    from whimscreen.program.kb_releases import active_kb

    kb = active_kb(home, locus)
    assert kb.version == "2026.12.2+clinvar.20261124"
    r334x = next(e for e in kb.entries if e.hgvs_c == "c.1000C>T")
    assert r334x.fields["clinvar_classification"] == "Likely pathogenic"


def test_a_release_file_changed_after_it_was_written_is_refused(locus, home, tmp_path):
    home.mkdir(parents=True, exist_ok=True)
    run_cli("kb", "import-clinvar", "--vcf", str(write_vcf(tmp_path, locus)), home=home, check=True)
    path = home / "kb" / "releases" / "2026.12.2+clinvar.20261124.tsv"
    path.write_text(path.read_text().replace("Likely pathogenic", "Benign"))
    make_user("dir@lab.test", "Director", "director", "a long enough password 1")
    refused = run_cli("kb", "activate", "2026.12.2+clinvar.20261124", "--by", "dir@lab.test", home=home)
    assert refused.returncode == 2 and "missing or was changed" in refused.stderr
    assert not (home / "kb" / "active.json").exists()


def test_validate_a_release_and_the_command_line_uses_the_active_release(locus, home, tmp_path):
    home.mkdir(parents=True, exist_ok=True)
    run_cli("kb", "import-clinvar", "--vcf", str(write_vcf(tmp_path, locus)), home=home, check=True)
    path = home / "kb" / "releases" / "2026.12.2+clinvar.20261124.tsv"
    out = run_cli("kb", "validate", "--release", str(path), home=home, check=True).stdout
    assert "version 2026.12.2+clinvar.20261124" in out and "valid" in out
    before = run_cli("classify", "NM_003467.3:c.1000C>T", "--json", home=home, check=True).stdout
    assert json.loads(before)["clinvar_classification"] == "Pathogenic"  # the package's
    make_user("dir@lab.test", "Director", "director", "a long enough password 1")
    run_cli("kb", "activate", "2026.12.2+clinvar.20261124", "--by", "dir@lab.test", home=home, check=True)
    after = json.loads(run_cli("classify", "NM_003467.3:c.1000C>T", "--json", home=home, check=True).stdout)
    assert after["clinvar_classification"] == "Likely pathogenic" and after["kb_version"].endswith("20261124")
    assert after["classification"] == json.loads(before)["classification"]  # ClinVar never decides the class
